//! The in-memory store of past orders: compact records and key postings.
//!
//! Memory is the constraint (a shop keeps millions of past orders in every worker), so a past
//! order keeps only what matching needs: 64-bit hashes of its phone and email, 32-bit hashes of
//! its door (city, house number, unit, street keys), and interned ids of its name keys (names
//! are compared by similarity, so their text is kept, once for all orders that share it).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::hasher::{KeyHasher, KeyKind};
use super::link::LinkRules;
use super::signature::{NameId, NameRef, Signature, View, NAME_KEYS, STREET_KEYS};
use super::sketch::WordSketch;
use super::walk::Source;
use crate::error::{Error, ErrorKind};
use crate::record::{HistoryRecord, Outcome};

/// One order being added: its fields and signature.
struct Incoming<'a> {
    id: &'a str,
    placed_at: i64,
    total: f64,
    outcome: Outcome,
    negotiated: bool,
    sig: &'a Signature,
}

/// A past order's facts: what its customer's profile and the answer read once it is linked.
/// Its signature, which every walk that meets it reads, is kept apart (see [`SigLine`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastOrder {
    /// The shop's order id (empty once erased).
    pub(crate) id: Box<str>,
    /// When it was placed, Unix seconds.
    pub(crate) placed_at: i64,
    /// Its total.
    pub(crate) total: f64,
    /// What became of it.
    pub(crate) outcome: Outcome,
    /// Whether the customer negotiated.
    pub(crate) negotiated: bool,
}

/// A past order as a snapshot stores it: its facts and its signature, names as ids in the
/// history's name table. (The snapshot's encoding writes a struct's fields one after another,
/// nested ones too: the same bytes as when the signature was a field of the order.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredOrder {
    pub(crate) order: PastOrder,
    pub(crate) sig: Signature<NameId>,
}

/// A past order's signature on a cache line of its own, but for its second phone. A walk reads
/// the signature of every order a key brings up (most of them only to pass over, see
/// [`LinkRules::may_link`]), at random places among a million: one line per order read instead
/// of the two a signature straddling a line boundary costs, and the order's facts stay out of
/// the cache until it links. The second phone, which few orders have, would make it 72 bytes:
/// it is kept in [`History::second_phones`].
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct SigLine {
    phone: u64,
    email: u64,
    city: u32,
    house: u32,
    unit: u32,
    street: [u32; STREET_KEYS],
    name: [NameId; NAME_KEYS],
}

const _: () = assert!(std::mem::size_of::<SigLine>() == 64);

impl SigLine {
    /// The line of `sig` (its second phone is the caller's to keep).
    fn of(sig: &Signature<NameId>) -> SigLine {
        SigLine {
            phone: sig.phone,
            email: sig.email,
            city: sig.city,
            house: sig.house,
            unit: sig.unit,
            street: sig.street,
            name: sig.name,
        }
    }

    /// The signature, with `second_phone`.
    #[inline]
    fn signature(&self, second_phone: u64) -> Signature<NameId> {
        Signature {
            phone: self.phone,
            second_phone,
            email: self.email,
            city: self.city,
            house: self.house,
            unit: self.unit,
            street: self.street,
            name: self.name,
        }
    }
}

/// Passes already-hashed u64 keys through: hashing them again would only cost time.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed with this hasher; fold anything else to stay correct.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// How many orders a key's entry holds in itself: five, beside the enum's tag, take the 24
/// bytes of the entry (a boxed list's pointer and length, and the tag).
const INLINE: usize = 5;

/// The orders under one key. Most keys have one order, and most of the rest a few (a
/// customer's phone, a family's door): those are held in the entry itself, so a walk reads
/// them with the entry instead of following a pointer to a heap list at a random place.
/// (Measured at a million past orders: 3-4% less time for a run of assessments; the table's
/// entries grow from 16 to 24 bytes, and the lists of two to five orders no longer take a
/// heap block each, which about evens out: +4 MiB resident.)
#[derive(Debug, Clone)]
enum Posting {
    Few { len: u8, ids: [u32; INLINE] },
    Many(Box<[u32]>),
}

const _: () = assert!(std::mem::size_of::<Posting>() == 24);

impl Posting {
    /// The posting of `ids`, in their order.
    fn of(ids: impl ExactSizeIterator<Item = u32>) -> Posting {
        let len = ids.len();
        if len > INLINE {
            return Posting::Many(ids.collect());
        }
        let mut few = [0; INLINE];
        for (slot, id) in few.iter_mut().zip(ids) {
            *slot = id;
        }
        Posting::Few {
            len: len as u8,
            ids: few,
        }
    }

    #[inline]
    fn as_slice(&self) -> &[u32] {
        match self {
            Posting::Few { len, ids } => &ids[..usize::from(*len).min(INLINE)],
            Posting::Many(v) => v,
        }
    }

    fn push(&mut self, idx: u32) {
        let mut v = self.as_slice().to_vec();
        v.push(idx);
        *self = Posting::of(v.into_iter());
    }

    /// Removes `idx`; returns false when nothing is left.
    fn remove(&mut self, idx: u32) -> bool {
        let v: Vec<u32> = self
            .as_slice()
            .iter()
            .copied()
            .filter(|&i| i != idx)
            .collect();
        let left = !v.is_empty();
        *self = Posting::of(v.into_iter());
        left
    }
}

/// Name keys stored once, by id (0 is the empty string), each with its [`WordSketch`]: read
/// once when the key comes in (or a snapshot is loaded), instead of at each of the many
/// comparisons of the key in walks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    ids: HashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
    sketches: Vec<WordSketch>,
}

impl Interner {
    fn new() -> Interner {
        let mut i = Interner::default();
        i.push("".into());
        i
    }

    /// Adds a string not held yet; returns its id, or `None` when it is held already.
    fn push(&mut self, s: Box<str>) -> Option<u32> {
        let id = self.strings.len() as u32;
        match self.ids.entry(s.clone()) {
            Entry::Occupied(_) => return None,
            Entry::Vacant(slot) => slot.insert(id),
        };
        self.sketches.push(WordSketch::of(&s));
        self.strings.push(s);
        Some(id)
    }

    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        self.push(s.into()).unwrap_or(0)
    }

    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }

    /// The sketch of string `id`.
    fn sketch(&self, id: u32) -> Option<&WordSketch> {
        self.sketches.get(id as usize)
    }
}

/// The past orders of a shop, indexed by key.
#[derive(Debug, Clone)]
pub struct History {
    hasher: KeyHasher,
    orders: Vec<PastOrder>,
    /// The orders' signatures, by the same index.
    sigs: Vec<SigLine>,
    /// The second phone key of each order that has one ([`Signature::second_phone`]), by index.
    second_phones: FxHashMap<u32, u64>,
    /// A bit per order, set when it has a second phone: read before the table, so that the
    /// orders a key brings up cost no look-up in it when they have none (most, in any shop).
    has_second: Vec<u64>,
    postings: KeyMap<Posting>,
    strings: Interner,
    live: usize,
}

impl Default for History {
    fn default() -> History {
        History::new(KeyHasher::default())
    }
}

impl History {
    /// An empty history hashing keys with `hasher`.
    pub(crate) fn new(hasher: KeyHasher) -> History {
        History {
            hasher,
            orders: Vec::new(),
            sigs: Vec::new(),
            second_phones: FxHashMap::default(),
            has_second: Vec::new(),
            postings: KeyMap::default(),
            strings: Interner::new(),
            live: 0,
        }
    }

    /// The key hasher.
    pub fn hasher(&self) -> &KeyHasher {
        &self.hasher
    }

    /// Past orders held (erased ones excluded).
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// True when no past order is held.
    pub(crate) fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Reserves room for `n` more orders.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.orders.reserve(n);
        self.sigs.reserve(n);
        // Each order brings its id and a door or two; phones and emails are shared.
        self.postings.reserve(n * 2);
    }

    /// The order at `idx`.
    pub(crate) fn order(&self, idx: u32) -> Option<&PastOrder> {
        self.orders.get(idx as usize)
    }

    /// The orders filed under `key`.
    pub fn postings(&self, key: u64) -> &[u32] {
        self.postings.get(&key).map_or(&[], Posting::as_slice)
    }

    /// Finds a live order by id.
    pub fn find(&self, id: &str) -> Option<u32> {
        let key = self.hasher.hash(KeyKind::OrderId, &[id]);
        self.postings(key)
            .iter()
            .copied()
            .find(|&i| self.orders.get(i as usize).is_some_and(|o| &*o.id == id))
    }

    /// The view of a stored order. (Inlined: a walk reads a view of every order it judges,
    /// and built in place a view is not copied on its way out.)
    #[inline]
    pub(crate) fn view(&self, idx: u32) -> View<'_> {
        let Some(sig) = self.sigs.get(idx as usize) else {
            return View::default();
        };
        // Built field by field (the generic `map_names` is an out-of-line array map here).
        let mut view = View {
            phone: sig.phone,
            second_phone: self.second_phone(idx),
            email: sig.email,
            city: sig.city,
            house: sig.house,
            unit: sig.unit,
            street: sig.street,
            name: [NameRef::default(); NAME_KEYS],
        };
        for (slot, &NameId(id)) in view.name.iter_mut().zip(&sig.name) {
            // An empty slot (the end of the name) has nothing to look up.
            if id != 0 {
                *slot = NameRef {
                    id,
                    text: self.strings.get(id),
                    sketch: self.strings.sketch(id),
                };
            }
        }
        view
    }

    /// The second phone key of order `idx`, 0 for none: looked up only when its bit says it
    /// has one.
    #[inline]
    fn second_phone(&self, idx: u32) -> u64 {
        let (word, bit) = (idx as usize / 64, idx % 64);
        if self.has_second.get(word).is_none_or(|w| w >> bit & 1 == 0) {
            return 0;
        }
        self.second_phones.get(&idx).copied().unwrap_or(0)
    }

    /// Sets or clears order `idx`'s bit in `has_second`.
    fn mark_second(&mut self, idx: u32, has: bool) {
        let (word, bit) = (idx as usize / 64, idx % 64);
        if self.has_second.len() <= word {
            self.has_second.resize(word + 1, 0);
        }
        if let Some(w) = self.has_second.get_mut(word) {
            if has {
                *w |= 1 << bit;
            } else {
                *w &= !(1 << bit);
            }
        }
    }

    /// Keeps `sig` as order `idx`'s signature (the order pushed last). A second phone without
    /// a first, or the first again (a database row or a snapshot written by hand), is none.
    fn push_signature(&mut self, idx: u32, sig: &Signature<NameId>) {
        self.sigs.push(SigLine::of(sig));
        let second = sig.second_phone;
        if second != 0 && sig.phone != 0 && second != sig.phone {
            self.second_phones.insert(idx, second);
            self.mark_second(idx, true);
        }
    }

    /// Drops order `idx`'s second phone, if it has one.
    fn forget_second(&mut self, idx: u32) {
        if self.second_phones.remove(&idx).is_some() {
            self.mark_second(idx, false);
        }
    }

    /// The signature of order `idx`, names as ids.
    fn signature(&self, idx: u32) -> Option<Signature<NameId>> {
        let line = self.sigs.get(idx as usize)?;
        Some(line.signature(self.second_phone(idx)))
    }

    /// Adds a past order by its signature (how a database row comes back).
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateOrder`] when an order with that id is held already;
    /// [`ErrorKind::InvalidRecord`] when the id is empty.
    pub(crate) fn insert_signed(
        &mut self,
        id: &str,
        placed_at: i64,
        total: f64,
        outcome: Outcome,
        negotiated: bool,
        sig: &Signature,
    ) -> Result<u32, Error> {
        let row = Incoming {
            id,
            placed_at,
            total,
            outcome,
            negotiated,
            sig,
        };
        self.add_rows(std::iter::once(row))?;
        Ok(self.orders.len() as u32 - 1)
    }

    /// Adds many past orders by their signatures at once, filing them in one pass (see
    /// [`History::insert_signed`] for one).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] for an empty id, [`ErrorKind::DuplicateOrder`] for an id
    /// held already or repeated in `orders`; nothing is added then.
    pub(crate) fn extend_signed<'a>(
        &mut self,
        orders: impl IntoIterator<Item = (&'a HistoryRecord, &'a Signature)>,
    ) -> Result<(), Error> {
        self.add_rows(orders.into_iter().map(|(record, sig)| Incoming {
            id: record.order.order_id.as_str(),
            placed_at: record.order.placed_at,
            total: record.order.total,
            outcome: record.outcome,
            negotiated: record.negotiated,
            sig,
        }))
    }

    /// Adds orders, all or nothing: pushes them, then files them in one pass.
    fn add_rows<'a>(&mut self, rows: impl Iterator<Item = Incoming<'a>>) -> Result<(), Error> {
        let first = self.orders.len();
        for (at, row) in rows.enumerate() {
            if row.id.trim().is_empty() {
                self.truncate(first);
                return Err(Error::in_record(
                    at,
                    Error::new(ErrorKind::InvalidRecord, "order_id is empty"),
                ));
            }
            let sig = row.sig.map_names(|key| NameId(self.strings.intern(key)));
            self.push_signature(self.orders.len() as u32, &sig);
            self.orders.push(PastOrder {
                id: row.id.into(),
                placed_at: row.placed_at,
                total: row.total,
                outcome: row.outcome,
                negotiated: row.negotiated,
            });
        }
        if self.orders.len() > u32::MAX as usize {
            self.truncate(first);
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                "history is full (2^32 orders)",
            ));
        }
        if let Err(idx) = self.file_many(first as u32) {
            let id = self
                .orders
                .get(idx as usize)
                .map_or_else(String::new, |o| o.id.to_string());
            // Undo: unfile what was filed, drop the new orders.
            for new in first..self.orders.len() {
                self.unfile(new as u32);
            }
            self.truncate(first);
            return Err(Error::in_record(
                idx as usize - first,
                Error::new(
                    ErrorKind::DuplicateOrder,
                    format!("order {id} is already in the history"),
                ),
            ));
        }
        self.live += self.orders.len() - first;
        Ok(())
    }

    /// Drops the orders from index `first` on (not filed, or unfiled already).
    fn truncate(&mut self, first: usize) {
        self.orders.truncate(first);
        self.sigs.truncate(first);
        let dropped: Vec<u32> = self
            .second_phones
            .keys()
            .copied()
            .filter(|&idx| idx as usize >= first)
            .collect();
        for idx in dropped {
            self.forget_second(idx);
        }
    }

    /// The key order `idx` is found by in [`History::find`].
    fn id_key(&self, idx: u32) -> u64 {
        self.orders
            .get(idx as usize)
            .map_or(0, |o| self.hasher.hash(KeyKind::OrderId, &[&o.id]))
    }

    /// The keys order `idx` is filed under: its id's, and its signature's filing keys.
    fn keys_of(&self, idx: u32) -> impl Iterator<Item = u64> {
        let id_key = self.id_key(idx);
        let filing = self
            .signature(idx)
            .map(|sig| sig.filing_keys(&self.hasher))
            .unwrap_or_default();
        std::iter::once(id_key)
            .chain(filing.into_iter().filter(move |&k| k != id_key))
            .filter(|&k| k != 0)
    }

    /// Removes order `idx` from the postings of its keys.
    fn unfile(&mut self, idx: u32) {
        for key in self.keys_of(idx) {
            if let Some(p) = self.postings.get_mut(&key) {
                if !p.remove(idx) {
                    self.postings.remove(&key);
                }
            }
        }
    }

    /// Files every order from index `first` on, in one pass: the keys of all of them, sorted by
    /// where they land in the table, so that the inserts walk memory in order instead of
    /// jumping (at a million orders the jumps, not the hashing, are the cost).
    ///
    /// Stops at the first order whose id is held already or repeated, and returns its index;
    /// the caller then unfiles what was filed.
    fn file_many(&mut self, first: u32) -> Result<(), u32> {
        let count = self.orders.len().saturating_sub(first as usize);
        // (key, order, whether the key is the order's id)
        let mut pairs: Vec<(u64, u32, bool)> = Vec::with_capacity(count * 4);
        for idx in first..self.orders.len() as u32 {
            let id_key = self.id_key(idx);
            pairs.extend(self.keys_of(idx).map(|k| (k, idx, k == id_key)));
        }
        // The table places a key by its low bits.
        pairs.sort_unstable_by_key(|&(k, idx, _)| (k as u32, k, idx));
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            let key = run[0].0;
            let existing = self.postings.get(&key).map_or(&[][..], Posting::as_slice);
            if run.iter().any(|p| p.2) && (run.len() > 1 || !existing.is_empty()) {
                // An id key: no two orders may share the id (a hash collision of two ids is
                // fine, a repeated id is not).
                let id_of = |idx: u32| self.orders.get(idx as usize).map_or("", |o| &*o.id);
                let mut seen: Vec<&str> = existing.iter().map(|&i| id_of(i)).collect();
                for &(_, idx, _) in run.iter().filter(|p| p.2) {
                    let id = id_of(idx);
                    if seen.contains(&id) {
                        return Err(idx);
                    }
                    seen.push(id);
                }
            }
            match self.postings.get_mut(&key) {
                Some(p) => run.iter().for_each(|&(_, idx, _)| p.push(idx)),
                None => {
                    self.postings
                        .insert(key, Posting::of(run.iter().map(|p| p.1)));
                }
            }
        }
        Ok(())
    }

    /// Sets what became of order `idx`.
    pub(crate) fn set_outcome(&mut self, idx: u32, outcome: Outcome, negotiated: Option<bool>) {
        if let Some(o) = self.orders.get_mut(idx as usize) {
            o.outcome = outcome;
            if let Some(n) = negotiated {
                o.negotiated = n;
            }
        }
    }

    /// Removes order `idx` and every key of it.
    pub(crate) fn erase(&mut self, idx: u32) {
        if self
            .orders
            .get(idx as usize)
            .is_none_or(|o| o.id.is_empty())
        {
            return;
        }
        self.unfile(idx);
        if let Some(o) = self.orders.get_mut(idx as usize) {
            *o = PastOrder {
                id: "".into(),
                placed_at: 0,
                total: 0.0,
                outcome: Outcome::Cancelled,
                negotiated: false,
            };
        }
        if let Some(sig) = self.sigs.get_mut(idx as usize) {
            *sig = SigLine::default();
        }
        self.forget_second(idx);
        self.live -= 1;
    }

    /// Every key hash and string the index holds, for the erasure proofs.
    #[doc(hidden)]
    #[cfg(feature = "internals")]
    pub fn key_hashes(&self) -> Vec<u64> {
        self.postings.keys().copied().collect()
    }
}

impl Source for History {
    fn hasher(&self) -> &KeyHasher {
        &self.hasher
    }
    fn postings(&self, key: u64) -> Option<&[u32]> {
        Some(History::postings(self, key))
    }
    #[inline]
    fn view(&self, idx: u32) -> View<'_> {
        History::view(self, idx)
    }
    #[inline]
    fn may_link(&self, idx: u32, to: &View<'_>) -> bool {
        // The second phone is read only when nothing else may link, and looked up only for an
        // order whose bit says it has one.
        self.sigs.get(idx as usize).is_some_and(|line| {
            LinkRules::may_link(to, &line.signature(0)) || to.holds_phone(self.second_phone(idx))
        })
    }
    fn interned(&self, key: &str) -> Option<(u32, &WordSketch)> {
        let id = *self.strings.ids.get(key)?;
        Some((id, self.strings.sketch(id)?))
    }
    fn sort_key(&self, idx: u32) -> (i64, &str) {
        self.orders
            .get(idx as usize)
            .map_or((0, ""), |o| (o.placed_at, &o.id))
    }
    fn prefetch(&self, orders: &[u32]) {
        // Reading a word of each line is the asking: the loads do not wait for one another.
        let mut read = 0;
        for &idx in orders {
            if let Some(line) = self.sigs.get(idx as usize) {
                read ^= line.phone;
            }
        }
        std::hint::black_box(read);
    }
}

/// Snapshot support: the raw parts, and rebuilding from them.
impl History {
    /// The key hasher, each order with its signature, and the name table.
    pub(crate) fn parts(
        &self,
    ) -> (
        &KeyHasher,
        impl Iterator<Item = (&PastOrder, Signature<NameId>)>,
        &Interner,
    ) {
        let orders = (0..).zip(&self.orders).map(|(idx, order)| {
            let sig = self.signature(idx).unwrap_or_default();
            (order, sig)
        });
        (&self.hasher, orders, &self.strings)
    }

    pub(crate) fn from_parts(
        hasher: KeyHasher,
        orders: Vec<StoredOrder>,
        strings: Vec<Box<str>>,
    ) -> Result<History, Error> {
        let mut interner = Interner::new();
        for s in strings.into_iter().skip(1) {
            if interner.push(s).is_none() {
                return Err(Error::new(ErrorKind::SnapshotCorrupt, "repeated string"));
            }
        }
        let n = interner.strings.len() as u32;
        let mut history = History::new(hasher);
        history.strings = interner;
        history.reserve(orders.len());
        for o in orders {
            if o.sig.name.iter().any(|id| id.0 >= n) || o.order.id.is_empty() {
                return Err(Error::new(ErrorKind::SnapshotCorrupt, "dangling string id"));
            }
            history.push_signature(history.orders.len() as u32, &o.sig);
            history.orders.push(o.order);
        }
        history.live = history.orders.len();
        if history.file_many(0).is_err() {
            return Err(Error::new(ErrorKind::SnapshotCorrupt, "repeated order id"));
        }
        Ok(history)
    }
}

#[cfg(test)]
mod tests {
    use super::{Posting, INLINE};
    use proptest::prelude::*;

    proptest! {
        /// A posting lists the same orders as a plain list given the same pushes and removals,
        /// across the boundary between held in the entry and boxed, both ways.
        #[test]
        fn posting_matches_a_plain_list(
            start in proptest::collection::vec(0u32..40, 1..=INLINE + 3),
            steps in proptest::collection::vec((any::<bool>(), 0u32..40), 0..40),
        ) {
            let mut posting = Posting::of(start.iter().copied());
            let mut model = start.clone();
            for (push, idx) in steps {
                if push {
                    posting.push(idx);
                    model.push(idx);
                } else {
                    let left = posting.remove(idx);
                    model.retain(|&i| i != idx);
                    prop_assert_eq!(left, !model.is_empty());
                    if model.is_empty() {
                        break;
                    }
                }
                prop_assert_eq!(posting.as_slice(), model.as_slice());
                prop_assert_eq!(matches!(posting, Posting::Few { .. }), model.len() <= INLINE);
            }
        }
    }
}
