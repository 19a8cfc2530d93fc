//! What a customer's free-text reply means: confirm, cancel, a new number, or unknown.
//!
//! Word lists (`core/data/reply_words.tsv`) cover Modern Standard Arabic, Darija in Arabic script
//! and Latin letters, Egyptian Arabic, French and English. The matcher is deliberately timid:
//! mixed signals, a negated "yes", a question or a "but" give [`Intent::Unknown`], because a wrong
//! guess ships or cancels a real order while `unknown` only costs a person a glance.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::data;
use crate::normalize::phone::E164Phone;
use crate::normalize::text::{fold_into, is_invisible, unicode_digit};
use crate::normalize::MAX_INPUT_BYTES;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Confirm,
    Cancel,
    NewPhone,
    Filler,
    Negation,
    Contrast,
    Question,
}

struct Words {
    phrases: HashMap<String, Class>,
    longest: usize,
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut phrases = HashMap::new();
        let mut longest = 1;
        for [class, phrase] in data::rows(include_str!("../../data/reply_words.tsv")) {
            let class = match class {
                "confirm" => Class::Confirm,
                "cancel" => Class::Cancel,
                "new_phone" => Class::NewPhone,
                "filler" => Class::Filler,
                "negation" => Class::Negation,
                "contrast" => Class::Contrast,
                "question" => Class::Question,
                _ => continue,
            };
            let folded = fold(phrase);
            let n = folded.split(' ').filter(|t| !t.is_empty()).count();
            if n == 0 {
                continue;
            }
            longest = longest.max(n);
            phrases.insert(folded, class);
        }
        Words { phrases, longest }
    })
}

/// Folds a reply so that spellings meet: the shared [`fold_into`] (lower case, no Latin
/// diacritics or Arabic harakat, one alef, `ى`->`ي`, `ة`->`ه`, ASCII digits, no invisible
/// marks, punctuation as spaces), plus what a reply needs that a name or an address does not:
/// a question mark as its own `?` word, a `+` kept on the number it starts, symbols (emoji) as
/// their own words, and letters repeated three or more times ("ouiii", "نعممم") once.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut segment = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let word = match c {
            '?' | '؟' => Some('?'),
            '+' if chars.peek().is_some_and(|&n| unicode_digit(n).is_some()) => Some('+'),
            // Variation selectors and skin tones change nothing.
            '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' => continue,
            c if is_symbol(c) => Some(c),
            c => {
                segment.push(c);
                continue;
            }
        };
        flush(&mut segment, &mut out);
        if let Some(w) = word {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(w);
            if w != '+' {
                out.push(' ');
            }
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

/// Resolves a raw number (already E.164, or national/international form) for `country`.
pub(crate) fn resolve_phone(raw: &str, country: &str) -> Option<E164Phone> {
    crate::normalize::phone::find_phone(raw, country)
}

/// Maps a customer's reply to an [`Intent`], with the number for [`Intent::NewPhone`].
///
/// `default_country` (ISO alpha-2) reads numbers written in national form. Texts longer than
/// [`MAX_INPUT_BYTES`] are `unknown`: nobody confirms an order with a page of text.
///
/// # Example
/// ```
/// use codguard::confirm::{reply_intent, Intent};
/// assert_eq!(reply_intent("Wakha a sidi", "MA").intent, Intent::Confirm);
/// assert_eq!(reply_intent("ما بغيتش", "MA").intent, Intent::Cancel);
/// assert_eq!(reply_intent("oui non", "FR").intent, Intent::Unknown);
/// let r = reply_intent("new number +212 6 12 34 56 78", "MA");
/// assert_eq!(r.intent, Intent::NewPhone);
/// assert_eq!(r.phone.unwrap().as_str(), "+212612345678");
/// ```
pub fn reply_intent(text: &str, default_country: &str) -> ReplyIntent {
    if crate::error::check_len("reply", text, MAX_INPUT_BYTES).is_err() {
        return ReplyIntent::of(Intent::Unknown);
    }
    let folded = fold(text);
    let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();

    // Runs of number-like tokens with 8+ digits are phone candidates; shorter runs ("1", "2")
    // stay words.
    let mut words_left: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut candidates: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let run = tokens[i..]
            .iter()
            .take_while(|t| is_number_token(t))
            .count();
        if run == 0 {
            words_left.push(tokens[i]);
            i += 1;
            continue;
        }
        let joined: String = tokens[i..i + run].concat();
        if joined.bytes().filter(u8::is_ascii_digit).count() >= 8 {
            candidates.push(joined);
        } else {
            words_left.extend_from_slice(&tokens[i..i + run]);
        }
        i += run;
    }

    let t = tally(&words_left);
    if t.question > 0 || t.contrast > 0 {
        return ReplyIntent::of(Intent::Unknown);
    }
    if !candidates.is_empty() {
        let phones: Vec<Option<E164Phone>> = candidates
            .iter()
            .map(|c| resolve_phone(c, default_country))
            .collect();
        let first = phones.first().cloned().flatten();
        let all_same = phones.iter().all(|p| *p == first);
        return match first {
            Some(phone) if all_same && t.confirm == 0 && t.other <= 2 => ReplyIntent {
                intent: Intent::NewPhone,
                phone: Some(phone),
            },
            _ => ReplyIntent::of(Intent::Unknown),
        };
    }
    let intent =
        if t.new_phone > 0 || (t.confirm > 0 && (t.cancel > 0 || t.negation > 0)) || t.other > 3 {
            Intent::Unknown
        } else if t.confirm > 0 {
            Intent::Confirm
        } else if t.cancel > 0 {
            Intent::Cancel
        } else {
            Intent::Unknown
        };
    ReplyIntent::of(intent)
}

fn is_number_token(t: &str) -> bool {
    let digits = t.strip_prefix('+').unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Default)]
struct Tally {
    confirm: u32,
    cancel: u32,
    new_phone: u32,
    negation: u32,
    contrast: u32,
    question: u32,
    other: u32,
}

fn tally(tokens: &[&str]) -> Tally {
    let w = words();
    let mut t = Tally::default();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "?" {
            t.question += 1;
            i += 1;
            continue;
        }
        let max = w.longest.min(tokens.len() - i);
        let hit = (1..=max).rev().find_map(|n| {
            let phrase = tokens[i..i + n].join(" ");
            w.phrases.get(&phrase).map(|c| (n, *c))
        });
        match hit {
            Some((n, class)) => {
                match class {
                    Class::Confirm => t.confirm += 1,
                    Class::Cancel => t.cancel += 1,
                    Class::NewPhone => t.new_phone += 1,
                    Class::Negation => t.negation += 1,
                    Class::Contrast => t.contrast += 1,
                    Class::Question => t.question += 1,
                    Class::Filler => {}
                }
                i += n;
            }
            None => {
                t.other += 1;
                i += 1;
            }
        }
    }
    t
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
    fn no_phrase_belongs_to_two_classes() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for [class, phrase] in data::rows(include_str!("../../data/reply_words.tsv")) {
            assert!(
                matches!(
                    class,
                    "confirm"
                        | "cancel"
                        | "new_phone"
                        | "filler"
                        | "negation"
                        | "contrast"
                        | "question"
                ),
                "{class}\t{phrase}"
            );
            let f = fold(phrase);
            assert!(!f.is_empty(), "{phrase}");
            if let Some(prev) = seen.insert(f.clone(), class) {
                assert_eq!(prev, class, "{phrase} folds to {f} in two classes");
            }
        }
    }

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
    }
}
