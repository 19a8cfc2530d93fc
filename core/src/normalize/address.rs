//! Delivery addresses taken apart for matching.
//!
//! The history matcher links a new order to the same customer's past orders, so the same
//! address typed differently ("40 Rue Palestine Hay Riad", "rue palestine n 40, quartier
//! riad") must give the same street tokens, house number and unit, while a neighbour (another
//! house number, another apartment) must not. The parser folds the text ([`fold`]), expands
//! abbreviations from `core/data/address_words.tsv`, and reads the tokens left to right with
//! the comma/dash segments the customer typed as hints.
use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::city::{find_city_at_end, resolve_city, CityId};
use super::text::{fold, is_junk_phrase, is_mash_token, strip_article};
use super::MAX_INPUT_BYTES;
use crate::error::{check_len, Error};

/// A delivery address taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NormalizedAddress {
    /// The whole address folded with abbreviations expanded (what `normalize_address` returns in
    /// the bindings).
    pub text: String,
    /// The street's significant tokens, folded, without street-type words, numbers, unit,
    /// district markers or landmark.
    pub street: Vec<String>,
    /// The house number, digits only (`"12"`, `"12b"`).
    pub house_number: Option<String>,
    /// Apartment / floor / unit, canonical (`"apt 19"`).
    pub unit: Option<String>,
    /// District (hay / quartier / حي) tokens, folded.
    pub district: Vec<String>,
    /// A landmark phrase split off the address ("قرب المسجد", "en face de la pharmacie").
    pub landmark: Option<String>,
    /// The city resolved through the gazetteer.
    pub city: Option<CityId>,
    /// The address is nonsense (keyboard mash, "test", a single token, no letters).
    pub nonsense: bool,
}

/// What a vocabulary word does in an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Street,
    Unit,
    Floor,
    Building,
    District,
    Number,
    Filler,
    Landmark,
}

struct Vocabulary {
    /// One-word entries: folded word to (canonical, class).
    words: HashMap<String, (String, Class)>,
    /// Landmark phrases of several words, folded and split, longest first.
    phrases: Vec<Vec<String>>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut v = Vocabulary {
            words: HashMap::new(),
            phrases: Vec::new(),
        };
        for line in include_str!("../../data/address_words.tsv").lines() {
            let mut cols = line.split('\t');
            let (Some(word), Some(canonical), Some(class)) =
                (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let class = match class.trim() {
                "street" => Class::Street,
                "unit" => Class::Unit,
                "floor" => Class::Floor,
                "building" => Class::Building,
                "district" => Class::District,
                "number" => Class::Number,
                "filler" => Class::Filler,
                "landmark" => Class::Landmark,
                _ => continue,
            };
            let word = fold(word);
            if word.contains(' ') {
                v.phrases
                    .push(word.split(' ').map(str::to_string).collect());
            } else {
                v.words.insert(word, (fold(canonical), class));
            }
        }
        v.phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        v
    })
}

/// The closest street, unit, floor, building or district word within one typo ("boulevar",
/// "aveneu", "شراع", "ززنقة", "appartemnt"), for tokens in a position where such a word is
/// expected. Short words are not guessed: too many real words are one letter off "rue".
fn fuzzy_marker(token: &str, before_number: bool) -> Option<(String, Class)> {
    let n = token.chars().count();
    if n < 3 {
        return None;
    }
    let mut best: Option<(usize, &String, Class)> = None;
    for (word, (canonical, class)) in &vocabulary().words {
        if matches!(class, Class::Filler | Class::Number | Class::Landmark) {
            continue;
        }
        let len = word.chars().count();
        // A three-letter word (شقه) is guessed only right before its number ("شةق 27").
        let short_ok = len == 3 && before_number && *class == Class::Unit;
        if (len < 4 && !short_ok) || len.abs_diff(n) > 2 {
            continue;
        }
        let max = if len >= 9 { 2 } else { 1 };
        let d = strsim::osa_distance(token, word);
        if d <= max && best.is_none_or(|(bd, _, _)| d < bd) {
            best = Some((d, canonical, *class));
        }
    }
    best.map(|(_, c, class)| (c.clone(), class))
}

/// What a token is, after vocabulary lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    Marker(Class),
    /// ش: شارع before a name, شقة before a number once a house number is known.
    Sh,
}

#[derive(Debug, Clone)]
struct Token {
    text: String,
    seg: usize,
    kind: Kind,
}

fn is_number(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && digits <= 6
        && (digits == t.len()
            || (t.len() == digits + 1 && t.bytes().last().is_some_and(|b| b.is_ascii_lowercase())))
}

/// Moves a space that slipped one letter left back where it belongs: "Ha yRiad" -> "Hay Riad",
/// "B dSheikh" -> "Bd Sheikh", "Kin gFahd" -> "King Fahd". Only mixed-case text shows it.
fn repair_slipped_spaces(raw: &str) -> std::borrow::Cow<'_, str> {
    static SLIP: OnceLock<Option<Regex>> = OnceLock::new();
    match SLIP.get_or_init(|| Regex::new(r"(\p{L}) (\p{Ll})(\p{Lu})").ok()) {
        Some(re) => re.replace_all(raw, "$1$2 $3"),
        None => std::borrow::Cow::Borrowed(raw),
    }
}

/// Splits a folded token glued to its number or abbreviation: "n39", "app19", "شالاندلس".
fn split_glued(token: &str, out: &mut Vec<String>) {
    let v = vocabulary();
    let letters = token.bytes().take_while(u8::is_ascii_lowercase).count();
    if letters > 0 && letters < token.len() {
        let (head, tail) = token.split_at(letters);
        let is_marker = v.words.get(head).is_some_and(|(_, c)| {
            matches!(
                c,
                Class::Number | Class::Unit | Class::Floor | Class::Building
            )
        });
        if is_marker && tail.bytes().all(|b| b.is_ascii_digit()) {
            out.push(head.to_string());
            out.push(tail.to_string());
            return;
        }
    }
    if let Some(rest) = token.strip_prefix("ش") {
        if rest.starts_with("ال") && rest.chars().count() >= 5 {
            out.push("ش".to_string());
            out.push(rest.to_string());
            return;
        }
    }
    out.push(token.to_string());
}

fn tokenize(raw: &str) -> Vec<Token> {
    let v = vocabulary();
    let repaired = repair_slipped_spaces(raw);
    let mut words = Vec::new();
    let mut segs = Vec::new();
    let separators = [',', '،', ';', '؛', '-', '–', '—', '/', '|', '\n', '(', ')'];
    for (seg, part) in repaired.split(separators).enumerate() {
        for t in fold(part).split(' ').filter(|t| !t.is_empty()) {
            let before = words.len();
            split_glued(t, &mut words);
            segs.resize(segs.len() + words.len() - before, seg);
        }
    }
    let mut tokens: Vec<Token> = Vec::with_capacity(words.len());
    for (i, (text, &seg)) in words.iter().zip(&segs).enumerate() {
        let next_is_number = words.get(i + 1).is_some_and(|w| is_number(w));
        let prev = tokens.last();
        let seg_start = prev.is_none_or(|p| p.seg != seg);
        let after_number = prev.is_some_and(|p| p.kind == Kind::Number);
        let (text, kind) = if is_number(text) {
            (text.clone(), Kind::Number)
        } else if text == "ش" {
            (text.clone(), Kind::Sh)
        } else if let Some((canonical, class)) = v
            .words
            .get(text)
            .filter(|(_, c)| *c != Class::Number || next_is_number)
        {
            (canonical.clone(), Kind::Marker(*class))
        } else if seg_start || after_number || next_is_number {
            match fuzzy_marker(text, next_is_number) {
                Some((canonical, class)) => (canonical, Kind::Marker(class)),
                None => (text.clone(), Kind::Word),
            }
        } else {
            (text.clone(), Kind::Word)
        };
        tokens.push(Token { text, seg, kind });
    }
    tokens
}

/// The length of the landmark phrase starting at `i`, if one does.
fn landmark_at(tokens: &[Token], i: usize) -> Option<usize> {
    let t = tokens.get(i)?;
    if t.kind == Kind::Marker(Class::Landmark) {
        return Some(1);
    }
    vocabulary()
        .phrases
        .iter()
        .find(|p| {
            p.iter()
                .enumerate()
                .all(|(k, w)| tokens.get(i + k).is_some_and(|t| &t.text == w))
        })
        .map(Vec::len)
}

/// "ii" -> "2": Hassan II and Hassan 2, Mohammed V and Mohamed 5 are the same street.
fn roman(t: &str) -> Option<&'static str> {
    Some(match t {
        "i" => "1",
        "ii" => "2",
        "iii" => "3",
        "iv" => "4",
        "v" => "5",
        "vi" => "6",
        _ => return None,
    })
}

/// A street or district token as compared: without a written article.
fn significant(t: &str) -> String {
    strip_article(t).to_string()
}

/// Normalizes an address typed as `raw`, with the order's `city` and `country` fields.
///
/// `country` is an ISO 3166-1 alpha-2 code or "" when unknown; it only narrows the city.
/// The street tokens leave out the street type (rue, bd, شارع, زنقة), articles (al, el, en,
/// ال) and numbers, so that "Rue En Nasr n°39" and "39 R. Nasr" give the same street; the
/// house number, unit and district are read from where customers put them.
///
/// # Errors
/// [`ErrorKind::InputTooLong`](crate::ErrorKind::InputTooLong) when `raw` or `city` is longer
/// than [`MAX_INPUT_BYTES`]. Any other input gives a value.
///
/// # Example
/// ```
/// use codguard::normalize::address::normalize_address;
/// let a = normalize_address("87 ش ديدوش مراد ، شقة 10", "الجزائر", "DZ").unwrap();
/// let b = normalize_address("87 شارع ديدوش مراد, الشقة رقم 10", "Alger", "DZ").unwrap();
/// assert_eq!(a.street, vec!["ديدوش", "مراد"]);
/// assert_eq!((a.street.clone(), a.house_number.clone(), a.unit.clone()), (b.street, b.house_number, b.unit));
/// assert_eq!(a.unit.as_deref(), Some("apt 10"));
/// assert_eq!(a.city, b.city);
///
/// let c = normalize_address("Rue En Nasr n°39 - Ha yRiad", "Casablanca", "MA").unwrap();
/// assert_eq!(c.street, vec!["nasr"]);
/// assert_eq!(c.house_number.as_deref(), Some("39"));
/// assert_eq!(c.district, vec!["riad"]);
/// assert!(normalize_address("azerty", "", "MA").unwrap().nonsense);
/// ```
pub fn normalize_address(raw: &str, city: &str, country: &str) -> Result<NormalizedAddress, Error> {
    check_len("address", raw, MAX_INPUT_BYTES)?;
    check_len("city", city, MAX_INPUT_BYTES)?;
    let mut tokens = tokenize(raw);
    let mut out = NormalizedAddress::default();
    let (mut building, mut floor, mut apt): (Option<String>, Option<String>, Option<String>) =
        (None, None, None);
    let mut street_seg: Option<usize> = None;
    let mut street_closed = false;
    let mut seen_number = false;
    // "Avenue Mohamed 5 N 3": when a number is marked (n°, رقم), bare numbers inside the street
    // name belong to the name.
    let marked_number = tokens.windows(2).any(
        |w| matches!(w, [a, b] if a.kind == Kind::Marker(Class::Number) && b.kind == Kind::Number),
    );
    let mut i = 0;
    while i < tokens.len() {
        let Some(tok) = tokens.get(i).cloned() else {
            break;
        };
        let next = tokens.get(i + 1).cloned();
        let next_number = next
            .as_ref()
            .filter(|n| n.kind == Kind::Number)
            .map(|n| n.text.clone());
        if let Some(len) = landmark_at(&tokens, i) {
            // The landmark runs to the end of its segment or the next unit/district marker.
            let mut end = i + len;
            while tokens.get(end).is_some_and(|t| {
                t.seg == tok.seg
                    && !matches!(
                        t.kind,
                        Kind::Marker(
                            Class::District | Class::Unit | Class::Floor | Class::Building
                        )
                    )
            }) {
                end += 1;
            }
            let phrase: Vec<&str> = tokens
                .get(i..end)
                .unwrap_or_default()
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            if out.landmark.is_none() {
                out.landmark = Some(phrase.join(" "));
            }
            if street_seg.is_some() {
                street_closed = true;
            }
            i = end;
            continue;
        }
        match tok.kind {
            Kind::Sh if next_number.is_some() && seen_number => {
                // "87 شارع ديدوش مراد, ش 10": after a house number, ش + number is a flat.
                if let Some(t) = tokens.get_mut(i) {
                    t.text = "شقه".to_string();
                }
                if apt.is_none() {
                    apt = next_number;
                }
                i += 2;
                continue;
            }
            Kind::Sh | Kind::Marker(Class::Street) => {
                if let Some(t) = tokens.get_mut(i).filter(|t| t.kind == Kind::Sh) {
                    t.text = "شارع".to_string();
                }
                if street_seg.is_some() && !out.street.is_empty() {
                    street_closed = true;
                }
            }
            Kind::Marker(class @ (Class::Unit | Class::Floor | Class::Building)) => {
                let mut j = i + 1;
                if tokens
                    .get(j)
                    .is_some_and(|t| t.kind == Kind::Marker(Class::Number))
                {
                    j += 1;
                }
                if let Some(n) = tokens.get(j).filter(|t| t.kind == Kind::Number) {
                    let slot = match class {
                        Class::Unit => &mut apt,
                        Class::Floor => &mut floor,
                        _ => &mut building,
                    };
                    if slot.is_none() {
                        *slot = Some(n.text.clone());
                    }
                    seen_number = true;
                    if !out.street.is_empty() {
                        street_closed = true;
                    }
                    i = j + 1;
                    continue;
                }
            }
            Kind::Marker(Class::Number) => {
                if let Some(n) = next_number {
                    if out.house_number.is_none() {
                        out.house_number = Some(n);
                    }
                    seen_number = true;
                    if !out.street.is_empty() {
                        street_closed = true;
                    }
                    i += 2;
                    continue;
                }
            }
            Kind::Marker(Class::District) => {
                let mut j = i + 1;
                while let Some(t) = tokens.get(j) {
                    if t.seg != tok.seg
                        || !matches!(t.kind, Kind::Word | Kind::Marker(Class::Filler))
                    {
                        break;
                    }
                    if t.kind == Kind::Word {
                        out.district.push(significant(&t.text));
                    }
                    j += 1;
                }
                if !out.street.is_empty() {
                    street_closed = true;
                }
                i = j;
                continue;
            }
            Kind::Number => {
                let last_in_seg = next
                    .as_ref()
                    .is_none_or(|n| n.seg != tok.seg || n.kind != Kind::Word);
                let trailing = last_in_seg && !marked_number;
                if out.house_number.is_none() && (out.street.is_empty() || trailing) {
                    out.house_number = Some(tok.text.clone());
                    if !out.street.is_empty() {
                        street_closed = true;
                    }
                } else if !out.street.is_empty() && !street_closed {
                    out.street.push(tok.text.clone());
                }
                seen_number = true;
            }
            Kind::Word => {
                let in_street = !street_closed
                    && street_seg.is_none_or(|s| s == tok.seg || out.street.is_empty());
                if in_street {
                    street_seg = Some(tok.seg);
                    let t = match roman(&tok.text) {
                        Some(r) if !out.street.is_empty() => r.to_string(),
                        _ => significant(&tok.text),
                    };
                    out.street.push(t);
                } else {
                    out.district.push(significant(&tok.text));
                }
            }
            Kind::Marker(_) => {}
        }
        i += 1;
    }
    let unit: Vec<String> = [("bldg", building), ("floor", floor), ("apt", apt)]
        .into_iter()
        .filter_map(|(label, n)| n.map(|n| format!("{label} {n}")))
        .collect();
    out.unit = (!unit.is_empty()).then(|| unit.join(" "));
    out.text = tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    out.city = resolve_city(city, country).or_else(|| {
        let words: Vec<&str> = out.text.split(' ').filter(|w| !w.is_empty()).collect();
        find_city_at_end(&words, country)
    });
    out.nonsense = is_nonsense(&fold(raw), &out.text, &tokens);
    Ok(out)
}

/// An address is nonsense when it has no letters, is a single token, is a junk phrase, has no
/// word beyond street-type words and numbers, or is mostly keyboard mash.
fn is_nonsense(folded: &str, text: &str, tokens: &[Token]) -> bool {
    if tokens.len() < 2 || is_junk_phrase(folded) || !text.chars().any(char::is_alphabetic) {
        return true;
    }
    let words: Vec<&Token> = tokens.iter().filter(|t| t.kind == Kind::Word).collect();
    if words.is_empty() {
        return true;
    }
    let mash = words.iter().filter(|t| is_mash_token(&t.text)).count();
    mash * 2 >= words.len()
}
