//! The walk: from a new order to its customer's past orders, with evidence.
//!
//! First the orders filed under the new order's keys (its phone, email and door): those the
//! [rules](super::link) link to it are its customer's, scored and evidenced by what they share
//! with it. Then, level by level, the orders a link reaches from those: A~B by phone and B~C
//! by email puts C in A's history only when C still shares with A something a person owns (a
//! phone or email too widely shared to link alone, or the name at the same house), so a sibling
//! or a namesake reached through the customer's orders is not taken for the customer; and C's
//! evidence is what C and A share, never what B and C share. Each order met is judged against
//! the new order once: the neighbours a door brings up again and again cost a look-up each.
//!
//! Judging is lazy, so the cost follows the customer, not the crowd at their door: an order
//! that shares no phone, email or door with the order it was reached from cannot link to it
//! (`LinkRules::may_link`), so it is passed over before any name is compared (the other
//! flats of a building, the same house number on another street with a word in common). It
//! is judged only when an order it may link to leads to it.
//!
//! The answer depends only on the set of past orders, never on the order they were added in.

use std::ops::Range;

use smallvec::SmallVec;

use super::hasher::KeyHasher;
use super::link::{Agreement, LinkRules, Memo};
use super::signature::{door_key, FilingKeys, NameRef, View, FILING_KEYS, NAME_KEYS};
use super::sketch::WordSketch;
use super::switches;

/// Where the walk reads past orders from: the in-memory history, or the rows a host fetched
/// from its database (store mode). One walk serves both, so both give the same answers.
pub trait Source {
    /// The key hasher the keys were made with.
    fn hasher(&self) -> &KeyHasher;
    /// The orders filed under `key`, or `None` when this source has not fetched that key yet
    /// (the walk then reports it in `Gathered::missing`).
    fn postings(&self, key: u64) -> Option<&[u32]>;
    /// The matching view of order `idx`.
    fn view(&self, idx: u32) -> View<'_>;
    /// Whether order `idx` may link to `to` at all (`LinkRules::may_link`). A source that
    /// holds the order's phone, email and door apart from its names reads them alone: most
    /// orders a crowded door brings up are passed over here, and their names need not be
    /// looked up.
    fn may_link(&self, idx: u32, to: &View<'_>) -> bool {
        LinkRules::may_link(to, &self.view(idx))
    }
    /// The id and sketch of name key `key` when this source holds it (a key of its orders), so
    /// that the new order's keys need not be sketched again, and the walk knows a word it has
    /// compared already by its id.
    fn interned(&self, _key: &str) -> Option<(u32, &WordSketch)> {
        None
    }
    /// When order `idx` was placed and its id: the tie-break of the match order.
    fn sort_key(&self, idx: u32) -> (i64, &str);
    /// Starts reading what [`Source::may_link`] reads of each of `orders`, all at once, before
    /// the walk asks about them one by one. A history of a million orders holds them at random
    /// places far apart: asked for together, the processor waits for them side by side instead
    /// of one after another. Nothing to do for a source whose orders are close at hand.
    fn prefetch(&self, _orders: &[u32]) {}
}

/// What a walk found, and which keys it could not read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gathered {
    /// The customer's past orders, best first.
    pub(crate) linked: Vec<Linked>,
    /// Keys the source did not have: fetch them and walk again. Empty for a complete source.
    pub(crate) missing: Vec<u64>,
    /// How many past orders the walk judged (each once, whatever number of keys brought it up):
    /// its cost, which grows with the neighbourhood of the new order, not the history.
    pub(crate) looked: usize,
}

/// A past order gathered into the customer's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    /// The order's index in its [`Source`].
    pub(crate) idx: u32,
    /// Confidence, 0 to 1.
    pub(crate) score: f64,
    /// The fields it shares with the new order.
    pub(crate) agreement: Agreement,
}

impl LinkRules<'_> {
    /// Gathers the past orders of the customer of `query`, best first.
    ///
    /// `exclude` is the query's own index when it is itself in the history.
    pub fn gather<S: Source>(
        &self,
        source: &S,
        query: &View<'_>,
        exclude: Option<u32>,
    ) -> Gathered {
        // The new order's name keys are compared with every neighbour's: take the history's
        // sketches and ids of the same keys (so that a comparison of two words the walk made
        // between past orders is not made again with the new order's same word), and sketch
        // the others once.
        let interned = query.name.each_ref().map(|n| {
            (n.id == NameRef::UNSTORED && !n.text.is_empty())
                .then(|| source.interned(n.text))
                .flatten()
        });
        // Made in place: a sketch is some 160 bytes, which building the array by a generic
        // map moved several times over, key by key, sketched or not.
        let mut sketches: [Option<WordSketch>; NAME_KEYS] = Default::default();
        for ((own, n), known) in sketches.iter_mut().zip(&query.name).zip(&interned) {
            if n.sketch.is_none() && !n.text.is_empty() && known.is_none() {
                *own = Some(WordSketch::of(n.text));
            }
        }
        let mut sketched = *query;
        for ((n, known), own) in sketched.name.iter_mut().zip(interned).zip(&sketches) {
            if let Some((id, sketch)) = known {
                n.id = id;
                n.sketch = n.sketch.or(Some(sketch));
            } else if n.sketch.is_none() {
                n.sketch = own.as_ref();
            }
        }
        let query = &sketched;
        let mut memo = Memo::default();
        let mut walk = Walk {
            rules: *self,
            source,
            query,
            keys: KeyUse {
                rules: *self,
                source,
                query,
                judged: SmallVec::new(),
                missing: Vec::new(),
            },
            memo: &mut memo,
            met: Met::default(),
            doors: Doors::default(),
            walked: SmallVec::new(),
            walking: SmallVec::new(),
        };
        let mut found = walk.direct(exclude);
        walk.through(&mut found);
        Gathered {
            linked: sort(source, found),
            missing: walk.keys.missing,
            looked: walk.met.len() - usize::from(exclude.is_some()),
        }
    }

    /// Every order filed under `key` and every order linked to them: the customer(s) to erase
    /// when someone asks to be forgotten by phone or email. Sorted by index, no repeats;
    /// `missing` as in [`LinkRules::gather`].
    pub(crate) fn customer_of_key<S: Source>(&self, source: &S, key: u64) -> (Vec<u32>, Vec<u64>) {
        let Some(starts) = source.postings(key) else {
            return (Vec::new(), vec![key]);
        };
        let mut orders: Vec<u32> = starts.to_vec();
        let mut missing: Vec<u64> = Vec::new();
        for &start in starts {
            let gathered = self.gather(source, &source.view(start), Some(start));
            orders.extend(gathered.linked.into_iter().map(|l| l.idx));
            for k in gathered.missing {
                if !missing.contains(&k) {
                    missing.push(k);
                }
            }
        }
        orders.sort_unstable();
        orders.dedup();
        (orders, missing)
    }
}

/// One walk in progress.
struct Walk<'w, 'q, 'm, S> {
    rules: LinkRules<'w>,
    source: &'w S,
    query: &'w View<'q>,
    keys: KeyUse<'w, 'q, S>,
    /// Comparisons of names and words made (a few kilobytes, kept by the caller so that
    /// building the walk does not copy them).
    memo: &'m mut Memo,
    /// Every order met, with what the walk decided about it.
    met: Met,
    /// The address keys made, by door.
    doors: Doors,
    /// Phone keys walked at earlier levels, and at this one (two per order of the level at
    /// most, and the orders of a customer mostly share theirs: a few, kept in place).
    walked: SmallVec<[u64; 8]>,
    walking: SmallVec<[u64; 8]>,
}

/// The keys a walk read, and its judgements of phone and email keys.
struct KeyUse<'w, 'q, S> {
    rules: LinkRules<'w>,
    source: &'w S,
    query: &'w View<'q>,
    /// Whether each phone or email key met may link, and whether it is one person's (judged
    /// when first asked). A walk meets a few such keys (the customer's, their family's): kept
    /// in place, without a heap list to grow and free each walk.
    judged: SmallVec<[(u64, bool, Option<bool>); 16]>,
    /// Keys the source did not have.
    missing: Vec<u64>,
}

impl<'w, S: Source> KeyUse<'w, '_, S> {
    /// The orders under `key`, or `None` (noted as missing) when the source has not read it.
    fn postings(&mut self, key: u64) -> Option<&'w [u32]> {
        let postings = self.source.postings(key);
        if postings.is_none() && !self.missing.contains(&key) {
            self.missing.push(key);
        }
        postings
    }

    /// The orders under each of `keys` that the walk reads (`None` for a key the source has
    /// not read, or one filed under by too many orders to say anything of its customer), each
    /// order's signature asked for before any is judged ([`Source::prefetch`]).
    fn lists(&mut self, keys: &FilingKeys) -> [Option<&'w [u32]>; FILING_KEYS] {
        let max = self.rules.config.max_orders_per_key;
        let mut lists = [None; FILING_KEYS];
        for (list, &key) in lists.iter_mut().zip(keys.iter()) {
            *list = self.postings(key).filter(|postings| postings.len() <= max);
        }
        for postings in lists.iter().flatten() {
            self.source.prefetch(postings);
        }
        lists
    }

    /// Whether a shared phone or email key may link (see [`LinkRules::key_usable`]) and, when
    /// `one`, is one person's ([`LinkRules::key_of_one`]), each judged once per walk. A key not
    /// read yet may not, for now: the walk is run again once it is.
    fn usable(&mut self, key: u64, one: bool, memo: &mut Memo) -> bool {
        let (rules, source, query) = (self.rules, self.source, self.query);
        let at = match self.judged.iter().position(|(k, _, _)| *k == key) {
            Some(at) => at,
            None => {
                let Some(postings) = self.postings(key) else {
                    return false;
                };
                let ok = rules.key_usable(key, query, postings, |i| source.view(i), memo);
                self.judged.push((key, ok, None));
                self.judged.len() - 1
            }
        };
        let Some(&(_, ok, of_one)) = self.judged.get(at) else {
            return false;
        };
        if !ok || !one {
            return ok;
        }
        if let Some(of_one) = of_one {
            return of_one;
        }
        // A judged key was read: its postings are there (read again only for this question).
        let Some(postings) = source.postings(key) else {
            return false;
        };
        let of_one = rules.key_of_one(postings, |i| source.view(i), memo);
        if let Some(judged) = self.judged.get_mut(at) {
            judged.2 = Some(of_one);
        }
        of_one
    }
}

impl<'w, S: Source> Walk<'w, '_, '_, S> {
    /// The orders under the new order's keys that link to it, by index (at most
    /// `max_linked_orders`). Every order met is remembered with its verdict.
    fn direct(&mut self, exclude: Option<u32>) -> Vec<Linked> {
        let (rules, source, query) = (self.rules, self.source, self.query);
        // The list the walk returns: room for a customer of a few dozen orders at once,
        // instead of growing it from nothing a few times over.
        let mut found: Vec<Linked> = Vec::with_capacity(FOUND.min(rules.config.max_linked_orders));
        if let Some(own) = exclude {
            self.met.push(own, Verdict::Linked);
        }
        let doors = &mut self.doors;
        let keys = query.walk_keys(|door| doors.key(source.hasher(), door));
        let lists = self.keys.lists(&keys);
        for (&key, postings) in keys.iter().zip(lists) {
            if query.holds_phone(key) {
                self.walked.push(key);
            }
            let Some(postings) = postings else {
                continue;
            };
            for &cand in postings {
                // A door's orders come up once per street key: judge each once.
                if self.met.get(cand).is_some() {
                    continue;
                }
                // Cannot link to the new order: judged later if a link leads to it (its
                // verdict would be the same then).
                if !source.may_link(cand, query) {
                    continue;
                }
                let view = source.view(cand);
                let common = rules.common(query, &view, self.memo);
                let link = rules.links(query, &view, &common, |k, one| {
                    self.keys.usable(k, one, self.memo)
                });
                let verdict = if link.links() {
                    found.push(Linked {
                        idx: cand,
                        score: rounded(link.score()),
                        agreement: link,
                    });
                    Verdict::Linked
                } else if common.owned() {
                    Verdict::Owns(common.fields())
                } else {
                    Verdict::Stranger
                };
                self.met.push(cand, verdict);
            }
        }
        found.sort_by_key(|l| l.idx);
        found.truncate(rules.config.max_linked_orders);
        found
    }

    /// Adds the orders that links reach from `found`, level by level, among those that share
    /// something a person owns with the new order: each takes the best score among the links
    /// from the level before (a parent's score times its link's), and what it shares with the
    /// new order as evidence.
    fn through(&mut self, found: &mut Vec<Linked>) {
        let rules = self.rules;
        let max = rules.config.max_linked_orders;
        let mut level: Range<usize> = 0..found.len();
        while !level.is_empty() && found.len() < max {
            let start = found.len();
            for at in level.clone() {
                let Linked { idx, score, .. } = found[at];
                self.expand(found, start, idx, score);
            }
            if found.len() == start {
                break;
            }
            found[start..].sort_by_key(|l| l.idx);
            found.truncate(max);
            // Found at this level (with the best link any parent of it gave): later levels
            // leave these alone.
            for l in &found[start..] {
                self.met.set(l.idx, Verdict::Linked);
            }
            // Every order under a phone walked at this level was met then: a phone links
            // whoever holds it, so walking it again finds nothing new.
            self.walked.append(&mut self.walking);
            level = start..found.len();
        }
    }

    /// Follows the keys of `parent` (found with `parent_score`), adding to the level at
    /// `start` the orders it links to that share something owned with the new order.
    fn expand(&mut self, found: &mut Vec<Linked>, start: usize, parent: u32, parent_score: f64) {
        let (rules, source, query) = (self.rules, self.source, self.query);
        let from = source.view(parent);
        let doors = &mut self.doors;
        let mut keys = from.walk_keys(|door| doors.key(source.hasher(), door));
        // A phone walked at an earlier level finds nothing new (see `through`).
        keys.retain(|key| !from.holds_phone(key) || !self.walked.contains(&key));
        let lists = self.keys.lists(&keys);
        for (&key, postings) in keys.iter().zip(lists) {
            if from.holds_phone(key) {
                self.walking.push(key);
            }
            let Some(postings) = postings else {
                continue;
            };
            for &cand in postings {
                let known = self.met.get(cand);
                // (With the chain rule off, as before it: whatever a link reaches joins.)
                let chains = switches::on(switches::CHAINS);
                if matches!(known, Some(Verdict::Linked))
                    || (chains && matches!(known, Some(Verdict::Stranger)))
                {
                    continue;
                }
                // Cannot link to `from`: nothing to judge (another parent may lead to it).
                if !source.may_link(cand, &from) {
                    continue;
                }
                let view = source.view(cand);
                let fields = match known {
                    Some(Verdict::Owns(fields)) => fields,
                    Some(Verdict::Stranger) => Agreement::default(),
                    Some(_) => continue,
                    None => {
                        // Not under the new order's keys: it shares none of its phone, email
                        // or door, but may share its name and house.
                        let common = rules.common(query, &view, self.memo);
                        let verdict = if common.owned() {
                            Verdict::Owns(common.fields())
                        } else {
                            Verdict::Stranger
                        };
                        self.met.push(cand, verdict);
                        match verdict {
                            Verdict::Owns(fields) => fields,
                            _ if !chains => Agreement::default(),
                            _ => continue,
                        }
                    }
                };
                let common = rules.common(&from, &view, self.memo);
                let link = rules.links(&from, &view, &common, |k, one| {
                    self.keys.usable(k, one, self.memo)
                });
                if !link.links() {
                    continue;
                }
                let score = rounded(parent_score * link.score());
                match found[start..].iter_mut().find(|l| l.idx == cand) {
                    Some(l) => l.score = l.score.max(score),
                    None => found.push(Linked {
                        idx: cand,
                        score,
                        agreement: fields,
                    }),
                }
            }
        }
    }
}

/// Orders [`Walk::direct`] makes room for in the list it returns (it grows past them).
const FOUND: usize = 32;

/// The orders a walk met, with what it decided about each: a list (a walk meets a few
/// orders, 6 at the median at a million past orders, 49 at the 99th percentile), and a small
/// open-addressing table of where each of the first [`MET_INDEXED`] sits in it, so that asking
/// about an order (once per order a key brings up, most of them met already or never) costs a
/// probe or two, not a search of the list.
#[derive(Debug)]
struct Met {
    /// Held in place up to the size most walks stay within, so that it takes no heap block.
    list: SmallVec<[(u32, Verdict); MET_INLINE]>,
    /// For each slot, 1 + the position in `list` of an order whose index probes it (linear
    /// probing from [`Met::slot`]), 0 when free.
    slots: [u8; MET_SLOTS],
}

/// Slots of [`Met`]'s table, and how many orders it indexes (the rest, past the 99th
/// percentile of walks, are searched in the list): kept at most three quarters full, so that a
/// probe ends at a free slot after a few steps.
const MET_SLOTS: usize = 128;
/// Orders [`Met`] holds in place: more than most walks meet.
const MET_INLINE: usize = 32;
const MET_INDEXED: usize = MET_SLOTS * 3 / 4;
const _: () = assert!(MET_INDEXED < u8::MAX as usize && MET_SLOTS.is_power_of_two());

impl Default for Met {
    fn default() -> Met {
        Met {
            list: SmallVec::new(),
            slots: [0; MET_SLOTS],
        }
    }
}

impl Met {
    /// The first slot order `idx` probes (Fibonacci hashing: the top bits of a product).
    fn slot(idx: u32) -> usize {
        (idx.wrapping_mul(0x9E37_79B9) >> (32 - MET_SLOTS.trailing_zeros())) as usize
    }

    /// Where order `idx` sits in the list, if it was met.
    fn position(&self, idx: u32) -> Option<usize> {
        let mut at = Met::slot(idx);
        // The table is never full: a free slot ends the probe.
        for _ in 0..MET_SLOTS {
            let pos = usize::from(*self.slots.get(at)?);
            if pos == 0 {
                break;
            }
            if self.list.get(pos - 1).is_some_and(|&(m, _)| m == idx) {
                return Some(pos - 1);
            }
            at = (at + 1) % MET_SLOTS;
        }
        let rest = self.list.get(MET_INDEXED..)?;
        let at = rest.iter().position(|&(m, _)| m == idx)?;
        Some(MET_INDEXED + at)
    }

    /// What the walk decided about order `idx`, if it met it.
    fn get(&self, idx: u32) -> Option<Verdict> {
        let at = self.position(idx)?;
        self.list.get(at).map(|&(_, v)| v)
    }

    /// Notes order `idx`, met for the first time.
    fn push(&mut self, idx: u32, verdict: Verdict) {
        let pos = self.list.len();
        self.list.push((idx, verdict));
        if pos >= MET_INDEXED {
            return;
        }
        let mut at = Met::slot(idx);
        while self.slots.get(at).is_some_and(|&s| s != 0) {
            at = (at + 1) % MET_SLOTS;
        }
        if let Some(slot) = self.slots.get_mut(at) {
            // pos < MET_INDEXED < u8::MAX
            *slot = (pos + 1) as u8;
        }
    }

    /// Changes the verdict on order `idx`, met already.
    fn set(&mut self, idx: u32, verdict: Verdict) {
        if let Some(m) = self.position(idx).and_then(|at| self.list.get_mut(at)) {
            m.1 = verdict;
        }
    }

    /// How many orders were met.
    fn len(&self) -> usize {
        self.list.len()
    }
}

/// The address keys a walk made ([`door_key`]), by door: the orders of a customer mostly share
/// their door, and a key is a keyed hash (SipHash) of about a hundred instructions, made once
/// per door instead of once per order expanded. The last few doors, in place.
#[derive(Debug, Default)]
struct Doors {
    known: [([u32; 3], u64); DOORS],
    len: usize,
}

/// Doors a walk remembers the keys of (an order has up to 4 street keys: one door each).
const DOORS: usize = 8;

impl Doors {
    /// The address key of `door`.
    fn key(&mut self, hasher: &KeyHasher, door: [u32; 3]) -> u64 {
        let known = self.known.get(..self.len.min(DOORS)).unwrap_or(&[]);
        if let Some(&(_, key)) = known.iter().find(|(d, _)| *d == door) {
            return key;
        }
        let key = door_key(hasher, door);
        if let Some(slot) = self.known.get_mut(self.len % DOORS) {
            *slot = (door, key);
        }
        self.len += 1;
        key
    }
}

/// What a walk decided about an order it met.
#[derive(Debug, Clone, Copy)]
enum Verdict {
    /// Linked to the new order (or the new order itself).
    Linked,
    /// Shares these owned fields with the new order without linking to it: it joins the
    /// customer's history if a link reaches it from an order that does.
    Owns(Agreement),
    /// Shares nothing a person owns with the new order.
    Stranger,
}

/// A score to three decimals: equal links score equal whatever the float path.
fn rounded(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// Best first; ties newest first, then by id, so the order is deterministic.
fn sort<S: Source>(history: &S, mut found: Vec<Linked>) -> Vec<Linked> {
    let key = |l: &Linked| history.sort_key(l.idx);
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| key(b).cmp(&key(a)))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the orders its table indexes, and with indices that probe the same slots, every
    /// order met is found with its verdict, and no other.
    #[test]
    fn met_finds_every_order_met_and_no_other() {
        let mut met = Met::default();
        // Multiples of 128 share their low bits; the rest are scattered.
        let orders: Vec<u32> = (0..150u32)
            .map(|i| if i % 2 == 0 { i * 128 } else { i * 7919 + 3 })
            .collect();
        for (at, &idx) in orders.iter().enumerate() {
            let verdict = if at % 3 == 0 {
                Verdict::Linked
            } else {
                Verdict::Owns(Agreement(at as u8))
            };
            met.push(idx, verdict);
        }
        met.set(orders[149], Verdict::Stranger);
        met.set(orders[10], Verdict::Stranger);
        assert_eq!(met.len(), 150);
        for (at, &idx) in orders.iter().enumerate() {
            let got = met.get(idx);
            match (at, got) {
                (10 | 149, Some(Verdict::Stranger)) => {}
                (_, Some(Verdict::Linked)) if at % 3 == 0 && at != 10 && at != 149 => {}
                (_, Some(Verdict::Owns(a))) if at % 3 != 0 && a == Agreement(at as u8) => {}
                _ => panic!("order {idx} (met {at}th): {got:?}"),
            }
        }
        for idx in [1, 129, 5, 7919 * 2 + 3, u32::MAX] {
            assert!(met.get(idx).is_none(), "{idx} was not met");
        }
    }
}
