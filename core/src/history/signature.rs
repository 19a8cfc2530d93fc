//! The matching signature of an order: what the index keeps, a shop's database stores and the
//! linking rules read, and the keys an order is filed under.
//!
//! One struct, [`Signature`], whatever holds it. Phone and email are 64-bit keyed hashes, the
//! door parts (city, house number, unit, street keys) 32-bit keyed hashes: the rules only ask
//! whether two are equal. Name keys (transliteration skeletons such as `mhmd`) stay readable,
//! because names are compared by similarity; the name type `N` says how they are held:
//!
//! - `Box<str>` (the default): a free-standing signature, the JSON a shop's database stores;
//! - `&str`: borrowed from the [`Features`] of the order being assessed;
//! - [`NameId`]: an id in a history's name table, how the index keeps millions of orders;
//! - [`NameRef`]: text and id together, what the linking rules read ([`View`]).
//!
//! One generic conversion (`Signature::map_names`) turns one into another, but for the walk's
//! hot path: `History::view` builds a stored order's [`View`] field by field.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::features::Features;
use super::hasher::{KeyHasher, KeyKind};
use super::sketch::WordSketch;

/// Street keys kept per order; further tokens add little.
pub(crate) const STREET_KEYS: usize = 4;
/// Name keys kept per order (first, father's, family name and one more).
pub(crate) const NAME_KEYS: usize = 5;
/// The most keys an order is filed under: its phones, its email, one per street key and its
/// two flat's keys, on its street's words and on its street's place ([`Signature::filing_keys`];
/// a walk from an order without a city follows both kinds of each, with a city and without,
/// and files under no street key).
pub(crate) const FILING_KEYS: usize = 3 + STREET_KEYS + 2;

/// The matching signature of an order, with its name keys held as `N` (see the module docs).
///
/// Absent values are 0 (keys and door parts) or empty (names), and present ones come first.
/// In JSON (`Signature::<Box<str>>`, what [`crate::store`] writes) the keys are 16 hex digits and
/// the lists hold only the values present:
/// `{"p":"60d1…","q":"0000000000000000","e":"0000000000000000","c":656441434,"h":3935229043,"u":0,"s":[871170624],"n":["mhmd","lwy"]}`.
/// In a binary format (the snapshot) every slot is written, as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(bound(
    serialize = "N: Serialize + Slot",
    deserialize = "N: Deserialize<'de> + Slot + Default"
))]
pub struct Signature<N = Box<str>> {
    /// Phone key, 0 for none.
    #[serde(rename = "p", with = "key_hex")]
    pub(crate) phone: u64,
    /// The key of a second phone the order's phone field held ([`Features::second_phone`]), 0
    /// for none; never set without `phone`, never equal to it.
    #[serde(rename = "q", with = "key_hex")]
    pub(crate) second_phone: u64,
    /// Email key, 0 for none.
    #[serde(rename = "e", with = "key_hex")]
    pub(crate) email: u64,
    /// City, hashed (0 for none).
    #[serde(rename = "c")]
    pub(crate) city: u32,
    /// House number, hashed (0 for none).
    #[serde(rename = "h")]
    pub(crate) house: u32,
    /// Unit, its parts hashed ([`unit_key`]; 0 for none).
    #[serde(rename = "u")]
    pub(crate) unit: u32,
    /// Street keys, hashed (0 past the end): the keys of the street's tokens first, then the
    /// second keys of tokens that have one, marked with [`STREET_SECOND`], then the numbers of
    /// its district, marked with [`STREET_DISTRICT`], in the slots left.
    #[serde(rename = "s", with = "slots")]
    pub(crate) street: [u32; STREET_KEYS],
    /// Name keys (empty past the end).
    #[serde(rename = "n", with = "slots")]
    pub(crate) name: [N; NAME_KEYS],
}

/// A signature as the linking rules read it: names with their text and id.
pub type View<'a> = Signature<NameRef<'a>>;

/// A name key's id in a history's name table (0 for none): the same id is the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct NameId(pub(crate) u32);

/// A name key as the linking rules read it: its text, its id in the history's name table, so
/// that a walk can remember the comparisons it made by id, and its [`WordSketch`], read once
/// when the history took the key in, so that comparing it with a word it cannot be costs a few
/// bit operations. An order that is not stored (the one being assessed) has the id `u32::MAX`,
/// and a sketch once its walk reads one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameRef<'a> {
    pub(crate) id: u32,
    pub(crate) text: &'a str,
    pub(crate) sketch: Option<&'a WordSketch>,
}

impl<'a> NameRef<'a> {
    /// The id of the names of an order that is not stored.
    pub(crate) const UNSTORED: u32 = u32::MAX;

    /// A name key of an order that is not stored.
    pub(crate) fn unstored(text: &'a str) -> NameRef<'a> {
        NameRef {
            id: NameRef::UNSTORED,
            text,
            sketch: None,
        }
    }
}

impl AsRef<str> for NameRef<'_> {
    fn as_ref(&self) -> &str {
        self.text
    }
}

/// Two name keys are equal when their texts are (an assessed order's keys have no id). Keys
/// with the same id in the history's name table have the same text: the walk compares a
/// customer's orders' names again and again, and the ids say it without reading the texts.
impl PartialEq for NameRef<'_> {
    fn eq(&self, other: &NameRef<'_>) -> bool {
        (self.id == other.id && self.id != NameRef::UNSTORED) || self.text == other.text
    }
}

/// One slot of a fixed-size list of keys: empty slots come last.
pub trait Slot {
    /// True for an empty slot.
    fn is_empty(&self) -> bool;
}

impl Slot for u32 {
    fn is_empty(&self) -> bool {
        *self == 0
    }
}

impl Slot for Box<str> {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}

impl Slot for &str {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}

impl Slot for NameId {
    fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

impl Slot for NameRef<'_> {
    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl Signature {
    /// The signature of an order's features, owning its name keys (to store it).
    pub fn of(f: &Features, hasher: &KeyHasher) -> Signature {
        Signature::borrowing(f, hasher).map_names(|&key| Box::from(key))
    }

    /// The view of an order's features for the linking rules, without building an owned
    /// signature: what assessing an order needs (it is not stored).
    pub(crate) fn view_of<'a>(f: &'a Features, hasher: &KeyHasher) -> View<'a> {
        Signature::borrowing(f, hasher).map_names(|&key| NameRef::unstored(key))
    }

    /// The view the linking rules read.
    #[cfg(feature = "internals")]
    pub fn view(&self) -> View<'_> {
        self.map_names(|key| NameRef::unstored(key))
    }
}

impl<'a> Signature<&'a str> {
    /// The signature of an order's features, borrowing the name keys: the one place where an
    /// order's values become keys.
    pub(crate) fn borrowing(f: &'a Features, hasher: &KeyHasher) -> Signature<&'a str> {
        let mut sig: Signature<&'a str> = Signature {
            phone: f.phone.as_ref().map_or(0, |p| hasher.phone_key(p)),
            second_phone: f
                .phone
                .as_ref()
                .and(f.second_phone.as_ref())
                .map_or(0, |p| hasher.phone_key(p)),
            email: f.email_key().map_or(0, |e| hasher.email_key(e)),
            city: f
                .place
                .as_ref()
                .map_or(0, |place| place.with_key(|key| hasher.door_part(key))),
            house: hasher.door_part(f.address.house_number.as_deref().unwrap_or("")),
            unit: unit_key(hasher, f.address.unit.as_deref()),
            ..Signature::default()
        };
        let mut slots = sig.street.iter_mut();
        for (key, slot) in f.street_keys.iter().zip(&mut slots) {
            *slot = street_key(hasher, key);
        }
        for (key, slot) in f.second_street_keys.iter().zip(&mut slots) {
            *slot = street_key(hasher, key) | STREET_SECOND;
        }
        for (number, slot) in f.address.district_numbers.iter().zip(&mut slots) {
            *slot = district_key(hasher, number);
        }
        // Last: a street with no slot left for its place's key still has its own words.
        for (key, slot) in f.place_street_keys.iter().zip(slots) {
            *slot = street_key(hasher, key) | STREET_PLACE;
        }
        // A junk name ("x x", "azerty", "test") says nothing about who placed the order: it is
        // matched as no name, so that it neither links nor tells people apart, and a junk name
        // on a family's phone is none of the family's.
        if !f.name.nonsense || !super::switches::on(super::switches::FAMILY) {
            for (slot, key) in sig.name.iter_mut().zip(&f.name.keys) {
                *slot = key;
            }
        }
        sig
    }
}

impl<N: Slot> Signature<N> {
    /// The same signature with each name key converted by `convert` (interned, resolved,
    /// owned): the one conversion between the holdings of a signature.
    #[inline]
    pub(crate) fn map_names<'s, M>(&'s self, convert: impl FnMut(&'s N) -> M) -> Signature<M> {
        Signature {
            phone: self.phone,
            second_phone: self.second_phone,
            email: self.email,
            city: self.city,
            house: self.house,
            unit: self.unit,
            street: self.street,
            name: self.name.each_ref().map(convert),
        }
    }

    /// Street keys present, second keys included (marked with [`STREET_SECOND`]), without its
    /// district's numbers and its place's keys: the keys of the street's tokens. (Those fill
    /// the last slots: the keys end at the first of them. The walk asks for these keys of
    /// every order it compares, several times: one test a slot.)
    pub(crate) fn street_keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.street
            .iter()
            .copied()
            .take_while(|&s| s != 0 && s & (STREET_DISTRICT | STREET_PLACE) == 0)
    }

    /// The keys of the place the street is named after ([`STREET_PLACE`]).
    pub(crate) fn place_keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.street_slots().filter(|&s| s & STREET_PLACE != 0)
    }

    /// Every street slot present, the district's numbers included.
    fn street_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.street.iter().copied().take_while(|&s| s != 0)
    }

    /// How many street tokens have a key: the street keys present that are not second keys.
    pub(crate) fn street_tokens(&self) -> usize {
        self.street_keys()
            .filter(|&s| s & STREET_SECOND == 0)
            .count()
    }

    /// Whether `key` is one of the order's phone keys (0 is none).
    #[inline]
    pub(crate) fn holds_phone(&self, key: u64) -> bool {
        key != 0 && (key == self.phone || key == self.second_phone)
    }

    /// Name keys present.
    pub(crate) fn names(&self) -> &[N] {
        let len = self.name.iter().take_while(|n| !n.is_empty()).count();
        &self.name[..len]
    }

    /// The keys the order is filed under: the phones, the email, and one address key (city,
    /// house number, street key) per street key. An order without a city has no such key:
    /// "somewhere in Casablanca" ties nobody together. An order with a unit and a house number
    /// also has its flat's key ([`Signature::flat_keys`]), city or not: a checkout's city field
    /// is often left empty, and the same flat of the same house of the same street is rarely
    /// two homes of two cities ([`super::link`]'s `same_house`); on a street named after a
    /// place, a second flat's key on the place's.
    ///
    /// The index, the store's key table and the walk all take their keys from here, so the
    /// store and the engine find the same orders. In that order, without repeats.
    #[inline]
    pub(crate) fn filing_keys(&self, hasher: &KeyHasher) -> FilingKeys {
        self.filing_keys_by(|door| door_key(hasher, door))
    }

    /// [`Signature::filing_keys`], each address key made by `door_key` from its city, house
    /// number and street key ([`door_key`], or a walk's memory of it).
    #[inline]
    pub(crate) fn filing_keys_by(&self, door_key: impl FnMut([u32; 3]) -> u64) -> FilingKeys {
        self.keys_by(door_key, false)
    }

    /// The filing keys (`walking` false), or the keys a walk follows from the order (`walking`
    /// true): the same, but for the flat's key. An order is filed under the flat's key of its
    /// kind, with a city or without; a walk from an order with a city follows the key of the
    /// orders without one (those with one it finds by its address keys), a walk from an order
    /// without a city both. So the many orders of same-named residences of several cities are
    /// walked only for an order that does not say its city.
    #[inline]
    fn keys_by(&self, mut door_key: impl FnMut([u32; 3]) -> u64, walking: bool) -> FilingKeys {
        let mut keys = FilingKeys::default();
        keys.push(self.phone);
        keys.push(self.second_phone);
        keys.push(self.email);
        if self.city != 0 {
            // A second key is filed as the key it is: `fth` of Fath beside `fth` of فتح; a
            // place's key too, so that each spelling of the place finds the others' door.
            for street in self.street_keys().chain(self.place_keys()) {
                keys.push(door_key([self.city, self.house, street & !STREET_SECOND]));
            }
        }
        let placed = self.city != 0;
        let mut flats = |placed: bool| self.flat_keys(&mut door_key, placed);
        if !walking {
            keys.extend(flats(placed));
            return keys;
        }
        if !placed {
            keys.extend(flats(true));
        }
        keys.extend(flats(false));
        keys
    }

    /// The keys of the order's flat, placed in a city (`placed`) or not: its unit, house number
    /// and a key of its street, the [`STREET_SECOND`] bit telling placed from not. The first
    /// on the street's least word key (the same whichever way round its tokens were written);
    /// the second on its least place key ([`STREET_PLACE`]): `Avenue de Laayoune, Imm 3, Appt
    /// 5` and `شارع العيون عمارة 3 شقة 5` of orders without a city share no word's key, but the
    /// town's. Each 0 without a unit, a house number or such a street key.
    fn flat_keys(&self, door_key: &mut impl FnMut([u32; 3]) -> u64, placed: bool) -> [u64; 2] {
        let least_word = self.street_keys().filter(|k| k & STREET_SECOND == 0).min();
        let least_place = self.place_keys().min();
        [least_word, least_place].map(|street| self.flat_key_on(door_key, placed, street))
    }

    /// The flat's key on street key `street`; 0 without a unit, a house number or a street.
    fn flat_key_on(
        &self,
        door_key: &mut impl FnMut([u32; 3]) -> u64,
        placed: bool,
        street: Option<u32>,
    ) -> u64 {
        match street {
            Some(street) if self.unit != 0 && self.house != 0 => {
                let tag = if placed { 0 } else { STREET_SECOND };
                door_key([self.unit, self.house, street | tag])
            }
            _ => 0,
        }
    }
}

/// The bit of a street slot set on a second key ([`Features::second_street_keys`]: Fath read
/// `fth`, as فتح): a street key is a hash with this bit clear, so that the signature's layout
/// stays and the linking rules can count the street's tokens ([`Signature::street_tokens`])
/// and leave out two second keys met together ([`same_street_key`]).
pub(crate) const STREET_SECOND: u32 = 1;

/// The bit of a street slot set on the key of a number in the street's name (Mohammed V read
/// 5, Rue 2 Mars, Rue 15): the linking rules tell two streets apart by their numbers
/// ([`numbers_agree`]).
pub(crate) const STREET_NUMBER: u32 = 2;

/// The bit of a street slot set on the key of a word that opens many streets' names (Ibn,
/// Moulay, Sidi, King, الملك: [`crate::normalize::address::opens_many_streets`]): sharing only
/// such words, two streets are two streets.
pub(crate) const STREET_OPENER: u32 = 4;

/// The bits of a street slot set on a number of the street's district
/// ([`crate::normalize::NormalizedAddress::district_numbers`]), with [`STREET_NUMBER`]: the
/// numbers tell two streets apart ([`numbers_agree`]), but the slot names no street: no
/// door is filed under it and two streets do not share a word by it.
pub(crate) const STREET_DISTRICT: u32 = 8;

/// The bit of a street slot set on the key of the town or country the street is named after
/// ([`Features::place_street_keys`]): in the slots left after the district's numbers, filed
/// as a door's key, and, shared, the whole street agrees ([`crate::history::link`]'s
/// `same_street`); not a token of the street, nor its least key (a flat's key).
pub(crate) const STREET_PLACE: u32 = 16;

/// The flag bits of a street slot.
const STREET_FLAGS: u32 =
    STREET_SECOND | STREET_NUMBER | STREET_OPENER | STREET_DISTRICT | STREET_PLACE;

/// A street key's hash ([`KeyHasher::door_part`]) with the [`STREET_SECOND`] bit clear, and the
/// [`STREET_NUMBER`] or [`STREET_OPENER`] bit set for a number or an opening word; never 0.
fn street_key(hasher: &KeyHasher, key: &str) -> u32 {
    let hash = (hasher.door_part(key) & !STREET_FLAGS).max(STREET_FLAGS + 1);
    if crate::normalize::address::all_digits(key) {
        hash | STREET_NUMBER
    } else if crate::normalize::address::opens_many_streets(key) {
        hash | STREET_OPENER
    } else {
        hash
    }
}

/// The street slot of `number`, a number of the street's district: the key of the number as a
/// street's, marked [`STREET_DISTRICT`], so that district 4 is not street 4 unless only one of
/// two addresses read a district ([`numbers_agree`]).
fn district_key(hasher: &KeyHasher, number: &str) -> u32 {
    street_key(hasher, number) | STREET_NUMBER | STREET_DISTRICT
}

/// Whether the signature's street has district numbers ([`STREET_DISTRICT`]).
fn has_district<N: Slot>(sig: &Signature<N>) -> bool {
    sig.street.iter().any(|&k| k & STREET_DISTRICT != 0)
}

/// Whether two streets' numbers let them be one street: when both names hold numbers, every
/// number of the name with fewer is in the other, as many times (Kuwait's `Block 5, Street
/// 12, Avenue 5` is not `Avenue 4` of that street; Avenue Mohammed V is not Avenue Mohammed VI,
/// Rue 2 Mars not Rue 3 Mars, though the other words agree; Street 5 of Al Barsha 1 is not
/// Street 5 of Al Barsha 2, though it may be Street 5 written without its district). A name
/// without numbers may be the same street written short.
///
/// A district's numbers are told from the street's own when both addresses read a district
/// (`Block 4, Street 5` is not `Block 5, Street 4`). When only one did, the other wrote the
/// district's number among the street's words (`فيلا 40 شارع 5 الورقاء 3`, `Al Warqa 3, St 5,
/// Villa 40`): then a number is a number, whichever part held it.
pub(crate) fn numbers_agree<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
    let count = |s: &[u32; STREET_KEYS]| s.iter().filter(|&&k| is_number_key(k)).count();
    let (in_a, in_b) = (count(&a.street), count(&b.street));
    if in_a == 0 || in_b == 0 {
        return true;
    }
    let mask = if has_district(a) == has_district(b) {
        u32::MAX
    } else {
        !STREET_DISTRICT
    };
    if in_a <= in_b {
        numbers_within(a, b, mask)
    } else {
        numbers_within(b, a, mask)
    }
}

/// A street key of a number.
fn is_number_key(k: u32) -> bool {
    k != 0 && k & STREET_NUMBER != 0
}

/// Whether every number of `few`'s street (its district's included) is a number of `many`'s,
/// as many times, slots compared under `mask`.
fn numbers_within<A: Slot, B: Slot>(few: &Signature<A>, many: &Signature<B>, mask: u32) -> bool {
    few.street_slots().filter(|&k| is_number_key(k)).all(|x| {
        // `x` is no empty slot (0): counted over the whole slots.
        let times =
            |slots: &[u32; STREET_KEYS]| slots.iter().filter(|&&k| k & mask == x & mask).count();
        times(&few.street) <= times(&many.street)
    })
}

/// Whether two street slots are one reading of a street token: the same key, not both second
/// keys. Two Latin spellings of Fath meet by their first keys (`ft`); their second keys, which
/// any two words writing `th` for ت + ح share, do not count again.
pub(crate) fn same_street_key(a: u32, b: u32) -> bool {
    (a | STREET_SECOND) == (b | STREET_SECOND) && a & b & STREET_SECOND == 0
}

/// The high 16 bits of a unit key: its building.
const UNIT_BUILDING: u32 = 0xffff_0000;
/// The bit of a unit key set when its low bits ([`UNIT_REST`]) are a floor (without a flat).
const UNIT_FLOOR: u32 = 0x8000;
/// The low 15 bits of a unit key: its flat, or its floor when [`UNIT_FLOOR`] is set.
const UNIT_REST: u32 = 0x7fff;

/// The key of an address's unit (`bldg 3 floor 2`, `apt 5`...), 0 for none: its parts hashed
/// apart into one number, so that [`units_agree`] can tell a floor from a flat and see the
/// building, and the signature's layout (one `u32`) stays. The building takes the high 16 bits; the flat, or the floor when no
/// flat is known, the low 15, with [`UNIT_FLOOR`] saying which. A part whose hash is 0 is taken
/// as 1 (0 is "none"). Two different flats read as one only when their 15-bit hashes collide
/// (1 in 32,768), among orders already at one house number of one street with one name.
pub(crate) fn unit_key(hasher: &KeyHasher, unit: Option<&str>) -> u32 {
    let parts = crate::normalize::address::UnitParts::of(unit.unwrap_or(""));
    // A part's hash within `mask`, never 0: the mask's lowest bit instead.
    let part = |value: &str, mask: u32| match hasher.door_part(value) & mask {
        0 => mask & mask.wrapping_neg(),
        h => h,
    };
    let building = parts.building.map_or(0, |b| match building_name_key(b) {
        Some(name) => part(&name, UNIT_BUILDING),
        None => part(b, UNIT_BUILDING),
    });
    let rest = match (parts.flat, parts.floor) {
        (Some(flat), _) => part(flat, UNIT_REST),
        (None, Some(floor)) => UNIT_FLOOR | part(floor, UNIT_REST),
        (None, None) => 0,
    };
    building | rest
}

/// The key of a building named by words (a tower's name, its words joined by `-`: `ياسمين`,
/// `al-reem`, `ريم-2`), `None` for one named by a number or a letter (`3`, `12b`, `b`).
/// Script-blind, and coarse on purpose: two names that miss each other split one customer's
/// door, while two that meet only lose a tower's help in telling two flats apart. It is the
/// skeleton of the name's first word (a word added after it, `Al Nour Business Tower`, changes
/// nothing), folded further:
/// - without `h` (Fath is `ft`, فتح `fth`);
/// - without a first `a`, then a first `l` (an ع or a vowel that Latin writes or leaves out:
///   عطار is `atr`, Al Attar read as the article's `at-tar` `tr`; an article glued, Elyasmin);
/// - `z` as `d` (ظ that Latin writes dh: Dhafra), `q`, `g` and `j` as `k` (the Gulf's g for ق:
///   Gurg, القرق; Egypt's g for ج);
/// - without a last `s` after `t` (Emirates, الإمارات);
///
/// and then the name's numbers (`Al Reem Tower 2` is not `Al Reem Tower`).
fn building_name_key(building: &str) -> Option<String> {
    let first = building
        .split('-')
        .find(|w| w.chars().count() >= 2 && !w.bytes().any(|b| b.is_ascii_digit()))?;
    let skeleton = crate::normalize::text::skeleton(first);
    let skeleton = skeleton.strip_prefix('a').unwrap_or(&skeleton);
    let skeleton = skeleton.strip_prefix('l').unwrap_or(skeleton);
    let mut key: String = skeleton
        .chars()
        .filter(|&c| c != 'h')
        .map(|c| match c {
            'z' => 'd',
            'q' | 'g' | 'j' => 'k',
            c => c,
        })
        .collect();
    if key.ends_with("ts") {
        key.pop();
    }
    for number in building
        .split('-')
        .filter(|w| crate::normalize::address::all_digits(w))
    {
        key.push('#');
        key.push_str(number);
    }
    Some(key)
}

/// Whether two unit keys ([`unit_key`]) may be one door: when either is none, when they are
/// equal, and when one is a floor without a flat and the other not, in the same building (or
/// neither naming one). A floor never conflicts with a flat, as customers give the floor on one
/// order and the flat on the next (`14 ش التحرير الدور 3` and `... الدور 3 شقة 5`); two flats,
/// two buildings, a building alone against a building and a flat still do. Two floors without a
/// flat are two homes: in the family buildings of Cairo or Algiers a floor is often one flat,
/// and a customer does not move their home from one floor to another.
pub(crate) fn units_agree(a: u32, b: u32) -> bool {
    a == 0
        || b == 0
        || a == b
        || ((a ^ b) & UNIT_FLOOR != 0 && (a & UNIT_BUILDING) == (b & UNIT_BUILDING))
}

/// The address key of a door: its city, house number and one street key, hashed.
pub(crate) fn door_key(hasher: &KeyHasher, door: [u32; 3]) -> u64 {
    hasher.hash_parts(KeyKind::Address, &door)
}

impl<N> Signature<N> {
    /// The keys a walk follows from an order: its [filing keys](Signature::filing_keys) (the
    /// address keys made by `door_key`, as [`Signature::filing_keys_by`], and the flat's keys
    /// as `keys_by` says), less the address keys of an order without a house number. Such an
    /// address (a douar, a building of a complex without its flat, a street alone) is no door
    /// ([`super::link::same_door`]): the orders filed beside it could link to it only by a
    /// phone or an email, and are filed under those too.
    #[inline]
    pub(crate) fn walk_keys(&self, door_key: impl FnMut([u32; 3]) -> u64) -> FilingKeys
    where
        N: Slot,
    {
        if self.house != 0 {
            return self.keys_by(door_key, true);
        }
        let mut keys = FilingKeys::default();
        keys.push(self.phone);
        keys.push(self.second_phone);
        keys.push(self.email);
        keys
    }
}

/// The keys an order is filed under (see [`Signature::filing_keys`]): a small list on the stack.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FilingKeys {
    keys: [u64; FILING_KEYS],
    len: usize,
}

impl FilingKeys {
    /// Adds `key` unless it is 0 (none) or listed already.
    #[inline]
    fn push(&mut self, key: u64) {
        if key != 0 && !self.contains(&key) && self.len < FILING_KEYS {
            self.keys[self.len] = key;
            self.len += 1;
        }
    }

    /// [`FilingKeys::push`] of each of `keys`.
    fn extend(&mut self, keys: impl IntoIterator<Item = u64>) {
        for key in keys {
            self.push(key);
        }
    }

    /// Keeps the keys `keep` says yes to, in their order.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(u64) -> bool) {
        let mut kept = FilingKeys::default();
        for &key in self.iter() {
            if keep(key) {
                kept.push(key);
            }
        }
        *self = kept;
    }
}

impl IntoIterator for FilingKeys {
    type Item = u64;
    type IntoIter = std::iter::Take<std::array::IntoIter<u64, FILING_KEYS>>;
    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter().take(self.len)
    }
}

impl std::ops::Deref for FilingKeys {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        &self.keys[..self.len]
    }
}

impl std::ops::DerefMut for FilingKeys {
    fn deref_mut(&mut self) -> &mut [u64] {
        &mut self.keys[..self.len]
    }
}

/// u64 keys as 16 hex digits in a readable format (exact in every language: JSON numbers above
/// 2^53 are not), as numbers in a binary one.
mod key_hex {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&format!("{v:016x}"))
        } else {
            s.serialize_u64(*v)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            u64::from_str_radix(&text, 16).map_err(D::Error::custom)
        } else {
            u64::deserialize(d)
        }
    }
}

/// A fixed-size list of keys: in a readable format the keys present, as a list (a reader takes
/// at most `LEN`); in a binary one every slot, as a tuple (no length to store).
mod slots {
    use super::*;

    pub(crate) fn serialize<S, T, const LEN: usize>(
        items: &[T; LEN],
        s: S,
    ) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize + Slot,
    {
        if s.is_human_readable() {
            s.collect_seq(items.iter().take_while(|item| !item.is_empty()))
        } else {
            let mut tuple = s.serialize_tuple(LEN)?;
            for item in items {
                tuple.serialize_element(item)?;
            }
            tuple.end()
        }
    }

    pub(crate) fn deserialize<'de, D, T, const LEN: usize>(d: D) -> Result<[T; LEN], D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de> + Default,
    {
        let visitor = SlotsVisitor(PhantomData);
        if d.is_human_readable() {
            d.deserialize_seq(visitor)
        } else {
            d.deserialize_tuple(LEN, visitor)
        }
    }

    struct SlotsVisitor<T, const LEN: usize>(PhantomData<T>);

    impl<'de, T: Deserialize<'de> + Default, const LEN: usize> Visitor<'de> for SlotsVisitor<T, LEN> {
        type Value = [T; LEN];

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of keys")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[T; LEN], A::Error> {
            let mut items: [T; LEN] = std::array::from_fn(|_| T::default());
            for slot in &mut items {
                match seq.next_element()? {
                    Some(item) => *slot = item,
                    None => return Ok(items),
                }
            }
            // Keys past the kept number add little: skip them, as the index would.
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(items)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filing_keys_retain_keeps_the_chosen_keys_in_their_order() {
        let mut keys = FilingKeys::default();
        for key in [7, 3, 0, 9, 3, 4] {
            keys.push(key);
        }
        assert_eq!(&*keys, &[7, 3, 9, 4]);
        keys.retain(|key| key != 3 && key != 4);
        assert_eq!(&*keys, &[7, 9]);
        keys.retain(|_| false);
        assert!(keys.is_empty());
    }

    fn sample() -> Signature {
        Signature {
            phone: 0x60d1_16a7_4998_f2f0,
            second_phone: 0,
            email: 0,
            city: 656_441_434,
            house: 7,
            unit: 0,
            street: [871_170_624, 591_091_105, 0, 0],
            name: [
                "abrhm".into(),
                "xdj".into(),
                "".into(),
                "".into(),
                "".into(),
            ],
        }
    }

    #[test]
    fn json_holds_hex_keys_and_only_the_values_present() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert_eq!(
            json,
            r#"{"p":"60d116a74998f2f0","q":"0000000000000000","e":"0000000000000000","c":656441434,"h":7,"u":0,"s":[871170624,591091105],"n":["abrhm","xdj"]}"#
        );
        let back: Signature = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn json_with_more_keys_than_kept_keeps_the_first() {
        let json = r#"{"p":"1","q":"0","e":"2","c":1,"h":2,"u":3,"s":[1,2,3,4,5,6],"n":["a","b","c","d","e","f"]}"#;
        let sig: Signature = serde_json::from_str(json).unwrap();
        assert_eq!(sig.street, [1, 2, 3, 4]);
        assert_eq!(sig.names().len(), NAME_KEYS);
        assert_eq!(&*sig.name[4], "e");
    }

    #[test]
    fn binary_writes_every_slot_as_numbers() {
        let sig = sample().map_names(|n| NameId(n.len() as u32));
        let bytes = postcard::to_allocvec(&sig).unwrap();
        // The fields in order, fixed-size lists without lengths (the layout of snapshot format 1,
        // with the second phone after the first since format 13).
        let plain = (
            sig.phone,
            sig.second_phone,
            sig.email,
            sig.city,
            sig.house,
            sig.unit,
            sig.street,
            sig.name.map(|n| n.0),
        );
        assert_eq!(bytes, postcard::to_allocvec(&plain).unwrap());
        let back: Signature<NameId> = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, sig);
    }

    #[test]
    fn a_places_key_takes_the_last_slot_and_is_no_token() {
        let hasher = KeyHasher::default();
        let sig = |address: &str, city: &str| {
            let order = crate::record::Order {
                order_id: crate::record::OrderId("o".into()),
                address: address.into(),
                city: city.into(),
                country: "KW".into(),
                ..Default::default()
            };
            Signature::borrowing(&Features::of(&order), &hasher).map_names(|n| Box::<str>::from(*n))
        };
        // The street's word, the block's number, the country's key, in that order.
        let block_4 = sig("Block 4, Palestine St, House 9", "Kuwait City");
        let flags: Vec<u32> = block_4.street.iter().map(|&k| k & STREET_FLAGS).collect();
        assert_eq!(
            flags,
            [0, STREET_NUMBER | STREET_DISTRICT, STREET_PLACE, 0],
            "{block_4:?}"
        );
        assert_eq!(block_4.street_tokens(), 1);
        assert_eq!(block_4.street_keys().count(), 1);
        assert_eq!(block_4.place_keys().count(), 1);
        // The place's key is filed as a door's, with the word's.
        let doors = block_4.keys_by(|door| u64::from(door[2]), false);
        assert!(doors.iter().any(|&k| k == u64::from(block_4.street[2])));
        // Block 6 keeps its number apart; the Arabic street of block 4 has the same place.
        let block_6 = sig("Block 6, Palestine St, House 9", "Kuwait City");
        assert!(!numbers_agree(&block_4, &block_6));
        let arabic = sig("قطعة 4 شارع فلسطين منزل 9", "الكويت");
        assert_eq!(arabic.place_keys().collect::<Vec<_>>(), [block_4.street[2]]);
        assert!(numbers_agree(&block_4, &arabic));
        // Slots full (two words, a second key, the block): the block's number stays, the
        // place's key has no slot.
        let full = sig("Block 4, South Africa St, House 9", "Kuwait City");
        assert_eq!(full.place_keys().count(), 0, "{full:?}");
        let full_6 = sig("Block 6, South Africa St, House 9", "Kuwait City");
        assert!(!numbers_agree(&full, &full_6));
    }

    /// Whether the units of two addresses (as the parser reads them) may be one door.
    fn agree(a: &str, b: &str) -> bool {
        let hasher = KeyHasher::default();
        let unit = |raw: &str| {
            let address = crate::normalize::normalize_address(raw, "", "EG").unwrap();
            unit_key(&hasher, address.unit.as_deref())
        };
        units_agree(unit(a), unit(b)) && units_agree(unit(b), unit(a))
    }

    #[test]
    fn a_floor_never_conflicts_with_a_flat() {
        let flat = [
            "14 ش التحرير الدور 3 شقة 5",
            "14 ش التحرير شقة 5",
            "14 ش التحرير الدور الثالث، الشقة رقم 5",
            "14 Rue Tahrir, 3ème étage, appt 5",
            "14 Tahrir St, flat 5",
            "14 Tahrir St, 5th floor, flat 5",
        ];
        let floor = [
            "14 ش التحرير الدور 3",
            "14 ش التحرير الطابق 3",
            "14 ش التحرير الدور الثالث",
            "14 Rue Tahrir 3ème étage",
            "14 Rue Tahrir étage 3",
            "14 Tahrir St, floor 3",
            "14 Tahrir St, 3rd floor",
            "14 Tahrir St, 7th floor",
            "14 ش التحرير",
        ];
        for a in flat {
            for b in floor.iter().chain(&flat) {
                assert!(agree(a, b), "{a} / {b}");
            }
        }
        for a in floor.iter().take(7) {
            for b in floor.iter().take(7) {
                assert!(agree(a, b), "the same floor: {a} / {b}");
            }
        }
        // In one building, and a building alone against a floor in it.
        for (a, b) in [
            ("14 Rue X Imm 2 etage 3", "14 Rue X Imm 2 appt 5"),
            ("14 Rue X Imm 2 3ème étage", "14 Rue X Imm 2 etage 4 appt 5"),
            ("14 Rue X Imm 2 etage 3", "14 Rue X Imm 2"),
        ] {
            assert!(agree(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn a_named_towers_flat_meets_itself_however_spelt() {
        // One tower in both scripts, its name spelt and ordered otherwise, a th read either way.
        for (a, b) in [
            (
                "برج الياسمين، ش الطيران، شقة 42",
                "Yasmeen Tower, El Tayaran St, Flat 42",
            ),
            (
                "برج الياسمين، ش الطيران، الدور 4، شقة 42",
                "Borg El Yasmine, flat 42, El Tayaran St",
            ),
            (
                "بناية الفتح، شارع الثورة، شقة 502",
                "Flat 502, Al Fath Building, Al Thawra St",
            ),
            (
                "أبراج نايل سيتي، كورنيش النيل، شقة 7",
                "Nile City Towers, Corniche El Nil, flat 7",
            ),
            (
                "برج العطار، شارع الشيخ زايد، شقة 1203",
                "Flat 1203, Al Attar Tower, Sheikh Zayed Road",
            ),
            (
                "برج الأطباء، ش رمسيس، شقة 11",
                "Atebaa Tower, Ramses St, flat 11",
            ),
            (
                "برج الظفرة، شارع المطار، شقة 7",
                "Al Dhafra Tower, Airport St, flat 7",
            ),
            (
                "برج القرق، شارع المطار، شقة 7",
                "Al Gurg Tower, Airport St, flat 7",
            ),
            (
                "برج الياسمين، ش الطيران، شقة 42",
                "Borg Elyasmin, El Tayaran St, flat 42",
            ),
            (
                "برج الإمارات، شارع المطار، شقة 7",
                "Emirates Tower, Airport St, flat 7",
            ),
            (
                "Al Nour Tower, Airport St, flat 7",
                "Al Nour Business Tower, Airport St, flat 7",
            ),
            (
                "برج العطار للأعمال، شارع المطار، شقة 7",
                "Al Attar Tower, Airport St, flat 7",
            ),
            (
                "برج الريم 2، شارع المطار، شقة 7",
                "برج الريم 2 شارع المطار شقة 7",
            ),
            (
                "أبراج نايل سيتي، ش الطيران، شقة 7",
                "Nile City Towers, El Tayaran St, flat 7",
            ),
            // The street's number alone on one order: no unit to conflict.
            ("برج النور، ش عباس العقاد، شقة 102", "102 Abbas El Akkad St"),
        ] {
            assert!(agree(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn another_towers_flat_is_another_door() {
        for (a, b) in [
            (
                "برج الياسمين، ش الطيران، شقة 42",
                "Al Nour Tower, flat 42, El Tayaran St",
            ),
            (
                "بناية النور، شارع الوحدة، شقة 502",
                "Al Reem Building, Flat 502, Al Wahda St",
            ),
            (
                "برج الياسمين، ش الطيران، الدور 4، شقة 42",
                "42 El Tayaran St, 2nd floor",
            ),
            (
                "Atebaa Tower, Ramses St, flat 11",
                "Cleopatra Tower, Ramses St, flat 11",
            ),
            (
                "برج الريم 2، شارع المطار، شقة 7",
                "برج الريم 3، شارع المطار، شقة 7",
            ),
        ] {
            assert!(!agree(a, b), "{a} / {b}");
        }
        let hasher = KeyHasher::default();
        // A building named by a number or a letter is keyed as written.
        for number in ["3", "12b", "b"] {
            assert_eq!(building_name_key(number), None);
            assert_eq!(
                unit_key(&hasher, Some(&format!("bldg {number}"))),
                hasher.door_part(number) & UNIT_BUILDING
            );
        }
        assert_eq!(building_name_key("ياسمين"), building_name_key("yasmeen"));
        // The first word: one added after it changes nothing.
        assert_eq!(building_name_key("nile-city"), building_name_key("nile"));
        assert_eq!(building_name_key("ريم-2"), Some("rm#2".to_owned()));
    }

    #[test]
    fn two_flats_two_floors_or_two_buildings_conflict() {
        for (a, b) in [
            ("14 ش التحرير الدور 3 شقة 5", "14 ش التحرير الدور 3 شقة 6"),
            ("14 ش التحرير شقة 5", "14 ش التحرير الدور 3 شقة 6"),
            ("14 Tahrir St, flat 5", "14 Rue Tahrir, appt 6"),
            // Two floors, no flat: two homes (a Cairo family building is a flat per floor).
            ("14 ش التحرير الدور 3", "14 ش التحرير الدور 4"),
            ("14 ش التحرير الدور الأرضي", "14 ش التحرير الدور الأول"),
            ("14 Rue Tahrir 3ème étage", "14 Rue Tahrir 2ème étage"),
            ("14 Rue X Imm 2 appt 5", "14 Rue X Imm 3 appt 5"),
            ("14 Rue X Imm 2 etage 3", "14 Rue X Imm 3 appt 5"),
            ("14 Rue X Imm 2 etage 3", "14 Rue X appt 5"),
            // A building alone against a building and a flat: as before floors were keyed.
            ("14 Rue X Imm 2", "14 Rue X Imm 2 appt 5"),
            ("14 Rue X Imm 2", "14 Rue X appt 5"),
        ] {
            assert!(!agree(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn unit_keys_keep_their_parts_apart() {
        let hasher = KeyHasher::default();
        assert_eq!(unit_key(&hasher, None), 0);
        assert_eq!(unit_key(&hasher, Some("")), 0);
        let floor = unit_key(&hasher, Some("floor 3"));
        let flat = unit_key(&hasher, Some("apt 3"));
        assert_ne!(floor, flat, "floor 3 is not flat 3");
        assert_eq!(floor & UNIT_BUILDING, 0);
        assert_ne!(floor & UNIT_FLOOR, 0);
        assert_eq!(flat & UNIT_FLOOR, 0);
        let both = unit_key(&hasher, Some("bldg 3 apt 3"));
        assert_eq!(both & !UNIT_BUILDING, flat);
        assert_ne!(both & UNIT_BUILDING, 0);
        // Every part is present whatever its hash: none is 0.
        for n in 0..2000 {
            let n = n.to_string();
            let key = unit_key(&hasher, Some(&format!("bldg {n} apt {n}")));
            assert!(key & UNIT_BUILDING != 0 && key & UNIT_REST != 0, "{n}");
            assert_ne!(
                unit_key(&hasher, Some(&format!("floor {n}"))) & UNIT_REST,
                0
            );
        }
    }

    #[test]
    fn filing_keys_are_phone_email_and_one_address_key_per_street_key() {
        let hasher = KeyHasher::default();
        let sig = sample();
        let keys = sig.filing_keys(&hasher);
        assert_eq!(keys.len(), 1 + 2, "phone and two address keys; no email");
        assert_eq!(keys[0], sig.phone);
        let cityless = Signature {
            city: 0,
            ..sample()
        };
        assert_eq!(&*cityless.filing_keys(&hasher), &[sig.phone]);
        // A second phone is filed under next to the first, for a walk from the order too.
        let two = Signature {
            second_phone: 0x1234,
            ..cityless
        };
        assert_eq!(&*two.filing_keys(&hasher), &[sig.phone, 0x1234]);
        assert_eq!(
            &*two.walk_keys(|door| door_key(&hasher, door)),
            &[sig.phone, 0x1234]
        );
        assert!(two.holds_phone(0x1234) && two.holds_phone(sig.phone) && !two.holds_phone(0));
    }

    /// The signature of an order with `phone`, in Morocco.
    fn signed(phone: &str) -> Signature {
        let order = crate::record::Order {
            order_id: "o".into(),
            country: "MA".into(),
            phone: phone.into(),
            ..Default::default()
        };
        Signature::of(&Features::of(&order), &KeyHasher::default())
    }

    #[test]
    fn a_phone_field_with_two_numbers_gives_two_keys() {
        let mobile = signed("0661234567").phone;
        let landline = signed("0522334455").phone;
        assert_ne!(mobile, landline);
        for field in [
            "0661234567 - 0522334455",
            "0661234567 / 0522334455",
            "0661234567 ou 0522334455",
            "٠٦٦١٢٣٤٥٦٧ و ٠٥٢٢٣٣٤٤٥٥",
            "tel: +212 661 23 45 67, fixe: 05 22 33 44 55",
            "0661234567 0522334455",
        ] {
            let sig = signed(field);
            assert_eq!((sig.phone, sig.second_phone), (mobile, landline), "{field}");
        }
        // One number written twice, one number alone, a junk second: one key.
        for field in [
            "0661234567 / +212661234567",
            "0661234567",
            "06 61 23 45 67",
            "0661234567 - 0666666666",
        ] {
            let sig = signed(field);
            assert_eq!((sig.phone, sig.second_phone), (mobile, 0), "{field}");
        }
        // A junk number before a real one: the real one is the phone, and the only key.
        let junk_first = signed("0666666666 - 0522334455");
        assert_eq!((junk_first.phone, junk_first.second_phone), (landline, 0));
    }
}
