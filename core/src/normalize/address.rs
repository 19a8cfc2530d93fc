//! Delivery addresses taken apart for matching.
//!
//! The history matcher links a new order to the same customer's past orders, so the same
//! address typed differently ("40 Rue Palestine Hay Riad", "rue palestine n 40, quartier
//! riad") must give the same street tokens, house number and unit, while a neighbour (another
//! house number, another apartment) must not. The parser folds the text ([`fold`]), expands
//! abbreviations from `core/data/address_words.tsv`, and reads the tokens left to right with
//! the comma/dash segments the customer typed as hints.
use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::city::{find_city_at_end, resolve_city, resolve_city_in, CityId};
use super::phone::check_country;
use super::text::{
    fold, fold_into, has_apostrophe, is_blank, is_junk_phrase, is_letter, is_mash_token,
    strip_article, APOSTROPHES,
};
use super::MAX_INPUT_BYTES;
use crate::data;
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
    /// The numbers of the numbered district a written street lies in: `4` of `Block 4, Street
    /// 5`, `7` of `الحي السابع، المجاورة 2`, `1` of `Street 5, Al Barsha 1`. Street 5 of block 4
    /// is not street 4 of block 5, nor Mugawra 2 of the 7th district that of the 8th. When no
    /// street is written and a named first district is the street, the other districts'
    /// numbers (`5` of `فيلا 12 حي الياسمين التجمع الخامس`); a first district named by its
    /// number alone takes them among its own (`3 5` of `فيلا 88 الحي الثالث التجمع الخامس`,
    /// district 3 of the Fifth Settlement, however ordered).
    pub district_numbers: Vec<String>,
    /// A landmark phrase split off the address ("قرب المسجد", "en face de la pharmacie").
    pub landmark: Option<String>,
    /// The city resolved through the gazetteer.
    pub city: Option<CityId>,
    /// The address is present and nonsense (keyboard mash, "test", a single token, no letters,
    /// only punctuation); a blank address is absent (empty `text`), not nonsense.
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
    /// Résidence, lotissement, cité, douar, compound: the name that follows is the street of
    /// an address without one.
    Complex,
    /// "logements" / مسكن after a number: "Cité 500 logements" is the cité's name.
    Housing,
    /// Villa / فيلا + number: the house.
    Villa,
    /// Km / كلم + number: a kilometre marker on a road, the house of a roadside address.
    Km,
    /// A floor written as a word (الثالث, 5th): its canonical form is the number.
    Ordinal,
    /// An ordinal that is a number only next to a district word, and a word elsewhere: Egypt's
    /// Latin spellings of the first, third and fifth (`El Tagamoa El Khames`), which name
    /// streets and people too (`Talet St`, `Ahmed Khames St`), and the Arabic ordinals'
    /// feminines (`المنطقة الأولى`; `ميدان رابعة` is Rabaa Square).
    DistrictOrdinal,
    /// The ground floor named by a word that needs no floor word (rdc, rez-de-chaussée): floor 0.
    Ground,
    /// A letter of a house number written after it (25 bis, 25 مكرر): part of the house.
    Suffix,
    /// A month's name in a street's or cité's name: a word, written as its canonical name.
    Month,
    /// A French word of a residence's or street's name that Arabic writes as another word (Les
    /// Jasmins = الياسمين): a word, written as the Arabic word in Latin letters.
    Translated,
    /// A street type only before its number (Oman's Way 3021, سكة 3021; Kuwait's Jaddah 3), read
    /// then as [`Class::Street`]; a word elsewhere (`سكة الحديد`, Cairo's Railway Street).
    Way,
    /// A room or bed space within a flat (Room 5, Bed space, غرفة 5): passed over with its
    /// number. It is neither the street nor the door, which the flat is.
    Room,
}

struct Vocabulary {
    /// One-word entries: folded word to (canonical, class).
    words: FxHashMap<String, (String, Class)>,
    /// Landmark phrases of several words, folded and split, longest first.
    phrases: Vec<Vec<String>>,
    /// The first words of `phrases`: a token that is none starts no phrase.
    phrase_starts: FxHashSet<String>,
    /// The first bytes of `phrase_starts`: most tokens start with none, and need no look-up.
    phrase_bytes: [bool; 256],
    /// The lengths in bytes of `phrase_starts`, one bit each (every bit when one is longer than
    /// 63): every Arabic word starts with one of two bytes, and its length tells it apart.
    phrase_lens: u64,
    /// The first bytes of `words`: a token that starts with none (a number) needs no look-up.
    word_bytes: [bool; 256],
    /// Real words one typo from a marker (dar, a house, is no douar): never guessed as one.
    plain: FxHashSet<String>,
    /// The skeletons of words that open many streets' names (ibn, moulay, king, الملك).
    openers: FxHashSet<String>,
    /// Those words, folded.
    opener_words: FxHashSet<String>,
}

impl Vocabulary {
    /// Whether `token` is the first word of a landmark phrase.
    fn starts_phrase(&self, token: &str) -> bool {
        let first = token.bytes().next().map_or(0, usize::from);
        let len = 1u64.checked_shl(token.len() as u32).unwrap_or(0);
        self.phrase_bytes.get(first).copied().unwrap_or(false)
            && self.phrase_lens & len != 0
            && self.phrase_starts.contains(token)
    }

    /// The one-word entry of `token`.
    fn entry(&self, token: &str) -> Option<&(String, Class)> {
        let first = token.bytes().next().map_or(0, usize::from);
        if !self.word_bytes.get(first).copied().unwrap_or(false) {
            return None;
        }
        self.words.get(token)
    }
}

/// Whether a street token's skeleton (its key, [`super::text::skeleton`]) is a word that opens
/// many streets' names (Ibn, Moulay, Sidi, King, الملك): two streets that share only such words
/// are two streets (Ibn Sina and Ibn Khaldoun).
pub(crate) fn opens_many_streets(skeleton: &str) -> bool {
    vocabulary()
        .openers
        .contains(skeleton.strip_suffix(OWN_OPENER_KEY).unwrap_or(skeleton))
}

/// The mark after the key of a word that borrows an opener's short skeleton
/// ([`borrows_an_openers_skeleton`]): `sd'` is Saud's, `sd` Sidi's.
pub(crate) const OWN_OPENER_KEY: char = '\'';

/// Whether a street `token` that is not one of the openers' own words has an opener's
/// `skeleton` too short to tell words apart: Saud, Saad and Said (سعود، سعد، سعيد) have Sidi's
/// `sd`, Bani (بني) has Ibn's `bn`. Its key is then marked apart ([`OWN_OPENER_KEY`]): still an
/// opener (Saud, Bani and Beni open many names too), but Sidi's streets are not Saud's.
pub(crate) fn borrows_an_openers_skeleton(token: &str, skeleton: &str) -> bool {
    skeleton.len() < 3 && opens_many_streets(skeleton) && !vocabulary().opener_words.contains(token)
}

/// A word [`fuzzy_marker`] may guess, with what its loop needs precomputed.
struct Marker {
    chars: Vec<char>,
    word: &'static str,
    canonical: &'static str,
    class: Class,
}

/// The address vocabulary (`core/data/address_words.tsv`), read once. One function because it
/// is one pass over the file, each row's class saying where its word goes.
fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut v = Vocabulary {
            words: FxHashMap::default(),
            phrases: Vec::new(),
            phrase_starts: FxHashSet::default(),
            phrase_bytes: [false; 256],
            phrase_lens: 0,
            word_bytes: [false; 256],
            plain: FxHashSet::default(),
            openers: FxHashSet::default(),
            opener_words: FxHashSet::default(),
        };
        for [word, canonical, class] in data::rows(include_str!("../../data/address_words.tsv")) {
            let class = match class {
                "street" => Class::Street,
                "unit" => Class::Unit,
                "floor" => Class::Floor,
                "building" => Class::Building,
                "district" => Class::District,
                "number" => Class::Number,
                "filler" => Class::Filler,
                "landmark" => Class::Landmark,
                "complex" => Class::Complex,
                "housing" => Class::Housing,
                "villa" => Class::Villa,
                "km" => Class::Km,
                "ordinal" => Class::Ordinal,
                "district_ordinal" => Class::DistrictOrdinal,
                "ground" => Class::Ground,
                "suffix" => Class::Suffix,
                "month" => Class::Month,
                "translated" => Class::Translated,
                "way" => Class::Way,
                "room" => Class::Room,
                "word" => {
                    v.plain.insert(fold(word));
                    continue;
                }
                "opener" => {
                    v.openers.insert(super::text::skeleton(&fold(word)));
                    v.opener_words.insert(fold(word));
                    continue;
                }
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
        for word in v.words.keys() {
            if let Some(slot) = word
                .bytes()
                .next()
                .and_then(|b| v.word_bytes.get_mut(usize::from(b)))
            {
                *slot = true;
            }
        }
        v.phrase_starts = v
            .phrases
            .iter()
            .filter_map(|p| p.first().cloned())
            .collect();
        for word in &v.phrase_starts {
            v.phrase_lens |= 1u64.checked_shl(word.len() as u32).unwrap_or(u64::MAX);
            if let Some(slot) = word
                .bytes()
                .next()
                .and_then(|b| v.phrase_bytes.get_mut(usize::from(b)))
            {
                *slot = true;
            }
        }
        v
    })
}

/// The guessable markers, sorted by word, and the indices of those of each length in
/// characters (up to the longest).
struct Markers {
    sorted: Vec<Marker>,
    by_len: Vec<Vec<usize>>,
    /// The indices of the markers shorter than [`FAR_GUESS`] characters by their first and by
    /// their last character: [`fuzzy_marker`] guesses those within one edit, which keeps one
    /// end or the other, so a token is compared with the few that share an end rather than
    /// with every marker of its length.
    by_first: FxHashMap<char, Vec<usize>>,
    by_last: FxHashMap<char, Vec<usize>>,
}

/// Markers of this many characters or more are guessed within two edits, shorter ones within
/// one.
const FAR_GUESS: usize = 9;

/// The guessable markers, built once after the vocabulary (they borrow its strings).
fn markers() -> &'static Markers {
    static MARKERS: OnceLock<Markers> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut markers: Vec<Marker> = vocabulary()
            .words
            .iter()
            .filter(|(_, (_, class))| {
                !matches!(
                    class,
                    Class::Filler
                        | Class::Number
                        | Class::Landmark
                        | Class::Ordinal
                        | Class::DistrictOrdinal
                        | Class::Suffix
                        | Class::Month
                        | Class::Translated
                        | Class::Way
                        | Class::Room
                )
            })
            .map(|(word, (canonical, class))| Marker {
                chars: word.chars().collect(),
                word: word.as_str(),
                canonical: canonical.as_str(),
                class: *class,
            })
            .collect();
        markers.sort_by(|a, b| a.word.cmp(b.word));
        let longest = markers.iter().map(|m| m.chars.len()).max().unwrap_or(0);
        let mut by_len = vec![Vec::new(); longest + 1];
        for (i, m) in markers.iter().enumerate() {
            if let Some(list) = by_len.get_mut(m.chars.len()) {
                list.push(i);
            }
        }
        let mut by_first: FxHashMap<char, Vec<usize>> = FxHashMap::default();
        let mut by_last: FxHashMap<char, Vec<usize>> = FxHashMap::default();
        for (i, m) in markers.iter().enumerate() {
            if let (Some(&first), Some(&last), true) =
                (m.chars.first(), m.chars.last(), m.chars.len() < FAR_GUESS)
            {
                by_first.entry(first).or_default().push(i);
                by_last.entry(last).or_default().push(i);
            }
        }
        Markers {
            sorted: markers,
            by_len,
            by_first,
            by_last,
        }
    })
}

/// A lower bound of the OSA distance of `a` and `b`: the characters of the longer that the
/// other lacks (counted with repeats). An edit adds or removes at most one such character; a
/// transposition none.
fn bag_distance(a: &[char], b: &[char]) -> usize {
    let mut used = [false; 32];
    if b.len() > used.len() {
        return 0;
    }
    let mut common = 0;
    for x in a {
        let free = b.iter().zip(used.iter_mut()).find(|(y, u)| *y == x && !**u);
        if let Some((_, u)) = free {
            *u = true;
            common += 1;
        }
    }
    a.len().max(b.len()) - common
}

/// The OSA distance of `a` and `b` when it is at most one, computed without a matrix.
fn within_one(a: &[char], b: &[char]) -> Option<usize> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => {
            if prefix == short.len() {
                return Some(0);
            }
            let (s, l) = (short.get(prefix + 1..)?, long.get(prefix + 1..)?);
            // One substitution.
            if s == l {
                return Some(1);
            }
            // One transposition of neighbours.
            let swapped = short.get(prefix) == long.get(prefix + 1)
                && short.get(prefix + 1) == long.get(prefix)
                && short.get(prefix + 2..) == long.get(prefix + 2..);
            swapped.then_some(1)
        }
        // One insertion.
        1 => (short.get(prefix..)? == long.get(prefix + 1..)?).then_some(1),
        _ => None,
    }
}

/// Markers shorter than this are guessed only from a slip of the fingers: two neighbours
/// swapped ("raod", "hya", "شراع"), a letter typed twice ("viilla", "ززنقة") or one left out
/// ("ارع", "avnue"). A letter changed turns too many real words of the region's addresses into
/// one: Riad (الرياض) is no road, Ville Nouvelle no villa, plage no place, Mila (a town) no
/// villa, Tozeur no tower. (The real words a letter left out would turn into one, Dar and Bou,
/// are listed in the vocabulary as words.)
const SHORT_MARKER: usize = 6;

/// Whether `token` is `marker` with two neighbours swapped, one letter typed twice or one left
/// out.
fn slipped(token: &[char], marker: &[char]) -> bool {
    if token.len() + 1 == marker.len() {
        return within_one(token, marker) == Some(1);
    }
    if token.len() == marker.len() {
        // One edit that keeps every letter is a swap of neighbours.
        let mut a: SmallVec<[char; SHORT_MARKER]> = token.iter().copied().collect();
        let mut b: SmallVec<[char; SHORT_MARKER]> = marker.iter().copied().collect();
        a.sort_unstable();
        b.sort_unstable();
        return a == b && within_one(token, marker) == Some(1);
    }
    if token.len() != marker.len() + 1 || within_one(token, marker) != Some(1) {
        return false;
    }
    // The letter added is where the two first differ (or the last): typed twice when it
    // repeats the letter before it or the one after.
    let at = token.iter().zip(marker).take_while(|(x, y)| x == y).count();
    let added = token.get(at);
    added.is_some() && ((at > 0 && token.get(at - 1) == added) || token.get(at + 1) == added)
}

/// How many typos make `token` (its characters `chars`) of marker `m`, when it may be one: two
/// for a long marker, one for the others, a slip for a short one ([`SHORT_MARKER`]).
fn typo_distance(token: &str, chars: &[char], m: &Marker) -> Option<usize> {
    let len = m.chars.len();
    if len >= FAR_GUESS {
        if bag_distance(chars, &m.chars) > 2 {
            return None;
        }
        Some(strsim::osa_distance(token, m.word)).filter(|&d| d <= 2)
    } else if len < SHORT_MARKER {
        slipped(chars, &m.chars).then_some(1)
    } else {
        within_one(chars, &m.chars)
    }
}

/// The closest street, unit, floor, building or district word within one typo ("boulevar",
/// "aveneu", "شراع", "ززنقة", "appartemnt"), for tokens in a position where such a word is
/// expected. Words of two letters are not guessed, and short markers only from a slip that
/// keeps every letter ([`SHORT_MARKER`]).
fn fuzzy_marker(token: &str, before_number: bool) -> Option<(&'static str, Class)> {
    if vocabulary().plain.contains(token) {
        return None;
    }
    let markers = markers();
    let longest = markers.by_len.len().saturating_sub(1);
    // No marker is within two edits of a longer token.
    let mut n = 0;
    for _ in token.chars() {
        n += 1;
        if n > longest + 2 {
            return None;
        }
    }
    if n < 3 {
        return None;
    }
    let mut stack = ['\0'; 32];
    let heap: Vec<char>;
    let chars: &[char] = match stack.get_mut(..n) {
        Some(slots) => {
            for (slot, c) in slots.iter_mut().zip(token.chars()) {
                *slot = c;
            }
            slots
        }
        None => {
            heap = token.chars().collect();
            &heap
        }
    };
    // The closest marker, the first in word order on a tie: the least (distance, index).
    let mut best: Option<(usize, usize)> = None;
    let lengths = n.saturating_sub(2)..=n + 2;
    // One edit leaves the first or the last letter of words of three letters or more: the
    // markers shorter than FAR_GUESS that share neither with the token are not candidates.
    let (first, last) = (chars.first()?, chars.last()?);
    let near = [markers.by_first.get(first), markers.by_last.get(last)];
    let far = lengths
        .clone()
        .filter(|&len| len >= FAR_GUESS)
        .flat_map(|len| markers.by_len.get(len).into_iter().flatten());
    for &i in near.into_iter().flatten().flatten().chain(far) {
        let Some(m) = markers.sorted.get(i) else {
            continue;
        };
        let len = m.chars.len();
        if !lengths.contains(&len) {
            continue;
        }
        // A three-letter word (شقه) is guessed only right before its number ("شةق 27").
        let short_ok = len == 3 && before_number && m.class == Class::Unit;
        if len < 4 && !short_ok {
            continue;
        }
        let Some(d) = typo_distance(token, chars, m) else {
            continue;
        };
        if best.is_none_or(|b| (d, i) < b) {
            best = Some((d, i));
        }
    }
    let m = markers.sorted.get(best?.1)?;
    Some((m.canonical, m.class))
}

/// What a token is, after vocabulary lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Number,
    Marker(Class),
    /// A one-letter Arabic abbreviation ([`LETTERS`]): before a number once a house number is
    /// known, the unit word of its class (ش 10: شقة, ط 3: طابق); ش before a name is شارع, ط
    /// elsewhere a word.
    Letter(&'static Letter),
}

/// A one-letter Arabic abbreviation: the letter, the text it is written as in the address's text
/// when it is a unit before a number after a number of the door (and that unit's class), and the
/// street word it stands for before a name, if any. ط stays ط: read again, a floor word (طابق)
/// would make a number or ordinal before it a floor's, which the letter does not (the text of an
/// address reads again as the address). ط is also طريق (ط الملك فهد), so it is never read as a street word, and is a
/// floor only where a road cannot be: before a number once the house has its number (a
/// building's, عمارة 5 ط 3, may be on the road); ش is a flat after a number of the door once the
/// address has its street or building (عمارة 3 ش 12, 87 شارع ديدوش مراد ش 10), and before that
/// the street word of a numbered street (211 ش 144, 15 ش 9 المعادي: Cairo's numbered streets).
#[derive(Debug, PartialEq, Eq)]
struct Letter {
    letter: &'static str,
    unit: &'static str,
    class: Class,
    street: Option<&'static str>,
    after_house: bool,
}

const LETTERS: [Letter; 2] = [
    Letter {
        letter: "ش",
        unit: "شقه",
        class: Class::Unit,
        street: Some("شارع"),
        after_house: false,
    },
    Letter {
        letter: "ط",
        unit: "ط",
        class: Class::Floor,
        street: None,
        after_house: true,
    },
];

/// Whether ش and the number after it (at `i`), after a building's number and before any street,
/// are the street (Cairo's numbered streets), not the flat: when the flat is written after it
/// (`عمارة 10 ش 77 المعادي شقة 2`), or, in Egypt outside a complex or a district, when a name
/// follows it in its part (`عمارة 17 ش 213 دجلة المعادي الدور الخامس`: the street's district).
/// `عمارة 3 ش 12`, a residence's or a cité's `عمارة 3 ش 12` (`حي الخضراء عمارة 6 ش 3 باب
/// الزوار`), and Algeria's `عمارة 6 ش 3 باب الزوار` keep the flat.
fn letter_names_the_street(tokens: &[Token<'_>], i: usize, r: &Reading<'_>) -> bool {
    let after = tokens.get(i + 2..).unwrap_or_default();
    let seg = tokens.get(i).map(|t| t.seg);
    after.iter().any(|t| t.kind == Kind::Marker(Class::Unit))
        || (r.numbered_streets_of_egypt
            && !r.complex_form
            && r.first_district.is_empty()
            && after
                .first()
                .is_some_and(|t| t.kind == Kind::Word && Some(t.seg) == seg))
}

/// The abbreviation `t` is, if it is one.
fn letter(t: &str) -> Option<&'static Letter> {
    LETTERS.iter().find(|l| l.letter == t)
}

/// One token: a slice of the folded address or a canonical vocabulary word.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    seg: usize,
    kind: Kind,
}

impl Token<'_> {
    /// A street type (rue, شارع, street), or the letter ش read as one.
    fn is_street_type(&self) -> bool {
        match self.kind {
            Kind::Marker(class) => class == Class::Street,
            Kind::Letter(l) => l.street.is_some(),
            _ => false,
        }
    }
}

/// Words of an address kept on the stack (a longer one spills).
const WORDS: usize = 16;

/// The words of an address: byte ranges in the folded text and segment numbers.
type Words = SmallVec<[(usize, usize, usize); WORDS]>;

/// The tokens of an address.
type Tokens<'a> = SmallVec<[Token<'a>; WORDS]>;

fn is_number(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = t.get(digits..).unwrap_or_default();
    digits > 0
        && digits <= 6
        && (suffix.is_empty()
            || (suffix.len() == 1 && suffix.bytes().all(|b| b.is_ascii_lowercase()))
            || (!suffix.is_ascii() && house_letter(suffix).is_some()))
}

/// Whether `t` is digits only (and not empty).
pub(crate) fn all_digits(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// The digits of a number written as a Latin ordinal (`3eme` from 3ème, `3e`, `1er`, `1ere`,
/// `2nd`, `11th`), which is a floor's number next to a floor word.
fn ordinal_digits(t: &str) -> Option<&str> {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let (number, suffix) = t.split_at_checked(digits)?;
    (digits > 0 && digits <= 3 && is_ordinal_ending(suffix)).then_some(number)
}

/// A floor's number in a form of its own, read next to a floor word, and the number of words
/// it takes: the article glued to the digits (`ال3` of الدور ال3 or ال3 الدور, as to its word
/// الثالث), a Latin ordinal ([`ordinal_digits`]: 3ème, 11th), or digits and the ordinal's
/// ending apart: the `endings` words after it (3 eme étage, 1 er étage, étage 3 ème), each an
/// ending that is no address word but an article (re, st, rd are street words), all taken so
/// that the text reads again alike. Segments are not asked: the address's text, read again,
/// has none. `form` is the word's [`FloorForm`].
///
/// A floor word after the number counts only without a number of its own after it, which is
/// its number: `0e طابق 0` then reads as `0e ط 0` did (ط is a floor word only once read).
fn floor_number(form: FloorForm<'_>, by_floor: bool, endings: usize) -> Option<(&str, usize)> {
    if form.digits && endings > 0 {
        return Some((form.number, 1 + endings));
    }
    (by_floor && form.own).then_some((form.number, 1))
}

/// What a word is as a floor's number ([`floor_number`]), worked out once per word: the
/// tokenizer asks it of a word for its own reading and for its neighbours'.
#[derive(Debug, Clone, Copy)]
struct FloorForm<'a> {
    /// The digits without a glued article (`ال3`) or an ordinal's ending (`3eme`), else the
    /// word.
    number: &'a str,
    /// `number` is one to three digits.
    digits: bool,
    /// The word is a floor's number in a form of its own (`ال3`, `3eme`): `number` differs
    /// from it.
    own: bool,
}

impl<'a> FloorForm<'a> {
    fn of(text: &'a str) -> FloorForm<'a> {
        // Each form starts with a digit or with ال: most words are none.
        if !text.bytes().next().is_some_and(|b| b.is_ascii_digit()) && !text.starts_with("ال") {
            return FloorForm {
                number: text,
                digits: false,
                own: false,
            };
        }
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit());
        let n = text
            .strip_prefix("ال")
            .filter(|n| digits(n))
            .unwrap_or(text);
        let n = ordinal_digits(n).unwrap_or(n);
        FloorForm {
            number: n,
            digits: digits(n),
            // `n` is a part of `text`: the same length is the same text.
            own: n.len() != text.len(),
        }
    }
}

/// A Latin ordinal's ending (`eme` from ème, `e`, `er`, `th`...), glued to its number or, in
/// `3 eme étage`, written apart.
fn is_ordinal_ending(t: &str) -> bool {
    matches!(
        t,
        "e" | "eme" | "ieme" | "em" | "er" | "ere" | "re" | "st" | "nd" | "rd" | "th"
    )
}

/// The number of words from `i` that spell the ground floor out (`rez de chaussee`, `rez
/// chaussee`, `r d c` from R.D.C), read as `rdc` (in the vocabulary, class ground). They are
/// read here rather than as a phrase of the vocabulary (whose phrases start landmarks) because
/// the dashes of rez-de-chaussée split it into segments.
fn ground_floor_words<'a>(word: impl Fn(usize) -> Option<&'a str>) -> Option<usize> {
    let chaussee =
        |w: Option<&str>| matches!(w, Some("chaussee" | "chausse" | "chausee" | "chaussees"));
    // Asked of every word: the first one settles most.
    let first = word(0).filter(|w| matches!(*w, "rez" | "r"))?;
    match (first, word(1), word(2)) {
        ("rez", Some("de" | "du"), w) if chaussee(w) => Some(3),
        ("rez", w, _) if chaussee(w) => Some(2),
        ("r", Some("d"), Some("c")) => Some(3),
        _ => None,
    }
}

/// How many words from the first (`word(0)`) write a postal box, read as one: P.O. Box, PO Box,
/// POB, ص.ب, صندوق بريد, B.P., BP, boîte postale (and pobox, how the address's text writes it).
/// A box number is where the customer is found, as a house number is.
fn postal_box_words<'a>(word: impl Fn(usize) -> Option<&'a str>) -> Option<usize> {
    // Asked of a segment's first word when no other reading took it: the first word settles most.
    let first = word(0).filter(|w| {
        matches!(
            *w,
            "p" | "po" | "pob" | "pobox" | "ص" | "صب" | "صندوق" | "b" | "bp" | "boite"
        )
    })?;
    match (first, word(1), word(2)) {
        ("p", Some("o"), Some("box" | "b")) => Some(3),
        ("po", Some("box"), _) | ("ص", Some("ب"), _) | ("صندوق", Some("بريد"), _) => {
            Some(2)
        }
        ("b", Some("p"), _) | ("boite", Some("postale"), _) => Some(2),
        ("pob" | "pobox" | "صب" | "bp", _, _) => Some(1),
        _ => None,
    }
}

/// Moves a space that slipped one letter left back where it belongs: "Ha yRiad" -> "Hay Riad",
/// "B dSheikh" -> "Bd Sheikh", "Kin gFahd" -> "King Fahd". Only mixed-case text shows it.
fn repair_slipped_spaces(raw: &str) -> std::borrow::Cow<'_, str> {
    static SLIP: OnceLock<Option<Regex>> = OnceLock::new();
    // The regex runs only where it can match: a letter, a space, a lower-case then an
    // upper-case letter (L, Ll and Lu are within Alphabetic, Lowercase and Uppercase). Only the
    // spaces are looked at, not every character.
    let spaces = raw.bytes().enumerate().filter(|&(_, b)| b == b' ');
    let possible = spaces.map(|(at, _)| at).any(|at| {
        let mut after = raw.get(at + 1..).unwrap_or_default().chars();
        let (lower, upper) = (after.next(), after.next());
        // The rarest first: an upper-case letter is seldom second after a space.
        upper.is_some_and(char::is_uppercase)
            && lower.is_some_and(char::is_lowercase)
            && raw
                .get(..at)
                .and_then(|s| s.chars().next_back())
                .is_some_and(char::is_alphabetic)
    });
    if !possible {
        return std::borrow::Cow::Borrowed(raw);
    }
    match SLIP.get_or_init(|| Regex::new(r"(\p{L}) (\p{Ll})(\p{Lu})").ok()) {
        Some(re) => re.replace_all(raw, "$1$2 $3"),
        None => std::borrow::Cow::Borrowed(raw),
    }
}

/// Splits a folded token (the byte range `start..end` of `folded`) glued to its number or
/// abbreviation: "n39", "app19", "شقه5", "ط3", "شالاندلس". Pushes the ranges of the parts.
fn split_glued(folded: &str, start: usize, end: usize, seg: usize, out: &mut Words) {
    let v = vocabulary();
    let token = folded.get(start..end).unwrap_or("");
    // Every split below ends with digits or starts with ش: most words do neither.
    if !token.bytes().last().is_some_and(|b| b.is_ascii_digit()) && !token.starts_with("ش") {
        out.push((start, end, seg));
        return;
    }
    // The letters before the number, in either script of the folded text ("app19", "شقه5",
    // "عماره12").
    let letters = token
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_lowercase() || ('\u{0621}'..='\u{064A}').contains(&c)))
        .map_or(token.len(), |(at, _)| at);
    if letters > 0 && letters < token.len() {
        let (head, tail) = token.split_at(letters);
        // ع: Egypt's short عمارة ("ع12"), read as "ع 12" is.
        let is_marker = head == "ع"
            || v.words.get(head).is_some_and(|(_, c)| {
                matches!(
                    c,
                    Class::Number
                        | Class::Unit
                        | Class::Floor
                        | Class::Building
                        | Class::Villa
                        | Class::Km
                )
            });
        if is_marker && tail.bytes().all(|b| b.is_ascii_digit()) {
            out.push((start, start + letters, seg));
            out.push((start + letters, end, seg));
            return;
        }
    }
    // "RRRD2929": a Saudi short national address (four letters, the building's four digits),
    // read as "RRRD 2929" is.
    if letters == 4
        && token.len() == 8
        && token.is_char_boundary(4)
        && token.get(..4).is_some_and(|head| head.is_ascii())
        && token.bytes().skip(4).all(|b| b.is_ascii_digit())
    {
        out.push((start, start + 4, seg));
        out.push((start + 4, end, seg));
        return;
    }
    // "ط3", "ش10": a one-letter abbreviation glued to its number.
    for l in &LETTERS {
        if let Some(rest) = token.strip_prefix(l.letter) {
            if all_digits(rest) {
                let cut = start + l.letter.len();
                out.push((start, cut, seg));
                out.push((cut, end, seg));
                return;
            }
        }
    }
    if let Some(rest) = token.strip_prefix("ش") {
        if rest.starts_with("ال") && rest.chars().count() >= 5 {
            let cut = start + "ش".len();
            out.push((start, cut, seg));
            out.push((cut, end, seg));
            return;
        }
    }
    out.push((start, end, seg));
}

/// The segments of an address: the text between commas, dashes, slashes, parentheses, line
/// breaks. A comma between two digits is a decimal comma ("Km 4,5"), inside a segment.
fn segments(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut chars = text.char_indices();
    std::iter::from_fn(move || {
        let from = start;
        if from > text.len() {
            return None;
        }
        for (at, c) in chars.by_ref() {
            let separator = match c {
                ',' => {
                    let digit = |i: Option<usize>| {
                        i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit)
                    };
                    !(digit(at.checked_sub(1)) && digit(Some(at + 1)))
                }
                '،' | ';' | '؛' | '-' | '–' | '—' | '/' | '|' | '\n' | '(' | ')' => true,
                _ => false,
            };
            if separator {
                start = at + c.len_utf8();
                return text.get(from..at);
            }
        }
        start = text.len() + 1;
        text.get(from..)
    })
}

/// Glues a letter written before an apostrophe to the word after it, when the letter is no
/// elided article: `M'Sila`, `M'diq`, `Ben M'sik`, `N'Gaous` and `T'kout` are one word each, as
/// `Msila` and `مسيلة` write them, while `d'` and `l'` (`rue d'Alger`, `rue de l'Oasis`) stay
/// the articles the reading drops. Folding would make the letter a word of its own. Borrowed
/// when nothing is glued.
fn glue_letter_apostrophes(raw: &str) -> Cow<'_, str> {
    if !has_apostrophe(raw) {
        return Cow::Borrowed(raw);
    }
    // A letter that starts a word, is no elided article, and has a letter after the apostrophe
    // at `at..end`.
    let glued = |at: usize, end: usize| {
        let mut back = raw.get(..at).unwrap_or_default().chars().rev();
        let letter = back
            .next()
            .is_some_and(|l| l.is_alphabetic() && !matches!(l, 'd' | 'D' | 'l' | 'L'));
        let word_start = !back.next().is_some_and(char::is_alphanumeric);
        let after = raw.get(end..).unwrap_or_default();
        letter && word_start && after.chars().next().is_some_and(char::is_alphabetic)
    };
    let marks: SmallVec<[(usize, usize); 4]> = raw
        .match_indices(APOSTROPHES)
        .map(|(at, mark)| (at, at + mark.len()))
        .filter(|&(at, end)| glued(at, end))
        .collect();
    if marks.is_empty() {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut from = 0;
    for (at, end) in marks {
        out.push_str(raw.get(from..at).unwrap_or_default());
        from = end;
    }
    out.push_str(raw.get(from..).unwrap_or_default());
    Cow::Owned(out)
}

/// Folds the segments of `raw` into `folded` (one after another, space-separated) and returns
/// the byte ranges and segment numbers of its words, and whether the text was mended before
/// folding: a slipped space moved ([`repair_slipped_spaces`]), a letter glued to the word
/// after its apostrophe ([`glue_letter_apostrophes`]).
fn split_words(raw: &str, folded: &mut String) -> (Words, bool) {
    // Spaces first: a letter glued before it (`rue m'Sila`, `rue mSila`) would look like a
    // slipped space (`ruem Sila`).
    let repaired = repair_slipped_spaces(raw);
    let glued = glue_letter_apostrophes(&repaired);
    let mut words = Words::new();
    for (seg, part) in segments(&glued).enumerate() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        let start = folded.len();
        fold_into(part, folded);
        let mut pos = start;
        for t in folded.get(start..).unwrap_or("").split(' ') {
            let end = pos + t.len();
            if !t.is_empty() {
                split_glued(folded, pos, end, seg, &mut words);
            }
            pos = end + 1;
        }
    }
    let mended = matches!(glued, Cow::Owned(_)) || matches!(repaired, Cow::Owned(_));
    (words, mended)
}

/// What [`tokenize`] asks of one word, worked out once: a word is asked about for its own
/// reading and for its neighbours' (the number before a floor word, an ordinal's ending apart),
/// up to ten times an address.
struct Facts<'a> {
    text: &'a str,
    /// Its vocabulary entry.
    entry: Option<&'static (String, Class)>,
    /// [`is_number`].
    number: bool,
    form: FloorForm<'a>,
    /// An ordinal's ending that may be written apart ([`floor_number`]): an ending
    /// ([`is_ordinal_ending`]) that is no address word but an article (re, st and rd are
    /// street words).
    ending: bool,
}

impl<'a> Facts<'a> {
    fn of(v: &'static Vocabulary, text: &'a str) -> Facts<'a> {
        let entry = v.entry(text);
        let number = is_number(text);
        Facts {
            text,
            entry,
            number,
            form: FloorForm::of(text),
            ending: is_ordinal_ending(text) && entry.is_none_or(|(_, c)| *c == Class::Filler),
        }
    }

    fn class(&self) -> Option<Class> {
        self.entry.map(|(_, c)| *c)
    }
}

/// The facts of `words` (byte ranges of `folded`), pushed to `into`: filled in place rather
/// than collected, because a collected SmallVec is moved, its whole inline array copied.
fn fill_facts<'a>(
    folded: &'a str,
    words: &[(usize, usize, usize)],
    into: &mut SmallVec<[Facts<'a>; WORDS]>,
) {
    let v = vocabulary();
    into.extend(
        words
            .iter()
            .map(|&(start, end, _)| Facts::of(v, folded.get(start..end).unwrap_or(""))),
    );
}

/// The number of words from `j` that may be an ordinal's ending apart.
fn endings_at(facts: &[Facts<'_>], j: usize) -> usize {
    let rest = facts.get(j..).unwrap_or_default();
    rest.iter().take_while(|f| f.ending).count()
}

/// A floor word at `j` without a number of its own (a number or a Latin ordinal after it,
/// [`floor_number`]).
fn floor_at(facts: &[Facts<'_>], j: usize) -> bool {
    facts.get(j).and_then(Facts::class) == Some(Class::Floor)
        && !facts
            .get(j + 1)
            .is_some_and(|f| f.number || ordinal_digits(f.text).is_some())
}

/// Reads each word of the address (byte ranges of `folded`) as a number, a marker, a letter or a
/// word, with what is around it: the floor before or after its word, an ordinal's ending apart,
/// a date's day, a king's number. One function because each reading is one branch of a single
/// decision per word, taken in order, on the facts of its neighbours and the tokens read so far.
fn tokenize<'a>(folded: &'a str, words: &[(usize, usize, usize)], country: &str) -> Tokens<'a> {
    let mut facts = SmallVec::new();
    fill_facts(folded, words, &mut facts);
    let word = |i: usize| facts.get(i).map(|f| f.text);
    let class_of = |j: usize| facts.get(j).and_then(Facts::class);
    // The number of an ordinal at `j` next to a district word ("الحي الأول", "1st District",
    // "District 3rd"): the district's number, as Al Barsha 1 and District 1 write it. Asked of
    // every word: whether it is an ordinal, first.
    let district_ordinal = |j: usize| {
        let f = facts.get(j)?;
        let eleventh = matches!(f.text, "حادي" | "الحادي");
        let district_only = matches!(f.entry, Some((_, Class::DistrictOrdinal)));
        let ordinal = district_only
            || matches!(f.entry, Some((_, Class::Ordinal)))
            || eleventh
            || ordinal_digits(f.text).is_some();
        if !ordinal {
            return None;
        }
        // A district word after it misspelt ("1st Distrct", "0st one") is read by its closest
        // marker after the number, as its output is read again.
        let district_after = || match class_of(j + 1) {
            Some(class) => class == Class::District,
            None => word(j + 1)
                .and_then(|w| fuzzy_marker(w, false))
                .is_some_and(|(_, class)| class == Class::District),
        };
        // "El Tagamoa El Khames": an article may stand between a district word and the Latin
        // ordinal of its number; one before a street word names the street (`Al Malqa
        // District, Al Awal Street`).
        let before = match j.checked_sub(1) {
            Some(p) if district_only && class_of(p) == Some(Class::Filler) => p.checked_sub(1),
            p => p,
        };
        let names_street = district_only && class_of(j + 1) == Some(Class::Street);
        let by_district = !names_street
            && (before.is_some_and(|p| class_of(p) == Some(Class::District)) || district_after());
        // A floor's ordinal next to a district ("الطابق الثالث، الحي الأول") stays the floor's;
        // not one before a floor word that has its own ("التجمع الخامس الدور الثاني").
        let floor_numbered = |k: usize| {
            facts.get(k).is_some_and(|f| {
                // Digits, `5th`, `ال3`, or a word.
                f.number
                    || f.form.digits
                    || ordinal_digits(f.text).is_some()
                    || matches!(f.entry, Some((_, Class::Ordinal | Class::DistrictOrdinal)))
            })
        };
        let by_floor = || {
            j.checked_sub(1)
                .is_some_and(|p| class_of(p) == Some(Class::Floor))
                || (class_of(j + 1) == Some(Class::Floor) && !floor_numbered(j + 2))
        };
        if !by_district || by_floor() {
            return None;
        }
        // "الحي الثاني عشر": an ordinal and عشر are one number, 11 to 19 (الحادي is 1 only
        // there).
        let teen = word(j + 1) == Some("عشر");
        if teen && eleventh {
            return Some(("11", 2));
        }
        match f.entry {
            Some((n, Class::Ordinal)) if teen => {
                let unit = n.parse::<usize>().ok()?;
                TEENS.get(unit.checked_sub(1)?).map(|t| (*t, 2))
            }
            Some((n, Class::Ordinal | Class::DistrictOrdinal)) => Some((n.as_str(), 1)),
            _ => ordinal_digits(f.text).map(|n| (n, 1)),
        }
    };
    // The number of a Latin ordinal at `j` before a street word or ش ("9th Street", "14th St",
    // "5th ش"): the numbered street that "Street 9" and "ش 9" write.
    let street_ordinal = |j: usize| {
        word(j).and_then(ordinal_digits).filter(|_| {
            let street_letter = word(j + 1)
                .and_then(letter)
                .is_some_and(|l| l.street.is_some());
            // A street word misspelt ("nqa") is read by its closest marker after the number,
            // as its output (زنقه) is read again.
            let misspelt = || {
                word(j + 1)
                    .and_then(|w| fuzzy_marker(w, false))
                    .is_some_and(|(_, class)| class == Class::Street)
            };
            class_of(j + 1) == Some(Class::Street) || street_letter || misspelt()
        })
    };
    let mut tokens = Tokens::new();
    // The next word not read yet (an ordinal's ending apart, rez-de-chaussée are read whole).
    let mut resume = 0;
    for (i, (f, &(_, _, seg))) in facts.iter().zip(words).enumerate() {
        if i < resume {
            continue;
        }
        let text = f.text;
        let ordinal_at = |j: usize| {
            matches!(class_of(j), Some(Class::Ordinal | Class::DistrictOrdinal))
                || facts.get(j).is_some_and(|f| f.form.own)
        };
        // An ordinal that will read as a floor's or a street's number counts as a number too, so
        // that "n الثالث (eme) etage" and "n 5th r" read in one pass as their outputs "n 3 etage"
        // and "n 5 rue" read again.
        let next_is_number = facts.get(i + 1).is_some_and(|f| f.number)
            || (ordinal_at(i + 1)
                && (f.class() == Some(Class::Floor)
                    || class_of(i + 2 + endings_at(&facts, i + 2)) == Some(Class::Floor)))
            // An ordinal of a street's number, or of a date's day ("N° 5th Juillet" reads as
            // its output "N° 5 Juillet" does).
            || word(i + 1).and_then(ordinal_digits).is_some_and(|_| {
                street_ordinal(i + 1).is_some() || date_part(&facts, i + 1).is_some()
            })
            || district_ordinal(i + 1).is_some();
        // A number after the word, or a number marker and a number ("Way No. 3021").
        let numbered =
            || facts.get(i + 1).is_some_and(|f| f.number) || marked_number_at(&facts, i + 1);
        let prev = tokens.last().copied();
        let seg_start = prev.is_none_or(|p| p.seg != seg);
        // After a number, or a word read as one (a street's ordinal, a date's day): its text is
        // a number when the address's text is read again.
        let after_number = || prev.is_some_and(|p| p.kind == Kind::Number || all_digits(p.text));
        let after_floor = prev.is_some_and(|p| p.kind == Kind::Marker(Class::Floor));
        let by_floor = || after_floor || floor_at(&facts, i + 1);
        let apart = || match endings_at(&facts, i + 1) {
            n if after_floor || floor_at(&facts, i + 1 + n) => n,
            _ => 0,
        };
        // A floor spelled out (الثالث) is its number here, so that its text reads again alike.
        let form = match f.entry {
            Some((n, Class::Ordinal | Class::DistrictOrdinal)) => FloorForm::of(n),
            _ => f.form,
        };
        // Only a word in a floor number's form asks what is around it.
        let floor = (form.digits || form.own)
            .then(|| floor_number(form, by_floor(), apart()))
            .flatten();
        let (text, kind) = if let Some((n, taken)) = floor {
            // "3ème étage", "3 eme étage", "11th floor", "الدور ال3": the floor's number.
            resume = i + taken;
            (n, Kind::Marker(Class::Ordinal))
        } else if let Some(n) = ground_floor_words(|k| word(i + k)) {
            // "rez-de-chaussée", "R.D.C": the ground floor, as rdc.
            resume = i + n;
            ("rdc", Kind::Marker(Class::Ground))
        } else if let Some(n) = street_ordinal(i) {
            // "9th Street", "14th St": the numbered street that "Street 9" and "ش 9" write.
            (n, Kind::Word)
        } else if let Some(n) = regnal_number(f, prev.as_ref()) {
            // "محمد الخامس", "الحسن الثاني", "Hassan 1er": a king's number in a street's name, as
            // Mohammed V and Hassan II read it (a floor's ordinal was read above).
            (n, Kind::Word)
        } else if let Some(day) = date_part(&facts, i) {
            // "Cité 5 Juillet", "1er Novembre", "26th of July", "8 Mai 1945": a date names the
            // street or the cité; its day and year are words of the name, not the house.
            (day, Kind::Word)
        } else if let Some((n, taken)) = district_ordinal(i) {
            resume = i + taken;
            (n, Kind::Word)
        } else if f.number {
            (text, Kind::Number)
        } else if let Some((word, Class::Month | Class::Translated)) = f.entry {
            // Juillet, July, جويلية, يوليو; Jasmins, الياسمين: one word of the name, in every
            // writing.
            (word.as_str(), Kind::Word)
        } else if after_number()
            && !seg_start
            && facts.get(i + 1).is_some_and(|n| !n.number)
            && house_letter(text).is_some()
        {
            // "12 ب ش مكرم عبيد", "25 B Rue Ibn Sina": the house 12b, as 12B and 12ب read (the
            // letter stays as typed in the text, which reads again alike).
            (text, Kind::Marker(Class::Suffix))
        } else if let Some((short, digits)) = short_letter(
            &facts,
            i,
            (prev.as_ref(), seg_start, next_is_number),
            &tokens,
            country,
        ) {
            // "ع 4", "ق9 ش1 ج3 م21", "Blk 2, St 3, H 15": a marker's letter before its number,
            // written out so that the text reads again alike; glued to its number, two tokens.
            let marker = Kind::Marker(short.class);
            match digits {
                Some(n) => {
                    tokens.push(Token {
                        text: short.word,
                        seg,
                        kind: marker,
                    });
                    (n, Kind::Number)
                }
                None => (short.word, marker),
            }
        } else if let Some(l) = letter(text) {
            (l.letter, Kind::Letter(l))
        } else if let Some((canonical, class)) = f.entry.filter(|(canonical, c)| match c {
            Class::Number => next_is_number,
            // An ordinal is a floor only next to a floor word (الدور الثالث, 5th floor).
            Class::Ordinal => by_floor(),
            // Elsewhere than next to a district word: a word.
            Class::DistrictOrdinal => false,
            // "Way 3021", "سكة رقم 3021": Oman's numbered lane; elsewhere a word (سكة الحديد).
            Class::Way => numbered(),
            // "Bed space", "Bed 3": a bed is a room's only so (`Bed Rock Tower`).
            Class::Room if canonical == "bed" => {
                numbered() || word(i + 1).is_some_and(|w| matches!(w, "space" | "spaces"))
            }
            _ => true,
        }) {
            let class = if *class == Class::Way {
                Class::Street
            } else {
                *class
            };
            (canonical.as_str(), Kind::Marker(class))
        } else if let Some(n) = (seg_start || text == "pobox")
            .then(|| postal_box_words(|k| word(i + k)))
            .flatten()
            .filter(|&n| {
                // Its number, not a floor's ("BP 3 etage"), whose number an ordinal may write,
                // a street's ("BP 5 Rue", as "BP 5th Rue" reads) or a date's day.
                let after = i + n + 1;
                let next = class_of(after + endings_at(&facts, after));
                // An ordinal after the box words would read as a king's number (صندوق بريد
                // الثالث, صندوق بريد 5th: بريد III, بريد V), which the text then writes as the
                // box's number.
                let ordinal = facts.get(i + n).and_then(ordinal_number).is_some();
                (facts.get(i + n).is_some_and(|f| f.number)
                    || district_ordinal(i + n).is_some()
                    || ordinal)
                    && !matches!(next, Some(Class::Floor | Class::Street))
                    && date_part(&facts, i + n).is_none()
            })
        {
            // "P.O. Box 12345", "ص.ب 12345", "BP 123" (none of them an address word): the box,
            // whose number is the house's.
            resume = i + n;
            ("pobox", Kind::Marker(Class::Villa))
        } else if seg_start || next_is_number || after_number() {
            match fuzzy_marker(text, next_is_number) {
                Some((canonical, class)) => (canonical, Kind::Marker(class)),
                None => (text, Kind::Word),
            }
        } else {
            (text, Kind::Word)
        };
        // "مجمع 345": Bahrain's numbered block (a district), not a compound.
        let kind = match kind {
            Kind::Marker(Class::Complex)
                if text == "مجمع" && facts.get(i + 1).is_some_and(|n| n.number) =>
            {
                Kind::Marker(Class::District)
            }
            _ => kind,
        };
        tokens.push(Token { text, seg, kind });
    }
    tokens
}

/// A letter that abbreviates a marker before the marker's number ([`short_letter`]): the word
/// the address's text writes for it, its class, and whether it is read only after a numbered
/// street or block (Kuwait's `ق9 ش1 ج3 م21`: ج and م are letters of names and of buildings
/// elsewhere), and then at the start of a part too (Latin `H 15`).
struct ShortLetter {
    letter: &'static str,
    word: &'static str,
    class: Class,
    after_street: bool,
    opens_part: bool,
}

/// The letters read as a marker before a number: Egypt's ع (عمارة, a building), Kuwait's ق
/// (قطعة, the block), ج (جادة, the avenue) and م (منزل, the house), and Latin h (house) and j
/// (jadda). ش and ط are [`LETTERS`], read by the reading itself.
const SHORT_LETTERS: [ShortLetter; 6] = [
    ShortLetter {
        letter: "ع",
        word: "عماره",
        class: Class::Building,
        after_street: false,
        opens_part: false,
    },
    ShortLetter {
        letter: "ق",
        word: "قطعه",
        class: Class::District,
        after_street: false,
        opens_part: false,
    },
    ShortLetter {
        letter: "ج",
        word: "جاده",
        class: Class::Street,
        after_street: true,
        opens_part: false,
    },
    ShortLetter {
        letter: "j",
        word: "جاده",
        class: Class::Street,
        after_street: true,
        opens_part: false,
    },
    ShortLetter {
        letter: "م",
        word: "منزل",
        class: Class::Villa,
        after_street: true,
        opens_part: false,
    },
    ShortLetter {
        letter: "h",
        word: "house",
        class: Class::Villa,
        after_street: true,
        opens_part: true,
    },
];

/// The marker a letter at `i` abbreviates before its number (`ع 4`, `ق 9`, `ج 3`, `م 21`, `H
/// 15`, `H No 15`), or glued to it (`ق9`, `م21`: then the digits too): [`SHORT_LETTERS`]. Not
/// after a flat's, floor's or building's word, whose number a letter may open (`شقة ج3`,
/// `عمارة ج`: the flat c3, the building c); ج, j, م and h only in Kuwait (`country`, or none), after a
/// street or district word with its number (`tokens`, read so far: `ق9 ش1`, `Blk 2, St 3`), h
/// also at the start of its part (`seg_start`: `H 15, Street 3`). `next_is_number` is the
/// tokenizer's: the word after is a number, or will read as one.
fn short_letter<'a>(
    facts: &[Facts<'a>],
    i: usize,
    (prev, seg_start, next_is_number): (Option<&Token<'_>>, bool, bool),
    tokens: &[Token<'_>],
    country: &str,
) -> Option<(&'static ShortLetter, Option<&'a str>)> {
    let text = facts.get(i)?.text;
    // Asked of every word: a letter and digits at most.
    if text.chars().nth(1).is_some_and(|c| !c.is_ascii_digit()) {
        return None;
    }
    let short = SHORT_LETTERS.iter().find(|s| text.starts_with(s.letter))?;
    let glued = text.get(short.letter.len()..).filter(|d| !d.is_empty());
    if glued.is_some_and(|d| !all_digits(d) || d.len() > 4 || short.letter == "ع") {
        return None;
    }
    let numbered = glued.is_some() || next_is_number || marked_number_at(facts, i + 1);
    let unit_before = prev.is_some_and(|p| {
        matches!(
            p.kind,
            Kind::Marker(Class::Unit | Class::Floor | Class::Building)
        )
    });
    // A numbered street or block: Kuwait's, not Cairo's `15 ش التحرير م 3`.
    let street_before = || {
        tokens.windows(2).any(|w| {
            matches!(w, [t, n] if (t.is_street_type() || t.kind == Kind::Marker(Class::District))
                && n.kind == Kind::Number)
        })
    };
    // Kuwait's (or an order's of no country): Cairo's numbered streets (`ش 9 المعادي عمارة 5 م
    // 3`) have an م of their own after a building's number.
    let kuwait = || country.is_empty() || country.eq_ignore_ascii_case("KW");
    let placed =
        !short.after_street || (kuwait() && ((short.opens_part && seg_start) || street_before()));
    (numbered && !unit_before && placed).then_some((short, glued))
}

/// Whether the word at `j` is a number's marker (n°, رقم, No.) with a number after it: what
/// follows a marker that may number itself so (`Way No. 3021`, `H No 15`).
fn marked_number_at(facts: &[Facts<'_>], j: usize) -> bool {
    facts.get(j).and_then(Facts::class) == Some(Class::Number)
        && facts.get(j + 1).is_some_and(|f| f.number)
}

/// Where the number after a marker is, from `j`, the token after the marker: `j`, or `j + 1`
/// when `j` is a number's marker (n°, رقم) before a number, both of segment `seg` (`Way No.
/// 3021`, `غرفة رقم 5`). The read tokens' counterpart of [`marked_number_at`].
fn number_index(tokens: &[Token<'_>], j: usize, seg: usize) -> usize {
    let at = |k: usize, kind: Kind| {
        tokens
            .get(k)
            .is_some_and(|t| t.kind == kind && t.seg == seg)
    };
    if at(j, Kind::Marker(Class::Number)) && at(j + 1, Kind::Number) {
        j + 1
    } else {
        j
    }
}

/// A Latin letter and one to four digits (B12, A3): a flat numbered after its block's letter.
fn is_lettered_number(t: &str) -> bool {
    lettered_number(t).is_some()
}

/// The letter (as a Latin letter: أ ب ج د are a b c d) and the digits of a flat numbered after
/// its block's letter: B12 and ب12 are b and 12.
fn lettered_number(t: &str) -> Option<(&str, &str)> {
    let first = t.chars().next()?;
    let (letter, digits) = t.split_at_checked(first.len_utf8())?;
    let letter = if first.is_ascii_lowercase() {
        letter
    } else {
        house_letter(letter)?
    };
    ((1..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((letter, digits))
}

/// A letter that follows a house number, apart or glued (12 B, 12 ب, 12ب: the house 12b), as a
/// Latin letter: a to d in both scripts (أ ب ج د, the abjad order buildings are lettered in),
/// f to h in Latin (e is an ordinal's ending, 3 e étage).
fn house_letter(t: &str) -> Option<&'static str> {
    let latin = latin_letter(t)?;
    match latin {
        "a" | "b" | "c" | "d" => Some(latin),
        "f" | "g" | "h" if t.is_ascii() => Some(latin),
        _ => None,
    }
}

/// The number of an ordinal (الخامس, الثاني, 1er) written right after a word of a name of three
/// letters or more (`prev`): a king's number, Mohammed V = محمد الخامس.
fn regnal_number<'a>(f: &Facts<'a>, prev: Option<&Token<'_>>) -> Option<&'a str> {
    let prev = prev?;
    if prev.kind != Kind::Word || prev.text.chars().nth(2).is_none() {
        return None;
    }
    ordinal_number(f).filter(|&n| n != "0")
}

/// The number an ordinal word writes (الخامس, 1er, 5th), as a king's number reads it.
fn ordinal_number<'a>(f: &Facts<'a>) -> Option<&'a str> {
    match f.entry {
        Some((n, Class::Ordinal)) => Some(n.as_str()),
        _ => ordinal_digits(f.text),
    }
}

/// The word at `i` when it is the day of a date in a name (a number or a Latin ordinal before a
/// month, "of" between: 5 Juillet, 1er Novembre, 26th of July, as the day's digits) or its
/// year (four digits after the month: 8 Mai 1945).
fn date_part<'a>(facts: &[Facts<'a>], i: usize) -> Option<&'a str> {
    let f = facts.get(i)?;
    let class = |j: Option<usize>| j.and_then(|j| facts.get(j)).and_then(Facts::class);
    let month_after = class(Some(i + 1)) == Some(Class::Month)
        || (class(Some(i + 1)) == Some(Class::Filler) && class(Some(i + 2)) == Some(Class::Month));
    if month_after {
        let day = if f.number {
            Some(f.text)
        } else {
            ordinal_digits(f.text)
        };
        return day.filter(|d| d.len() <= 2);
    }
    let year = f.number && f.text.len() == 4 && class(i.checked_sub(1)) == Some(Class::Month);
    year.then_some(f.text)
}

/// The length of the landmark phrase starting at `i`, if one does.
fn landmark_at(tokens: &[Token<'_>], i: usize) -> Option<usize> {
    let t = tokens.get(i)?;
    if t.kind == Kind::Marker(Class::Landmark) {
        return Some(1);
    }
    let v = vocabulary();
    if !v.starts_phrase(t.text) {
        return None;
    }
    v.phrases
        .iter()
        .find(|p| {
            p.iter()
                .enumerate()
                .all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.text == w))
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
/// `country` is an ISO 3166-1 alpha-2 code (any case) or "" when unknown; it only narrows the
/// city.
/// The street tokens leave out the street type (rue, bd, شارع, زنقة), articles (al, el, en,
/// ال) and numbers, so that "Rue En Nasr n°39" and "39 R. Nasr" give the same street; the
/// house number, unit and district are read from where customers put them. A blank address
/// (empty, or only blanks and invisible marks) is absent: empty `text`, and not nonsense.
///
/// # Errors
/// [`ErrorKind::InvalidCountry`](crate::ErrorKind::InvalidCountry) when `country` is neither
/// blank nor a region code the library knows (`Morocco`, a city); an order's country is checked
/// when the order is read (`invalid_record`).
/// [`ErrorKind::InputTooLong`](crate::ErrorKind::InputTooLong) when `raw` or `city` is longer
/// than [`MAX_INPUT_BYTES`] (an order's city is cut to that size before the engine reads the
/// address, as the contract's sizes say). Any other input gives a value.
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
/// assert!(!normalize_address("", "", "MA").unwrap().nonsense); // absent
/// ```
pub fn normalize_address(raw: &str, city: &str, country: &str) -> Result<NormalizedAddress, Error> {
    check_country(country)?;
    normalize_address_read(raw, city, country).map(|(address, _)| address)
}

/// [`normalize_address`], and whether its city was read from the address's words (a place
/// before the street, or its last words) rather than from the city field (which the gazetteer
/// did not resolve): a guess, that the history's place of an order must not prefer to a city
/// field the cross-script sketch reads ([`crate::history::Features`]).
pub(crate) fn normalize_address_read(
    raw: &str,
    city: &str,
    country: &str,
) -> Result<(NormalizedAddress, bool), Error> {
    check_len("address", raw, MAX_INPUT_BYTES)?;
    check_len("city", city, MAX_INPUT_BYTES)?;
    // One buffer folds the city field, then the address.
    let mut folded = String::with_capacity(raw.len().max(city.len()) + 8);
    let city_id = resolve_city_in(city, country, &mut folded);
    folded.clear();
    let (words, repaired) = split_words(raw, &mut folded);
    let mut tokens = tokenize(&folded, &words, country);
    let mut out = NormalizedAddress::default();
    let reading = read_tokens(&mut tokens, &mut out, country);
    let places = reading.places;
    // "Villa 88, 3rd District, Fifth Settlement, New Cairo": the order's city written last,
    // after the districts of an address with no street word, is its city, not its street: the
    // first district is (`settle_door`).
    if !reading.street_marked
        && !reading.first_district.is_empty()
        && !out.street.is_empty()
        && city_id.is_some()
        && resolve_city(&out.street.join(" "), country) == city_id
    {
        let city = std::mem::take(&mut out.street);
        out.district.extend(city);
    }
    settle_door(&mut out, reading);
    out.text = join_texts(&tokens);
    out.city = city_id;
    let mut city_guessed = false;
    if out.city.is_none() && places > 0 {
        out.city = leading_city(tokens.get(..places).unwrap_or_default(), country);
        city_guessed = out.city.is_some();
    }
    if out.city.is_none() {
        let words: Vec<&str> = out.text.split(' ').filter(|w| !w.is_empty()).collect();
        out.city = find_city_at_end(&words, country);
        city_guessed = out.city.is_some();
    }
    // A blank address is absent, not junk (asked last: most addresses are not nonsense).
    let junk_phrase = || {
        if repaired {
            is_junk_phrase(&fold(raw))
        } else {
            is_junk_phrase_folded(&folded)
        }
    };
    // A door without a street ("Villa 12", "Imm 2 Appt 5", "شقة 5", "N° 12") is short of a
    // street, not junk.
    let named = !out.street.is_empty() || out.house_number.is_some() || out.unit.is_some();
    out.nonsense = is_nonsense(junk_phrase, &out.text, &tokens, named) && !is_blank(raw);
    Ok((out, city_guessed))
}

/// The city named by a place segment before the street ([`leading_places`], the tokens
/// `places`) when the city field resolved none ("Casablanca, 12 Rue Ibn Battouta"): the
/// gazetteer says which place is a city. Its words stay in the district, as a city written last
/// does ([`find_city_at_end`]), so that both orders give one district.
fn leading_city(places: &[Token<'_>], country: &str) -> Option<CityId> {
    places.chunk_by(|a, b| a.seg == b.seg).find_map(|segment| {
        let phrase: Vec<&str> = segment.iter().map(|t| t.text).collect();
        resolve_city(&phrase.join(" "), country)
    })
}

/// What the left-to-right reading found besides the fields it fills directly.
#[derive(Default)]
struct Reading<'a> {
    /// The numbers of the building, the floor and the flat, with a letter after them (12 ب, 12ب
    /// and 12B are the building 12b).
    building: Option<Cow<'a, str>>,
    floor: Option<Cow<'a, str>>,
    apt: Option<Cow<'a, str>>,
    /// The name of a residence, lotissement, cité, douar, compound or named tower.
    complex: Vec<String>,
    /// The address names a complex (a residence, a cité, a named tower...): its flat is the door.
    complex_form: bool,
    /// The complex is a residence, cité, lotissement, douar or compound, not a named building:
    /// it is written without the street it stands on as often as with it.
    estate: bool,
    /// A street-type word was written (rue, شارع, ش).
    street_marked: bool,
    /// Where the words of the first district (hay / حي ...), which name a numbered street, are
    /// in the district (which only grows): copied to the street only when they name it.
    first_district: std::ops::Range<usize>,
    /// The tokens of the place segments before the street ([`leading_places`]), read into the
    /// district.
    places: usize,
    /// The address may be Egypt's (its country is Egypt, or not given), where `ش N` after a
    /// building may be one of Cairo's numbered streets ([`letter_names_the_street`]).
    numbered_streets_of_egypt: bool,
    /// The house number is marked (n°, رقم, عدد), or the door is (a villa's, a flat's or a
    /// building's number): a bare number in a district's or complex's name is part of the name
    /// (Hay Nahda 2, Cité 5 Juillet, Al Barsha 1, Zone 25), not the house.
    marked_number: bool,
}

/// Reads `tokens` left to right into `out` (street, house number, district, landmark) and the
/// returned [`Reading`]. One pass with a little state: each arm is one kind of token. It stays
/// one function because every arm reads and moves the same state (the street's segment, whether
/// it closed, whether a number was seen, the index): split apart, the arms would pass all of it
/// around and the order of the checks, which is the grammar, would no longer read in one place.
fn read_tokens<'a>(
    tokens: &mut [Token<'a>],
    out: &mut NormalizedAddress,
    country: &str,
) -> Reading<'a> {
    let door_marked = writes_door_number(tokens);
    let mut r = Reading {
        places: leading_places(tokens, door_marked),
        numbered_streets_of_egypt: country.trim().is_empty() || country.eq_ignore_ascii_case("EG"),
        ..Reading::default()
    };
    let mut street_seg: Option<usize> = None;
    let mut street_closed = false;
    let mut seen_number = false;
    // "Avenue Mohamed 5 N 3": when a number is marked (n°, رقم), bare numbers inside the street
    // name belong to the name. A flat's or building's رقم ("الشقة رقم 5") marks no house number,
    // nor a street's ("Way No. 3021", "سكة رقم 3021": the street's number).
    let marked_number = tokens.windows(3).any(|w| {
        matches!(w, [a, b, c] if b.kind == Kind::Marker(Class::Number)
            && c.kind == Kind::Number
            && !a.is_street_type()
            && !matches!(a.kind, Kind::Marker(Class::Unit | Class::Floor | Class::Building | Class::Villa | Class::Room)))
    }) || tokens.first().is_some_and(|t| t.kind == Kind::Marker(Class::Number))
        && tokens.get(1).is_some_and(|t| t.kind == Kind::Number);
    r.marked_number = marked_number || door_marked;
    let mut i = 0;
    while i < tokens.len() {
        let Some(&tok) = tokens.get(i) else {
            break;
        };
        let next = tokens.get(i + 1).copied();
        let next_number = next.filter(|n| n.kind == Kind::Number).map(|n| n.text);
        if let Some(len) = additional_number(tokens, i) {
            i += len;
            continue;
        }
        if let Some(len) = landmark_at(tokens, i) {
            let door_read = out.house_number.is_some() || r.building.is_some() || r.apt.is_some();
            let end = landmark_end(tokens, i + len, tok.seg, door_read);
            if out.landmark.is_none() {
                out.landmark = Some(join_texts(tokens.get(i..end).unwrap_or_default()));
            }
            if street_seg.is_some() {
                street_closed = true;
            }
            i = end;
            continue;
        }
        match tok.kind {
            Kind::Letter(l)
                if next_number.is_some()
                    && seen_number
                    && (!l.after_house || out.house_number.is_some())
                    && (l.street.is_none()
                        || !out.street.is_empty()
                        || ((r.building.is_some() || r.complex_form)
                            && !letter_names_the_street(tokens, i, &r))) =>
            {
                // "87 شارع ديدوش مراد, ش 10", "14 ش التحرير ط 3": after a house number, the
                // letter + number is a flat or a floor.
                if let Some(t) = tokens.get_mut(i) {
                    t.text = l.unit;
                }
                let slot = if l.class == Class::Floor {
                    &mut r.floor
                } else {
                    &mut r.apt
                };
                if slot.is_none() {
                    *slot = next_number.map(Cow::Borrowed);
                }
                if !out.street.is_empty() {
                    street_closed = true;
                }
                i += 2;
                continue;
            }
            Kind::Letter(l) if l.street.is_none() => {
                // ط before a name may be طريق: a word, as it was typed.
                if let Some(t) = tokens.get_mut(i) {
                    t.kind = Kind::Word;
                }
                continue;
            }
            Kind::Letter(_) | Kind::Marker(Class::Street) => {
                let street = match tok.kind {
                    Kind::Letter(l) => l.street,
                    _ => None,
                };
                if let Some(t) = tokens.get_mut(i).zip(street) {
                    t.0.text = t.1;
                }
                let marked_before = r.street_marked;
                // "Way No. 3021", "سكة رقم 3021": a street's number may be marked.
                let number_at = number_index(tokens, i + 1, tok.seg);
                let next_number = tokens
                    .get(number_at)
                    .filter(|n| n.kind == Kind::Number)
                    .map(|n| n.text);
                // "Maarif Rue Ibn Sina 12", "السالمية قطعة 5 شارع 12": a street type written
                // before its name or number, after words taken as the street for want of one:
                // those words are the district, the street is what the type names.
                // (A type written after names ends a name: "King Fahd Rd 12" is house 12,
                // "Street 12" a numbered street.)
                let after_name = written_after_name(tok.text);
                let prev_in_seg = i
                    .checked_sub(1)
                    .and_then(|p| tokens.get(p))
                    .filter(|p| p.seg == tok.seg);
                // ("المعادي ش 9": ش before a number is a street's type too, but after the
                // number of a street ordinal, "5th ش 9", which it ends; not after a block's,
                // "الجابرية ق 9 ش 1": block 9, street 1.)
                let block_number = i
                    .checked_sub(2)
                    .and_then(|p| tokens.get(p))
                    .is_some_and(|p| p.kind == Kind::Marker(Class::District));
                let numbered_letter = matches!(tok.kind, Kind::Letter(_))
                    && tokens
                        .get(i + 1)
                        .is_some_and(|t| t.kind == Kind::Number && t.seg == tok.seg)
                    && (block_number || prev_in_seg.is_none_or(|p| !all_digits(p.text)));
                let names_after = numbered_letter
                    || tok.kind == Kind::Marker(Class::Street)
                        && tokens.get(number_at).is_some_and(|t| {
                            t.seg == tok.seg
                                && match t.kind {
                                    Kind::Number => {
                                        !after_name
                                            || prev_in_seg.is_none_or(|p| p.kind != Kind::Word)
                                    }
                                    Kind::Word => !after_name,
                                    _ => false,
                                }
                        });
                if !marked_before && !out.street.is_empty() && names_after {
                    let unmarked = std::mem::take(&mut out.street);
                    out.district.extend(unmarked);
                    street_seg = Some(tok.seg);
                    street_closed = false;
                }
                let taken_for_want = !out.street.is_empty() && street_seg != Some(tok.seg);
                if !marked_before
                    && (taken_for_want || (out.street.is_empty() && !r.complex.is_empty()))
                {
                    // "Borg El Nour, Abbas El Akkad St", "Atebaa Tower, Ramses St", "Al
                    // Aziziyah, Al Hajj St": a street type after the name, which went to the
                    // district after a complex's or a tower's name or a place, ends the
                    // street; words an earlier part gave the street for want of a street type
                    // go to the district.
                    let named = words_before(tokens, i);
                    if named > 0 && out.district.len() >= named {
                        let named = out.district.split_off(out.district.len() - named);
                        let unmarked = std::mem::replace(&mut out.street, named);
                        out.district.extend(unmarked);
                        street_seg = Some(tok.seg);
                        street_closed = true;
                    }
                }
                r.street_marked = true;
                if street_seg.is_some() && !out.street.is_empty() {
                    street_closed = true;
                }
                // "Street 12, Avenue 3", "شارع 12، جادة 3": a numbered way inside a numbered
                // street (Kuwait's avenue, jadda) is one more number of the street.
                let second_way = marked_before
                    && tok.kind == Kind::Marker(Class::Street)
                    && is_numbered(&out.street)
                    && out.house_number.is_none();
                if let Some(n) = next_number.filter(|_| second_way) {
                    out.street.push(n.to_string());
                    i = number_at + 1;
                    continue;
                }
                // "45 Rue 123", "Rue 12 N° 7", "زنقة 15 رقم 3": numbered streets, common in
                // newer districts. The number names the street when the house has its own.
                if let Some(n) = next_number.filter(|_| {
                    out.street.is_empty() && (out.house_number.is_some() || r.marked_number)
                }) {
                    street_seg = Some(tok.seg);
                    out.street.push(n.to_string());
                    i = number_at + 1;
                    continue;
                }
            }
            Kind::Number | Kind::Marker(Class::Ordinal)
                if next
                    .is_some_and(|n| n.kind == Kind::Marker(Class::Floor) && n.seg == tok.seg)
                    && tokens.get(i + 2).is_none_or(|t| {
                        !matches!(t.kind, Kind::Number | Kind::Marker(Class::Ordinal))
                    }) =>
            {
                // "3ème étage", "5th floor", "3 etage": the number before the floor word (which
                // has none of its own) is the floor's.
                if r.floor.is_none() {
                    r.floor = Some(Cow::Borrowed(tok.text));
                }
                seen_number = true;
                if !out.street.is_empty() {
                    street_closed = true;
                }
                i += 2;
                continue;
            }
            Kind::Marker(Class::Room) => {
                // "Room 5, Flat 203", "Bed space", "غرفة رقم 5": a room within the flat is no
                // part of the door, which the flat is; its number is no house's.
                let mut j = i + 1;
                let space =
                    |t: &Token<'_>| t.kind == Kind::Word && matches!(t.text, "space" | "spaces");
                if tokens.get(j).is_some_and(space) {
                    j += 1;
                }
                j = number_index(tokens, j, tok.seg);
                if tokens
                    .get(j)
                    .is_some_and(|t| t.kind == Kind::Number && t.seg == tok.seg)
                {
                    j += 1;
                }
                i = j;
                continue;
            }
            Kind::Marker(Class::Ground) => {
                // "rdc", "rez-de-chaussée": floor 0 without a floor word.
                if r.floor.is_none() {
                    r.floor = Some(Cow::Borrowed("0"));
                }
                seen_number = true;
                if !out.street.is_empty() {
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
                let number = tokens.get(j).and_then(|t| match t.kind {
                    Kind::Number => Some(t.text),
                    // "App B12", "Flat A3": a flat numbered after its block's letter.
                    Kind::Word if class == Class::Unit && is_lettered_number(t.text) => {
                        Some(t.text)
                    }
                    Kind::Marker(Class::Ordinal) if class == Class::Floor => Some(t.text),
                    // "Bloc A", "عمارة ب": a building named by a letter.
                    _ if class == Class::Building && t.seg == tok.seg => building_letter(t),
                    _ => None,
                });
                if let Some(n) = number {
                    let slot = match class {
                        Class::Unit => &mut r.apt,
                        Class::Floor => &mut r.floor,
                        _ => &mut r.building,
                    };
                    if slot.is_none() {
                        *slot = Some(numbered(n, tokens.get(j + 1)));
                    }
                    seen_number = true;
                    if !out.street.is_empty() {
                        street_closed = true;
                    }
                    i = j + 1;
                    continue;
                }
                if class == Class::Building {
                    // "Nile Tower", "Al Noor Building": the name is written before the word, and
                    // was read as the street's (or the district's, after a street). A named
                    // building is a complex whose flats are the doors; a street written after
                    // it ("Atebaa Tower, Ramses St") is its street.
                    let named = words_before(tokens, i);
                    let ends_segment = tokens.get(i + 1).is_none_or(|t| t.seg != tok.seg);
                    if named > 0 && ends_segment && r.complex.is_empty() {
                        let held = if street_seg == Some(tok.seg) {
                            &mut out.street
                        } else {
                            &mut out.district
                        };
                        if held.len() >= named {
                            r.complex = held.split_off(held.len() - named);
                            r.complex_form = true;
                            if out.street.is_empty() {
                                street_seg = None;
                                street_closed = false;
                            }
                            i += 1;
                            continue;
                        }
                    }
                    // "برج النيل", "Immeuble Al Nour": the name follows.
                    i = read_complex(tokens, i, out, &mut r, &mut street_closed);
                    continue;
                }
            }
            Kind::Marker(Class::Complex) => {
                // "Lot 45", "Lot. N° 45": a plot of a lotissement is a house.
                let lot = tokens
                    .get(i + 1)
                    .filter(|t| t.kind == Kind::Marker(Class::Number))
                    .map_or(i + 1, |_| i + 2);
                let plot = tokens.get(lot).filter(|t| {
                    t.kind == Kind::Number
                        && tokens
                            .get(lot + 1)
                            .is_none_or(|h| h.kind != Kind::Marker(Class::Housing))
                });
                // "Lotissement 45 N° 12": with the house marked, 45 names the lotissement.
                if let Some(n) = plot.filter(|_| tok.text == "lotissement" && !marked_number) {
                    if out.house_number.is_none() {
                        out.house_number = Some(house(n.text, tokens.get(lot + 1)));
                    }
                    seen_number = true;
                    i = lot + 1;
                    continue;
                }
                r.estate = true;
                i = read_complex(tokens, i, out, &mut r, &mut street_closed);
                continue;
            }
            Kind::Marker(Class::Villa) if next_number.is_some() && numbers_a_street(tokens) => {
                // "15 Rue Al Moutanabbi, Villa 3" and "Villa 3, 15 rue Al Moutanabbi": with the
                // street's number written, the villa is a building at that number.
                if r.building.is_none() {
                    r.building = next_number.map(|n| numbered(n, tokens.get(i + 2)));
                }
                seen_number = true;
                i += 2;
                continue;
            }
            Kind::Marker(class @ (Class::Number | Class::Villa | Class::Km)) => {
                if tok.text == "pobox" && out.street.is_empty() {
                    // A box is its own street: PO Box 123 of Riyadh is not house 123 of a
                    // street there.
                    out.street.push(tok.text.to_string());
                    street_seg = Some(tok.seg);
                }
                if let Some(n) = next_number {
                    // "Km 4.5", "كلم 4,5": a decimal part of one to three digits after the
                    // kilometres (the point or comma folded to a space).
                    let decimal = tokens.get(i + 2).filter(|t| {
                        class == Class::Km
                            && t.kind == Kind::Number
                            && t.seg == tok.seg
                            && t.text.len() <= 3
                    });
                    if out.house_number.is_none() {
                        out.house_number = Some(match (class, decimal) {
                            (Class::Km, Some(d)) => format!("km{n}.{}", d.text),
                            (Class::Km, None) => format!("km{n}"),
                            _ => house(n, tokens.get(i + 2)),
                        });
                    }
                    if decimal.is_some() {
                        i += 1;
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
                let start = out.district.len();
                let j = read_name(tokens, i, &mut out.district, r.marked_number);
                if r.first_district.is_empty() {
                    r.first_district = start..out.district.len();
                }
                if !out.street.is_empty() {
                    street_closed = true;
                }
                i = j;
                continue;
            }
            Kind::Number if is_postal_code(tok.text) => {
                // "جدة 23435", "20250 Casablanca": five digits no marker claims are a postal
                // code; the region's house numbers have four at most.
            }
            Kind::Number if next.is_some_and(|n| n.kind == Kind::Marker(Class::Housing)) => {
                // "Cité 500 logements", "حي 500 مسكن": the number names the cité (an estate
                // however it is introduced, as Cité's is).
                r.complex.push(format!("{}logements", tok.text));
                r.complex_form = true;
                r.estate = true;
                i += 2;
                continue;
            }
            Kind::Number if door_marked && names_place(tokens, i) => {
                // "Al Barsha 1", "البرشاء 1", "Jumeirah 2": the number of a numbered district,
                // where its words went.
                if street_seg == Some(tok.seg) && !street_closed {
                    out.street.push(tok.text.to_string());
                } else {
                    out.district.push(tok.text.to_string());
                }
            }
            Kind::Number => {
                let last_in_seg = next.is_none_or(|n| n.seg != tok.seg || n.kind != Kind::Word);
                let trailing = last_in_seg && !marked_number;
                if out.house_number.is_none() && (out.street.is_empty() || trailing) {
                    out.house_number = Some(house(tok.text, next.as_ref()));
                    if !out.street.is_empty() {
                        street_closed = true;
                    }
                } else if !out.street.is_empty() && !street_closed && street_seg == Some(tok.seg) {
                    out.street.push(tok.text.to_string());
                }
                seen_number = true;
            }
            Kind::Word => {
                if i < r.places {
                    // "Maarif, 12 Rue Ibn Battouta": a place written before the street.
                    out.district.push(significant(tok.text));
                    i += 1;
                    continue;
                }
                let opens_run = i
                    .checked_sub(1)
                    .and_then(|p| tokens.get(p))
                    .is_none_or(|p| p.seg != tok.seg || p.kind != Kind::Word);
                if let Some(marker) = opens_run.then(|| district_after(tokens, i)).flatten() {
                    // "Al Narjis District, Prince Sultan Street": the name before the marker.
                    let start = out.district.len();
                    for t in tokens.get(i..marker).unwrap_or_default() {
                        if t.kind == Kind::Word {
                            out.district.push(significant(t.text));
                        }
                    }
                    if r.first_district.is_empty() {
                        r.first_district = start..out.district.len();
                    }
                    if !out.street.is_empty() {
                        street_closed = true;
                    }
                    i = marker + 1;
                    continue;
                }
                // After a residence's name, words without a street type are its district
                // ("Résidence Al Amal, Sidi Maarouf").
                let in_street = !street_closed
                    && (r.complex.is_empty() || r.street_marked)
                    && street_seg.is_none_or(|s| s == tok.seg || out.street.is_empty());
                if in_street {
                    street_seg = Some(tok.seg);
                    let t = match roman(tok.text) {
                        Some(r) if !out.street.is_empty() => r.to_string(),
                        _ => significant(tok.text),
                    };
                    out.street.push(t);
                } else {
                    out.district.push(significant(tok.text));
                }
            }
            Kind::Marker(_) => {}
        }
        i += 1;
    }
    r
}

/// A number of five digits: a postal code of Morocco, Algeria, Egypt or Saudi Arabia (a
/// Tunisian code has four digits, and is read as a house number still).
fn is_postal_code(t: &str) -> bool {
    t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit())
}

/// The length of a Saudi national address's additional number at `i` ("Add. No 2381",
/// "Additional No. 2381", "الرقم الإضافي 2381"), which is no house number: the building's
/// number is. None when there is none.
fn additional_number(tokens: &[Token<'_>], i: usize) -> Option<usize> {
    let word = |k: usize, words: &[&str]| {
        tokens
            .get(k)
            .is_some_and(|t| t.kind == Kind::Word && words.contains(&t.text))
    };
    let kind = |k: usize, kind: Kind| tokens.get(k).is_some_and(|t| t.kind == kind);
    // Most tokens are not two before a number: asked first.
    if !kind(i + 2, Kind::Number) {
        return None;
    }
    let marked = kind(i + 1, Kind::Marker(Class::Number));
    let latin = word(i, &["add", "additional", "addl"]) && marked;
    // رقم before a word is read as a word.
    let arabic = (kind(i, Kind::Marker(Class::Number)) || word(i, &["رقم", "الرقم"]))
        && word(i + 1, &["اضافي", "الاضافي"]);
    (latin || arabic).then_some(3)
}

/// Whether a house number is written before a street type and its name ("15 Rue Al
/// Moutanabbi", "15 زنقة المتنبي"), not a numbered street ("14th St").
fn numbers_a_street(tokens: &[Token<'_>]) -> bool {
    tokens.windows(2).enumerate().any(|(k, w)| {
        let [n, marker] = w else { return false };
        n.kind == Kind::Number
            && marker.is_street_type()
            && n.seg == marker.seg
            && tokens
                .get(k + 2..)
                .unwrap_or_default()
                .iter()
                .take_while(|t| t.seg == marker.seg)
                .find(|t| t.kind != Kind::Marker(Class::Filler))
                .is_some_and(|t| t.kind == Kind::Word)
    })
}

/// Whether a street type is written after the street's name in the languages that use it
/// (King Fahd Road, Ramses Street, Main Lane): such a type before a word may end one street's
/// name, not start another's. Rue, Boulevard, شارع, زنقة start theirs. Avenue and Place are
/// also French words written before the name, which their canonical form does not tell apart:
/// they are taken as English here (`Maarif Avenue Hassan II 12` keeps maarif as the street).
fn written_after_name(street_type: &str) -> bool {
    matches!(street_type, "street" | "road" | "lane" | "avenue" | "place")
}

/// The numbers 11 to 19, from 11 on: a district's ordinal and عشر ([`tokenize`]).
const TEENS: [&str; 9] = ["11", "12", "13", "14", "15", "16", "17", "18", "19"];

/// How many words the segment of the token at `i` has before it, when it has only words and
/// fillers there (none otherwise): a name written before its marker.
fn words_before(tokens: &[Token<'_>], i: usize) -> usize {
    let Some(seg) = tokens.get(i).map(|t| t.seg) else {
        return 0;
    };
    let before = tokens.get(..i).unwrap_or_default();
    let run = before.iter().rev().take_while(|p| p.seg == seg);
    if run
        .clone()
        .all(|p| matches!(p.kind, Kind::Word | Kind::Marker(Class::Filler)))
    {
        run.filter(|p| p.kind == Kind::Word).count()
    } else {
        0
    }
}

/// Whether the door has its number written ("Flat 301, Bldg 5, Al Barsha 1", "Building 14,
/// Street 230, Zone 25", "Villa No 12"): a flat, building or villa word with a number after
/// it. The numbers of names are then names.
fn writes_door_number(tokens: &[Token<'_>]) -> bool {
    tokens.iter().enumerate().any(|(k, t)| {
        matches!(
            t.kind,
            Kind::Marker(Class::Unit | Class::Building | Class::Villa)
        ) && {
            let after = tokens.get(k + 1);
            let number = match after {
                Some(m) if m.kind == Kind::Marker(Class::Number) => tokens.get(k + 2),
                _ => after,
            };
            number.is_some_and(|n| {
                n.kind == Kind::Number
                    || (t.kind == Kind::Marker(Class::Unit) && is_lettered_number(n.text))
            })
        }
    })
}

/// Whether the number at `i` ends its segment (or comes before a landmark) after words that
/// follow the segment's start or a number ("Al Barsha 1", "Flat 301 Bldg 5 Al Barsha 1": no
/// street word, no marker but articles between): the number of a place's name when the door is
/// marked elsewhere.
fn names_place(tokens: &[Token<'_>], i: usize) -> bool {
    let Some(seg) = tokens.get(i).map(|t| t.seg) else {
        return false;
    };
    // A landmark may follow without a comma ("النهدة 2 قرب صحارى سنتر").
    if tokens.get(i + 1).is_some_and(|n| n.seg == seg) && landmark_at(tokens, i + 1).is_none() {
        return false;
    }
    let before = tokens.get(..i).unwrap_or_default();
    let mut named = false;
    for t in before.iter().rev().take_while(|t| t.seg == seg) {
        match t.kind {
            // A flat numbered after its block's letter (ب12) is a number of the door.
            Kind::Word if is_lettered_number(t.text) => return named,
            Kind::Word => named = true,
            Kind::Marker(Class::Filler) => {}
            Kind::Number => return named,
            _ => return false,
        }
    }
    named
}

/// The house number `n`, with the suffix written after it when `after` is one ("25 bis" and
/// "25 مكرر" are the house 25bis, another door than 25). The suffix's token is left to be
/// passed over.
fn house(n: &str, after: Option<&Token<'_>>) -> String {
    numbered(n, after).into_owned()
}

/// The number `n` of a house, building or flat, with the letter or suffix glued to it or
/// written after it (`after`): 12ب, 12 ب and 12B are 12b, 25 bis 25bis, ب12 b12.
fn numbered<'a>(n: &'a str, after: Option<&Token<'_>>) -> Cow<'a, str> {
    if let Some((letter, digits)) = lettered_number(n).filter(|_| !n.is_ascii()) {
        // ب12: the flat b12, as B12.
        return Cow::Owned(format!("{letter}{digits}"));
    }
    let digits = n.bytes().take_while(u8::is_ascii_digit).count();
    let (number, glued) = n.split_at_checked(digits).unwrap_or((n, ""));
    let latin = house_letter(glued).filter(|_| !glued.is_ascii());
    match (after, latin) {
        (Some(t), _) if t.kind == Kind::Marker(Class::Suffix) => {
            let suffix = house_letter(t.text).unwrap_or(t.text);
            Cow::Owned(format!("{number}{}{suffix}", latin.unwrap_or(glued)))
        }
        (_, Some(l)) => Cow::Owned(format!("{number}{l}")),
        _ => Cow::Borrowed(n),
    }
}

/// "Al Narjis District", "Narjis Dist", "Fifth Settlement": an English district marker written
/// after the name. The index of that marker when the words from `i` run up to one, and either
/// it ends its segment ("Al Narjis District, 12 King Fahd Rd") or the words open their segment
/// and the rest of it holds a number or a marker ("Al Narjis District 12 King Fahd Rd", "Al
/// Narjis Dist King Fahd Rd"): a name after the marker alone ("Olaya District Riyadh") may be
/// the district's, as in "District 5", and is not read.
fn district_after(tokens: &[Token<'_>], i: usize) -> Option<usize> {
    let seg = tokens.get(i)?.seg;
    let mut j = i;
    while let Some(t) = tokens.get(j).filter(|t| t.seg == seg) {
        match t.kind {
            Kind::Word | Kind::Marker(Class::Filler) => j += 1,
            Kind::Marker(Class::District)
                if matches!(t.text, "district" | "settlement") && j > i =>
            {
                let rest = tokens.get(j + 1..).unwrap_or_default();
                let rest = rest.get(..rest.iter().take_while(|t| t.seg == seg).count());
                let rest = rest.unwrap_or_default();
                // Only articles before the words in their segment ("Al Narjis District ...").
                let opens_segment = tokens
                    .get(..i)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .take_while(|p| p.seg == seg)
                    .all(|p| p.kind == Kind::Marker(Class::Filler));
                let then_door = || {
                    rest.iter().any(|t| match t.kind {
                        Kind::Number | Kind::Letter(_) => true,
                        Kind::Marker(c) => !matches!(
                            c,
                            Class::Filler | Class::District | Class::Landmark | Class::Ordinal
                        ),
                        Kind::Word => false,
                    })
                };
                return (rest.is_empty() || (opens_segment && then_door())).then_some(j);
            }
            _ => return None,
        }
    }
    None
}

/// The number of tokens of the segments that open an address with a place before its street
/// ("Maarif, 12 Rue Ibn Battouta", "الدقي، 15 ش مصدق", "الرياض، حي النرجس، طريق الملك سلمان"):
/// segments of words only (no marker, no number) followed by a segment with a street or
/// complex marker. Read left to right they would take the street. 0 when there are none.
/// With the door's number written (`door_marked`), a numbered place ends such a segment too
/// ("Al Barsha 1, Street 5, Villa 12").
fn leading_places(tokens: &[Token<'_>], door_marked: bool) -> usize {
    let bare = |t: &Token<'_>| matches!(t.kind, Kind::Word | Kind::Marker(Class::Filler));
    if !tokens.first().is_some_and(bare) {
        return 0;
    }
    let mut end = 0;
    while let Some(seg) = tokens.get(end).map(|t| t.seg) {
        let rest = tokens.get(end..).unwrap_or_default();
        let len = rest.iter().take_while(|t| t.seg == seg).count();
        let numbered = door_marked && len > 1 && names_place(tokens, end + len - 1);
        let words = if numbered { len - 1 } else { len };
        if !rest.iter().take(words).all(bare) {
            break;
        }
        end += len;
    }
    let rest = tokens.get(end..).unwrap_or_default();
    let marked = rest.iter().enumerate().any(|(k, t)| match t.kind {
        Kind::Marker(Class::Street | Class::Complex) => true,
        // ش before a number after a house number is a flat ("ش 10").
        Kind::Letter(l) => {
            l.street.is_some() && rest.get(k + 1).is_some_and(|n| n.kind != Kind::Number)
        }
        _ => false,
    });
    if marked {
        end
    } else {
        0
    }
}

/// Where a landmark that reaches `from` ends: the end of its segment `seg`, the next unit,
/// district or building marker, or, before any door's number was read (`door_read`), a house
/// number written before its street's word (`أمام مدرسة النصر 14 ش الجلاء`: the school is the
/// landmark, 14 ش الجلاء the door). After the door, such a number is the landmark's (`Résidence
/// Nour, Imm 2, Appt 4, près de la mosquée 12 rue Ibn Sina`, `قرب مخرج 5 طريق الملك فهد`). A
/// street word alone does not end it: a landmark may name a street (`قرب شارع محمد الخامس`).
fn landmark_end(tokens: &[Token<'_>], mut from: usize, seg: usize, door_read: bool) -> usize {
    while tokens.get(from).is_some_and(|t| {
        // (A word read as a number counts: its text is one when the address is read again.)
        let house_before_street = !door_read
            && (t.kind == Kind::Number || all_digits(t.text))
            && tokens
                .get(from + 1)
                .is_some_and(|n| n.seg == seg && n.is_street_type());
        t.seg == seg
            && !house_before_street
            && !matches!(
                t.kind,
                Kind::Marker(
                    Class::District | Class::Unit | Class::Floor | Class::Building | Class::Complex
                )
            )
    }) {
        from += 1;
    }
    from
}

/// Reads the complex named by the marker at `i` (résidence, cité, douar, a named building):
/// its name, or nothing when the name came before ("Nile Tower"). Returns the next index.
fn read_complex(
    tokens: &[Token<'_>],
    i: usize,
    out: &NormalizedAddress,
    r: &mut Reading<'_>,
    street_closed: &mut bool,
) -> usize {
    r.complex_form = true;
    if !out.street.is_empty() {
        *street_closed = true;
    }
    let mut name = Vec::new();
    let j = read_name(tokens, i, &mut name, r.marked_number);
    if r.complex.is_empty() {
        r.complex = name;
    } else {
        // A second complex (a residence in a cité) is where the first one is.
        r.complex.extend(name);
    }
    j
}

/// Reads the words naming what the marker at `i` starts (a district, a residence) into `into`,
/// to the end of the marker's segment; a marker ending its segment ("Hay El-Fath", split at the
/// dash) takes the next segment's words. Returns the index after the name.
///
/// With `numbers` (the house number is marked elsewhere), a bare number in the marker's
/// segment is part of the name ("Hay Nahda 2", "Cité 5 Juillet", "حي النهضة 2"), unless a
/// number or "logements" follows it (Cité 500 logements is read by its own rule).
fn read_name(tokens: &[Token<'_>], i: usize, into: &mut Vec<String>, numbers: bool) -> usize {
    let Some(marker) = tokens.get(i) else {
        return i + 1;
    };
    let mut seg = marker.seg;
    let mut crossed = false;
    let start = into.len();
    let mut j = i + 1;
    while let Some(t) = tokens.get(j) {
        let named_number = numbers
            && t.kind == Kind::Number
            && t.seg == seg
            && tokens.get(j + 1).is_none_or(|n| {
                !matches!(
                    n.kind,
                    Kind::Number | Kind::Marker(Class::Housing | Class::Suffix)
                )
            });
        if named_number {
            into.push(t.text.to_string());
            j += 1;
            continue;
        }
        if !matches!(t.kind, Kind::Word | Kind::Marker(Class::Filler))
            || landmark_at(tokens, j).is_some()
        {
            break;
        }
        if t.seg != seg {
            if crossed || into.len() > start {
                break;
            }
            crossed = true;
            seg = t.seg;
        }
        if t.kind == Kind::Word {
            into.push(significant(t.text));
        }
        j += 1;
    }
    j
}

/// A building named by one letter ("Bloc A", "Imm. B", "عمارة ب"), as a Latin letter: Arabic
/// letters are read in abjad order (أ ب ج د = A B C D), as buildings are lettered.
fn building_letter(t: &Token<'_>) -> Option<&'static str> {
    if !matches!(
        t.kind,
        Kind::Word | Kind::Marker(Class::Filler) | Kind::Letter(_)
    ) {
        return None;
    }
    latin_letter(t.text)
}

/// A word of one letter as a Latin letter: itself, or an Arabic letter read in abjad order (أ ب
/// ج د = A B C D), as buildings and houses are lettered.
fn latin_letter(t: &str) -> Option<&'static str> {
    let mut chars = t.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    const LATIN: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    let index = match c {
        'a'..='z' => c as usize - 'a' as usize,
        _ => "ابجدهوزحطي".chars().position(|a| a == c)?,
    };
    LATIN.get(index).copied()
}

/// Decides the door once the address is read: which name is the street, which number the
/// house, what is left for the unit.
///
/// - A complex (résidence, cité, douar...) is the street of an address without one, else a part
///   of its district.
/// - In a complex the flat is the door: the flat's number is the house number and the building
///   stays in the unit ("Résidence Al Amal, Imm 3, Appt 12": street amal, house 12, unit
///   bldg 3). A building without a flat is not a door: no house number.
/// - On a street, a building's number is the street number (عقار 12 ش التحرير).
/// - A district is the street of a numbered house without a street (حي الياسمين فيلا 12).
/// - The floor is dropped when the flat is known (the flat alone tells the door).
fn settle_door(out: &mut NormalizedAddress, r: Reading<'_>) {
    let Reading {
        mut building,
        mut floor,
        mut apt,
        complex,
        complex_form,
        estate,
        first_district,
        ..
    } = r;
    // "برج الياسمين، ش الطيران، شقة 42": the flat of a named tower on a street is the door, and
    // flat 42 of the next tower (or house 42 of the street) is another: the tower's name is the
    // building, compared by its skeleton (`history::signature::unit_key`). A tower at a street's
    // number is told by that number already.
    let tower = (complex_form
        && !estate
        && building.is_none()
        && !out.street.is_empty()
        && out.house_number.is_none()
        && !complex.is_empty())
    .then(|| complex.join("-"));
    if out.street.is_empty() {
        out.street = complex;
    } else if estate && !complex.is_empty() && out.house_number.is_none() && apt.is_some() {
        // "Appt 8, Imm 22, Résidence Yasmine, Bd Abdelmoumen": a residence's flats are its
        // doors, written with the street it stands on as often as without; that street, with
        // no house number of its own, is where the residence is. A named tower is written with
        // its street ("برج النور، شقة 102، شارع عباس العقاد"): the street stays.
        let street = std::mem::replace(&mut out.street, complex);
        out.district.extend(street);
    } else {
        out.district.extend(complex);
    }
    if apt.is_some() {
        floor = None;
    }
    // "17 Haram St, Bldg 17": the building's number is the house's, written twice. In a
    // complex the house is the flat, another number that may be the same.
    if !complex_form && building.is_some() && building.as_deref() == out.house_number.as_deref() {
        building = None;
    }
    // A building and a flat in a hay, with no street ("حي الخضراء عمارة 6 شقة 3", Algeria's
    // cités written حي): the hay is the complex, as "Cité El Khadra, Bt 6, Appt 3" reads.
    let complex_form = complex_form
        || (out.street.is_empty()
            && out.house_number.is_none()
            && building.is_some()
            && apt.is_some()
            && !first_district.is_empty());
    if out.house_number.is_none() {
        let door = if complex_form {
            apt.take()
        } else if !out.street.is_empty() {
            building.take()
        } else {
            None
        };
        out.house_number = door.map(Cow::into_owned);
    }
    if let Some(tower) = tower {
        building = Some(Cow::Owned(tower));
    }
    street_and_district_numbers(out, first_district);
    out.unit = unit_text([("bldg", building), ("floor", floor), ("apt", apt)]);
}

/// The street of a numbered house with no street: its first district (حي الياسمين فيلا 12),
/// numbered by the other districts' numbers; else the numbers of a written street's district
/// ([`number_within_district`]).
fn street_and_district_numbers(
    out: &mut NormalizedAddress,
    first_district: std::ops::Range<usize>,
) {
    if out.street.is_empty() && out.house_number.is_some() {
        out.street = out
            .district
            .get(first_district.clone())
            .unwrap_or_default()
            .to_vec();
        // "فيلا 88 الحي الثالث التجمع الخامس": district 3 of the Fifth Settlement is numbered
        // within the settlement, as a street is within its district. A district named by its
        // number alone is numbered by both, whichever is written first (`Fifth Settlement,
        // 3rd District`).
        let others = district_numbers_outside(&out.district, first_district);
        if is_numbered(&out.street) {
            out.street.extend(others);
        } else {
            out.district_numbers = others.collect();
        }
    } else if !out.street.is_empty() {
        number_within_district(out);
    }
}

/// "Street 5, Al Barsha 1", "Block 3, Street 12", "الحي السابع، المجاورة 2": a written street is
/// numbered within its numbered district (Street 5 of Al Barsha 2 is another street). The
/// district's numbers are kept apart from the street's own
/// ([`NormalizedAddress::district_numbers`]), so that Street 5 of Block 4 is not Street 4 of
/// Block 5; a street named by numbers alone takes the district's name too (its words, and the
/// numbers of a date in it: `Street 5, Cité 5 Juillet` is `5 5 juillet`).
fn number_within_district(out: &mut NormalizedAddress) {
    out.district_numbers = district_numbers_outside(&out.district, 0..0).collect();
    if is_numbered(&out.street) && out.district.iter().any(|w| is_number(w)) {
        let district = &out.district;
        let names = district.iter().enumerate();
        let names = names.filter(|&(k, _)| !district_number_at(district, k));
        out.street.extend(names.map(|(_, w)| w.clone()));
    }
}

/// The numbers of `district` ([`district_number_at`]) but those at `skip`.
fn district_numbers_outside(
    district: &[String],
    skip: std::ops::Range<usize>,
) -> impl Iterator<Item = String> + '_ {
    let numbers = (0..district.len()).filter(move |&k| !skip.contains(&k));
    let numbers = numbers.filter(|&k| district_number_at(district, k));
    numbers.filter_map(|k| district.get(k).cloned())
}

/// Whether the district's word at `k` is a number of the district: digits (`1A` of `Al Barsha
/// 1A` is a word of its name, as it was), not a date's day or year in a place's name (`6
/// October`, the city written in the address; `Cité 5 Juillet`; `8 Mai 1945`).
fn district_number_at(district: &[String], k: usize) -> bool {
    let month = |i: Option<usize>| {
        i.and_then(|i| district.get(i))
            .and_then(|w| vocabulary().entry(w))
            .is_some_and(|(_, class)| *class == Class::Month)
    };
    district.get(k).is_some_and(|w| all_digits(w))
        && !month(Some(k + 1))
        && !month(k.checked_sub(1))
}

/// A [`NormalizedAddress::unit`]: `bldg N floor N apt N`, the parts present, or `None`.
fn unit_text(parts: [(&str, Option<Cow<'_, str>>); 3]) -> Option<String> {
    let mut unit = String::new();
    for (label, n) in parts {
        if let Some(n) = n {
            if !unit.is_empty() {
                unit.push(' ');
            }
            unit.push_str(label);
            unit.push(' ');
            unit.push_str(&n);
        }
    }
    (!unit.is_empty()).then_some(unit)
}

/// A street named by numbers only ("Rue 123", "شارع 5"), not empty.
fn is_numbered(street: &[String]) -> bool {
    !street.is_empty() && street.iter().all(|w| is_number(w))
}

/// The parts of a [`NormalizedAddress::unit`] as [`settle_door`] writes it (`bldg N`, `floor N`,
/// `apt N`, each at most once, in that order, one word each): what the history compares part
/// by part (`history::signature::unit_key`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct UnitParts<'a> {
    pub(crate) building: Option<&'a str>,
    /// The floor, only when the flat is not known (the flat alone tells the door).
    pub(crate) floor: Option<&'a str>,
    pub(crate) flat: Option<&'a str>,
}

impl<'a> UnitParts<'a> {
    /// The parts of `unit`; words that are not a label and its value are skipped.
    pub(crate) fn of(unit: &'a str) -> UnitParts<'a> {
        let mut parts = UnitParts::default();
        let mut words = unit.split(' ');
        while let (Some(label), Some(value)) = (words.next(), words.next()) {
            let slot = match label {
                "bldg" => &mut parts.building,
                "floor" => &mut parts.floor,
                "apt" => &mut parts.flat,
                _ => continue,
            };
            *slot = Some(value);
        }
        parts
    }
}

/// Whether the address is a junk phrase, from `folded`, the address folded segment by segment
/// ([`split_words`], which mended nothing before folding): the whole address folded is its
/// words, one space apart (every separator folds to a space, and no character joins across
/// one), so it need not be folded again.
fn is_junk_phrase_folded(folded: &str) -> bool {
    if !folded.contains("  ") && !folded.ends_with(' ') {
        return is_junk_phrase(folded);
    }
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    is_junk_phrase(&words.join(" "))
}

/// The texts of `tokens`, space-separated.
fn join_texts(tokens: &[Token<'_>]) -> String {
    let mut s = String::with_capacity(tokens.iter().map(|t| t.text.len() + 1).sum());
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(t.text);
    }
    s
}

/// An address is nonsense when it has no letters, is a single token, is a junk phrase (asked
/// of `junk_phrase`), has no word beyond markers and numbers and names nothing (`named`: no
/// street, house or unit read), or is mostly keyboard mash.
fn is_nonsense(
    junk_phrase: impl FnOnce() -> bool,
    text: &str,
    tokens: &[Token<'_>],
    named: bool,
) -> bool {
    if tokens.len() < 2 || junk_phrase() || !text.chars().any(is_letter) {
        return true;
    }
    let words = || tokens.iter().filter(|t| t.kind == Kind::Word);
    let count = words().count();
    if count == 0 {
        return !named;
    }
    // Mostly mash: half the words or more. The words are asked only until that is known.
    let needed = count.div_ceil(2);
    let mut mash = 0;
    for (asked, t) in words().enumerate() {
        if mash >= needed || mash + (count - asked) < needed {
            break;
        }
        if is_mash_token(t.text) {
            mash += 1;
        }
    }
    mash >= needed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_letter_before_an_apostrophe_is_glued_unless_an_elided_article() {
        for (raw, glued) in [
            ("M'Sila", "MSila"),
            ("rue m'Sila", "rue mSila"),
            ("Ben M\u{2019}sik", "Ben Msik"),
            ("N'Gaous, T'kout", "NGaous, Tkout"),
            ("Ain \u{02BF}Ali", "Ain \u{02BF}Ali"),
            // Elided articles, marks with no letter after, a letter inside a word or after a
            // digit, and marks doubled: as written.
            ("rue d'Alger", "rue d'Alger"),
            ("rue de l'Oasis", "rue de l'Oasis"),
            ("D'Alger L'Oasis", "D'Alger L'Oasis"),
            ("x'", "x'"),
            ("'a", "'a"),
            ("M'", "M'"),
            ("M'12", "M'12"),
            ("12'B", "12'B"),
            ("Tal'at", "Tal'at"),
            ("M''sila", "M''sila"),
            ("", ""),
        ] {
            assert_eq!(glue_letter_apostrophes(raw), glued, "{raw}");
        }
        assert!(matches!(
            glue_letter_apostrophes("rue d'Alger"),
            Cow::Borrowed(_)
        ));
        // Read whole, as its folded words, in every order of the two repairs.
        let street = |raw: &str| normalize_address(raw, "", "DZ").map(|a| a.street);
        assert_eq!(street("12 rue m'Sila"), street("12 rue Msila"));
        assert_eq!(street("12 rue M'Sila"), street("12 rue Msila"));
        assert_eq!(street("12 rue d'Alger"), street("12 rue Alger"));
    }

    #[test]
    fn within_one_reads_real_typos() {
        for (a, b, d) in [
            ("boulevar", "boulevard", Some(1)),
            ("aveneu", "avenue", Some(1)),
            ("شراع", "شارع", Some(1)),
            ("ززنقه", "زنقه", Some(1)),
            ("rue", "rue", Some(0)),
            ("appartemnt", "apartment", None),
        ] {
            assert_eq!(within_one(&chars(a), &chars(b)), d, "{a} {b}");
        }
    }

    proptest! {
        /// Within one edit, words of three letters or more share their first or their last
        /// letter (what `fuzzy_marker` checks before `within_one`).
        #[test]
        fn one_edit_keeps_an_end(a in "[abرز]{3,7}", b in "[abرز]{3,7}") {
            let (a, b) = (chars(&a), chars(&b));
            if within_one(&a, &b).is_some() {
                prop_assert!(a.first() == b.first() || a.last() == b.last());
            }
        }

        /// The matrix-free check agrees with the OSA distance it replaces.
        #[test]
        fn within_one_is_osa(a in "[abرز]{0,6}", b in "[abرز]{0,6}") {
            let d = strsim::osa_distance(&a, &b);
            let expected = (d <= 1).then_some(d);
            prop_assert_eq!(within_one(&chars(&a), &chars(&b)), expected);
        }
    }
}
