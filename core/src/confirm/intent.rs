//! What a customer's free-text reply means: confirm, cancel, a new number, or unknown.
//!
//! The words (`core/data/reply_words.tsv`) cover Modern Standard Arabic, Moroccan, Algerian and
//! Tunisian Darija in Arabic script and in Latin letters (with the arabizi digits 3, 7, 9),
//! Egyptian and Gulf Arabic, French and English. The reading is deliberately timid: a wrong
//! guess ships or cancels a real order, while `unknown` only costs a person a glance. So a
//! question, a condition ("if it arrives tomorrow ok"), a "but", a hedge ("maybe", "I think"),
//! "later", a negated "yes" ("not ok"), "not now", "not me", mixed signals ("oui non") and a word
//! whose meaning depends on a country the caller did not give are all [`Intent::Unknown`].
//!
//! How a reply is read:
//! 1. [`fold`] makes spellings meet (case, accents, harakat, alef forms, Arabic-Indic digits,
//!    elongations such as "ouiii") and keeps what the words need: `?`, and clause breaks.
//! 2. Runs of digits long enough to be a phone number are set aside.
//! 3. The lexicon reads the words, longest phrase first ("no problem" is agreement, not "no"),
//!    in the caller's country ([`lexicon`]), and verbs through their affixes (`mabghitch`,
//!    `مطلبتش`, `siftoha`).
//! 4. [`clause`] decides what each `لا`, `la`, "no" and Latin `ma` is ("no", "not", an
//!    article, or unclear, by the verb after it), applies each negation to the word it reaches
//!    and weighs the signals.
//! 5. A number with nothing against it (and, beside a "yes" or "no", a word such as "my new
//!    number" or "call me on") is [`Intent::NewPhone`]; otherwise the signals decide.

mod clause;
mod lexicon;

use serde::{Deserialize, Serialize};

use self::clause::{Item, Leaning, Summary};
use self::lexicon::{country_code, Country, Lexicon, Sense};
use crate::error::Error;
use crate::normalize::phone::{check_country, find_phone, E164Phone};
use crate::normalize::text::{fold_into, is_invisible, unicode_digit};
use crate::normalize::MAX_INPUT_BYTES;

/// At most this many words the lexicon does not know, in a reply it answers with anything
/// but `unknown`: an unknown word may say what the known ones do not ("send it to my
/// sister", "ok 😂", "wakha 2").
const MAX_UNKNOWN_WORDS: usize = 0;

/// The folded word that stands for a clause break.
const BREAK: &str = ",";

/// What a reply asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Ship the order.
    Confirm,
    /// Cancel the order.
    Cancel,
    /// Use this other phone number.
    NewPhone,
    /// Unclear: a person should read it.
    Unknown,
}

contract_names!(Intent, "intent", {
    Confirm => "confirm",
    Cancel => "cancel",
    NewPhone => "new_phone",
    Unknown => "unknown",
});

/// The meaning of a reply: `{"intent": "new_phone", "phone": "+212612345678"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyIntent {
    /// What the reply asks for.
    pub intent: Intent,
    /// The number found in a `new_phone` reply; null otherwise.
    pub phone: Option<E164Phone>,
}

impl ReplyIntent {
    fn of(intent: Intent) -> ReplyIntent {
        ReplyIntent {
            intent,
            phone: None,
        }
    }
}

/// Folds a reply so that spellings meet: the shared [`fold_into`] (lower case, no Latin
/// diacritics or Arabic harakat, one alef, `ى`->`ي`, `ة`->`ه`, ASCII digits, no invisible
/// marks, punctuation as spaces), plus what a reply needs that a name or an address does not:
/// a question mark as its own `?` word, clause punctuation (`,` `.` `!` `;` `:` a line break,
/// but not a dot between digits) as one `,` word, a `+` kept on the number it starts, symbols
/// (emoji) as their own words, and letters repeated three or more times ("ouiii", "نعممم") once.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut segment = String::new();
    let mut chars = text.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let between_digits =
            || unicode_digit(prev).is_some() && next.is_some_and(|n| unicode_digit(n).is_some());
        let word = match c {
            '?' | '؟' | '¿' => '?',
            '+' if next.is_some_and(|n| unicode_digit(n).is_some()) => '+',
            // Variation selectors and skin tones change nothing.
            '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' => continue,
            ',' | '،' | '.' | '!' | '¡' | ';' | '؛' | ':' | '…' | '۔' | '\n' | '\r'
                if !between_digits() =>
            {
                ','
            }
            c if is_symbol(c) => c,
            c => {
                prev = c;
                segment.push(c);
                continue;
            }
        };
        prev = c;
        flush(&mut segment, &mut out);
        if word == ',' && (out.is_empty() || out.ends_with(", ")) {
            continue;
        }
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push(word);
        if word != '+' {
            out.push(' ');
        }
    }
    flush(&mut segment, &mut out);
    let mut result = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !result.is_empty() {
            result.push(' ');
        }
        squeeze_repeats(word, &mut result);
    }
    if result.ends_with(BREAK) {
        result.truncate(result.len() - BREAK.len());
        result.truncate(result.trim_end().len());
    }
    result
}

/// Folds the text gathered so far onto `out`, glued to a `+` that starts a number.
fn flush(segment: &mut String, out: &mut String) {
    if segment.is_empty() {
        return;
    }
    if !out.is_empty() && !out.ends_with('+') {
        out.push(' ');
    }
    fold_into(segment, out);
    segment.clear();
}

/// A character that stands for itself in a reply (👍, ❤, ✓): not a letter, digit, space,
/// punctuation, combining mark or invisible mark.
fn is_symbol(c: char) -> bool {
    !(c.is_alphanumeric()
        || c.is_whitespace()
        || c.is_ascii_punctuation()
        || is_invisible(c)
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
        || matches!(
            c,
            '،' | '؛' | '٫' | '٬' | '۔' | '’' | '‘' | '«' | '»' | '…' | '–' | '—' | '\u{00A0}'
        ))
}

/// Writes `word` with runs of three or more equal letters cut to one (digits untouched: a phone
/// may well hold 666).
fn squeeze_repeats(word: &str, out: &mut String) {
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        if run >= 3 && c.is_alphabetic() {
            out.push(c);
        } else {
            chars[i..i + run].iter().for_each(|&x| out.push(x));
        }
        i += run;
    }
}

/// Maps a customer's reply to an [`Intent`], with the number for [`Intent::NewPhone`].
///
/// `country` is the ISO 3166-1 alpha-2 code (any case) of the shop's customer, or `""` when
/// unknown. It picks the words' meanings where they differ by country (`ماشي` is "OK" in
/// Egypt and "not" in Morocco; without a country such words make the reply `unknown`) and reads
/// a new number written in national form (`0661…`). Texts longer than [`MAX_INPUT_BYTES`] are
/// `unknown`: nobody confirms an order with a page of text.
///
/// What is recognised: agreement, "send it", "I want it", refusals, "I did not order", "no
/// longer", and new numbers ("my new number is…", "appelez-moi sur le…", `رقمي الجديد`,
/// `هذا رقمي`, Arabic-Indic digits), in Modern Standard Arabic, Moroccan, Algerian and
/// Tunisian Darija (Arabic script and Latin letters with the arabizi digits 3, 7, 9),
/// Egyptian and Gulf Arabic, French and English, mixed as people mix them; negation reaches the
/// word it governs ("je ne veux pas", `مطلبتش`, "don't cancel", Latin `ma` before a verb: `ma
/// abi`, expatriate English "no want"); a "no" before "send it" is not a refusal ("no no send
/// it"), and a lone `لا` before a dialect verb is a person's call (`لا ابيه`: "no, I want it"
/// or "I don't want it"); "no problem" and its kin agree. Digits "1"/"2" count only
/// as the whole reply ("reply 1 to confirm").
///
/// The rule is **`unknown` rather than a guess**: a wrong confirm ships a parcel that comes
/// back and a wrong cancel loses a sale, while `unknown` costs a person a glance. A question, a
/// condition ("if it arrives tomorrow ok"), a "but", a hedge ("maybe"), "later", "not now",
/// "not me", a negated "yes", mixed signals, any word the word lists do not know, a "no" beside
/// a date ("non, demain"), and a word whose meaning depends on a country not given are all
/// [`Intent::Unknown`]. A reply with a number is [`Intent::NewPhone`] only when every number
/// in it is the same valid number and nothing refuses or hedges.
///
/// # Errors
///
/// [`ErrorKind::InvalidCountry`](crate::ErrorKind::InvalidCountry) when `country` is neither `""` nor a region code the library
/// knows (`"Morocco"`, `"ZZ"`): an integration mistake, reported rather than read as "no
/// country". The text itself never makes the call fail.
///
/// # Example
/// ```
/// use codguard::confirm::{reply_intent, Intent};
/// assert_eq!(reply_intent("Wakha a sidi", "MA")?.intent, Intent::Confirm);
/// assert_eq!(reply_intent("ما بغيتش", "MA")?.intent, Intent::Cancel);
/// assert_eq!(reply_intent("la la sifto", "MA")?.intent, Intent::Confirm);
/// // The same word, two countries: "OK" in Egypt, "not (now)" in Morocco.
/// assert_eq!(reply_intent("ماشي", "EG")?.intent, Intent::Confirm);
/// assert_eq!(reply_intent("ماشي دابا", "MA")?.intent, Intent::Unknown);
/// assert_eq!(reply_intent("oui non", "FR")?.intent, Intent::Unknown);
/// let r = reply_intent("رقمي الجديد ٠٦٦١٤٨٧٣٢٩", "MA")?;
/// assert_eq!(r.intent, Intent::NewPhone);
/// assert_eq!(r.phone.unwrap().as_str(), "+212661487329");
/// assert!(reply_intent("oui", "Morocco").is_err());
/// # Ok::<(), codguard::Error>(())
/// ```
pub fn reply_intent(text: &str, country: &str) -> Result<ReplyIntent, Error> {
    let code = read_country(country)?;
    if text.len() > MAX_INPUT_BYTES {
        return Ok(ReplyIntent::of(Intent::Unknown));
    }
    let folded = fold(text);
    let tokens = tokens(&folded);
    let mut items = read_words(&folded, &tokens, code);
    let summary = Summary::read(&mut items);
    let numbers: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Number(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    if !numbers.is_empty() {
        let phone = new_phone(&numbers, country.trim(), &summary);
        return Ok(
            phone.map_or(ReplyIntent::of(Intent::Unknown), |phone| ReplyIntent {
                intent: Intent::NewPhone,
                phone: Some(phone),
            }),
        );
    }
    let intent = match summary.leaning() {
        // Words about a number without one ("call me", "ok, appelez-moi") ask for something.
        _ if summary.unclear || summary.others > MAX_UNKNOWN_WORDS || summary.phone_words > 0 => {
            Intent::Unknown
        }
        Some(Leaning::Confirm) => Intent::Confirm,
        Some(Leaning::Cancel) => Intent::Cancel,
        None => Intent::Unknown,
    };
    Ok(ReplyIntent::of(intent))
}

/// The caller's country: `None` for `""`, an error for anything but a known region code.
fn read_country(country: &str) -> Result<Option<Country>, Error> {
    check_country(country)?;
    // A known region is two letters, which `country_code` reads.
    Ok(country_code(country))
}

/// A reply's folded words, with digit runs long enough to be a phone number joined into one.
#[derive(Debug)]
enum Token<'a> {
    /// A word (or `?`, or the clause break), and its byte range in the folded text.
    Word(&'a str, std::ops::Range<usize>),
    /// Digits, possibly after a `+`, written in one or several groups ("06 61 48 73 29").
    Number(String),
}

/// Splits the folded text into words and phone-number candidates: runs of digit groups with
/// eight digits or more. Shorter runs ("1", "2", "18") stay words.
fn tokens(folded: &str) -> Vec<Token<'_>> {
    let mut words: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    let mut at = 0;
    for word in folded.split(' ') {
        if !word.is_empty() {
            words.push((word, at..at + word.len()));
        }
        at += word.len() + 1;
    }
    let is_digits = |w: &str| {
        let d = w.strip_prefix('+').unwrap_or(w);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    };
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while let Some((word, range)) = words.get(i) {
        let run = words[i..].iter().take_while(|(w, _)| is_digits(w)).count();
        let joined: String = words[i..i + run].iter().map(|(w, _)| *w).collect();
        if joined.bytes().filter(u8::is_ascii_digit).count() >= 8 {
            out.push(Token::Number(joined));
            i += run;
        } else {
            out.push(Token::Word(word, range.clone()));
            i += 1;
        }
    }
    out
}

/// Reads the words in `country`: the longest phrase of the lexicon at each place (a phrase
/// never spans a break, a `?` or a number), else one word through its affixes, else unknown.
fn read_words(folded: &str, tokens: &[Token<'_>], country: Option<Country>) -> Vec<Item> {
    let lexicon = Lexicon::get();
    let mut items = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        let Token::Word(word, range) = token else {
            i += 1;
            continue;
        };
        if *word == BREAK {
            items.push(Item::Break);
            i += 1;
            continue;
        }
        if *word == "?" {
            items.push(Item::Word(lexicon::Class::Question));
            i += 1;
            continue;
        }
        // The widest window of plain words from here.
        let plain = tokens[i..]
            .iter()
            .take(lexicon.longest())
            .take_while(|t| matches!(t, Token::Word(w, _) if *w != BREAK && *w != "?"))
            .count();
        let found = (1..=plain).rev().find_map(|n| {
            let Token::Word(_, last) = &tokens[i + n - 1] else {
                return None;
            };
            let phrase = folded.get(range.start..last.end)?;
            lexicon
                .phrase(phrase, country)
                .map(|sense| (n, sense, phrase))
        });
        match found {
            Some((n, Sense::Word(class), phrase)) => {
                items.push(verb_or_word(lexicon, phrase, class));
                i += n;
            }
            Some((n, Sense::Ambiguous, _)) => {
                items.push(Item::Ambiguous);
                i += n;
            }
            None => {
                items.push(match lexicon.unlisted(word, country) {
                    Some((class, true)) => Item::NegatedVerb(class),
                    Some((class, false)) => verb_or_word(lexicon, word, class),
                    None => Item::Other,
                });
                i += 1;
            }
        }
    }
    items
}

/// A verb is marked with what a `لا` or "no" right before it would be ([`Lexicon::after_no`]).
fn verb_or_word(lexicon: &Lexicon, word: &str, class: lexicon::Class) -> Item {
    if class.is_verb() {
        Item::Verb(class, lexicon.after_no(word, class))
    } else {
        Item::Word(class)
    }
}

/// The number a reply gives, when it gives one: every number in it is the same valid number,
/// nothing in the words is unclear or refuses, and a "yes" or "no" beside the number comes
/// with a word that says it is a number to use ("my new number", "call me on").
fn new_phone(numbers: &[&str], country: &str, summary: &Summary) -> Option<E164Phone> {
    if summary.unclear || summary.others > MAX_UNKNOWN_WORDS || summary.refuses() {
        return None;
    }
    if summary.has_signal() && summary.phone_words == 0 {
        return None;
    }
    let mut found = numbers.iter().map(|n| find_phone(n, country));
    let first = found.next()??;
    found.all(|p| p.as_ref() == Some(&first)).then_some(first)
}

/// Normalizes a phone the flow was given (the order's, or one from a `new_phone` reply).
///
/// Any valid number will do, even one that looks like junk to the engine: the flow only sends
/// it a message, and the engine has already decided whether the order deserves one.
pub(crate) fn normalize_flow_phone(raw: &str, country: &str) -> Option<E164Phone> {
    crate::normalize::phone::parse_phone(raw, country)
        .ok()
        .map(|info| info.e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_examples() {
        assert_eq!(fold("  Ouiii !!"), "oui");
        assert_eq!(fold("أؤكد"), "اوكد");
        assert_eq!(fold("نَعَمْ\u{200F}"), "نعم");
        assert_eq!(fold("d'accord"), "d accord");
        assert_eq!(fold("٠٦١٢ ۳۴"), "0612 34");
        assert_eq!(fold("１"), "1");
        assert_eq!(fold("ok?"), "ok ?");
        assert_eq!(fold("👍🏽"), "👍");
        assert_eq!(fold("+212 6"), "+212 6");
        assert_eq!(fold("la la, sifto!"), "la la , sifto");
        assert_eq!(
            fold("Non. Merci\nbonne journée"),
            "non , merci , bonne journee"
        );
        assert_eq!(fold("06.61.48.73.29"), "06 61 48 73 29");
        assert_eq!(fold("numéro : 0661"), "numero , 0661");
        assert_eq!(fold("!!, ok"), "ok");
    }

    fn intent(text: &str, country: &str) -> Intent {
        reply_intent(text, country).expect("known country").intent
    }

    #[test]
    fn latin_ma_is_not_before_a_verb_and_my_elsewhere() {
        for text in [
            "ma abi",
            "la ma abgha",
            "no ma abi",
            "ma abih",
            "ma a6lub",
            "ma bghit",
        ] {
            assert_eq!(intent(text, "AE"), Intent::Cancel, "{text}");
            assert_eq!(intent(text, ""), Intent::Cancel, "{text}");
        }
        // The French "my": before a noun, and before "annulation" (a cancel that is a noun).
        assert_eq!(intent("je confirme ma commande", "FR"), Intent::Confirm);
        assert_ne!(intent("ma annulation", "FR"), Intent::Confirm);
    }

    #[test]
    fn a_no_before_a_verb_negates_answers_or_is_unclear() {
        // Negates: Modern Standard Arabic present tense, expatriate English.
        for text in [
            "no want",
            "me no want",
            "i no want this",
            "لا أريد",
            "no interested",
        ] {
            assert_eq!(intent(text, "AE"), Intent::Cancel, "{text}");
        }
        // Answers an imperative; denies a doubt after another "no".
        for text in ["la sifto", "no no send it", "la la bghitha", "لا لا ابيه"] {
            assert_eq!(intent(text, "MA"), Intent::Confirm, "{text}");
        }
        // Either: a dialect verb, an English "send" or "cancel", "no want cancel".
        for text in [
            "la bghitha",
            "لا بغيتها",
            "لا ابيه",
            "لا أبغاه",
            "no send",
            "no cancel",
            "no want cancel",
        ] {
            assert_eq!(intent(text, "MA"), Intent::Unknown, "{text}");
        }
    }

    #[test]
    fn a_clitic_on_la_makes_another_word() {
        assert_eq!(intent("بلا", "AE"), Intent::Unknown);
        assert_eq!(intent("بلا ابيه", "AE"), Intent::Confirm);
        assert_eq!(intent("ولا", "EG"), Intent::Unknown);
    }

    #[test]
    fn c_est_bon_merci_is_a_person_s_call() {
        for text in [
            "c bon merci",
            "c'est bon merci",
            "Cest bon merci",
            "c bon merci beaucoup",
        ] {
            assert_eq!(intent(text, "FR"), Intent::Unknown, "{text}");
        }
        assert_eq!(intent("c'est bon", "FR"), Intent::Confirm);
    }
}
