//! Text primitives shared by every normalizer, and the folding of addresses and names.
//!
//! One home for what phones, emails, addresses, names and replies must agree on: which
//! characters are invisible (`is_invisible`), what a Unicode digit is worth (`unicode_digit`,
//! from `core/data/unicode_digit_zeros.txt`), and what keyboard mash looks like
//! (`is_keyboard_mash`, `is_mash_token`, with the rows of `core/data/nonsense.tsv`).
//!
//! [`fold`] turns what a customer typed into one canonical spelling per script (case, accents,
//! Arabic letter variants, digits, invisible marks and punctuation no longer matter), and
//! [`skeleton`] reduces one folded token to a consonant key that is the same in Arabic and in
//! the Latin transliterations people use for Arabic names.

use std::collections::HashMap;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::data;

/// The value of any Unicode decimal digit (`٣`, `۳`, `３`, `३`, `𝟕`, …), or `None`.
///
/// Every decimal digit (general category Nd) belongs to a run of ten code points from its zero
/// to its nine; the zeros are listed in `core/data/unicode_digit_zeros.txt`, generated from the
/// Unicode character database by `scripts/gen_digit_zeros.py`. Phones, addresses, names and
/// replies all read digits through this one function.
pub(crate) fn unicode_digit(c: char) -> Option<u8> {
    let cp = c as u32;
    // ASCII, Arabic-Indic and Persian first: they are nearly every digit a customer types.
    if cp < 0x660 {
        return c.is_ascii_digit().then(|| (cp - u32::from(b'0')) as u8);
    }
    if (0x660..=0x669).contains(&cp) {
        return Some((cp - 0x660) as u8);
    }
    if (0x6F0..=0x6F9).contains(&cp) {
        return Some((cp - 0x6F0) as u8);
    }
    let zeros = digit_zeros();
    let zero = *zeros.get(zeros.partition_point(|&z| z <= cp).checked_sub(1)?)?;
    let value = cp - zero;
    (value < 10).then_some(value as u8)
}

/// The zero of every run of ten Unicode decimal digits, sorted.
fn digit_zeros() -> &'static [u32] {
    static ZEROS: OnceLock<Vec<u32>> = OnceLock::new();
    ZEROS.get_or_init(|| {
        let mut zeros: Vec<u32> = data::entries(include_str!("../../data/unicode_digit_zeros.txt"))
            .filter_map(|hex| u32::from_str_radix(hex, 16).ok())
            .collect();
        zeros.sort_unstable();
        zeros
    })
}

/// The ASCII digit for any Unicode decimal digit.
fn ascii_digit(c: char) -> Option<char> {
    unicode_digit(c).map(|d| char::from(b'0' + d))
}

/// Characters that carry nothing a reader sees, even between two digits or two letters, and
/// must vanish without leaving a space: direction marks and isolates, zero-width spaces and
/// joiners, the byte-order mark, the soft hyphen, invisible operators, variation selectors,
/// Mongolian and Khmer invisible marks, the Hangul fillers (the "blank name" trick), tag
/// characters, interlinear annotation marks, and the Arabic tatweel (a stretch of the line
/// between two letters, never a letter of its own).
///
/// Chat apps and right-to-left editors insert these inside phone numbers, emails and names
/// alike, so every normalizer uses this one set.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{0640}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// True when `raw` holds nothing but blanks and invisible marks: the field is *absent*, as if
/// missing, which is never nonsense (a customer who leaves a field empty is not a fake).
/// Punctuation is something typed ("....", "-"): present, and judged by the field's rules.
///
/// # Example
/// ```
/// use codguard::normalize::text::is_blank;
/// assert!(is_blank("") && is_blank(" \u{200f}\t"));
/// assert!(!is_blank("...."));
/// ```
pub fn is_blank(raw: &str) -> bool {
    raw.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// True for characters that [`fold`] can handle without Unicode normalization: ASCII, the
/// Arabic block except its few compatibility and composed letters, and invisible marks.
fn is_plain(c: char) -> bool {
    c.is_ascii()
        || is_invisible(c)
        || (('\u{0600}'..='\u{06FF}').contains(&c)
            && !matches!(
                c,
                '\u{0675}'..='\u{0678}' | '\u{06C0}' | '\u{06C2}' | '\u{06D3}'
            ))
}

/// One canonical letter for the Arabic and Persian/Urdu variants that people use
/// interchangeably. Hamza carriers (أ إ ؤ ئ) and آ lose their mark through NFD already.
fn arabic_variant(c: char) -> char {
    match c {
        'ٱ' | 'أ' | 'إ' | 'آ' => 'ا',
        'ة' => 'ه',
        'ى' | 'ی' | 'ئ' | 'ې' => 'ي',
        'ؤ' => 'و',
        'ک' => 'ك',
        _ => c,
    }
}

/// Folds text for comparison: NFKC, case fold, Latin diacritics removed, Arabic harakat and
/// tatweel removed, alef forms to ا, ة to ه, ى to ي, ؤ to و, ئ to ي, every Unicode digit to
/// ASCII, invisible format characters removed, punctuation to spaces, whitespace collapsed.
///
/// Idempotent: `fold(&fold(s)) == fold(s)` for every string.
///
/// # Example
/// ```
/// use codguard::normalize::text::fold;
/// assert_eq!(fold("  Fès-El Bali, N°١٢ "), "fes el bali n 12");
/// assert_eq!(fold("الدَّارُ البيضاء\u{200F}"), "الدار البيضاء");
/// assert_eq!(fold("مدرسة"), "مدرسه");
/// ```
pub fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    fold_into(raw, &mut out);
    out
}

/// What [`fold`] does with one character of plain text (see [`is_plain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Not plain: the text needs the Unicode normalization path.
    Unplain,
    /// Vanishes without a trace (marks, invisible characters).
    Skip,
    /// Becomes a word separator.
    Space,
    /// Is written as this character.
    Keep(char),
}

/// Characters below this code point have their [`Fate`] in a table; above it only the
/// invisible marks are plain.
const TABLE_END: usize = 0x700;

/// The [`Fate`] of every code point below [`TABLE_END`], computed once with the same
/// per-character rules as the general path so that both agree by construction.
///
/// Beyond the plain characters, a character whose general fold, alone, is one letter, a
/// separator or nothing gets that fate too: `°` (a space), `é` and `É` (e), `º` (o), the
/// combining accents (nothing). Text of such characters then needs no Unicode normalization
/// either: what normalization does across two characters (composing a letter with the accent
/// after it) the fold undoes (the accent goes), so each character folds as it does alone
/// (`fast_path_agrees_with_unicode_normalization` checks each table character with every
/// combining accent and a few letters around it; all 3.1 million pairs of table characters were
/// checked once). `N°`, which a fifth of addresses write, sent the whole address through NFKC
/// and NFD before.
fn fate_table() -> &'static [Fate; TABLE_END] {
    static TABLE: OnceLock<[Fate; TABLE_END]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [Fate::Unplain; TABLE_END];
        for (cp, fate) in (0u32..).zip(table.iter_mut()) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            *fate = if is_plain(c) {
                plain_fate(c)
            } else {
                alone_fate(c)
            };
        }
        table
    })
}

/// The fate of `c` from the general path on `c` alone: [`Fate::Unplain`] unless that is one
/// kept character, a separator or nothing (`½` folds to `1 2`, `ĳ` to `ij`: left to the
/// general path).
fn alone_fate(c: char) -> Fate {
    let mut buf = [0u8; 4];
    let mut fate = Fate::Skip;
    let mut events = 0;
    general_fold(c.encode_utf8(&mut buf), |kept| {
        let next = match kept {
            Some(k) => Fate::Keep(k),
            None => Fate::Space,
        };
        // Runs of separators are one separator.
        if !(fate == Fate::Space && next == Fate::Space) {
            events += 1;
        }
        fate = next;
    });
    if events <= 1 {
        fate
    } else {
        Fate::Unplain
    }
}

/// The fate of one plain character: what the plain-text fold did per character.
fn plain_fate(c: char) -> Fate {
    if is_combining_mark(c) || is_invisible(c) {
        return Fate::Skip;
    }
    let c = arabic_variant(c.to_ascii_lowercase());
    if c.is_ascii_digit() || c.is_alphabetic() {
        Fate::Keep(c)
    } else if let Some(d) = ascii_digit(c) {
        Fate::Keep(d)
    } else {
        Fate::Space
    }
}

/// [`fold`] appending to `out` (which may already hold text: the first kept character is
/// written right after it, without a separating space).
pub(crate) fn fold_into(raw: &str, out: &mut String) {
    let start = out.len();
    // A space is written only before the next kept character, which collapses runs and trims.
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending_space: &mut bool| {
        if *pending_space && out.len() > start {
            out.push(' ');
        }
        *pending_space = false;
        out.push(c);
    };
    if raw.is_ascii() {
        for b in raw.bytes() {
            if b.is_ascii_alphanumeric() {
                push(out, b.to_ascii_lowercase() as char, &mut pending_space);
            } else {
                pending_space = true;
            }
        }
        return;
    }
    // Text of characters with a fate in the table needs no Unicode normalization: ASCII, the
    // Arabic block (its only decompositions are the hamza and madda letters, which
    // `arabic_variant` maps directly), and the characters that fold alone to one letter, a
    // separator or nothing (see `fate_table`).
    let table = fate_table();
    let mut plain = true;
    for c in raw.chars() {
        let fate = match table.get(c as usize) {
            Some(&fate) => fate,
            None if is_invisible(c) => Fate::Skip,
            None => Fate::Unplain,
        };
        match fate {
            Fate::Keep(c) => push(out, c, &mut pending_space),
            Fate::Space => pending_space = true,
            Fate::Skip => {}
            Fate::Unplain => {
                plain = false;
                break;
            }
        }
    }
    if plain {
        return;
    }
    out.truncate(start);
    pending_space = false;
    general_fold(raw, |kept| match kept {
        Some(c) => push(out, c, &mut pending_space),
        None => pending_space = true,
    });
}

/// The general path of [`fold_into`], with Unicode normalization: calls `f` with each kept
/// character, or `None` for a separator.
fn general_fold(raw: &str, mut f: impl FnMut(Option<char>)) {
    let chars = raw
        .nfkc()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|&c| !is_combining_mark(c) && !is_invisible(c));
    for c in chars {
        let c = arabic_variant(c);
        if c.is_ascii_digit() || c.is_alphabetic() {
            f(Some(c));
        } else if let Some(d) = ascii_digit(c) {
            f(Some(d));
        } else if c.is_alphanumeric() {
            // Other numerics (superscripts were handled by NFKC; this is e.g. a Roman numeral
            // sign): keep them rather than lose information.
            f(Some(c));
        } else {
            f(None);
        }
    }
}

/// `char::is_alphabetic` with the ASCII and Arabic-block answers from a table (the standard
/// lookup is slow outside ASCII).
pub(crate) fn is_letter(c: char) -> bool {
    static ARABIC: OnceLock<[bool; 256]> = OnceLock::new();
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    let arabic = ARABIC.get_or_init(|| {
        let mut t = [false; 256];
        for (cp, slot) in (0x600u32..).zip(t.iter_mut()) {
            *slot = char::from_u32(cp).is_some_and(char::is_alphabetic);
        }
        t
    });
    match (c as usize).checked_sub(0x600).and_then(|i| arabic.get(i)) {
        Some(&letter) => letter,
        None => c.is_alphabetic(),
    }
}

/// What a letter or digraph stands for in a skeleton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A consonant class, written as this ASCII letter.
    Consonant(char),
    /// A vowel or weak letter: dropped, except as the word-initial `a` marker.
    Vowel,
    /// A letter that is a consonant `w` before a vowel and a vowel elsewhere (ou, o, u, w, و).
    Semi,
}

struct SkeletonTable {
    /// Classes of single ASCII letters.
    ascii: [Option<Class>; 128],
    /// Classes of single Arabic-block letters (U+0600 to U+06FF).
    arabic: [Option<Class>; 256],
    /// Classes of other single characters.
    other: FxHashMap<char, Class>,
    /// Spellings of two characters or more, longest first (longest match wins), each with
    /// whether it may also be its letters one by one (a `+` after its class in the table).
    multi: Vec<(&'static str, Class, bool)>,
    /// The first bytes of `multi`'s spellings, one bit each (all ASCII): a character that
    /// starts none is looked up alone, without a walk through `multi`.
    multi_first: u128,
}

impl SkeletonTable {
    fn single(&self, c: char) -> Option<Class> {
        let cp = c as usize;
        if let Some(&class) = self.ascii.get(cp) {
            return class;
        }
        if let Some(&class) = cp.checked_sub(0x600).and_then(|i| self.arabic.get(i)) {
            return class;
        }
        self.other.get(&c).copied()
    }
}

fn skeleton_table() -> &'static SkeletonTable {
    static TABLE: OnceLock<SkeletonTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for [spelling, class] in data::rows(include_str!("../../data/skeleton.tsv")) {
            let (class, two_letters) = match class.strip_suffix('+') {
                Some(class) => (class, true),
                None => (class, false),
            };
            let class = match class {
                "V" => Class::Vowel,
                "W" => Class::Semi,
                c => match c.chars().next() {
                    Some(ch) => Class::Consonant(ch),
                    None => continue,
                },
            };
            map.insert(spelling, (class, two_letters));
        }
        let mut t = SkeletonTable {
            ascii: [None; 128],
            arabic: [None; 256],
            other: FxHashMap::default(),
            multi: Vec::new(),
            multi_first: 0,
        };
        for (spelling, (class, two_letters)) in map {
            let mut chars = spelling.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    let cp = c as usize;
                    if let Some(slot) = t.ascii.get_mut(cp) {
                        *slot = Some(class);
                    } else if let Some(slot) =
                        cp.checked_sub(0x600).and_then(|i| t.arabic.get_mut(i))
                    {
                        *slot = Some(class);
                    } else {
                        t.other.insert(c, class);
                    }
                }
                (Some(_), Some(_)) => t.multi.push((spelling, class, two_letters)),
                _ => {}
            }
        }
        t.multi
            .sort_by_key(|(s, _, _)| (std::cmp::Reverse(s.chars().count()), *s));
        // A spelling starting with a byte outside ASCII keeps every first byte in the walk.
        t.multi_first = t.multi.iter().fold(0, |bits, (s, _, _)| {
            match s
                .as_bytes()
                .first()
                .and_then(|&b| 1u128.checked_shl(u32::from(b)))
            {
                Some(bit) if s.is_ascii() => bits | bit,
                _ => u128::MAX,
            }
        });
        t
    })
}

/// Whether a text has a letter of the Arabic block (U+0600 to U+06FF): a word or spelling in
/// Arabic script.
pub(crate) fn is_arabic_script(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// The apostrophes and letter marks people write inside a word (M'hamed, M’Sila, Tal`at, ʿAli):
/// folding makes each a space.
pub(crate) const APOSTROPHES: &[char] =
    &['\'', '\u{2019}', '\u{2018}', '\u{02BF}', '\u{02BE}', '`'];

/// Whether `text` holds one of [`APOSTROPHES`]. Asked of every address (and every name in
/// ASCII), most of them without any: the bytes are read first for an ASCII mark or the first
/// byte of another (’ and ‘ are E2 80 99 and E2 80 98, ʿ and ʾ CA BF and CA BE, no Arabic
/// letter's), and only text that has one is searched character by character.
pub(crate) fn has_apostrophe(text: &str) -> bool {
    // Every byte compared, without stopping at the first: the compiler then compares many at
    // once (an early exit costs more on text of a few dozen bytes, most without a mark).
    let marked = text.bytes().fold(false, |seen, b| {
        seen | matches!(b, b'\'' | b'`' | 0xE2 | 0xCA)
    });
    marked && text.contains(APOSTROPHES)
}

/// Sun letters that assimilate the Latin-written article: et-tazi, en-nasr, es-saidi.
const SUN_LETTERS: &[char] = &['t', 'd', 'r', 'z', 's', 'n'];

fn is_latin_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Strips a leading definite article written into the token: ال (Arabic), al/el before a
/// consonant other than l (elmansouri), and the assimilated forms (ettazi, ennasr, errachidi).
/// Allal, alaoui and ali keep their letters because what follows "al" is a vowel or an l.
pub(crate) fn strip_article(token: &str) -> &str {
    let rest_ok = |rest: &str| rest.chars().count() >= 3;
    if let Some(rest) = token.strip_prefix("ال") {
        if rest.chars().count() >= 2 {
            return rest;
        }
        return token;
    }
    for assimilated in ["echch", "achch", "eshsh", "ashsh"] {
        if let Some(rest) = token.strip_prefix(assimilated.get(..3).unwrap_or("")) {
            if token.starts_with(assimilated) && rest_ok(rest) {
                return rest;
            }
        }
    }
    let mut chars = token.chars();
    let (Some(a), Some(b), Some(c)) = (chars.next(), chars.next(), chars.next()) else {
        return token;
    };
    let rest = token.get(2..).unwrap_or(token);
    if (a == 'a' || a == 'e') && b == 'l' && c.is_ascii_lowercase() && !is_latin_vowel(c) {
        if c != 'l' && rest_ok(rest) {
            return rest;
        }
        return token;
    }
    if (a == 'a' || a == 'e') && SUN_LETTERS.contains(&b) && b == c && rest_ok(rest) {
        return rest;
    }
    token
}

/// A transliteration-insensitive key of one folded token, the same for its Arabic-script and
/// Latin-script spellings (محمد, mohamed, mohammed, muhammad -> one key).
///
/// Letters of both scripts map to consonant classes (ت ط t, د ض ذ d, س ص s, ش sh ch, خ kh, ق
/// q k, ج j g dj...), vowels and weak letters drop, a word-initial vowel becomes the marker
/// `a` (so that Ahmed and Hamid differ), a leading article is stripped, doubled classes
/// collapse. Digits and letters of other scripts are kept as they are.
///
/// Known collisions, by design of a consonant key: names that differ only in vowels (Hassan
/// and Hussein, Amine and Imane) share a key.
///
/// # Example
/// ```
/// use codguard::normalize::text::{fold, skeleton};
/// let k = skeleton("محمد");
/// for spelling in ["mohamed", "mohammed", "muhammad", "mohamad"] {
///     assert_eq!(skeleton(spelling), k);
/// }
/// assert_eq!(skeleton(&fold("الشرقاوي")), skeleton("charkaoui"));
/// assert_ne!(skeleton("ahmed"), skeleton("hamid"));
/// ```
pub fn skeleton(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    skeleton_into(token, &mut out);
    out
}

/// [`skeleton`] appended to `out`; true when the token has a [`second_skeleton`] (it writes
/// `th` or `dh`, an Arabic و after an ا, or a Latin final t that may be a bound ة), which the
/// caller then asks for.
pub(crate) fn skeleton_into(token: &str, out: &mut String) -> bool {
    skeleton_read(token, false, out)
}

/// The skeleton of a Latin token read with its `th` and `dh` as two letters, or of an Arabic
/// token read with its و after an ا as a consonant, when it has them: its second key, beside
/// [`skeleton`]'s.
///
/// An Arabic و after an ا is a vowel in some words and a consonant in others (داود Daoud and
/// Dawood, تعاون Taawun): [`skeleton`] reads a vowel, the second key a consonant. A Latin final
/// t after a or e may write a bound ة (Gameat El Dowal = جامعة الدول, Madinat Nasr = مدينة
/// نصر): the second key leaves it out, in a word without th or dh.
///
/// Latin `th` writes ث (Othman = عثمان, Haitham = هيثم) and also ت + ح (Fath = فتح, Fathi =
/// فتحي); `dh` writes ذ, ض or ظ and also د + ه or ح (Adham = أدهم, Medhat = مدحت). The names'
/// table says so (`core/data/name_letters.tsv`, flag `split`), and [`skeleton`] reads the one
/// letter: a door written `Résidence Al Fath` meets `إقامة الفتح` only by this second key. The
/// digraphs read both ways are marked `+` in `core/data/skeleton.tsv`, which says why kh, sh,
/// ch and gh are not.
///
/// `None` for a token without them, and for one whose two readings give one skeleton.
///
/// # Example
/// ```
/// use codguard::normalize::text::{fold, second_skeleton, skeleton};
/// assert_eq!(skeleton("fath"), "ft");
/// assert_eq!(second_skeleton("fath").as_deref(), Some("fth"));
/// assert_eq!(skeleton(&fold("الفتح")), "fth");
/// // Othman is the first reading's: عثمان.
/// assert_eq!(skeleton("othman"), skeleton(&fold("عثمان")));
/// assert_eq!(second_skeleton("adham"), Some(skeleton(&fold("أدهم"))));
/// assert_eq!(second_skeleton("amal"), None);
/// assert_eq!(second_skeleton(&fold("التعاون")), Some(skeleton("taawun")));
/// assert_eq!(second_skeleton(&fold("داود")), Some(skeleton("dawood")));
/// assert_eq!(skeleton(&fold("داود")), skeleton("daoud"));
/// assert_eq!(second_skeleton("gameat"), Some(skeleton(&fold("جامعة"))));
/// assert_eq!(second_skeleton("madinat"), Some(skeleton(&fold("مدينة"))));
/// assert_eq!(second_skeleton("medhat"), Some(skeleton(&fold("مدحت"))));
/// ```
pub fn second_skeleton(token: &str) -> Option<String> {
    let mut first = String::with_capacity(token.len());
    if !skeleton_into(token, &mut first) {
        return None;
    }
    let mut second = String::with_capacity(token.len() + 2);
    second_skeleton_into(token, &mut second);
    (second != first).then_some(second)
}

/// [`second_skeleton`] appended to `out`, whether or not it differs from the first.
pub(crate) fn second_skeleton_into(token: &str, out: &mut String) {
    skeleton_read(token, true, out);
}

/// The skeleton of `token` appended to `out`, its two-letter digraphs (`+` in the table) read
/// letter by letter or as one, and an Arabic و after an ا read as a consonant or as a vowel (the
/// second reading and the first); true when it met one read as one, or such a و.
fn skeleton_read(token: &str, letter_by_letter: bool, out: &mut String) -> bool {
    let token = strip_article(token);
    let mut units = Units {
        table: skeleton_table(),
        rest: token,
        letter_by_letter,
        met_two_letters: false,
    };
    // A final t may be a bound ة only in a word without a digraph read two ways: Medhat's
    // second reading is its dh's.
    let splits_a_digraph = token.ends_with('t') && (token.contains("th") || token.contains("dh"));
    let mut two_ways = false;
    let mut last: Option<char> = None;
    let mut prev: Option<(Class, char)> = None;
    let mut current = units.next();
    let mut k = 0;
    while let Some(unit) = current {
        let next = units.next();
        let at = Place {
            prev,
            next,
            first: k == 0,
            // The ending ة (folded to ه) is the last letter.
            next_is_last: units.rest.is_empty(),
            bound_t_may_drop: k >= 3 && !splits_a_digraph,
        };
        let (emitted, either) = skeleton_letter(unit, &at, letter_by_letter);
        two_ways |= either;
        if let Some(c) = emitted {
            if last != Some(c) {
                out.push(c);
                last = Some(c);
            }
        }
        prev = Some(unit);
        current = next;
        k += 1;
    }
    units.met_two_letters || two_ways
}

/// Where a unit of a token is, for [`skeleton_letter`].
struct Place {
    prev: Option<(Class, char)>,
    next: Option<(Class, char)>,
    first: bool,
    /// The next unit, if any, is the token's last.
    next_is_last: bool,
    /// A final t here may be a bound ة ([`skeleton_letter`]).
    bound_t_may_drop: bool,
}

/// The skeleton letter of `unit` at `at`, if any, in the first reading or the second
/// (`second`), and whether the two readings differ there.
fn skeleton_letter(unit: (Class, char), at: &Place, second: bool) -> (Option<char>, bool) {
    let is_vowelish = |u: Option<(Class, char)>| matches!(u, Some((Class::Vowel | Class::Semi, _)));
    let Place {
        prev, next, first, ..
    } = *at;
    match unit.0 {
        Class::Consonant(c) => {
            // A final h/ه after a vowel is a spelling of the feminine ending (fatimah, فاطمه)
            // or silent: drop it.
            let final_h =
                next.is_none() && !first && (unit.1 == 'ه' || (c == 'h' && is_vowelish(prev)));
            // A Latin final t after a or e may write the ending ة where a word is bound to the
            // next (Gameat El Dowal = جامعة الدول, Madinat Nasr = مدينة نصر): the second reading
            // leaves it out.
            let bound_t = unit.1 == 't'
                && next.is_none()
                && at.bound_t_may_drop
                && matches!(prev, Some((Class::Vowel, 'a' | 'e')));
            let dropped = final_h || (bound_t && second);
            ((!dropped).then_some(c), bound_t)
        }
        Class::Semi => {
            let before_ending = next.is_some_and(|n| n.1 == 'ه') && at.next_is_last;
            let mut either = false;
            let consonant = match unit.1 {
                // A Latin w is a consonant but between a vowel and a consonant, where it writes
                // و read as a vowel (Thawra ثورة, Rawda روضة, Awlad أولاد).
                'w' => !(is_vowelish(prev) && matches!(next, Some((Class::Consonant(_), _)))),
                // و is a consonant first, before a vowel and before the ending ة (مروة, صفوة,
                // ربوة: Marwa, Safwa, Rabwa). After an ا it may be either (تعاون Taawun, داود
                // Daoud): a vowel in the first reading, a consonant in the second.
                'و' => {
                    let sure = first || matches!(next, Some((Class::Vowel, _))) || before_ending;
                    let after_alef = matches!(prev, Some((_, 'ا')));
                    either = !sure && after_alef;
                    sure || (either && second)
                }
                // Latin o/u/ou are a w only before a vowel (alaoui, marouane).
                _ => matches!(next, Some((Class::Vowel, _))),
            };
            let letter = if consonant {
                Some('w')
            } else if first {
                Some('a')
            } else {
                None
            };
            (letter, either)
        }
        // Initial y/ي is a consonant people drop as often as they write; treat it as nothing.
        // Other initial vowels become the marker.
        Class::Vowel => (
            (first && !matches!(unit.1, 'y' | 'ي')).then_some('a'),
            false,
        ),
    }
}

/// The spellings of a token, classified, left to right: (class, first character).
struct Units<'a> {
    table: &'a SkeletonTable,
    rest: &'a str,
    /// Read the digraphs that may be two letters (`th`, `dh`) letter by letter.
    letter_by_letter: bool,
    /// Set once a digraph that may be two letters was read as one.
    met_two_letters: bool,
}

impl Iterator for Units<'_> {
    type Item = (Class, char);

    fn next(&mut self) -> Option<(Class, char)> {
        let mut chars = self.rest.chars();
        let first = chars.next()?;
        let lead = self.rest.as_bytes().first();
        let may_be_multi = match lead.and_then(|&b| 1u128.checked_shl(u32::from(b))) {
            Some(bit) => self.table.multi_first & bit != 0,
            // A byte outside ASCII.
            None => self.table.multi_first == u128::MAX,
        };
        let multi =
            self.table
                .multi
                .iter()
                .filter(|_| may_be_multi)
                .find(|(spelling, _, two_letters)| {
                    spelling.as_bytes().first() == lead
                        && self.rest.starts_with(spelling)
                        && !(*two_letters && self.letter_by_letter)
                });
        if let Some(&(spelling, class, two_letters)) = multi {
            self.met_two_letters |= two_letters;
            self.rest = self.rest.get(spelling.len()..).unwrap_or("");
            return Some((class, first));
        }
        let class = match self.table.single(first) {
            // A soft c (youcef, lucie) is an s.
            Some(_) if first == 'c' && matches!(chars.next(), Some('e' | 'i' | 'y')) => {
                Class::Consonant('s')
            }
            Some(class) => class,
            None => Class::Consonant(first),
        };
        self.rest = self.rest.get(first.len_utf8()..).unwrap_or("");
        Some((class, first))
    }
}

/// Junk vocabulary and keyboard rows, folded.
struct Nonsense {
    words: FxHashSet<String>,
    phrases: FxHashSet<String>,
    /// The longest of `words` and of `phrases`, in bytes: a longer text (most addresses, most
    /// words) is none of them, and is not hashed to be looked up.
    longest_word: usize,
    longest_phrase: usize,
    rows: Vec<Vec<char>>,
    /// Every two keys side by side on a row, left to right: a run along a row, either way,
    /// starts with one of them or one of them reversed.
    neighbours: FxHashSet<(char, char)>,
}

fn nonsense_table() -> &'static Nonsense {
    static TABLE: OnceLock<Nonsense> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Nonsense {
            words: Default::default(),
            phrases: Default::default(),
            longest_word: 0,
            longest_phrase: 0,
            rows: Vec::new(),
            neighbours: Default::default(),
        };
        for [kind, value] in data::rows(include_str!("../../data/nonsense.tsv")) {
            let value = fold(value);
            match kind {
                "word" => {
                    t.words.insert(value);
                }
                "phrase" => {
                    t.phrases.insert(value);
                }
                "row" => t.rows.push(value.chars().collect()),
                _ => {}
            }
        }
        t.longest_word = t.words.iter().map(String::len).max().unwrap_or(0);
        t.longest_phrase = t.phrases.iter().map(String::len).max().unwrap_or(0);
        t.neighbours = t
            .rows
            .iter()
            .flat_map(|row| row.windows(2))
            .filter_map(|pair| Some((*pair.first()?, *pair.get(1)?)))
            .collect();
        t
    })
}

/// True when a whole folded field is a known junk phrase ("no address", "لا يوجد").
pub(crate) fn is_junk_phrase(folded: &str) -> bool {
    let t = nonsense_table();
    folded.len() <= t.longest_phrase && t.phrases.contains(folded)
}

/// True when one folded name or address token is junk: a junk word ("test"), keyboard mash
/// ([`is_keyboard_mash`]), or a long Latin token without a vowel ("sdfgh").
pub(crate) fn is_mash_token(token: &str) -> bool {
    let t = nonsense_table();
    (token.len() <= t.longest_word && t.words.contains(token))
        || with_chars(token, |chars| {
            keyboard_mash(t, chars)
                || (chars.len() >= 5
                    && chars.iter().all(char::is_ascii_lowercase)
                    && !chars.iter().any(|&c| is_latin_vowel(c)))
        })
}

/// True when a lower-case word is keyboard mash: one character typed three times or more
/// ("xxx", "ههههه", "0000"), a unit of up to four characters typed again to six or more
/// ("sdfsdf", "hahaha", "qsdfqsdf"), or a run of four or more keys along a keyboard row,
/// either way ("azerty", "lkjh", "ضصثق", "1234"; rows from `core/data/nonsense.tsv`).
///
/// Emails judge their local part with this alone: a local part without vowels is often an
/// abbreviation ("mhmd.krm"), which [`is_mash_token`] would call junk in a name.
pub(crate) fn is_keyboard_mash(word: &str) -> bool {
    with_chars(word, |chars| keyboard_mash(nonsense_table(), chars))
}

fn keyboard_mash(t: &Nonsense, chars: &[char]) -> bool {
    let n = chars.len();
    if n >= 3 && chars.iter().all(|&c| Some(&c) == chars.first()) {
        return true;
    }
    let repeated = |unit: usize| {
        n.is_multiple_of(unit)
            && chars
                .iter()
                .enumerate()
                .all(|(i, c)| chars.get(i % unit) == Some(c))
    };
    if n >= 6 && (1..=4).any(repeated) {
        return true;
    }
    let neighbours =
        |a: &char, b: &char| t.neighbours.contains(&(*a, *b)) || t.neighbours.contains(&(*b, *a));
    // Every two keys of a run are neighbours: the first three are asked before the rows are
    // walked (ال starts many Arabic words, and ل ا are neighbours), and only of four characters
    // or more.
    let starts_a_run = || match chars {
        [a, b, c, ..] => neighbours(a, b) && neighbours(b, c),
        _ => false,
    };
    n >= 4 && starts_a_run() && t.rows.iter().any(|row| contains_run(row, chars))
}

/// Tokens up to this many characters are checked on the stack.
const STACK_CHARS: usize = 48;

/// Calls `f` on the characters of `token`, without allocating for ordinary tokens.
fn with_chars(token: &str, f: impl FnOnce(&[char]) -> bool) -> bool {
    let mut stack = ['\0'; STACK_CHARS];
    let mut n = 0;
    for c in token.chars() {
        match stack.get_mut(n) {
            Some(slot) => *slot = c,
            None => return f(&token.chars().collect::<Vec<char>>()),
        }
        n += 1;
    }
    f(stack.get(..n).unwrap_or_default())
}

/// True when `chars` is a contiguous run of `row`, forwards or backwards.
fn contains_run(row: &[char], chars: &[char]) -> bool {
    if chars.len() > row.len() {
        return false;
    }
    let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
        return true;
    };
    // Comparing the ends first skips the slice comparison for nearly every window.
    row.windows(chars.len()).any(|w| {
        (w.first() == Some(first) && w.last() == Some(last) && w == chars)
            || (w.last() == Some(first)
                && w.first() == Some(last)
                && w.iter().rev().eq(chars.iter()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_apostrophe_is_found_and_no_letter_is_one() {
        // Each mark's first byte is one `has_apostrophe` reads for.
        for mark in APOSTROPHES {
            let first = mark.to_string().as_bytes()[0];
            assert!(matches!(first, b'\'' | b'`' | 0xE2 | 0xCA), "{mark}");
        }
        for mark in APOSTROPHES {
            assert!(has_apostrophe(&format!("m{mark}sila")), "{mark}");
            assert!(has_apostrophe(&format!("م{mark}")), "{mark}");
        }
        assert!(!has_apostrophe("rue de msila"));
        assert!(!has_apostrophe("شارع المسيلة"));
    }

    /// A digraph the skeleton reads as two letters too is one the names' table says may be two
    /// letters (`split` in `core/data/name_letters.tsv`): the two tables cannot disagree.
    #[test]
    fn two_letter_digraphs_are_the_names_split_ones() {
        let split: Vec<&str> = data::rows(include_str!("../../data/name_letters.tsv"))
            .filter(|[_, _, _, flags]: &[&str; 4]| flags.contains("split"))
            .map(|[_, spelling, _, _]| spelling)
            .collect();
        let two: Vec<&str> = skeleton_table()
            .multi
            .iter()
            .filter(|(_, _, two_letters)| *two_letters)
            .map(|(spelling, _, _)| *spelling)
            .collect();
        assert_eq!(two.len(), 2, "{two:?}");
        for spelling in two {
            assert!(split.contains(&spelling), "{spelling}");
        }
    }

    /// [`fold`] through the general path alone, as it was for any text beyond ASCII and
    /// Arabic.
    fn general(raw: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        general_fold(raw, |kept| match kept {
            Some(c) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
            None => pending_space = true,
        });
        out
    }

    /// The characters below [`TABLE_END`] that fold without the general path.
    fn fast_chars() -> Vec<char> {
        let table = fate_table();
        (0..TABLE_END)
            .filter(|&cp| table.get(cp) != Some(&Fate::Unplain))
            .filter_map(|cp| char::from_u32(cp as u32))
            .collect()
    }

    #[test]
    fn fast_path_agrees_with_unicode_normalization() {
        let table = fate_table();
        let chars = fast_chars();
        assert!(chars.len() > 1500, "{} characters", chars.len());
        for name in ["°", "é", "É", "è", "È", "º", "\u{0301}", "ç", "ß"] {
            let c = name.chars().next().unwrap_or_default();
            assert_ne!(table.get(c as usize), Some(&Fate::Unplain), "{name}");
        }
        for name in ["½", "ĳ", "ǅ"] {
            let c = name.chars().next().unwrap_or_default();
            assert_eq!(table.get(c as usize), Some(&Fate::Unplain), "{name}");
        }
        // What Unicode normalization does across characters: a letter composed with the accents
        // after it (e + ̂ + ́ = ế), an uppercase letter lower-cased with its accent (I + ̇ = İ,
        // whose lower case is i + ̇), letters around a separator.
        let marks: Vec<char> = ('\u{0300}'..='\u{036F}')
            .chain([
                '\u{064B}', '\u{0651}', '\u{0653}', '\u{0654}', '\u{0655}', '\u{0670}',
            ])
            .collect();
        let mut s = String::new();
        for &c in &chars {
            for &m in &marks {
                for text in [[c, m, 'a'], ['a', c, m], ['I', c, m], [c, m, m]] {
                    s.clear();
                    s.extend(text);
                    assert_eq!(fold(&s), general(&s), "{:?}", s);
                }
            }
            for &b in &['a', 'E', 'ا', 'ي', 'و', 'ە', '1', ' ', '°'] {
                for text in [[b, c], [c, b]] {
                    s.clear();
                    s.extend(text);
                    assert_eq!(fold(&s), general(&s), "{:?}", s);
                }
            }
        }
    }

    proptest! {
        /// Text of table characters (and invisible marks) folds as the general path folds it.
        #[test]
        fn fast_path_is_the_general_path(picks in proptest::collection::vec((0usize..2000, 0usize..8), 0..12)) {
            let chars = fast_chars();
            let invisible = ['\u{200B}', '\u{200F}', '\u{FEFF}', '\u{FE0F}', '\u{2066}'];
            let s: String = picks
                .iter()
                .filter_map(|&(i, k)| if k == 0 { invisible.get(i % invisible.len()) } else { chars.get(i % chars.len()) })
                .collect();
            prop_assert_eq!(fold(&s), general(&s));
        }
    }

    #[test]
    fn digits_of_every_system() {
        assert_eq!(fold("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(fold("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(fold("０１２"), "012");
        assert_eq!(fold("०१२"), "012");
    }

    #[test]
    fn mash() {
        for t in [
            "azerty",
            "sdfsdf",
            "qsdqsd",
            "xxxx",
            "ههههه",
            "asdfgh",
            "ddd",
            "test",
        ] {
            assert!(is_mash_token(&fold(t)), "{t}");
        }
        for t in ["mohamed", "tazi", "انفا", "زنقه", "riad", "lalla", "bd"] {
            assert!(!is_mash_token(t), "{t}");
        }
    }
}
