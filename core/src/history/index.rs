//! The in-memory store of past orders: compact records and key postings.
//!
//! Memory is the constraint (a shop keeps millions of past orders in every worker), so a past
//! order keeps only what matching needs: 64-bit hashes of its phone and email, 32-bit hashes of
//! its door (city, house number, unit, street keys), and interned ids of its name keys (names
//! are compared by similarity, so their text is kept, once for all orders that share it).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::keys::{KeyHasher, KeyKind, Signature};
use crate::error::{Error, ErrorKind};
use crate::record::{HistoryRecord, Outcome};

/// One order to add: its fields and signature.
struct Row<'a> {
    id: &'a str,
    placed_at: i64,
    total: f64,
    outcome: Outcome,
    negotiated: bool,
    sig: &'a Signature,
}

/// Street keys kept per order; further tokens add little.
pub(crate) const STREET_KEYS: usize = 4;
/// Name keys kept per order (first, father's, family name and one more).
pub(crate) const NAME_KEYS: usize = 5;

/// A past order as the index keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct PastOrder {
    /// The shop's order id (empty once erased).
    pub id: Box<str>,
    /// When it was placed, Unix seconds.
    pub placed_at: i64,
    /// Its total.
    pub total: f64,
    /// What became of it.
    pub outcome: Outcome,
    /// Whether the customer negotiated.
    pub negotiated: bool,
    pub(crate) sig: Packed,
}

/// A [`Signature`] packed for memory: key hashes, and interned name ids (0 = none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Packed {
    pub phone: u64,
    pub email: u64,
    pub city: u32,
    pub house: u32,
    pub unit: u32,
    pub street: [u32; STREET_KEYS],
    pub name: [u32; NAME_KEYS],
}

/// The signature of an order with its names resolved: the one shape the linking rules read,
/// for a past order and for the order being assessed alike. Door parts are keyed 32-bit hashes
/// (0 for none): the rules only ask whether two are equal.
#[derive(Debug, Clone, Copy, Default)]
pub struct View<'a> {
    /// Phone key hash, 0 for none.
    pub phone: u64,
    /// Email key hash, 0 for none.
    pub email: u64,
    /// City, 0 for none.
    pub city: u32,
    /// House number, 0 for none.
    pub house: u32,
    /// Unit, 0 for none.
    pub unit: u32,
    /// Street keys (0 past the end).
    pub street: [u32; STREET_KEYS],
    /// Name keys ("" past the end).
    pub name: [&'a str; NAME_KEYS],
    /// The name keys' interned ids in the history (the same ids mean the same keys), or
    /// [`View::UNINTERNED`] for an order that is not stored.
    pub name_ids: [u32; NAME_KEYS],
}

impl<'a> View<'a> {
    /// The `name_ids` of an order that is not stored (the one being assessed).
    pub const UNINTERNED: [u32; NAME_KEYS] = [u32::MAX; NAME_KEYS];

    /// Street keys present.
    pub fn street_keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.street.iter().copied().take_while(|&s| s != 0)
    }

    /// Name keys present.
    pub fn name_keys(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.name_slice().iter().copied()
    }

    /// Name keys present, as a slice.
    pub fn name_slice(&self) -> &[&'a str] {
        let len = self.name.iter().take_while(|s| !s.is_empty()).count();
        &self.name[..len]
    }

    /// The address keys: city, house number and one street key each. An order without a city
    /// or street has none: "somewhere in Casablanca" ties nobody together.
    pub fn address_keys(&self, hasher: &KeyHasher) -> impl Iterator<Item = u64> + '_ {
        let hasher = *hasher;
        let usable = self.city != 0;
        self.street_keys()
            .filter(move |_| usable)
            .map(move |s| hasher.hash_parts(KeyKind::Address, &[self.city, self.house, s]))
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

/// The orders under one key: one order (the usual case) without a heap allocation.
#[derive(Debug, Clone)]
enum Posting {
    One(u32),
    Many(Box<[u32]>),
}

impl Posting {
    fn as_slice(&self) -> &[u32] {
        match self {
            Posting::One(i) => std::slice::from_ref(i),
            Posting::Many(v) => v,
        }
    }

    fn push(&mut self, idx: u32) {
        let mut v = self.as_slice().to_vec();
        v.push(idx);
        *self = Posting::Many(v.into_boxed_slice());
    }

    /// Removes `idx`; returns false when nothing is left.
    fn remove(&mut self, idx: u32) -> bool {
        let v: Vec<u32> = self
            .as_slice()
            .iter()
            .copied()
            .filter(|&i| i != idx)
            .collect();
        match v.as_slice() {
            [] => false,
            [one] => {
                *self = Posting::One(*one);
                true
            }
            _ => {
                *self = Posting::Many(v.into_boxed_slice());
                true
            }
        }
    }
}

/// Strings stored once, by id (0 is the empty string).
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    ids: HashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    fn new() -> Interner {
        let mut i = Interner::default();
        i.strings.push("".into());
        i.ids.insert("".into(), 0);
        i
    }

    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }
}

/// The past orders of a shop, indexed by key.
#[derive(Debug, Clone)]
pub struct History {
    hasher: KeyHasher,
    orders: Vec<PastOrder>,
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
    pub fn new(hasher: KeyHasher) -> History {
        History {
            hasher,
            orders: Vec::new(),
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
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when no past order is held.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Reserves room for `n` more orders.
    pub fn reserve(&mut self, n: usize) {
        self.orders.reserve(n);
        // Each order brings its id and a door or two; phones and emails are shared.
        self.postings.reserve(n * 2);
    }

    /// The order at `idx`.
    pub fn order(&self, idx: u32) -> Option<&PastOrder> {
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

    /// The view of a stored order.
    pub fn view(&self, idx: u32) -> View<'_> {
        let Some(o) = self.orders.get(idx as usize) else {
            return View::default();
        };
        let s = &o.sig;
        let mut view = View {
            phone: s.phone,
            email: s.email,
            city: s.city,
            house: s.house,
            unit: s.unit,
            street: s.street,
            name_ids: s.name,
            ..View::default()
        };
        for (slot, &id) in view.name.iter_mut().zip(&s.name) {
            *slot = self.strings.get(id);
        }
        view
    }

    /// Adds a past order by its signature (how a database row comes back).
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateOrder`] when an order with that id is held already;
    /// [`ErrorKind::InvalidRecord`] when the id is empty.
    pub fn insert_signed(
        &mut self,
        id: &str,
        placed_at: i64,
        total: f64,
        outcome: Outcome,
        negotiated: bool,
        sig: &Signature,
    ) -> Result<u32, Error> {
        let row = Row {
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
    pub fn extend_signed<'a>(
        &mut self,
        orders: impl IntoIterator<Item = (&'a HistoryRecord, &'a Signature)>,
    ) -> Result<(), Error> {
        self.add_rows(orders.into_iter().map(|(record, sig)| Row {
            id: record.order.order_id.as_str(),
            placed_at: record.order.placed_at,
            total: record.order.total,
            outcome: record.outcome,
            negotiated: record.negotiated,
            sig,
        }))
    }

    /// Adds orders, all or nothing: pushes them, then files them in one pass.
    fn add_rows<'a>(&mut self, rows: impl Iterator<Item = Row<'a>>) -> Result<(), Error> {
        let first = self.orders.len();
        for (at, row) in rows.enumerate() {
            if row.id.trim().is_empty() {
                self.orders.truncate(first);
                return Err(Error::new(
                    ErrorKind::InvalidRecord,
                    format!("record {at}: order_id is empty"),
                ));
            }
            let packed = self.pack(row.sig);
            self.orders.push(PastOrder {
                id: row.id.into(),
                placed_at: row.placed_at,
                total: row.total,
                outcome: row.outcome,
                negotiated: row.negotiated,
                sig: packed,
            });
        }
        if self.orders.len() > u32::MAX as usize {
            self.orders.truncate(first);
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
            self.orders.truncate(first);
            return Err(Error::new(
                ErrorKind::DuplicateOrder,
                format!(
                    "record {}: order {id} is already in the history",
                    idx as usize - first
                ),
            ));
        }
        self.live += self.orders.len() - first;
        Ok(())
    }

    /// Packs a signature: door hashes as they are, name keys interned.
    fn pack(&mut self, sig: &Signature) -> Packed {
        let view = sig.view();
        let mut packed = Packed {
            phone: view.phone,
            email: view.email,
            city: view.city,
            house: view.house,
            unit: view.unit,
            street: view.street,
            ..Packed::default()
        };
        for (slot, key) in packed.name.iter_mut().zip(view.name_keys()) {
            *slot = self.strings.intern(key);
        }
        packed
    }

    /// The keys order `idx` is filed under.
    fn keys_of(&self, idx: u32) -> ([u64; 3 + STREET_KEYS], usize) {
        let mut keys = [0u64; 3 + STREET_KEYS];
        let Some(o) = self.orders.get(idx as usize) else {
            return (keys, 0);
        };
        let s = &o.sig;
        keys[0] = self.hasher.hash(KeyKind::OrderId, &[&o.id]);
        let mut n = 1;
        for key in [s.phone, s.email] {
            if key != 0 {
                keys[n] = key;
                n += 1;
            }
        }
        if s.city != 0 {
            for &street in s.street.iter().take_while(|&&k| k != 0) {
                keys[n] = self
                    .hasher
                    .hash_parts(KeyKind::Address, &[s.city, s.house, street]);
                n += 1;
            }
        }
        keys[..n].sort_unstable();
        let mut unique = 0;
        for i in 0..n {
            if unique == 0 || keys[unique - 1] != keys[i] {
                keys[unique] = keys[i];
                unique += 1;
            }
        }
        (keys, unique)
    }

    /// Removes order `idx` from the postings of its keys.
    fn unfile(&mut self, idx: u32) {
        let (keys, n) = self.keys_of(idx);
        for key in &keys[..n] {
            if let Some(p) = self.postings.get_mut(key) {
                if !p.remove(idx) {
                    self.postings.remove(key);
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
            let id_key = self
                .orders
                .get(idx as usize)
                .map_or(0, |o| self.hasher.hash(KeyKind::OrderId, &[&o.id]));
            let (keys, n) = self.keys_of(idx);
            pairs.extend(keys[..n].iter().map(|&k| (k, idx, k == id_key)));
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
                    let posting = match run {
                        [(_, idx, _)] => Posting::One(*idx),
                        _ => Posting::Many(run.iter().map(|p| p.1).collect()),
                    };
                    self.postings.insert(key, posting);
                }
            }
        }
        Ok(())
    }

    /// Sets what became of order `idx`.
    pub fn set_outcome(&mut self, idx: u32, outcome: Outcome, negotiated: Option<bool>) {
        if let Some(o) = self.orders.get_mut(idx as usize) {
            o.outcome = outcome;
            if let Some(n) = negotiated {
                o.negotiated = n;
            }
        }
    }

    /// Removes order `idx` and every key of it.
    pub fn erase(&mut self, idx: u32) {
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
                sig: Packed::default(),
            };
        }
        self.live -= 1;
    }

    /// Every key hash and string the index holds, for the erasure proofs.
    #[doc(hidden)]
    pub fn key_hashes(&self) -> Vec<u64> {
        self.postings.keys().copied().collect()
    }
}

impl super::link::Source for History {
    fn hasher(&self) -> &KeyHasher {
        &self.hasher
    }
    fn postings(&self, key: u64) -> Option<&[u32]> {
        Some(History::postings(self, key))
    }
    fn view(&self, idx: u32) -> View<'_> {
        History::view(self, idx)
    }
    fn sort_key(&self, idx: u32) -> (i64, &str) {
        self.orders
            .get(idx as usize)
            .map_or((0, ""), |o| (o.placed_at, &o.id))
    }
}

/// Snapshot support: the raw parts, and rebuilding from them.
impl History {
    pub(crate) fn parts(&self) -> (&KeyHasher, &[PastOrder], &Interner) {
        (&self.hasher, &self.orders, &self.strings)
    }

    pub(crate) fn from_parts(
        hasher: KeyHasher,
        orders: Vec<PastOrder>,
        strings: Vec<Box<str>>,
    ) -> Result<History, Error> {
        let mut interner = Interner::new();
        for s in strings.into_iter().skip(1) {
            let id = interner.strings.len() as u32;
            if interner.ids.insert(s.clone(), id).is_some() {
                return Err(Error::new(ErrorKind::SnapshotCorrupt, "repeated string"));
            }
            interner.strings.push(s);
        }
        let n = interner.strings.len() as u32;
        let mut history = History::new(hasher);
        history.strings = interner;
        history.reserve(orders.len());
        for o in orders {
            if o.sig.name.iter().any(|&id| id >= n) || o.id.is_empty() {
                return Err(Error::new(ErrorKind::SnapshotCorrupt, "dangling string id"));
            }
            history.orders.push(o);
        }
        history.live = history.orders.len();
        if history.file_many(0).is_err() {
            return Err(Error::new(ErrorKind::SnapshotCorrupt, "repeated order id"));
        }
        Ok(history)
    }
}
