//! Text folding shared by addresses and names.
//!
//! [`fold`] turns what a customer typed into one canonical spelling per script (case, accents,
//! Arabic letter variants, digits, invisible marks and punctuation no longer matter), and
//! [`skeleton`] reduces one folded token to a consonant key that is the same in Arabic and in
//! the Latin transliterations people use for Arabic names.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Code points of the digit zero of every Unicode decimal-digit (Nd) run, generated from the
/// Unicode character database; digit `d` of a run is `zero + d`.
const DIGIT_ZEROS: &[u32] = &[
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The ASCII digit for a non-ASCII Unicode decimal digit.
fn ascii_digit(c: char) -> Option<char> {
    let cp = c as u32;
    let i = DIGIT_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let d = cp - zero;
    if d < 10 && c.is_numeric() {
        char::from_digit(d, 10)
    } else {
        None
    }
}

/// Characters that carry no letter and must vanish without leaving a space: direction marks,
/// zero-width joiners and spaces, the byte-order mark, the soft hyphen, the Arabic tatweel.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{0640}'
    )
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
    // A space is written only before the next kept character, which collapses runs and trims.
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending_space: &mut bool| {
        if *pending_space && !out.is_empty() {
            out.push(' ');
        }
        *pending_space = false;
        out.push(c);
    };
    if raw.is_ascii() {
        for b in raw.bytes() {
            if b.is_ascii_alphanumeric() {
                push(&mut out, b.to_ascii_lowercase() as char, &mut pending_space);
            } else {
                pending_space = true;
            }
        }
        return out;
    }
    if raw.chars().all(is_plain) {
        // ASCII and Arabic-block text needs no Unicode normalization: its only decompositions
        // are the hamza and madda letters, which `arabic_variant` maps directly.
        for c in raw.chars() {
            if is_combining_mark(c) || is_invisible(c) {
                continue;
            }
            let c = arabic_variant(c.to_ascii_lowercase());
            if c.is_ascii_digit() || c.is_alphabetic() {
                push(&mut out, c, &mut pending_space);
            } else if let Some(d) = ascii_digit(c) {
                push(&mut out, d, &mut pending_space);
            } else {
                pending_space = true;
            }
        }
        return out;
    }
    let chars = raw
        .nfkc()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|&c| !is_combining_mark(c) && !is_invisible(c));
    for c in chars {
        let c = arabic_variant(c);
        if c.is_ascii_digit() || c.is_alphabetic() {
            push(&mut out, c, &mut pending_space);
        } else if let Some(d) = ascii_digit(c) {
            push(&mut out, d, &mut pending_space);
        } else if c.is_alphanumeric() {
            // Other numerics (superscripts were handled by NFKC; this is e.g. a Roman numeral
            // sign): keep them rather than lose information.
            push(&mut out, c, &mut pending_space);
        } else {
            pending_space = true;
        }
    }
    out
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
    /// Spelling (one letter or a digraph) to class.
    map: HashMap<&'static str, Class>,
    /// The longest spelling, in chars.
    longest: usize,
}

fn skeleton_table() -> &'static SkeletonTable {
    static TABLE: OnceLock<SkeletonTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        let mut longest = 1;
        for line in include_str!("../../data/skeleton.tsv").lines() {
            let Some((spelling, class)) = line.split_once('\t') else {
                continue;
            };
            if spelling.starts_with('#') {
                continue;
            }
            let class = match class.trim() {
                "V" => Class::Vowel,
                "W" => Class::Semi,
                c => match c.chars().next() {
                    Some(ch) => Class::Consonant(ch),
                    None => continue,
                },
            };
            longest = longest.max(spelling.chars().count());
            map.insert(spelling, class);
        }
        SkeletonTable { map, longest }
    })
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
    let table = skeleton_table();
    let token = strip_article(token);
    let chars: Vec<char> = token.chars().collect();
    // First pass: split into spellings and classify.
    let mut units: Vec<(Class, char)> = Vec::with_capacity(chars.len());
    let mut i = 0;
    let mut buf = String::with_capacity(8);
    while i < chars.len() {
        let mut matched = None;
        let max = table.longest.min(chars.len() - i);
        for len in (1..=max).rev() {
            buf.clear();
            buf.extend(chars.iter().skip(i).take(len));
            if let Some(&class) = table.map.get(buf.as_str()) {
                matched = Some((class, len));
                break;
            }
        }
        let first = chars.get(i).copied().unwrap_or(' ');
        match matched {
            Some((class, len)) => {
                // A soft c (youcef, lucie) is an s.
                let soft_c =
                    len == 1 && first == 'c' && matches!(chars.get(i + 1), Some('e' | 'i' | 'y'));
                let class = if soft_c { Class::Consonant('s') } else { class };
                units.push((class, first));
                i += len;
            }
            None => {
                units.push((Class::Consonant(first), first));
                i += 1;
            }
        }
    }
    let is_vowelish =
        |u: Option<&(Class, char)>| matches!(u, Some((Class::Vowel | Class::Semi, _)));
    let mut out = String::with_capacity(units.len());
    let mut last: Option<char> = None;
    let n = units.len();
    for (k, unit) in units.iter().enumerate() {
        let next = units.get(k + 1);
        let emitted = match unit.0 {
            Class::Consonant(c) => {
                // A final h/ه after a vowel is a spelling of the feminine ending (fatimah,
                // فاطمه) or silent: drop it.
                let final_h = k + 1 == n
                    && k > 0
                    && (unit.1 == 'ه' || (c == 'h' && is_vowelish(units.get(k - 1))));
                if final_h {
                    None
                } else {
                    Some(c)
                }
            }
            Class::Semi => {
                let consonant = match unit.1 {
                    'w' => true,
                    'و' => k == 0 || matches!(next, Some((Class::Vowel, _))),
                    // Latin o/u/ou are a w only before a vowel (alaoui, marouane).
                    _ => matches!(next, Some((Class::Vowel, _))),
                };
                if consonant {
                    Some('w')
                } else if k == 0 {
                    Some('a')
                } else {
                    None
                }
            }
            Class::Vowel => {
                // Initial y/ي is a consonant people drop as often as they write; treat it as
                // nothing. Other initial vowels become the marker.
                if k == 0 && !matches!(unit.1, 'y' | 'ي') {
                    Some('a')
                } else {
                    None
                }
            }
        };
        if let Some(c) = emitted {
            if last != Some(c) {
                out.push(c);
                last = Some(c);
            }
        }
    }
    out
}

/// Junk vocabulary and keyboard rows, folded.
struct Nonsense {
    words: std::collections::HashSet<String>,
    phrases: std::collections::HashSet<String>,
    rows: Vec<Vec<char>>,
}

fn nonsense_table() -> &'static Nonsense {
    static TABLE: OnceLock<Nonsense> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Nonsense {
            words: Default::default(),
            phrases: Default::default(),
            rows: Vec::new(),
        };
        for line in include_str!("../../data/nonsense.tsv").lines() {
            let Some((kind, value)) = line.split_once('\t') else {
                continue;
            };
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
        t
    })
}

/// True when a whole folded field is a known junk phrase ("no address", "لا يوجد").
pub(crate) fn is_junk_phrase(folded: &str) -> bool {
    nonsense_table().phrases.contains(folded)
}

/// True when one folded token is junk: a junk word ("test"), a run of one letter ("xxx",
/// "ههههه"), a short unit repeated ("sdfsdf", "hahaha"), a keyboard-row run ("azerty",
/// "ضصثق"), or a long Latin token without a vowel ("sdfgh").
pub(crate) fn is_mash_token(token: &str) -> bool {
    let t = nonsense_table();
    if t.words.contains(token) {
        return true;
    }
    let chars: Vec<char> = token.chars().collect();
    let n = chars.len();
    if n >= 3 && chars.iter().all(|&c| Some(&c) == chars.first()) {
        return true;
    }
    if n >= 6 {
        for unit in 1..=3 {
            if n.is_multiple_of(unit)
                && chars
                    .iter()
                    .enumerate()
                    .all(|(i, c)| chars.get(i % unit) == Some(c))
            {
                return true;
            }
        }
    }
    let latin = chars.iter().all(|c| c.is_ascii_lowercase());
    if n >= 4 && t.rows.iter().any(|row| contains_run(row, &chars)) {
        return true;
    }
    latin && n >= 5 && !chars.iter().any(|&c| is_latin_vowel(c))
}

/// True when `chars` is a contiguous run of `row`, forwards or backwards.
fn contains_run(row: &[char], chars: &[char]) -> bool {
    if chars.len() > row.len() {
        return false;
    }
    row.windows(chars.len())
        .any(|w| w == chars || w.iter().rev().eq(chars.iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
