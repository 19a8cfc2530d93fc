//! The linking rules: when two orders are one customer, and how sure that is.
//!
//! Two orders are the same customer when they share
//! - the phone, unless the number is shared (more distinct people behind it than
//!   [`PolicyConfig::max_names_per_key`], or on more than `max_orders_per_key` orders), and,
//!   when a name says nothing of who wrote it (none, junk, no word in common), only when the
//!   phone is one person's: an order without a real name on a family's phone is no member's;
//! - the canonical email, under the same rule (fake emails are never keys), unless the orders
//!   are in different places and share no phone;
//! - the delivery door (place, house number, a street key, no conflicting apartment) AND the
//!   name: neighbours share a building, namesakes share a name, only the customer shares both.
//!   An address without a house number (a douar, a residence's building without the flat) is
//!   no door;
//!
//! and never when their names show two people: the same family name with another given name
//! (Mashael / Fahd Al-Qahtani, two siblings at one villa ordering with the family phone).
//!
//! People are told apart by what a person owns: a phone or email counts the people behind it
//! (names that do not match and share nothing else), not the spellings, so one customer
//! writing her name in Arabic, in French and with her father's name is one person, and a
//! courier's phone with many customers is shared. A junk name ("x x", "azerty") is no name
//! (the signature keeps no keys of it). Places are compared as places (the gazetteer's
//! city, or a cross-script sketch: [`crate::normalize::city::same_place`]), never as strings.
//!
//! The walk that applies these rules from a new order is in [`super::walk`].

use super::signature::{
    numbers_agree, same_street_key, units_agree, NameRef, Signature, Slot, View, NAME_KEYS,
    STREET_OPENER,
};
use super::sketch::{may_be_same_word, WordSketch};
use super::switches;
use crate::assessment::Evidence;
use crate::normalize::given;
use crate::normalize::name::keys_similarity_with;
use crate::normalize::translit;
use crate::policy::PolicyConfig;

/// Confidence that two orders are one customer, by the field that tied them.
const PHONE_WEIGHT: f64 = 0.9;
const EMAIL_WEIGHT: f64 = 0.9;
const ADDRESS_WEIGHT: f64 = 0.85;
const NAME_WEIGHT: f64 = 0.4;

/// Two words of two names are the same word from this similarity of their keys on (a typo, a
/// transliteration variant); lower, they are two names.
const SAME_WORD: f64 = 0.5;

/// The fields two orders agree on, as a small bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Agreement(pub(crate) u8);

impl Agreement {
    const PHONE: u8 = 1;
    const EMAIL: u8 = 2;
    const ADDRESS: u8 = 4;
    const NAME: u8 = 8;

    /// True when the agreement makes the two orders one customer (a name alone never does).
    pub(crate) fn links(self) -> bool {
        self.0 & (Self::PHONE | Self::EMAIL | Self::ADDRESS) != 0
    }

    /// Whether the two orders have the same phone.
    pub(crate) fn phone(self) -> bool {
        self.0 & Self::PHONE != 0
    }

    /// The matched fields, in contract order.
    pub(crate) fn evidence(self) -> Vec<Evidence> {
        [
            (Self::PHONE, Evidence::Phone),
            (Self::EMAIL, Evidence::Email),
            (Self::ADDRESS, Evidence::Address),
            (Self::NAME, Evidence::Name),
        ]
        .into_iter()
        .filter(|(bit, _)| self.0 & bit != 0)
        .map(|(_, e)| e)
        .collect()
    }

    /// Confidence from the agreeing fields, combined as independent pieces of evidence.
    pub(crate) fn score(self) -> f64 {
        let miss = [
            (Self::PHONE, PHONE_WEIGHT),
            (Self::EMAIL, EMAIL_WEIGHT),
            (Self::ADDRESS, ADDRESS_WEIGHT),
            (Self::NAME, NAME_WEIGHT),
        ]
        .into_iter()
        .filter(|(bit, _)| self.0 & bit != 0)
        .fold(1.0, |miss, (_, w)| miss * (1.0 - w));
        1.0 - miss
    }
}

/// What two names say about the people who wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    /// One person's name (in another script, order or spelling, with or without a middle name).
    Same,
    /// Maybe one person's: every word of one name may be a word of the other, in a spelling or
    /// an abbreviation the similarity score does not credit (Drissi / El Idrissi, Med /
    /// Mohamed). Not enough to link, enough to recognise a customer reached through a link.
    Alike,
    /// Two people: they share a word (the family name) and each has a word the other lacks (the
    /// given names differ).
    Differ,
    /// Nothing to tell: a name is missing, or they share no word (a spelling the keys do not
    /// see through, a nickname).
    Unknown,
}

/// Comparisons already made in one walk: of two names, by their interned ids, and of two words
/// that had to be aligned ([`translit::alike`]), by theirs. Within one walk the same names and
/// the same words meet again and again: each order of a customer against each neighbour at
/// their door, the orders under a phone against one another (who is behind it) and then
/// against the new order, whose words the walk knows by the history's ids.
#[derive(Debug)]
pub(crate) struct Memo {
    names: Slots<NameIds, Names, 64>,
    words: Slots<(u32, u32), f64, 32>,
}

/// The ids of the keys of two names.
type NameIds = ([u32; NAME_KEYS], [u32; NAME_KEYS]);

impl Default for Memo {
    #[inline]
    fn default() -> Memo {
        Memo {
            names: Slots::new(([0; NAME_KEYS], [0; NAME_KEYS]), Names::Same),
            words: Slots::new((0, 0), 0.0),
        }
    }
}

impl Memo {
    /// [`translit::alike`] of two words whose ids are `x` and `y` (`UNSTORED` for a word the
    /// history does not hold: not remembered), `alike` when not known yet. The likeness is
    /// symmetric, so the pair is remembered either way round.
    fn alike(&mut self, x: u32, y: u32, alike: impl FnOnce() -> f64) -> f64 {
        if x == NameRef::UNSTORED || y == NameRef::UNSTORED {
            return alike();
        }
        let key = (x.min(y), x.max(y));
        let at = self.words.slot_of([key.0, key.1].iter());
        if let Some(sim) = self.words.get(at, &key) {
            return sim;
        }
        let sim = alike();
        self.words.put(at, key, sim);
        sim
    }
}

/// A cache of `N` answers (a power of two, at most 64) held in place, each in the slot its key
/// hashes to (a later key that hashes there takes the slot).
///
/// In place, not on the heap: a walk makes from a handful of comparisons to a few hundred (a
/// crowded door), and a heap table would cost more in the allocator than most walks save; a
/// slot found by hashing, not a list searched from the start, keeps the crowded walks from
/// growing quadratic.
#[derive(Debug)]
struct Slots<K, V, const N: usize> {
    entries: [(K, V); N],
    /// Bit `i`: `entries[i]` holds an answer (the others hold the placeholder they were made
    /// with).
    filled: u64,
}

impl<K: Copy + PartialEq, V: Copy, const N: usize> Slots<K, V, N> {
    /// Empty slots, each holding `key` and `value` until filled: pick values whose bytes are
    /// zeros, so that making the table is clearing memory.
    #[inline]
    fn new(key: K, value: V) -> Slots<K, V, N> {
        const { assert!(N.is_power_of_two() && N <= 64) };
        Slots {
            entries: [(key, value); N],
            filled: 0,
        }
    }

    /// The slot of the key made of `ids`.
    fn slot_of<'a>(&self, ids: impl Iterator<Item = &'a u32>) -> usize {
        let hash = ids.fold(0u32, |h, &id| {
            (h.rotate_left(5) ^ id).wrapping_mul(0x9E37_79B9)
        });
        (hash >> (32 - N.trailing_zeros())) as usize
    }

    fn get(&self, at: usize, key: &K) -> Option<V> {
        match self.entries.get(at) {
            Some((known, value)) if self.filled & (1 << at) != 0 && known == key => Some(*value),
            _ => None,
        }
    }

    fn put(&mut self, at: usize, key: K, value: V) {
        if let Some(slot) = self.entries.get_mut(at) {
            *slot = (key, value);
            self.filled |= 1 << at;
        }
    }
}

/// What two orders have in common before the rules weigh it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Common {
    /// A phone key in common (either order's first or second phone).
    pub(crate) phone: bool,
    /// The same email key.
    pub(crate) email: bool,
    /// The same door.
    pub(crate) door: bool,
    /// The same place and no conflicting house number, however the street is written (Bd Armée
    /// Royale / Avenue FAR, a number the address parser read before or after the street).
    pub(crate) house: bool,
    /// What their names say.
    pub(crate) names: Names,
}

impl Common {
    /// Owned fields in common that do not link (a shared phone, an email typed elsewhere):
    /// what an order reached through another one must still share with the new order.
    pub(crate) fn owned(&self) -> bool {
        match self.names {
            Names::Differ => false,
            Names::Same | Names::Alike => self.phone || self.email || self.house,
            Names::Unknown => self.phone || self.email,
        }
    }

    /// The fields in common, as evidence (whether or not they link).
    pub(crate) fn fields(&self) -> Agreement {
        let same_name = self.names == Names::Same;
        let mut bits = 0;
        for (on, bit) in [
            (self.phone, Agreement::PHONE),
            (self.email, Agreement::EMAIL),
            (self.door && same_name, Agreement::ADDRESS),
            (same_name, Agreement::NAME),
        ] {
            if on {
                bits |= bit;
            }
        }
        Agreement(bits)
    }
}

/// The rules of the walk, from the policy.
#[derive(Debug, Clone, Copy)]
pub struct LinkRules<'a> {
    pub(crate) config: &'a PolicyConfig,
}

impl<'a> LinkRules<'a> {
    /// The rules of `config`.
    pub fn new(config: &'a PolicyConfig) -> LinkRules<'a> {
        LinkRules { config }
    }

    /// What two names say, remembered by the names' ids for the rest of the walk: within one
    /// walk the same two names meet again and again (each order of a customer against each
    /// neighbour at their door).
    pub(crate) fn names_memo(&self, a: &View<'_>, b: &View<'_>, memo: &mut Memo) -> Names {
        let key = (a.name.map(|n| n.id), b.name.map(|n| n.id));
        let at = memo.names.slot_of(key.0.iter().chain(&key.1));
        if let Some(names) = memo.names.get(at, &key) {
            return names;
        }
        let names = self.names(a, b, memo);
        memo.names.put(at, key, names);
        names
    }

    /// What two names say. A missing name says nothing: it cannot vouch for an address match,
    /// nor tell two people apart.
    ///
    /// Most names compared in a walk are a neighbour's at the customer's door, another person's
    /// with no word in common: their words' sketches tell them ([`Meeting`]), and they get what
    /// the full comparison gives them without it. Why it is the same answer: when no
    /// word of one name may be [`same_word`] as a word of the other and no word of either may
    /// be two words of the other written together,
    /// - the score ([`keys_similarity_with`]) is 0: it covers a word only by an equal word, a
    ///   likeness [`translit::alike`] of 0.8 or more, or two words written together; equal
    ///   words and such a likeness make [`same_word`] true, and the joins were ruled out; with
    ///   nothing covered both coverages are 0 and so is the score;
    /// - the word-by-word reading ([`WordPairs::words`]) is [`Names::Unknown`]: `Alike` needs
    ///   each word of one name to be the same word as one of the other (names are not empty
    ///   here), `Differ` one pair of the same word, and no pair is.
    ///
    /// So the answer is `Same` when a score of 0 reaches the policy's threshold, else `Unknown`.
    pub(crate) fn names(&self, a: &View<'_>, b: &View<'_>, memo: &mut Memo) -> Names {
        let (a, b) = (a.names(), b.names());
        if a.is_empty() || b.is_empty() {
            return Names::Unknown;
        }
        // Most orders of one customer carry the very same keys: skip the scoring.
        if a == b {
            return Names::Same;
        }
        let meeting = Meeting::of(a, b);
        if meeting.same == 0 && !meeting.joins {
            return if 0.0 >= self.config.name_match_threshold {
                Names::Same
            } else {
                Names::Unknown
            };
        }
        self.compared(a, b, meeting, memo)
    }

    /// [`LinkRules::names`] of two names neither empty nor equal, word by word, asking only
    /// about the pairs of words and the joins that `meeting` allows (the others' answers are
    /// known: see [`Meeting`]).
    fn compared<K: Sketched>(&self, a: &[K], b: &[K], meeting: Meeting, memo: &mut Memo) -> Names {
        // Each pair of words compared once: the score and the word-by-word reading below ask
        // about the same pairs several times over.
        let mut pairs = WordPairs::new(a, b, meeting, memo);
        let score = keys_similarity_with(a, b, |i, j| pairs.alike(i, j), meeting.joins);
        if score >= self.config.name_match_threshold {
            return Names::Same;
        }
        pairs.words()
    }

    /// What `a` and `b` have in common.
    pub(crate) fn common(&self, a: &View<'_>, b: &View<'_>, memo: &mut Memo) -> Common {
        let phone = shares_phone(a, b);
        let email = a.email != 0 && a.email == b.email;
        let door = same_house(a, b) && same_street(a, b);
        let house =
            door || (same_place(a, b) && (a.house == 0 || b.house == 0 || a.house == b.house));
        // A name alone never links: skip comparing names (the costly part) for the neighbours
        // and namesakes an address key brings up.
        let names = if phone || email || house {
            self.names_memo(a, b, memo)
        } else {
            Names::Unknown
        };
        Common {
            phone,
            email,
            door,
            house,
            names,
        }
    }

    /// Whether `a` and `b` may link at all, before their names are compared: they share the
    /// phone, the email or the door. Every link [`LinkRules::links`] makes needs one of them,
    /// so a walk passes over the neighbours and namesakes a key brings up that share none (most
    /// of a crowded building: other flats, other streets with a word in common) at the cost of
    /// a few comparisons of numbers, instead of comparing their names word by word.
    pub(crate) fn may_link<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
        shares_phone(a, b) || (a.email != 0 && a.email == b.email) || same_door(a, b)
    }

    /// The fields that link `a` and `b` (none when nothing does). `usable(key, one)` says
    /// whether a shared phone or email key may link (see [`LinkRules::key_usable`]); with `one`,
    /// whether it is also one person's (see [`LinkRules::key_of_one`]): what a key must be to
    /// link two orders whose names say nothing (a junk name on the family phone is no member's).
    pub(crate) fn links(
        &self,
        a: &View<'_>,
        b: &View<'_>,
        common: &Common,
        mut usable: impl FnMut(u64, bool) -> bool,
    ) -> Agreement {
        // Two people's names: nothing they share makes them one customer, not the family's
        // phone, not the family's email, not the villa.
        if common.names == Names::Differ && switches::on(switches::CHAINS) {
            return Agreement(0);
        }
        let same_name = common.names == Names::Same;
        let one = common.names == Names::Unknown && switches::on(switches::FAMILY);
        let mut bits = 0;
        if same_name {
            bits |= Agreement::NAME;
        }
        // Two phones in common (a mobile and a landline each): either may link, when the
        // other is too widely shared.
        if common.phone && shared_phones(a, b).any(|key| usable(key, one)) {
            bits |= Agreement::PHONE;
        }
        // People without an email type a plausible one (`firstname.lastname@…`) that belongs to
        // a namesake; the real owner does not also change phone and place.
        if common.email
            && usable(a.email, one)
            && !(different_places(a, b) && bits & Agreement::PHONE == 0)
        {
            bits |= Agreement::EMAIL;
        }
        if same_name && common.door {
            bits |= Agreement::ADDRESS;
        }
        Agreement(bits)
    }

    /// Whether a phone or email key may link orders: on no more than `max_orders_per_key`
    /// orders, and behind no more than `max_names_per_key` people. `postings` are the orders
    /// filed under `key` (`view` reads them); `query` is the order being assessed: it counts
    /// too when it holds the key.
    pub(crate) fn key_usable<'v>(
        &self,
        key: u64,
        query: &View<'v>,
        postings: &[u32],
        view: impl Fn(u32) -> View<'v>,
        memo: &mut Memo,
    ) -> bool {
        if postings.len() > self.config.max_orders_per_key {
            return false;
        }
        let holds = query.holds_phone(key) || query.email == key;
        // No more orders than people allowed: no need to look.
        if postings.len() + usize::from(holds) <= self.config.max_names_per_key {
            return true;
        }
        let orders = || {
            holds
                .then_some(*query)
                .into_iter()
                .chain(postings.iter().map(|&i| view(i)))
        };
        // The usual case: one customer's orders, one name (in one spelling or another).
        let mut named = orders().filter(|o| !o.names().is_empty());
        if let Some(first) = named.next() {
            if named.all(|o| o.names() == first.names()) {
                return true;
            }
        }
        if !switches::on(switches::PEOPLE) {
            // The rule it replaced: distinct name strings, however alike.
            let mut names: Vec<Vec<&str>> = Vec::new();
            for o in orders() {
                let n: Vec<&str> = o.names().iter().map(|k| k.text).collect();
                if !n.is_empty() && !names.contains(&n) {
                    names.push(n);
                }
            }
            return names.len() <= self.config.max_names_per_key;
        }
        let cap = self.config.max_names_per_key + 1;
        self.people(orders(), key, cap, memo) <= self.config.max_names_per_key
    }

    /// Whether the orders filed under a phone or email key (`postings`, read by `view`) are
    /// one person's: every name among them is the first one's, in one spelling or another. Then
    /// an order whose name says nothing (none, junk, a nickname) is theirs too. Several people's
    /// (a family's phone, their email), or a name that says nothing among them: it may be any
    /// of them, so it links to none. Unlike [`LinkRules::people`], no order joins two names by
    /// what else it shares: a junk name at the family's door would make the family one person.
    pub(crate) fn key_of_one<'v>(
        &self,
        postings: &[u32],
        view: impl Fn(u32) -> View<'v>,
        memo: &mut Memo,
    ) -> bool {
        let mut named = postings
            .iter()
            .map(|&i| view(i))
            .filter(|o| !o.names().is_empty());
        let Some(first) = named.next() else {
            return true;
        };
        named.all(|o| {
            o.names() == first.names()
                || matches!(
                    self.names_memo(&first, &o, memo),
                    Names::Same | Names::Alike
                )
        })
    }

    /// How many people placed `orders` (which share `key`), counting up to `cap`. Two orders are
    /// one person when their names are one person's, or when their names do not tell two people
    /// apart and they share something else a person owns (the other of phone and email, or the
    /// door). An order without a name counts as nobody.
    fn people<'v>(
        &self,
        orders: impl Iterator<Item = View<'v>>,
        key: u64,
        cap: usize,
        memo: &mut Memo,
    ) -> usize {
        // Each person as the distinct orders seen of them (a customer's orders mostly repeat
        // one another: compare each distinct one once).
        let mut people: Vec<Vec<View<'v>>> = Vec::new();
        for order in orders {
            if order.names().is_empty() {
                continue;
            }
            let mut joined: Option<usize> = None;
            let mut at = 0;
            while at < people.len() {
                let is_them = people[at]
                    .iter()
                    .any(|seen| self.one_person(seen, &order, key, memo));
                match (is_them, joined) {
                    (false, _) => at += 1,
                    (true, None) => {
                        joined = Some(at);
                        at += 1;
                    }
                    // The order is two groups' person: they were one person all along.
                    (true, Some(first)) => {
                        let merged = people.swap_remove(at);
                        people[first].extend(merged);
                    }
                }
            }
            match joined {
                Some(p) => {
                    if !people[p].iter().any(|seen| same_profile(seen, &order)) {
                        people[p].push(order);
                    }
                }
                None => {
                    people.push(vec![order]);
                    if people.len() >= cap {
                        return people.len();
                    }
                }
            }
        }
        people.len()
    }

    /// True when two orders sharing `key` were placed by one person (see [`LinkRules::people`]).
    fn one_person(&self, a: &View<'_>, b: &View<'_>, key: u64, memo: &mut Memo) -> bool {
        match self.names_memo(a, b, memo) {
            Names::Same | Names::Alike => true,
            Names::Differ => false,
            Names::Unknown => {
                shared_phones(a, b).any(|phone| phone != key)
                    || (a.email != 0 && a.email == b.email && a.email != key)
                    || same_door(a, b)
            }
        }
    }
}

/// Whether two orders have a phone key in common: the first or the second phone of one is the
/// first or the second of the other (a second is never set without a first). The one question
/// the walk asks of every order a key brings up, so it is written out.
#[inline]
fn shares_phone<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
    a.phone != 0
        && (b.holds_phone(a.phone) || (a.second_phone != 0 && b.holds_phone(a.second_phone)))
}

/// The phone keys of `a` that `b` holds too, `a`'s first phone first.
fn shared_phones<'s, A: Slot, B: Slot>(
    a: &'s Signature<A>,
    b: &'s Signature<B>,
) -> impl Iterator<Item = u64> + 's {
    [a.phone, a.second_phone]
        .into_iter()
        .filter(|&key| b.holds_phone(key))
}

/// True when two orders are in different known places ([`same_place`] over the signature's
/// place key: the gazetteer's city, or the cross-script sketch of a place it lacks).
///
/// [`same_place`]: crate::normalize::city::same_place
fn different_places(a: &View<'_>, b: &View<'_>) -> bool {
    a.city != 0 && b.city != 0 && !same_place(a, b)
}

/// True when two orders go to the same place (see [`different_places`]): the signature keeps
/// each order's [`crate::normalize::city::place_key`], hashed, so equal keys are the same place.
fn same_place<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
    a.city != 0 && a.city == b.city
}

/// The same door: place, house number, a street key in common, no conflicting unit.
pub(crate) fn same_door<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
    same_house(a, b) && same_street(a, b)
}

/// The same house number in the same place, no conflicting unit ([`units_agree`]). An address without a house
/// number is no door: a douar, a building of a residence or cité without its flat, a street
/// alone would make one house of everyone who lives there (the address parser gives a complex's
/// flat as the house number, and a building without a flat none).
///
/// An order without a place (a checkout's empty city field) has its door when its unit says
/// it: the same house number and the same unit (`Imm 3, Appt 9`; `شقة 5` of house 15) are
/// rarely two homes of two cities, while `12 Rue Ibn Sina` of two cities is common.
fn same_house<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
    let placed =
        same_place(a, b) || ((a.city == 0 || b.city == 0) && a.unit != 0 && a.unit == b.unit);
    a.house != 0 && placed && a.house == b.house && units_agree(a.unit, b.unit)
}

/// Most of the shorter street name in common, counted in tokens: a second key (Fath read
/// `fth`, as فتح) is one more way for its token to agree, not one more token.
fn same_street<A: Slot, B: Slot>(a: &Signature<A>, b: &Signature<B>) -> bool {
    // Both named after one town or country, whole (Route de Safi, طريق آسفي): one street
    // name, in two scripts.
    if a.place_keys().any(|k| b.place_keys().any(|o| o == k)) {
        return numbers_agree(a, b);
    }
    let shared = || {
        a.street_keys()
            .enumerate()
            // A number written twice (Block 5, Street 5: repeats are side by side) is one
            // token in common, not two.
            .filter(|&(i, k)| i == 0 || a.street.get(i - 1) != Some(&k))
            .map(|(_, k)| k)
            .filter(|&k| b.street_keys().any(|o| same_street_key(k, o)))
    };
    let common = shared().count();
    let shorter = a.street_tokens().min(b.street_tokens());
    // Most of the shorter street name must agree: "rue palestine" vs "rue palestine hay
    // riad" do; and more than words that open many names: "rue ibn sina" vs "rue ibn khaldoun"
    // do not; and its numbers: "avenue mohammed v" vs "avenue mohammed vi" do not.
    let telling = |k: u32| k & STREET_OPENER == 0;
    let only_openers = !a.street_keys().any(telling) || !b.street_keys().any(telling);
    common > 0
        && 2 * common >= shorter
        && (shared().any(telling) || (only_openers && common >= shorter))
        && numbers_agree(a, b)
}

/// True when orders with the same key information are the same for counting people: their
/// names, phone, email and door are the same.
fn same_profile(a: &View<'_>, b: &View<'_>) -> bool {
    a.name.map(|n| n.id) == b.name.map(|n| n.id)
        && a.names() == b.names()
        && (
            a.phone,
            a.second_phone,
            a.email,
            a.city,
            a.house,
            a.unit,
            a.street,
        ) == (
            b.phone,
            b.second_phone,
            b.email,
            b.city,
            b.house,
            b.unit,
            b.street,
        )
}

/// The words of two names (at most [`NAME_KEYS`] each) and what is known of each pair of them:
/// each pair is compared at most once, however often the rules ask.
struct WordPairs<'k, 'm, K> {
    a: &'k [K],
    b: &'k [K],
    /// The walk's comparisons of words.
    memo: &'m mut Memo,
    /// [`translit::alike`] of word `i` of `a` and word `j` of `b`, once computed.
    alike: [[Option<f64>; NAME_KEYS]; NAME_KEYS],
    /// [`same_word`] of the two, once computed.
    same: [[Option<bool>; NAME_KEYS]; NAME_KEYS],
    /// The pairs that may be the same word (the others are not, and are not alike).
    meeting: Meeting,
}

impl<'k, 'm, K: Sketched> WordPairs<'k, 'm, K> {
    fn new(a: &'k [K], b: &'k [K], meeting: Meeting, memo: &'m mut Memo) -> WordPairs<'k, 'm, K> {
        WordPairs {
            a,
            b,
            memo,
            alike: [[None; NAME_KEYS]; NAME_KEYS],
            same: [[None; NAME_KEYS]; NAME_KEYS],
            meeting,
        }
    }

    /// The two words `i` of `a` and `j` of `b` (empty past the end).
    fn pair(&self, i: usize, j: usize) -> (&'k str, &'k str) {
        let word = |w: Option<&'k K>| w.map_or("", AsRef::as_ref);
        (word(self.a.get(i)), word(self.b.get(j)))
    }

    /// [`translit::alike`] of word `i` of `a` and word `j` of `b`.
    fn alike(&mut self, i: usize, j: usize) -> f64 {
        if let Some(Some(known)) = self.alike.get(i).and_then(|row| row.get(j)) {
            return *known;
        }
        if !self.meeting.may(i, j) {
            return 0.0;
        }
        if self.distinct(i, j) {
            return 0.0;
        }
        let (x, y) = self.pair(i, j);
        let outlines = (
            self.a.get(i).and_then(K::sketch),
            self.b.get(j).and_then(K::sketch),
        );
        let ids = (
            self.a.get(i).map_or(NameRef::UNSTORED, K::id),
            self.b.get(j).map_or(NameRef::UNSTORED, K::id),
        );
        let sim = self.memo.alike(ids.0, ids.1, || match outlines {
            (Some(sx), Some(sy)) => translit::alike_outlined(x, y, &sx.outline, &sy.outline),
            _ => translit::alike(x, y),
        });
        if let Some(slot) = self.alike.get_mut(i).and_then(|row| row.get_mut(j)) {
            *slot = Some(sim);
        }
        sim
    }

    /// Whether word `i` of `a` and word `j` of `b` are two given names ([`given::Given::distinct`]),
    /// from their sketches when they have them.
    fn distinct(&self, i: usize, j: usize) -> bool {
        match (self.a.get(i), self.b.get(j)) {
            (Some(x), Some(y)) => match (x.sketch(), y.sketch()) {
                (Some(sx), Some(sy)) => sx.given.distinct(&sy.given),
                _ => given::distinct(x.as_ref(), y.as_ref()),
            },
            _ => false,
        }
    }

    /// [`same_word`] of word `i` of `a` and word `j` of `b`.
    fn same(&mut self, i: usize, j: usize) -> bool {
        if !self.meeting.may(i, j) {
            return false;
        }
        if let Some(Some(known)) = self.same.get(i).and_then(|row| row.get(j)) {
            return *known;
        }
        let (x, y) = self.pair(i, j);
        let same = !self.distinct(i, j) && same_word(x, y, || self.alike(i, j));
        if let Some(slot) = self.same.get_mut(i).and_then(|row| row.get_mut(j)) {
            *slot = Some(same);
        }
        same
    }

    /// What two names that are not one person's by their similarity say, word by word. They
    /// are two people's when they share a word (the family name) and each has a word the other
    /// lacks (the given names differ); a name with a word more (the father's name, a second
    /// given name) may be the same person's shorter or longer name; names that share no word
    /// may be one name in spellings the keys do not see through. Each word of the shorter name
    /// must be a word of its own in the other: two words of one name are not both the other's
    /// one word (Ali Alaoui / Hicham Alaoui: "ali" is within "alaoui", and so is "alaoui").
    fn words(&mut self) -> Names {
        let (la, lb) = (self.a.len(), self.b.len());
        let all_a = self.each_its_own(0, 0, false);
        let all_b = self.each_its_own(0, 0, true);
        if all_a || all_b {
            Names::Alike
        } else if (0..la).any(|i| (0..lb).any(|j| self.same(i, j))) {
            Names::Differ
        } else {
            Names::Unknown
        }
    }
}

impl<K: Sketched> WordPairs<'_, '_, K> {
    /// True when words `i..` of `a` (of `b` when `flip`) can each be the same word as a word of
    /// the other name that no other of them is, the other's words in `used` (a bit each) taken.
    /// A search with backtracking, cheap because a name has at most [`NAME_KEYS`] words (at most
    /// 5! assignments, 5 bits of `used`).
    fn each_its_own(&mut self, i: usize, used: u32, flip: bool) -> bool {
        let (n, m) = if flip {
            (self.b.len(), self.a.len())
        } else {
            (self.a.len(), self.b.len())
        };
        if i == n {
            return true;
        }
        (0..m).any(|j| {
            used & (1 << j) == 0
                && if flip {
                    self.same(j, i)
                } else {
                    self.same(i, j)
                }
                && self.each_its_own(i + 1, used | (1 << j), flip)
        })
    }
}

/// [`WordPairs::words`] of two names.
#[cfg(test)]
fn words<K: Sketched>(a: &[K], b: &[K]) -> Names {
    WordPairs::new(a, b, Meeting::ANY, &mut Memo::default()).words()
}

/// A name key, with its sketch when one was read, and its id in the history's name table
/// (`NameRef::UNSTORED` when it has none).
trait Sketched: AsRef<str> {
    fn sketch(&self) -> Option<&WordSketch>;
    fn id(&self) -> u32;
}

impl Sketched for NameRef<'_> {
    fn sketch(&self) -> Option<&WordSketch> {
        self.sketch
    }
    fn id(&self) -> u32 {
        self.id
    }
}

impl Sketched for String {
    fn sketch(&self) -> Option<&WordSketch> {
        None
    }
    fn id(&self) -> u32 {
        NameRef::UNSTORED
    }
}

/// What the sketches of two names' words allow: which pairs of words may be [`same_word`], and
/// whether a word of either may be two words of the other written together.
#[derive(Debug, Clone, Copy)]
struct Meeting {
    /// Bit `i * NAME_KEYS + j` for word `i` of one name and `j` of the other: they may be
    /// [`same_word`] ([`may_be_same_word`]). Clear, they are not, and their
    /// [`translit::alike`] is 0 (`same_word` is true when it is above 0).
    same: u32,
    /// A word of either name may be two words of the other written together
    /// ([`translit::may_join`], what the score's search for such words reads first).
    joins: bool,
}

// A bit for each pair of words.
const _: () = assert!(NAME_KEYS * NAME_KEYS <= 32);

impl Meeting {
    /// Anything may be: for words without sketches.
    const ANY: Meeting = Meeting {
        same: u32::MAX,
        joins: true,
    };

    /// What the sketches of names `a` and `b` allow ([`Meeting::ANY`] when a key has none).
    fn of(a: &[NameRef<'_>], b: &[NameRef<'_>]) -> Meeting {
        let (Some(sa), Some(sb)) = (sketches(a), sketches(b)) else {
            return Meeting::ANY;
        };
        let (Some(sa), Some(sb)) = (sa.get(..a.len()), sb.get(..b.len())) else {
            return Meeting::ANY;
        };
        let mut same = 0;
        for (i, x) in sa.iter().enumerate() {
            for (j, y) in sb.iter().enumerate() {
                if may_be_same_word(x, y) {
                    same |= 1 << (i * NAME_KEYS + j);
                }
            }
        }
        let two_of = |whole: &WordSketch, parts: &[&WordSketch], all: u32| {
            parts.len() >= 2
                && translit::may_join_two_of(&whole.outline, parts.iter().map(|p| &p.outline), all)
        };
        let reach = |side: &[&WordSketch]| translit::reach_of(side.iter().map(|w| &w.outline));
        let (all_a, all_b) = (reach(sa), reach(sb));
        let joins =
            sa.iter().any(|w| two_of(w, sb, all_b)) || sb.iter().any(|w| two_of(w, sa, all_a));
        Meeting { same, joins }
    }

    /// Whether word `i` of one name may be [`same_word`] as word `j` of the other.
    fn may(self, i: usize, j: usize) -> bool {
        self.same == u32::MAX
            || (i < NAME_KEYS && j < NAME_KEYS && self.same & (1 << (i * NAME_KEYS + j)) != 0)
    }
}

/// The sketches of a name's keys (at most [`NAME_KEYS`]), or `None` when one has none.
fn sketches<'s>(keys: &[NameRef<'s>]) -> Option<[&'s WordSketch; NAME_KEYS]> {
    if keys.len() > NAME_KEYS {
        return None;
    }
    let first = keys.first()?.sketch?;
    let mut out = [first; NAME_KEYS];
    for (slot, key) in out.iter_mut().zip(keys) {
        *slot = key.sketch?;
    }
    Some(out)
}

/// True when two name keys may be one word: the same word in another spelling (one letter
/// apart: Youcef / Youssef, Abdelhafid / عبد الحفيظ), one inside the other (Med / Mohamed, Drissi / Idrissi), or an
/// initial (which may stand for any word: L. is الأزهر). Only words that cannot be one tell two
/// people apart: a name compared in a spelling the keys do not see through must not split a
/// customer in two.
///
/// `alike` is [`translit::alike`] of the two (asked only when the cheaper tests fail).
fn same_word(a: &str, b: &str, alike: impl FnOnce() -> f64) -> bool {
    let initial = |k: &str| k.chars().nth(1).is_none();
    if a == b || initial(a) || initial(b) || within(a, b) || within(b, a) || near(a, b) {
        return true;
    }
    let sim = alike();
    keys_similarity_with(&[a], &[b], |_, _| sim, false) >= SAME_WORD
}

/// True when two keys are a letter apart, or a third of their letters (ظ / d, a vowel one
/// spelling writes and another does not).
fn near(a: &str, b: &str) -> bool {
    let longer = a.chars().count().max(b.chars().count());
    // Each edit adds at most one letter the other key lacks and takes away at most one: the
    // letters that differ bound the distance from below, at a fraction of its cost.
    let differ = letters_apart(a, b);
    if differ > 1 && 3 * differ > longer {
        return false;
    }
    let distance = strsim::osa_distance(a, b);
    distance <= 1 || 3 * distance <= longer
}

/// How many letters of one key (counted with repeats) the other lacks, the larger of the two
/// counts: a lower bound of their edit distance (see [`near`]).
fn letters_apart(a: &str, b: &str) -> usize {
    const MAX: usize = 32;
    let mut rest = [None::<char>; MAX];
    let mut len = 0;
    for (slot, c) in rest.iter_mut().zip(b.chars()) {
        *slot = Some(c);
        len += 1;
    }
    if b.chars().nth(MAX).is_some() || a.chars().nth(MAX).is_some() {
        // Longer than any name key: no shortcut.
        return 0;
    }
    let mut only_a = 0;
    for c in a.chars() {
        match rest[..len].iter_mut().find(|r| **r == Some(c)) {
            Some(r) => *r = None,
            None => only_a += 1,
        }
    }
    let only_b = rest[..len].iter().filter(|r| r.is_some()).count();
    only_a.max(only_b)
}

/// True when the letters of `short` appear in `long`, in order.
fn within(short: &str, long: &str) -> bool {
    let mut long_chars = long.chars();
    !short.is_empty() && short.chars().all(|c| long_chars.any(|l| l == c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::name::normalize_name;
    use crate::policy::PolicyConfig;

    fn keys(name: &str) -> Vec<String> {
        normalize_name(name).unwrap().keys
    }

    #[test]
    fn siblings_are_two_people_and_a_longer_name_is_one() {
        let differ = [
            ("Mashael Alqahtani", "Fahd Alqahtani"),
            ("مشاعل القحطاني", "فهد القحطاني"),
            ("Mashael Al-Qahtani", "فهد القحطاني"),
            ("Ahmed Tazi", "Khalid Tazi"),
            ("Omar Filali", "Said Filali"),
            ("فاطمة العلوي", "خديجة العلوي"),
            ("Ali Alaoui", "Hicham Alaoui"),
            ("علي العلوي", "زينب العلوي"),
        ];
        for (a, b) in differ {
            assert_eq!(words(&keys(a), &keys(b)), Names::Differ, "{a} / {b}");
        }
        let one_or_unknown = [
            ("Fatima Benali", "Fatima Mohamed Benali"),
            ("Mohamed Amine Alaoui", "Amine Alaoui"),
            ("Med Alaoui", "Mohamed Alaoui"),
            ("M. Alaoui", "Mohamed Alaoui"),
            ("Alaoui Mohamed", "Mohamed Alaoui"),
            ("Salma Khalil", "Nadia Tazi"),
            ("Salma", "Salma Khalil"),
            ("Leila Drissi", "Leila El Idrissi"),
            ("Youcef Drissi", "El Idrissi Youssef"),
            ("Othmane Hassani", "Osman Hassani"),
        ];
        for (a, b) in one_or_unknown {
            assert_ne!(words(&keys(a), &keys(b)), Names::Differ, "{a} / {b}");
        }
    }

    #[test]
    fn the_letters_apart_never_exceed_the_edit_distance() {
        let words = [
            "mhmd", "mhamed", "mohamed", "ahmd", "hmd", "tazi", "ettazi", "ztai", "aab", "aba",
            "baa", "b", "", "idrissi", "drissi", "youssef", "yusuf", "ab", "ba",
        ];
        let mut apart = 0;
        for a in words {
            for b in words {
                let bound = letters_apart(a, b);
                assert!(bound <= strsim::osa_distance(a, b), "{a} / {b}");
                apart += usize::from(bound > 1);
            }
        }
        assert!(apart > 0, "the bound never rules a pair out");
    }

    /// Name keys with their sketches, as a history holds them.
    struct SketchedName {
        keys: Vec<String>,
        sketches: Vec<WordSketch>,
    }

    impl SketchedName {
        fn of(name: &str) -> SketchedName {
            let mut keys = keys(name);
            keys.truncate(NAME_KEYS);
            let sketches = keys.iter().map(|k| WordSketch::of(k)).collect();
            SketchedName { keys, sketches }
        }

        /// The view of the name, with the sketches when `sketched` (else the full comparison).
        fn view(&self, sketched: bool) -> View<'_> {
            let mut view = View::default();
            for ((slot, key), sketch) in view.name.iter_mut().zip(&self.keys).zip(&self.sketches) {
                *slot = NameRef {
                    id: NameRef::UNSTORED,
                    text: key,
                    sketch: sketched.then_some(sketch),
                };
            }
            view
        }
    }

    /// What the sketches of two names changed: nothing, at the default threshold and at 0
    /// (where a score of 0 is enough to be one person). Returns whether the comparison was
    /// answered without scoring.
    fn same_answer(a: &SketchedName, b: &SketchedName) -> bool {
        let strict = PolicyConfig::default();
        let lax = PolicyConfig {
            name_match_threshold: 0.0,
            ..PolicyConfig::default()
        };
        for config in [&strict, &lax] {
            let rules = LinkRules::new(config);
            let full = rules.names(&a.view(false), &b.view(false), &mut Memo::default());
            let sketched = rules.names(&a.view(true), &b.view(true), &mut Memo::default());
            assert_eq!(sketched, full, "{:?} / {:?}", a.keys, b.keys);
        }
        let (na, nb) = (a.view(true), b.view(true));
        let meeting = Meeting::of(na.names(), nb.names());
        // Each pair of words the sketches rule out is two given names, or no pair of the same
        // word and not alike.
        for (i, x) in a.keys.iter().enumerate() {
            for (j, y) in b.keys.iter().enumerate() {
                let alike = translit::alike(x, y);
                let (sx, sy) = (&a.sketches[i], &b.sketches[j]);
                let outlined = translit::alike_outlined(x, y, &sx.outline, &sy.outline);
                assert_eq!(outlined.to_bits(), alike.to_bits(), "{x} / {y}");
                assert_eq!(
                    sx.given.distinct(&sy.given),
                    given::distinct(x, y),
                    "{x} / {y}"
                );
                if !meeting.may(i, j) && !given::distinct(x, y) {
                    assert!(!same_word(x, y, || alike), "{x} / {y}");
                    assert_eq!(alike, 0.0, "{x} / {y}");
                }
            }
        }
        if !meeting.joins {
            let (ka, kb) = (&a.keys, &b.keys);
            let score =
                |joins| keys_similarity_with(ka, kb, |i, j| translit::alike(&ka[i], &kb[j]), joins);
            assert_eq!(
                score(true).to_bits(),
                score(false).to_bits(),
                "{ka:?} / {kb:?}"
            );
        }
        meeting.same == 0 && !meeting.joins && !na.names().is_empty() && na.names() != nb.names()
    }

    /// Real people's names (`tests/data/name_pairs.tsv`: an Arabic name and its Latin
    /// spellings): each against its own spellings and against the names of the people after it.
    #[test]
    fn the_sketches_change_no_answer_on_real_names() {
        let names: Vec<Vec<SketchedName>> = include_str!("../../../tests/data/name_pairs.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                Some(vec![
                    SketchedName::of(cols.get(2)?),
                    SketchedName::of(cols.get(3)?),
                ])
            })
            .collect();
        assert!(names.len() > 3000, "{} rows", names.len());
        let (mut pairs, mut shortcut) = (0, 0);
        for (at, person) in names.iter().enumerate() {
            for other in names.iter().skip(at).take(12) {
                for a in person {
                    for b in other {
                        pairs += 1;
                        shortcut += usize::from(same_answer(a, b));
                    }
                }
            }
        }
        // Most pairs of two people's names are ruled out by their sketches.
        assert!(
            shortcut * 2 > pairs,
            "{shortcut} of {pairs} answered without scoring"
        );
    }

    proptest::proptest! {
        /// Names of words drawn from Latin and Arabic letters (words that are often a letter
        /// or two apart, or one inside another), and from real names' words.
        #[test]
        fn the_sketches_change_no_answer_on_random_names(
            a in "([a-z]{1,8} ){0,3}[a-z]{1,9}",
            b in "([abdhiklmnorstuyz]{1,8} ){0,3}[adehiklmnorsuz]{1,9}",
            c in "([ابحدرسعلمنهوي]{1,6} ){0,3}[ابحدرسعلمنهوي]{2,7}",
            d in proptest::sample::select(&[
                "Mohamed Alaoui", "محمد العلوي", "Fatima Zahra Tazi", "FATIMAZAHRA ETTAZI",
                "Abdelaziz", "عبد العزيز", "Lazhar Dhaoui", "الازهر الضاوي", "Ali Alaoui",
                "Mashael Al-Qahtani", "فهد القحطاني", "Med Drissi", "El Idrissi Youssef",
                "Ben Ali Salah", "بن صالح", "Leila Amrani", "ليلى العمراني", "Samir Hassani",
            ][..]),
        ) {
            let names = [a.as_str(), b.as_str(), c.as_str(), d].map(SketchedName::of);
            for x in &names {
                for y in &names {
                    same_answer(x, y);
                }
            }
        }
    }

    proptest::proptest! {
        /// The walk's memo answers only what was put under the very key asked about: keys that
        /// hash to one slot (ids drawn from a few values, so that many do) never read one
        /// another's answer, and the last answer put under a key is the one read.
        #[test]
        fn slots_answer_a_key_only_with_its_own_answer(
            steps in proptest::collection::vec(((0u32..6, 0u32..6), 0u8..4, proptest::bool::ANY), 1..200),
        ) {
            let mut slots: Slots<(u32, u32), u8, 8> = Slots::new((0, 0), 0);
            let mut model = std::collections::HashMap::new();
            for (key, value, put) in steps {
                let at = slots.slot_of([key.0, key.1].iter());
                if put {
                    slots.put(at, key, value);
                    model.insert(key, value);
                } else if let Some(found) = slots.get(at, &key) {
                    proptest::prop_assert_eq!(Some(&found), model.get(&key));
                }
            }
        }
    }

    #[test]
    fn a_word_within_another_keeps_its_letters_in_order() {
        assert!(within("md", "mhmd"));
        assert!(within("drs", "idrs"));
        assert!(!within("dm", "mhmd"));
        assert!(!within("", "mhmd"));
    }
}
