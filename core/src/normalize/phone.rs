//! Phone numbers to E.164.
//!
//! What customers type at a checkout is rarely what a phone library expects: Arabic-Indic
//! (`٠٦١٢`) or Persian (`۰۶۱۲`) digits, right-to-left marks pasted from a chat, labels ("Tel.",
//! "واتساب"), "+212 (0)6…", "00212…", "+00212…", "212612…" without the plus, the letter O for
//! a zero or l for a one, two numbers in one field (both are read: an order is found again by
//! either). This module does that cleaning itself and then hands the metadata
//! library one canonical `[+]digits` string, so the library only ever sees the one input shape
//! it is best tested on.
//!
//! A letter glued between two digits (`07x90069689`, `0900 332 600a5`) is a typo nobody can
//! resolve: the digits before it are not the whole number and those after it are not a number
//! of their own. The run of digit groups holding it yields no number, so a slip never turns
//! into someone else's valid number. (`O`/`o` and `l`/`I` among digits are read as 0 and 1.)
//!
//! # Why `rlibphonenumber`
//!
//! Validation is delegated to `rlibphonenumber`, a port of Google's libphonenumber with current
//! metadata. The other Rust port, `phonenumber`, agreed with Google's libphonenumber on only 80%
//! of our MENA sample inputs, rejects Arabic-Indic digits, ships stale number ranges and takes a
//! global lock; `rlibphonenumber` agreed on 100% of them and is about 12 times faster.
//!
//! The library is still called inside [`std::panic::catch_unwind`]: it has panicked on some
//! malformed `tel:` / `phone-context` inputs, and a checkout must never crash on a phone field.
//! A panic there becomes [`ErrorKind::PhoneNotANumber`].
//!
//! # Junk numbers and numbers that look made up
//!
//! Two things are told apart, because a real customer's number must never be thrown away for its
//! digits:
//!
//! - *Junk* ([`PhoneInfo::junk`]): a number nobody can have. All digits of the national number
//!   equal (`0666666666`), or a number in a range a regulator reserves for fiction and tests
//!   (Ofcom's drama numbers, NANP 555-0100 to 555-0199, ACMA's fictitious numbers), listed with
//!   their sources in `core/data/phone_fictitious_ranges.tsv`. [`normalize_phone`] refuses junk
//!   ([`ErrorKind::PhoneJunk`]).
//! - *Looks made up* ([`PhoneInfo::looks_fake`]): a valid number holding a run of six or more
//!   equal digits or a counting sequence of six or more digits (`0555 12 34 56`, `0612345678`,
//!   `0600000000`). Operators do allocate such numbers (libphonenumber's own example numbers are
//!   full of them), so this is only a weak signal: the number normalizes, links the customer's
//!   past orders, and the policy counts it as one hint among others.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use rlibphonenumber::{
    ParseError, PhoneNumber, PhoneNumberFormat, PhoneNumberType, Region, ValidationError,
    PHONE_NUMBER_UTIL,
};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::data;
use crate::error::{check_len, Error, ErrorKind};
use crate::normalize::text::{is_invisible, unicode_digit};
use crate::normalize::MAX_INPUT_BYTES;

/// A valid phone number in E.164 form (`+212612345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct E164Phone(String);

impl E164Phone {
    /// The E.164 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The E.164 text, owned: an assessment takes it from features it needs no more.
    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for E164Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of line, from the phone metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneType {
    /// A mobile line.
    Mobile,
    /// A fixed line.
    FixedLine,
    /// Fixed or mobile (the metadata cannot tell).
    FixedLineOrMobile,
    /// Anything else (VoIP, toll free, shared cost, ...).
    Other,
}

contract_names!(PhoneType, "phone type", {
    Mobile => "mobile",
    FixedLine => "fixed_line",
    FixedLineOrMobile => "fixed_line_or_mobile",
    Other => "other",
});

/// Everything known about a parsed phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneInfo {
    /// The number in E.164 form.
    pub e164: E164Phone,
    /// ISO 3166-1 alpha-2 region of the number (`"001"` for non-geographic numbers such as
    /// `+800`, `"ZZ"` if the metadata names none).
    pub country: String,
    /// The kind of line.
    pub number_type: PhoneType,
    /// The number is valid but looks made up (a run of 6+ equal digits, a counting sequence of
    /// 6+ digits): a weak signal, real numbers look like this too.
    pub looks_fake: bool,
    /// The number is junk: all its digits equal, or in a range reserved for fiction and tests.
    /// Nobody can be reached on it.
    pub junk: bool,
}

/// Parses `raw` as typed at a checkout, with `default_country` (ISO 3166-1 alpha-2, any case)
/// for national forms.
///
/// The first number in `raw` that validates wins, so labels around it and a second number after
/// it are ignored. A junk number is returned with [`PhoneInfo::junk`] set.
///
/// # Errors
///
/// [`ErrorKind::InputTooLong`] over [`MAX_INPUT_BYTES`]; then, whatever `raw` holds,
/// [`ErrorKind::InvalidCountry`] when `default_country` is neither blank nor a region code the
/// library knows (the rule of every country parameter; blank is no country, with which a
/// number with its `+` code still reads); [`ErrorKind::PhoneEmpty`] when there is nothing but
/// blanks; [`ErrorKind::PhoneNotANumber`] when there are no digits; otherwise, for the first
/// number found, [`ErrorKind::PhoneTooShort`], [`ErrorKind::PhoneTooLong`] or
/// [`ErrorKind::PhoneInvalidForRegion`] (also a national number with a blank country).
///
/// # Example
/// ```
/// use codguard::normalize::{parse_phone, PhoneType};
/// let info = parse_phone("واتساب: ٠٦٩٦٠٣٠٦٢٠", "MA").unwrap();
/// assert_eq!(info.e164.as_str(), "+212696030620");
/// assert_eq!(info.country, "MA");
/// assert_eq!(info.number_type, PhoneType::Mobile);
/// assert!(!info.looks_fake && !info.junk);
/// assert!(parse_phone("0555 12 34 56", "DZ").unwrap().looks_fake);
/// assert!(parse_phone("06 66 66 66 66", "MA").unwrap().junk);
/// ```
pub fn parse_phone(raw: &str, default_country: &str) -> Result<PhoneInfo, Error> {
    check_len("phone", raw, MAX_INPUT_BYTES)?;
    let found =
        scan(raw, default_country, false).map_err(|kind| error_in(kind, default_country))?;
    guarded(|| describe(&found.first)).ok_or_else(|| error(ErrorKind::PhoneNotANumber))
}

/// Normalizes `raw` to E.164. A valid number that merely looks made up normalizes; junk does
/// not. Of two numbers in one field, the first is the phone; a junk one before a real one
/// (`0666666666 / 0677389145`) is passed over.
///
/// # Errors
///
/// Those of [`parse_phone`], and [`ErrorKind::PhoneJunk`] when the number validates but
/// [`PhoneInfo::junk`] holds (and no real number follows it).
///
/// # Example
/// ```
/// use codguard::{normalize::normalize_phone, ErrorKind};
/// assert_eq!(normalize_phone("+212 (0)6 96 03 06 20", "MA").unwrap().as_str(), "+212696030620");
/// assert_eq!(normalize_phone("00216 21 706 690", "MA").unwrap().as_str(), "+21621706690");
/// assert_eq!(normalize_phone("0555 12 34 56", "DZ").unwrap().as_str(), "+213555123456");
/// assert_eq!(normalize_phone("06 66 66 66 66", "MA").unwrap_err().kind(), ErrorKind::PhoneJunk);
/// assert_eq!(normalize_phone("0612", "MA").unwrap_err().kind(), ErrorKind::PhoneTooShort);
/// let two = "+212 661 47 29 83 - 05 22 86 91 74";
/// assert_eq!(normalize_phone(two, "MA").unwrap().as_str(), "+212661472983");
/// let junk_first = "0666666666 / 0677389145";
/// assert_eq!(normalize_phone(junk_first, "MA").unwrap().as_str(), "+212677389145");
/// ```
pub fn normalize_phone(raw: &str, default_country: &str) -> Result<E164Phone, Error> {
    usable_phone(raw, default_country).map(|usable| usable.phone)
}

/// What the engine reads of an order's phone field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UsablePhone {
    /// The usable number, as [`normalize_phone`] gives it.
    pub(crate) phone: E164Phone,
    /// It looks made up ([`PhoneInfo::looks_fake`]).
    pub(crate) looks_fake: bool,
    /// A second, different number after it that is not junk: customers often give a mobile and
    /// a landline, or two mobiles, in one field ("0661472983 - 0522869174", "06… / 05…",
    /// "06… ou 05…", "+212 6… - 05…"), and the next order may carry either.
    pub(crate) second: Option<E164Phone>,
}

/// The usable number in `raw` (as [`normalize_phone`]: the first, or the one after a junk
/// first), whether it looks made up, and a second number the field holds.
pub(crate) fn usable_phone(raw: &str, default_country: &str) -> Result<UsablePhone, Error> {
    check_len("phone", raw, MAX_INPUT_BYTES)?;
    let found = scan(raw, default_country, true).map_err(|kind| error_in(kind, default_country))?;
    let (looks_fake, junk) = judge_digits(&found.first);
    let (first, looks_fake, second) = match (junk, found.second) {
        (false, second) => {
            let second = second.filter(|number| !judge_digits(number).1);
            (found.first, looks_fake, second)
        }
        // A junk number before a real one ("0666666666 / 0677389145"): the real one is the
        // phone.
        (true, Some(second)) => match judge_digits(&second) {
            (looks_fake, false) => (second, looks_fake, None),
            (_, true) => return Err(error(ErrorKind::PhoneJunk)),
        },
        (true, None) => return Err(error(ErrorKind::PhoneJunk)),
    };
    let phone = guarded(|| e164(&first)).ok_or_else(|| error(ErrorKind::PhoneNotANumber))?;
    let second = second.and_then(|number| guarded(|| e164(&number)));
    Ok(UsablePhone {
        phone,
        looks_fake,
        second,
    })
}

/// Whether a number's digits look made up, and whether they are junk.
fn judge_digits(number: &PhoneNumber) -> (bool, bool) {
    let mut buf = itoa::Buffer::new();
    let national = national_digits(number.national_number, &mut buf);
    (
        digits_look_fake(national),
        is_junk_national(number.country_code, national),
    )
}

/// Finds the first valid phone number inside free text (a customer's reply), with
/// `default_country` for national forms.
///
/// The number is returned even when it looks fake (use [`parse_phone`] on it to know); text
/// longer than [`MAX_INPUT_BYTES`], or a country [`parse_phone`] refuses, gives `None`.
///
/// # Example
/// ```
/// use codguard::normalize::find_phone;
/// let found = find_phone("رقمي الجديد ٠٦٩٦٠٣٠٦٢٠ شكرا", "MA").unwrap();
/// assert_eq!(found.as_str(), "+212696030620");
/// assert_eq!(find_phone("commande n° 12, merci", "MA"), None);
/// ```
pub fn find_phone(text: &str, default_country: &str) -> Option<E164Phone> {
    if text.len() > MAX_INPUT_BYTES {
        return None;
    }
    let found = scan(text, default_country, false).ok()?;
    guarded(|| e164(&found.first))
}

/// The error `kind` of reading a phone with `country`.
fn error_in(kind: ErrorKind, country: &str) -> Error {
    if kind == ErrorKind::PhoneInvalidForRegion && country.trim().is_empty() {
        return Error::new(
            kind,
            "the phone has no country code (+...) and no country was given to read it with",
        );
    }
    error(kind)
}

fn error(kind: ErrorKind) -> Error {
    let message = match kind {
        ErrorKind::PhoneEmpty => "the phone is empty",
        ErrorKind::PhoneTooShort => "the phone has too few digits for its region",
        ErrorKind::PhoneTooLong => "the phone has too many digits for its region",
        ErrorKind::PhoneInvalidForRegion => "the phone is not a valid number of its region",
        ErrorKind::PhoneJunk => {
            "the phone is a junk number (all digits equal, or a fictitious range)"
        }
        ErrorKind::InvalidCountry => UNKNOWN_COUNTRY,
        _ => "the phone holds no number",
    };
    Error::new(kind, message)
}

/// Runs a call into the phone library, turning a panic into `None`.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

fn e164(number: &PhoneNumber) -> E164Phone {
    E164Phone(number.format_as(PhoneNumberFormat::E164).into_owned())
}

fn describe(number: &PhoneNumber) -> PhoneInfo {
    let country = match number.get_region_code() {
        Some(region) => region.to_string(),
        None => "ZZ".to_string(),
    };
    let number_type = match number.get_type() {
        PhoneNumberType::Mobile => PhoneType::Mobile,
        PhoneNumberType::FixedLine => PhoneType::FixedLine,
        PhoneNumberType::FixedLineOrMobile => PhoneType::FixedLineOrMobile,
        _ => PhoneType::Other,
    };
    let (looks_fake, junk) = judge_digits(number);
    PhoneInfo {
        e164: e164(number),
        country,
        number_type,
        looks_fake,
        junk,
    }
}

// ---------------------------------------------------------------------------------------------
// Cooking: the input as one byte per visible character.

/// A digit keeps its ASCII value; every other class is one of these bytes.
const PLUS: u8 = b'+';
/// Blank, `.`, `-`, `_`, parentheses: inside one number.
const WEAK: u8 = b' ';
/// `/`, `,`, `;`, `|`, and a dash with blanks on both sides: inside one number
/// ("06/12/34/56/78") or between two ("0661472983 - 0522869174").
const STRONG: u8 = b'/';
/// A dash, while cooking: [`WEAK`] inside a number ("0661-47-29-83"), [`STRONG`] with blanks
/// on both sides, as a list of numbers is written ([`resolve_dashes`]).
const DASH: u8 = b'-';
/// `O` or `o`: a zero when it stands among digits, else a letter.
const OH: u8 = b'O';
/// `l` or `I`: a one when it stands among digits, else a letter.
const ELL: u8 = b'l';
/// A letter: part of a word, which ends a number.
const LETTER: u8 = b'a';
/// A run of letters with a digit right before and right after it: the number holding it is
/// broken.
const GLUE: u8 = b'x';
/// Anything else (`:`, `#`, emoji, marks): ends a number.
const OTHER: u8 = b'#';

/// Maps `text` to one class byte per character, invisible format characters dropped.
/// Cooked text, on the stack for a phone field (a longer text spills).
type Cooked = SmallVec<[u8; 64]>;

fn cook(text: &str, out: &mut Cooked) {
    out.clear();
    // Which of the passes below have anything to do: most fields hold no dash, no `O`/`l` and
    // no letter, and each pass is a walk over the whole field (a pass only ever changes the
    // classes it is named for, so skipping it when none is there changes nothing).
    let (mut dashes, mut lookalikes, mut letters) = (false, false, false);
    for c in text.chars() {
        let class = match c {
            '0'..='9' => c as u8,
            // Arabic-Indic and Persian digits, and the blank, ahead of the general tests below
            // (none of them is invisible; the blank is whitespace, the digits are digits):
            // they are most of what a phone field holds besides ASCII digits.
            '\u{0660}'..='\u{0669}' => b'0' + (c as u32 - 0x660) as u8,
            '\u{06F0}'..='\u{06F9}' => b'0' + (c as u32 - 0x6F0) as u8,
            ' ' => WEAK,
            '+' | '\u{FF0B}' => PLUS,
            'O' | 'o' => {
                lookalikes = true;
                OH
            }
            'l' | 'I' => {
                lookalikes = true;
                ELL
            }
            '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FF0D}' => {
                dashes = true;
                DASH
            }
            '.' | '_' | '(' | ')' | '[' | ']' | '\u{00B7}' | '\u{FF08}' | '\u{FF09}'
            | '\u{FF0E}' | '\u{30FC}' => WEAK,
            '/' | ',' | ';' | '|' | '\\' | '\u{060C}' | '\u{061B}' | '\u{FF0C}' | '\u{FF0F}'
            | '\u{FF1B}' => STRONG,
            _ if is_invisible(c) => continue,
            _ if c.is_whitespace() => WEAK,
            _ => match unicode_digit(c) {
                Some(d) => b'0' + d,
                None if c.is_alphabetic() => {
                    letters = true;
                    LETTER
                }
                None => OTHER,
            },
        };
        out.push(class);
    }
    if dashes {
        resolve_dashes(out);
    }
    if lookalikes {
        // A lookalike in a word becomes a LETTER, which the glue pass then reads.
        resolve_lookalikes(out);
        letters = true;
    }
    if letters {
        mark_glued_letters(out);
    }
}

/// A dash with a [`WEAK`] separator on both sides (blanks, most often; a dot or a parenthesis
/// too) separates two numbers ([`STRONG`]); any other is inside one ([`WEAK`]).
fn resolve_dashes(cooked: &mut [u8]) {
    for at in 0..cooked.len() {
        if cooked.get(at) != Some(&DASH) {
            continue;
        }
        let blank = |i: Option<usize>| i.and_then(|i| cooked.get(i)) == Some(&WEAK);
        let spaced = blank(at.checked_sub(1)) && blank(Some(at + 1));
        if let Some(class) = cooked.get_mut(at) {
            *class = if spaced { STRONG } else { WEAK };
        }
    }
}

/// An `O`/`o` (`l`/`I`) run is a zero (a one) typed with the wrong key when it touches a digit
/// and no letter ("O6 12…", "06 12 3O", "06l2…"); otherwise it belongs to a word ("No",
/// "phone", "ou", "tel").
fn resolve_lookalikes(cooked: &mut [u8]) {
    let lookalike = |b: Option<&u8>| matches!(b, Some(&OH | &ELL));
    let mut i = 0;
    while i < cooked.len() {
        if !lookalike(cooked.get(i)) {
            i += 1;
            continue;
        }
        let start = i;
        while lookalike(cooked.get(i)) {
            i += 1;
        }
        let before = start.checked_sub(1).and_then(|b| cooked.get(b)).copied();
        let after = cooked.get(i).copied();
        let letter = before == Some(LETTER) || after == Some(LETTER);
        let digit =
            before.is_some_and(|b| b.is_ascii_digit()) || after.is_some_and(|b| b.is_ascii_digit());
        if let Some(run) = cooked.get_mut(start..i) {
            for class in run {
                *class = match *class {
                    _ if letter || !digit => LETTER,
                    OH => b'0',
                    _ => b'1',
                };
            }
        }
    }
}

/// Turns every run of letters with a digit right before and right after it into [`GLUE`].
fn mark_glued_letters(cooked: &mut [u8]) {
    let mut i = 0;
    while i < cooked.len() {
        if cooked.get(i) != Some(&LETTER) {
            i += 1;
            continue;
        }
        let start = i;
        while cooked.get(i) == Some(&LETTER) {
            i += 1;
        }
        let digit_at = |at: Option<usize>| {
            at.and_then(|at| cooked.get(at))
                .is_some_and(u8::is_ascii_digit)
        };
        if digit_at(start.checked_sub(1)) && digit_at(Some(i)) {
            if let Some(run) = cooked.get_mut(start..i) {
                run.fill(GLUE);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Candidates: runs of digit groups, split by words and other symbols.

/// The most digits one number has: an E.164 number has 15, plus `00` and a trunk `0`.
const MAX_DIGITS: usize = 20;
/// The most digits a candidate keeps: two numbers' (`+212 661 47 29 83 - 05 22 86 91 74`,
/// Egypt's `01004819267 01227358410`).
const RUN_DIGITS: usize = 2 * MAX_DIGITS;

/// One run of digit groups, e.g. "+212 (0)6 12/34" or "0612345678 / 0698765432".
struct Candidate {
    plus: bool,
    digits: [u8; RUN_DIGITS],
    /// Digits seen, including those beyond `RUN_DIGITS`.
    count: usize,
    /// For each group boundary: the digit index where the next group starts, and whether the
    /// separator there was strong.
    breaks: [(u8, bool); RUN_DIGITS],
    nbreaks: usize,
    /// A letter is glued between two of its digits: it yields no number.
    broken: bool,
}

impl Candidate {
    fn new() -> Candidate {
        Candidate {
            plus: false,
            digits: [0; RUN_DIGITS],
            count: 0,
            breaks: [(0, false); RUN_DIGITS],
            nbreaks: 0,
            broken: false,
        }
    }

    fn push(&mut self, digit: u8, separator: Option<bool>) {
        if let Some(strong) = separator {
            if self.count < RUN_DIGITS && self.nbreaks < RUN_DIGITS {
                if let Some(slot) = self.breaks.get_mut(self.nbreaks) {
                    *slot = (self.count as u8, strong);
                    self.nbreaks += 1;
                }
            }
        }
        if let Some(slot) = self.digits.get_mut(self.count) {
            *slot = digit;
        }
        self.count += 1;
    }

    fn kept(&self) -> &[u8] {
        self.digits.get(..self.count.min(RUN_DIGITS)).unwrap_or(&[])
    }

    fn breaks(&self) -> &[(u8, bool)] {
        self.breaks.get(..self.nbreaks).unwrap_or(&[])
    }
}

/// Calls `visit` on each candidate of `cooked` in order until it returns `Some`.
fn candidates<T>(cooked: &[u8], mut visit: impl FnMut(&Candidate) -> Option<T>) -> Option<T> {
    let mut current = Candidate::new();
    // The separator seen since the last digit: None, Some(false) weak, Some(true) strong.
    let mut separator: Option<bool> = None;
    for &class in cooked {
        match class {
            b'0'..=b'9' => {
                let sep = if current.count > 0 { separator } else { None };
                current.push(class - b'0', sep);
                separator = None;
            }
            WEAK | STRONG => {
                if current.count > 0 {
                    separator = Some(separator == Some(true) || class == STRONG);
                }
            }
            GLUE => current.broken = true,
            PLUS => {
                if current.count > 0 {
                    if let Some(found) = visit(&current) {
                        return Some(found);
                    }
                    current = Candidate::new();
                }
                current.plus = true;
                separator = None;
            }
            _ => {
                if current.count > 0 {
                    if let Some(found) = visit(&current) {
                        return Some(found);
                    }
                }
                current = Candidate::new();
                separator = None;
            }
        }
    }
    if current.count > 0 {
        return visit(&current);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Validation.

/// The default region (an error for a blank or unknown country).
type DefaultRegion = Result<(Region, u32), ()>;

fn default_region(country: &str) -> DefaultRegion {
    let country = country.trim();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(());
    }
    let region = Region::from_code(country).map_err(|_| ())?;
    let code = guarded(|| PHONE_NUMBER_UTIL.get_country_code_for_region(region))
        .flatten()
        .ok_or(())?;
    Ok((region, u32::try_from(code).map_err(|_| ())?))
}

/// True for an ISO 3166-1 alpha-2 code (any case, blanks around it ignored) that the phone
/// metadata knows: the codes every country parameter of the library accepts.
pub(crate) fn is_known_region(country: &str) -> bool {
    default_region(country).is_ok()
}

/// Checks the country a caller gives a normalizer or `reply_intent`: `""` (or blanks) is no
/// country, anything else must be a code [`is_known_region`] accepts (docs/contract.md,
/// `invalid_country`). "Morocco" or a city typed in its place is the caller's mistake, which a
/// quiet answer read without a country would hide.
///
/// # Errors
/// [`ErrorKind::InvalidCountry`]; the message does not repeat the value.
pub(crate) fn check_country(country: &str) -> Result<(), Error> {
    if country.trim().is_empty() || is_known_region(country) {
        return Ok(());
    }
    Err(Error::new(ErrorKind::InvalidCountry, UNKNOWN_COUNTRY))
}

/// The one sentence of [`ErrorKind::InvalidCountry`], whichever call refused the country.
const UNKNOWN_COUNTRY: &str =
    "the country is not an ISO 3166-1 alpha-2 code the library knows (such as \"MA\")";

/// The numbers `scan` found: the first valid one, and (when asked for) the next valid number
/// that differs from it.
struct Found {
    first: PhoneNumber,
    second: Option<PhoneNumber>,
}

/// The first valid number in `text` and, with `want_second`, the next one that differs from it
/// (in the same run of digits or a later one), or the error for the first candidate.
///
/// The country follows [`check_country`]'s rule, checked first whatever `text` holds (`"x"`
/// with `"ZZ"` is `InvalidCountry`, as `"0661472983"` with `"ZZ"`): blank is no country, with
/// which only a number with its country code (`+212…`) reads, anything else must be a code the
/// library knows. It is read here, not by a call to `check_country`, because the region is
/// needed anyway and an order's phone is read on every assessment.
fn scan(text: &str, default_country: &str, want_second: bool) -> Result<Found, ErrorKind> {
    let region = default_region(default_country);
    if region.is_err() && !default_country.trim().is_empty() {
        return Err(ErrorKind::InvalidCountry);
    }
    let mut cooked = Cooked::new();
    cook(text, &mut cooked);
    if cooked.iter().all(|&b| b == WEAK) {
        return Err(ErrorKind::PhoneEmpty);
    }
    let mut first_error: Option<ErrorKind> = None;
    let mut first: Option<PhoneNumber> = None;
    let mut second: Option<PhoneNumber> = None;
    candidates(&cooked, |candidate| {
        match (&first, resolve(candidate, region)) {
            (None, Ok((number, next))) => {
                second = next.filter(|next| *next != number);
                first = Some(number);
            }
            (None, Err(kind)) => {
                first_error.get_or_insert(kind);
            }
            // A later run's numbers, the first that is not the first phone written again.
            (Some(number), Ok((next, after))) => {
                second = [Some(next), after]
                    .into_iter()
                    .flatten()
                    .find(|n| n != number);
            }
            (Some(_), Err(_)) => {}
        }
        // Stop at the first number, or once a second one is found.
        (first.is_some() && (!want_second || second.is_some())).then_some(())
    });
    match first {
        Some(first) => Ok(Found { first, second }),
        None => Err(first_error.unwrap_or(ErrorKind::PhoneNotANumber)),
    }
}

/// The number in one candidate: the whole run, else its parts when it holds two numbers (and
/// then the second too, when it validates).
fn resolve(
    candidate: &Candidate,
    region: DefaultRegion,
) -> Result<(PhoneNumber, Option<PhoneNumber>), ErrorKind> {
    if candidate.broken {
        return Err(ErrorKind::PhoneNotANumber);
    }
    if candidate.count > MAX_DIGITS {
        // Too long to be one number; it may still be two ("0612345678 0698765432 0655…").
        return split(candidate, region).ok_or(ErrorKind::PhoneTooLong);
    }
    match attempt(candidate.plus, candidate.kept(), region) {
        Ok(number) => Ok((number, None)),
        Err(kind) => split(candidate, region).ok_or(kind),
    }
}

/// Two numbers in one run: the first, and the second when it validates. At a strong separator
/// ("0612345678 / 0698765432") the first part that validates wins, and what follows it holds
/// the second ([`number_after`]); at a blank, only when what follows holds a number too, so
/// that a number with one digit too many is not silently cut.
fn split(
    candidate: &Candidate,
    region: DefaultRegion,
) -> Option<(PhoneNumber, Option<PhoneNumber>)> {
    let digits = candidate.kept();
    let mut start = 0usize;
    let mut plus = candidate.plus;
    for &(at, strong) in candidate.breaks() {
        if !strong {
            continue;
        }
        let part = digits.get(start..at as usize)?;
        if let Ok(number) = attempt(plus, part, region) {
            return Some((number, number_after(candidate, at, region)));
        }
        start = at as usize;
        plus = false;
    }
    if start > 0 {
        if let Ok(number) = attempt(false, digits.get(start..)?, region) {
            return Some((number, None));
        }
    }
    for &(at, _) in candidate.breaks() {
        let (head, tail) = digits.split_at_checked(at as usize)?;
        if head.len() < 6 || tail.len() < 6 {
            continue;
        }
        if let Ok(number) = attempt(candidate.plus, head, region) {
            if let Some(second) = number_after(candidate, at, region) {
                return Some((number, Some(second)));
            }
        }
    }
    None
}

/// The number the digits of `candidate` from `at` on hold: all of them, or their longest run up
/// to a later separator when a third number follows ("0612345678 0698765432 0655443322").
fn number_after(candidate: &Candidate, at: u8, region: DefaultRegion) -> Option<PhoneNumber> {
    let digits = candidate.kept();
    let parts = candidate
        .breaks()
        .iter()
        .rev()
        .filter(|&&(end, _)| end > at)
        .map(|&(end, _)| digits.get(usize::from(at)..usize::from(end)));
    [digits.get(usize::from(at)..)]
        .into_iter()
        .chain(parts)
        .flatten()
        .find_map(|part| attempt(false, part, region).ok())
}

/// Validates one run of digits: `00` and `+` prefixes (both at once too, "+00212…": no
/// country code starts with 0), a country code typed without `+`, and a trunk `0` after the
/// country code ("+212 (0)6…").
fn attempt(plus: bool, digits: &[u8], region: DefaultRegion) -> Result<PhoneNumber, ErrorKind> {
    let (plus, digits) = match digits {
        [0, 0, rest @ ..] => (true, rest),
        _ => (plus, digits),
    };
    if digits.is_empty() {
        return Err(ErrorKind::PhoneNotANumber);
    }
    if digits.len() > 17 {
        return Err(ErrorKind::PhoneTooLong);
    }
    if plus {
        return international(digits);
    }
    // Only a blank country gets here (`scan` refused an unknown one): a national number with
    // no country to read it in is no number of any region.
    let (region, code) = region.map_err(|_| ErrorKind::PhoneInvalidForRegion)?;
    match validate(false, digits, Some(region)) {
        Ok(number) => Ok(number),
        Err(kind) => {
            let code_len = decimal_len(code);
            if digits.len() > code_len + 4 && starts_with_code(digits, code) {
                if let Ok(number) = international(digits) {
                    return Ok(number);
                }
            }
            Err(kind)
        }
    }
}

/// `digits` after a `+`: country code first.
fn international(digits: &[u8]) -> Result<PhoneNumber, ErrorKind> {
    let kind = match validate(true, digits, None) {
        Ok(number) => return Ok(number),
        Err(kind) => kind,
    };
    // "+212 (0)6…": drop the trunk zero after a real country code and try again.
    for code_len in 1..=3 {
        if digits.get(code_len) != Some(&0) {
            continue;
        }
        let Some(code) = digits.get(..code_len) else {
            continue;
        };
        let code = code.iter().fold(0i32, |acc, &d| acc * 10 + i32::from(d));
        let known = guarded(|| {
            PHONE_NUMBER_UTIL
                .get_region_for_country_code(code)
                .is_some()
        });
        if known != Some(true) {
            continue;
        }
        let mut buf = [0u8; MAX_DIGITS];
        let mut len = 0;
        for (i, &d) in digits.iter().enumerate() {
            if i != code_len {
                if let Some(slot) = buf.get_mut(len) {
                    *slot = d;
                    len += 1;
                }
            }
        }
        if let Ok(number) = validate(true, buf.get(..len).unwrap_or(&[]), None) {
            return Ok(number);
        }
    }
    Err(kind)
}

fn decimal_len(mut n: u32) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

fn starts_with_code(digits: &[u8], code: u32) -> bool {
    let len = decimal_len(code);
    digits
        .get(..len)
        .is_some_and(|head| head.iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d)) == code)
}

/// Hands the library the canonical `[+]digits` string and maps its verdict to our kinds.
fn validate(plus: bool, digits: &[u8], region: Option<Region>) -> Result<PhoneNumber, ErrorKind> {
    let mut buf = [0u8; MAX_DIGITS + 1];
    let mut len = 0;
    if plus {
        buf[0] = b'+';
        len = 1;
    }
    for &d in digits {
        let slot = buf.get_mut(len).ok_or(ErrorKind::PhoneTooLong)?;
        *slot = b'0' + d;
        len += 1;
    }
    let canonical = std::str::from_utf8(buf.get(..len).unwrap_or(&[]))
        .map_err(|_| ErrorKind::PhoneNotANumber)?;
    guarded(|| {
        let number = match PHONE_NUMBER_UTIL.parse(canonical, region) {
            Ok(number) => number,
            Err(ParseError::TooShortNsn | ParseError::TooShortAfterIdd) => {
                return Err(ErrorKind::PhoneTooShort)
            }
            Err(ParseError::TooLongNsn) => return Err(ErrorKind::PhoneTooLong),
            Err(ParseError::InvalidCountryCode) => return Err(ErrorKind::PhoneInvalidForRegion),
            Err(ParseError::NotANumber(_)) => return Err(ErrorKind::PhoneNotANumber),
        };
        if is_valid(&number) {
            return Ok(number);
        }
        Err(match number.is_possible_with_reason() {
            Err(ValidationError::TooShort) => ErrorKind::PhoneTooShort,
            Err(ValidationError::TooLong) => ErrorKind::PhoneTooLong,
            _ => ErrorKind::PhoneInvalidForRegion,
        })
    })
    .unwrap_or(Err(ErrorKind::PhoneNotANumber))
}

/// `number.is_valid()`, without reading a number twice when its calling code is shared.
///
/// The library finds a number's region first and then checks the number against that region:
/// for a calling code of one region that is one check, but for a shared one (212: Morocco, then
/// Western Sahara) it matches the number against the main region's patterns to pick the region
/// and then again to validate it. Morocco is a third of the orders, and the second match is
/// about 7% of a Moroccan phone's instructions.
///
/// So the number is checked against the main region of its calling code (the first the library
/// lists) with `is_valid_number_for_region` first. When that holds, `is_valid` holds too: the
/// library's region lookup tries the main region first and takes it as soon as the number has a
/// type there, which is this very check (a non-geographic entity, `Region::World`, is never in a
/// shared list, and is left to `is_valid` anyway since its metadata is kept elsewhere). For a
/// calling code of one region the check *is* `is_valid`'s; otherwise a number the main region
/// refuses goes to `is_valid`, which decides as before.
fn is_valid(number: &PhoneNumber) -> bool {
    let Some(mut regions) =
        PHONE_NUMBER_UTIL.get_regions_for_country_calling_code(number.country_code)
    else {
        return false;
    };
    let shared = regions.len() > 1;
    let Some(main) = regions.next() else {
        return false;
    };
    if shared && main == Region::World {
        return number.is_valid();
    }
    PHONE_NUMBER_UTIL.is_valid_number_for_region(number, main) || (shared && number.is_valid())
}

// ---------------------------------------------------------------------------------------------
// Junk, and numbers that look made up.

/// A valid number nobody can have (calling code `country_code`, national digits `national`):
/// all national digits equal, or a fictitious range.
fn is_junk_national(country_code: i32, national: &[u8]) -> bool {
    let all_equal = national.windows(2).all(|pair| pair[0] == pair[1]);
    all_equal || in_fictitious_range(country_code, national)
}

/// The decimal digits of `n`, most significant first, as ASCII (`b'0'..=b'9'`): what the junk
/// and made-up tests read, which only compare digits with each other and with the ranges'
/// digits (kept as ASCII too).
fn national_digits(n: u64, buf: &mut itoa::Buffer) -> &[u8] {
    buf.format(n).as_bytes()
}

/// One line of `core/data/phone_fictitious_ranges.tsv`: a country calling code and a national
/// number pattern, one byte per digit: the ASCII digit, or `None` for any digit.
struct FictitiousRange {
    country_code: i32,
    pattern: Vec<Option<u8>>,
}

/// The ranges, by country calling code: a number's are found by binary search.
fn fictitious_ranges() -> &'static [FictitiousRange] {
    static RANGES: OnceLock<Vec<FictitiousRange>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let mut ranges: Vec<FictitiousRange> =
            data::rows(include_str!("../../data/phone_fictitious_ranges.tsv"))
                .filter_map(|[country_code, pattern, _what, _source]| {
                    Some(FictitiousRange {
                        country_code: country_code.parse().ok()?,
                        pattern: pattern
                            .bytes()
                            .map(|b| b.is_ascii_digit().then_some(b))
                            .collect(),
                    })
                })
                .collect();
        ranges.sort_by_key(|range| range.country_code);
        ranges
    })
}

fn in_fictitious_range(country_code: i32, national: &[u8]) -> bool {
    let ranges = fictitious_ranges();
    let start = ranges.partition_point(|range| range.country_code < country_code);
    let same_code = ranges.get(start..).unwrap_or_default();
    same_code
        .iter()
        .take_while(|range| range.country_code == country_code)
        .any(|range| {
            range.pattern.len() == national.len()
                && range
                    .pattern
                    .iter()
                    .zip(national)
                    .all(|(want, got)| want.is_none_or(|w| w == *got))
        })
}

/// The length of a run that makes a national number look made up.
const FAKE_RUN: usize = 6;

/// A run of `FAKE_RUN` equal digits, or a counting sequence up or down of that length, in a
/// national number's decimal digits.
///
/// One walk keeps the step between two digits (0, +1 or -1) and how many digits the current
/// run of that step covers: a run of equal digits, a counting sequence up and one down are runs
/// of one step each, and a digit that starts a run of one kind ends any run of the others.
fn digits_look_fake(digits: &[u8]) -> bool {
    // The step of the current run, and the digits it covers.
    let (mut step, mut run) = (i16::MAX, 1usize);
    for pair in digits.windows(2) {
        let next = i16::from(pair[1]) - i16::from(pair[0]);
        if !(-1..=1).contains(&next) {
            (step, run) = (i16::MAX, 1);
            continue;
        }
        run = if next == step { run + 1 } else { 2 };
        step = next;
        if run >= FAKE_RUN {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_o_is_zero_only_among_digits() {
        let mut cooked = Cooked::new();
        cook("No O6 12 3O", &mut cooked);
        assert_eq!(&cooked[..], b"aa 06 12 30");
        cook("phone oo", &mut cooked);
        assert_eq!(&cooked[..], b"aaaaa aa");
        cook("tel:06l2 I3 Ol5 Il", &mut cooked);
        assert_eq!(&cooked[..], b"aaa#0612 13 015 aa");
    }

    #[test]
    fn letters_between_digits_are_glue() {
        let mut cooked = Cooked::new();
        cook("07x90069689", &mut cooked);
        assert_eq!(&cooked[..], b"07x90069689");
        cook("0900 332 600ab5 tel", &mut cooked);
        assert_eq!(&cooked[..], b"0900 332 600xx5 aaa");
        cook("٠٧ت٩٠", &mut cooked);
        assert_eq!(&cooked[..], b"07x90");
        cook("06a 12 b3", &mut cooked);
        assert_eq!(&cooked[..], b"06a 12 a3");
    }

    /// [`digits_look_fake`] of the national number `national`.
    fn national_looks_fake(national: u64) -> bool {
        let mut buf = itoa::Buffer::new();
        digits_look_fake(national_digits(national, &mut buf))
    }

    fn junk(raw: &str, country: &str) -> bool {
        parse_phone(raw, country).is_ok_and(|info| info.junk)
    }

    #[test]
    fn junk_is_all_digits_equal_or_a_fictitious_range() {
        assert!(junk("0666666666", "MA"));
        assert!(junk("0555555555", "SA"));
        assert!(junk("+1 201 555 0123", "MA"), "NANP 555-01xx");
        assert!(junk("0113 496 0123", "GB"), "Ofcom drama range");
        assert!(junk("0491 570 156", "AU"), "ACMA fictitious mobile");
        assert!(!junk("+1 201 555 0200", "MA"), "555-02xx is not reserved");
        assert!(
            !junk("0600000000", "MA"),
            "a run after the prefix only looks made up"
        );
        assert!(!junk("0555 12 34 56", "DZ"));
        assert!(!junk("0696030620", "MA"));
        let ranges = fictitious_ranges();
        assert!(ranges.len() >= 20, "{} ranges read", ranges.len());
        assert!(ranges
            .iter()
            .all(|r| r.country_code > 0 && r.pattern.len() >= 7));
    }

    /// Arabic-Indic digits for the ASCII digits of `text`.
    fn arabic_indic(text: &str) -> String {
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    }

    proptest::proptest! {
        /// Two numbers in one field, joined as customers join them, in either digits and
        /// either order: the first is the number, the other its second; one number written
        /// twice is one.
        #[test]
        fn two_numbers_in_one_field_are_both_read(
            mobile in "0[67][0-9]{8}",
            landline in "05[0-9]{8}",
            joint in proptest::sample::select(
                vec![" - ", " / ", ", ", " ou ", " و ", " ", "-", "/", " | ", " or ", " ; ", " – "],
            ),
            arabic: bool,
            landline_first: bool,
            international_first: bool,
        ) {
            let one = |raw: &str| usable_phone(raw, "MA").ok().filter(|u| u.second.is_none());
            let (Some(m), Some(l)) = (one(&mobile), one(&landline)) else {
                return Ok(());
            };
            let (first, second) = if landline_first { (l, m) } else { (m, l) };
            let text = |a: &E164Phone, b: &E164Phone| {
                let national = |p: &E164Phone| format!("0{}", &p.as_str()[4..]);
                let first = if international_first {
                    format!("+212 {}", &a.as_str()[4..])
                } else {
                    national(a)
                };
                let field = format!("{first}{joint}{}", national(b));
                if arabic { arabic_indic(&field) } else { field }
            };
            let got = usable_phone(&text(&first.phone, &second.phone), "MA").unwrap();
            proptest::prop_assert_eq!(&got.phone, &first.phone);
            proptest::prop_assert_eq!(got.second.as_ref(), Some(&second.phone));
            proptest::prop_assert_eq!(got.looks_fake, first.looks_fake);
            let twice = usable_phone(&text(&first.phone, &first.phone), "MA").unwrap();
            proptest::prop_assert_eq!((twice.phone, twice.second), (first.phone, None));
        }
    }

    /// Two numbers however customers join them (a trial's cases): one international and one
    /// national, Egypt's eleven digits, a dash between blanks, a piece of text after a dash, a
    /// junk number before the real one. A number with one digit too many is still no number.
    #[test]
    fn two_numbers_however_joined_and_a_junk_one_first() {
        let read = |raw: &str, country: &str| {
            usable_phone(raw, country)
                .map(|u| (u.phone.into_string(), u.second.map(E164Phone::into_string)))
                .map_err(|e| e.kind())
        };
        let both = |a: &str, b: &str| Ok((a.to_owned(), Some(b.to_owned())));
        let one = |a: &str| Ok((a.to_owned(), None));
        let (m, l) = ("+212661472983", "+212522869174");
        for (raw, country, want) in [
            ("+212 661 47 29 83 / 0522 86 91 74", "MA", both(m, l)),
            ("00212661472983/0522869174", "MA", both(m, l)),
            ("212661472983 / 0522869174", "MA", both(m, l)),
            ("+212 661 47 29 83 - 05 22 86 91 74", "MA", both(m, l)),
            ("+33648192736 / 0661472983", "MA", both("+33648192736", m)),
            (
                "01004819267 - 01227358410",
                "EG",
                both("+201004819267", "+201227358410"),
            ),
            (
                "01004819267 01227358410",
                "EG",
                both("+201004819267", "+201227358410"),
            ),
            (
                "٠١٠٠٤٨١٩٢٦٧ – ٠١٢٢٧٣٥٨٤١٠",
                "EG",
                both("+201004819267", "+201227358410"),
            ),
            ("0661472983 - 05228", "MA", one(m)),
            ("0661472983 - 2eme etage", "MA", one(m)),
            ("0661-47-29-83", "MA", one(m)),
            ("0666666666 / 0677389145", "MA", one("+212677389145")),
            ("0666666666 - 0677389145", "MA", one("+212677389145")),
            ("0666666666 - 0000000000", "MA", Err(ErrorKind::PhoneJunk)),
            // Three numbers: the first two.
            ("0661472983 0522869174 0677389145", "MA", both(m, l)),
            ("0661472983 / 0522869174 / 0677389145", "MA", both(m, l)),
            (
                "01004819267 01227358410 01112345678",
                "EG",
                both("+201004819267", "+201227358410"),
            ),
            // The first phone written again in a later run: the number after it is the second.
            ("0661472983 tel 0661472983 / 0522869174", "MA", both(m, l)),
            ("06614729831", "MA", Err(ErrorKind::PhoneTooLong)),
            ("0661 47 29 83 1", "MA", Err(ErrorKind::PhoneTooLong)),
        ] {
            assert_eq!(read(raw, country), want, "{raw}");
        }
    }

    /// [`digits_look_fake`] as first written, with one counter per kind of run.
    fn digits_look_fake_three_counters(digits: &[u8]) -> bool {
        let (mut same, mut up, mut down) = (1usize, 1usize, 1usize);
        for pair in digits.windows(2) {
            let (a, b) = (i16::from(pair[0]), i16::from(pair[1]));
            same = if a == b { same + 1 } else { 1 };
            up = if b == a + 1 { up + 1 } else { 1 };
            down = if b + 1 == a { down + 1 } else { 1 };
            if same >= FAKE_RUN || up >= FAKE_RUN || down >= FAKE_RUN {
                return true;
            }
        }
        false
    }

    /// The one-walk [`digits_look_fake`] answers as the three counters did, on every string of
    /// up to 7 digits, as digit values and as ASCII.
    #[test]
    fn fake_runs_agree_with_three_counters() {
        for len in 0..=7usize {
            for n in 0..10u32.pow(len as u32) {
                let mut digits = [0u8; 7];
                let mut rest = n;
                for slot in digits[..len].iter_mut().rev() {
                    *slot = (rest % 10) as u8;
                    rest /= 10;
                }
                let values = &digits[..len];
                let mut ascii = [0u8; 7];
                for (to, d) in ascii.iter_mut().zip(values) {
                    *to = b'0' + d;
                }
                let want = digits_look_fake_three_counters(values);
                assert_eq!(digits_look_fake(values), want, "{values:?}");
                assert_eq!(digits_look_fake(&ascii[..len]), want, "{values:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fake_runs_agree_with_three_counters_on_long_numbers(
            digits in proptest::collection::vec(0u8..10, 0..20),
        ) {
            proptest::prop_assert_eq!(
                digits_look_fake(&digits),
                digits_look_fake_three_counters(&digits)
            );
        }
    }

    #[test]
    fn fake_runs_and_sequences() {
        assert!(national_looks_fake(600000000));
        assert!(national_looks_fake(612345678));
        assert!(national_looks_fake(698765432));
        assert!(!national_looks_fake(696030620));
        assert!(!national_looks_fake(612345));
    }
}
