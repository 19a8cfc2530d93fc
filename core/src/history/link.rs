//! The linking rules, and the walk that gathers a customer's past orders.
//!
//! Two orders are the same customer when they share
//! - the phone, unless the number is shared (seen under more distinct names than
//!   [`PolicyConfig::max_names_per_key`], or on more than `max_orders_per_key` orders);
//! - the canonical email, under the same rule (fake emails are never keys);
//! - the delivery door (city, house number, a street key, no conflicting apartment) AND the name:
//!   neighbours share a building, namesakes share a name, only the customer shares both.
//!
//! The walk follows these edges from the new order, breadth first, so A~B by phone and B~C by
//! email puts C in A's history. It visits at most `max_linked_orders` orders.

use super::hasher::KeyHasher;
use super::signature::{View, NAME_KEYS};
use crate::assessment::Evidence;
use crate::normalize::name::keys_similarity;
use crate::policy::PolicyConfig;

/// Confidence that two orders are one customer, by the field that tied them.
const PHONE_WEIGHT: f64 = 0.9;
const EMAIL_WEIGHT: f64 = 0.9;
const ADDRESS_WEIGHT: f64 = 0.85;
const NAME_WEIGHT: f64 = 0.4;

/// The fields two orders agree on, as a small bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Agreement(pub(crate) u8);

impl Agreement {
    const PHONE: u8 = 1;
    const EMAIL: u8 = 2;
    const ADDRESS: u8 = 4;
    const NAME: u8 = 8;

    /// True when the agreement makes the two orders one customer (a name alone never does).
    pub fn links(self) -> bool {
        self.0 & (Self::PHONE | Self::EMAIL | Self::ADDRESS) != 0
    }

    /// The matched fields, in contract order.
    pub fn evidence(self) -> Vec<Evidence> {
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
    pub fn score(self) -> f64 {
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

/// Where the walk reads past orders from: the in-memory history, or the rows a host fetched
/// from its database (store mode). One walk serves both, so both give the
/// same answers.
pub trait Source {
    /// The key hasher the keys were made with.
    fn hasher(&self) -> &KeyHasher;
    /// The orders filed under `key`, or `None` when this source has not fetched that key yet
    /// (the walk then reports it in [`Gathered::missing`]).
    fn postings(&self, key: u64) -> Option<&[u32]>;
    /// The matching view of order `idx`.
    fn view(&self, idx: u32) -> View<'_>;
    /// When order `idx` was placed and its id: the tie-break of the match order.
    fn sort_key(&self, idx: u32) -> (i64, &str);
}

/// What a walk found, and which keys it could not read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gathered {
    /// The customer's past orders, best first.
    pub linked: Vec<Linked>,
    /// Keys the source did not have: fetch them and walk again. Empty for a complete source.
    pub missing: Vec<u64>,
}

/// A past order gathered into the customer's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    /// The order's index in its [`Source`].
    pub idx: u32,
    /// Confidence, 0 to 1.
    pub score: f64,
    /// The fields that tie it to the new order (or, for an order reached through another one,
    /// the fields of that last link).
    pub agreement: Agreement,
}

/// Name comparisons already made in one walk, by the two names' interned ids.
type NameMemo = Vec<(([u32; NAME_KEYS], [u32; NAME_KEYS]), bool)>;
/// The most comparisons a walk remembers.
const NAME_MEMO: usize = 16;

/// The rules of the walk, from the policy.
#[derive(Debug, Clone, Copy)]
pub struct LinkRules<'a> {
    config: &'a PolicyConfig,
}

impl<'a> LinkRules<'a> {
    /// The rules of `config`.
    pub fn new(config: &'a PolicyConfig) -> LinkRules<'a> {
        LinkRules { config }
    }

    /// True when two name-key lists are the same person's name. A missing name agrees with
    /// nothing: it cannot vouch for an address match.
    fn same_name_memo(&self, a: &View<'_>, b: &View<'_>, memo: &mut NameMemo) -> bool {
        // Within one walk the same two names meet again and again (each order of a customer
        // against each neighbour at their door): compare each pair of stored names once.
        let key = (a.name.map(|n| n.id), b.name.map(|n| n.id));
        if let Some(&(_, same)) = memo.iter().find(|(k, _)| *k == key) {
            return same;
        }
        let same = self.same_name(a, b);
        // A small cache: growing it past a few hundred bytes would cost more in the allocator
        // than the comparisons it saves.
        if memo.len() < NAME_MEMO {
            memo.push((key, same));
        }
        same
    }

    fn same_name(&self, a: &View<'_>, b: &View<'_>) -> bool {
        let (a, b) = (a.names(), b.names());
        if a.is_empty() || b.is_empty() {
            return false;
        }
        // Most orders of one customer carry the very same keys: skip the scoring.
        a == b || keys_similarity(a, b) >= self.config.name_match_threshold
    }

    /// The same door: city, house number, a street key in common, no conflicting unit.
    fn same_door(a: &View<'_>, b: &View<'_>) -> bool {
        if a.city == 0 || a.city != b.city || a.house != b.house {
            return false;
        }
        if a.unit != 0 && b.unit != 0 && a.unit != b.unit {
            return false;
        }
        let common = a
            .street_keys()
            .filter(|&k| b.street_keys().any(|o| o == k))
            .count();
        let shorter = a.street_keys().count().min(b.street_keys().count());
        // Most of the shorter street name must agree: "rue palestine" vs "rue palestine hay
        // riad" do, "rue mohammed v" vs "rue mohammed ali" do not.
        common > 0 && 2 * common >= shorter
    }

    /// True when two orders sharing an email were placed by someone else: other city, and no
    /// phone in common. People without an email type a plausible one (`firstname.lastname@…`)
    /// that belongs to a namesake; the real owner does not also change phone and city.
    fn elsewhere(a: &View<'_>, b: &View<'_>, bits: u8) -> bool {
        let other_city = a.city != 0 && b.city != 0 && a.city != b.city;
        other_city && bits & Agreement::PHONE == 0
    }

    /// The fields `a` and `b` agree on. `usable(key)` says whether a shared phone or email key
    /// may link (see [`LinkRules::key_usable`]); `memo` keeps the name comparisons of one walk.
    fn agreement(
        &self,
        a: &View<'_>,
        b: &View<'_>,
        mut usable: impl FnMut(u64) -> bool,
        memo: &mut NameMemo,
    ) -> Agreement {
        let phone = a.phone != 0 && a.phone == b.phone;
        let email = a.email != 0 && a.email == b.email;
        let door = Self::same_door(a, b);
        if !(phone || email || door) {
            // A name alone never links: skip comparing names (the costly part) for the
            // neighbours and namesakes an address key brings up.
            return Agreement(0);
        }
        let mut bits = 0;
        let same_name = self.same_name_memo(a, b, memo);
        if same_name {
            bits |= Agreement::NAME;
        }
        if phone && usable(a.phone) {
            bits |= Agreement::PHONE;
        }
        if email && usable(a.email) && !Self::elsewhere(a, b, bits) {
            bits |= Agreement::EMAIL;
        }
        if same_name && door {
            bits |= Agreement::ADDRESS;
        }
        Agreement(bits)
    }

    /// Whether a phone or email key may link orders: not on too many orders, not under too
    /// many distinct names. `extra` is the name of the order being assessed, which counts too.
    pub fn key_usable<S: Source>(&self, history: &S, key: u64, extra: &View<'_>) -> bool {
        let postings = history.postings(key).unwrap_or(&[]);
        if postings.len() > self.config.max_orders_per_key {
            return false;
        }
        // Fewer orders than the names allowed (the new order's counts too): no need to look.
        if postings.len() < self.config.max_names_per_key {
            return true;
        }
        let mut groups: Vec<View<'_>> = Vec::new();
        let views = postings.iter().map(|&i| history.view(i));
        for view in std::iter::once(*extra).chain(views) {
            if view.names().is_empty() {
                continue;
            }
            if !groups.iter().any(|g| self.same_name(g, &view)) {
                groups.push(view);
                if groups.len() > self.config.max_names_per_key {
                    return false;
                }
            }
        }
        true
    }

    /// Gathers the past orders of the customer of `query`, best first.
    ///
    /// `exclude` is the query's own index when it is itself in the history.
    pub fn gather<S: Source>(
        &self,
        history: &S,
        query: &View<'_>,
        exclude: Option<u32>,
    ) -> Gathered {
        // Level by level, so that an order reached from several orders of one level takes its
        // best link whatever the order the history was added in: the answer must not depend on
        // it. The first level is expanded from the new order itself; each next level from the
        // orders the last one found, until a level finds nothing or enough are found.
        let mut walk = Walk::new(self, history, query, exclude);
        let mut parents: Option<std::ops::Range<usize>> = None;
        loop {
            let level = walk.found.len();
            match &parents {
                None => walk.expand(None, 1.0, level),
                Some(range) => {
                    for at in range.clone() {
                        let Linked { idx, score, .. } = walk.found[at];
                        walk.expand(Some(idx), score, level);
                    }
                }
            }
            if walk.found.len() == level {
                break;
            }
            walk.found[level..].sort_by_key(|l| l.idx);
            if walk.found.len() >= self.config.max_linked_orders {
                walk.found.truncate(self.config.max_linked_orders);
                break;
            }
            walk.walked.append(&mut walk.walking);
            walk.settled.clear();
            parents = Some(level..walk.found.len());
        }
        Gathered {
            linked: sort(history, walk.found),
            missing: walk.missing,
        }
    }
}

/// One walk in progress: what it found, and what it remembers to avoid repeating work. Few
/// allocations: this runs for every order assessed.
struct Walk<'w, 'q, S> {
    rules: &'w LinkRules<'w>,
    source: &'w S,
    query: &'w View<'q>,
    exclude: Option<u32>,
    /// The orders found, level after level; the level being built is at the end.
    found: Vec<Linked>,
    /// Orders of this level tied to the new order directly: their score is final.
    settled: Vec<u32>,
    /// Orders judged from the current parent.
    judged: Vec<u32>,
    /// Name comparisons made.
    memo: NameMemo,
    /// Phone keys walked at earlier levels, and at this one.
    walked: Vec<u64>,
    walking: Vec<u64>,
    /// Keys the source did not have.
    missing: Vec<u64>,
    /// Whether each phone or email key met may link.
    usable: Vec<(u64, bool)>,
}

impl<'w, 'q, S: Source> Walk<'w, 'q, S> {
    fn new(
        rules: &'w LinkRules<'w>,
        source: &'w S,
        query: &'w View<'q>,
        exclude: Option<u32>,
    ) -> Self {
        Walk {
            rules,
            source,
            query,
            exclude,
            found: Vec::new(),
            settled: Vec::new(),
            judged: Vec::new(),
            memo: NameMemo::with_capacity(NAME_MEMO),
            walked: Vec::new(),
            walking: Vec::new(),
            missing: Vec::new(),
            usable: Vec::new(),
        }
    }

    /// Follows the keys of `from` (an order found with `from_score`; `None`: the new order),
    /// adding the orders they tie to the level that starts at `level`.
    fn expand(&mut self, from: Option<u32>, from_score: f64, level: usize) {
        let source = self.source;
        let from_view = from.map_or(*self.query, |i| source.view(i));
        self.judged.clear();
        let keys = from_view.filing_keys(source.hasher());
        for &key in keys.iter() {
            // Every order under a phone walked at an earlier level was found then (a phone
            // links whoever holds it): walking it again finds nothing. Not so for an email
            // (whether it links depends on the pair) or within a level (scores depend on the
            // parent).
            if key == from_view.phone {
                if self.walked.contains(&key) {
                    continue;
                }
                self.walking.push(key);
            }
            let Some(postings) = source.postings(key) else {
                if !self.missing.contains(&key) {
                    self.missing.push(key);
                }
                continue;
            };
            if postings.len() > self.rules.config.max_orders_per_key {
                continue;
            }
            for &cand in postings {
                // An order tied to the new order directly scores the same whichever key or
                // parent led to it, and a door's orders come up once per street key: judge
                // each once.
                if self.exclude == Some(cand)
                    || self.settled.contains(&cand)
                    || self.judged.contains(&cand)
                    || self.found[..level].iter().any(|l| l.idx == cand)
                {
                    continue;
                }
                self.judged.push(cand);
                self.judge(from, &from_view, from_score, cand, level);
            }
        }
    }

    /// Adds `cand` to the level at `level` when it links to `from` (whose view is `from_view`),
    /// with the better of its links so far.
    fn judge(
        &mut self,
        from: Option<u32>,
        from_view: &View<'_>,
        from_score: f64,
        cand: u32,
        level: usize,
    ) {
        let (rules, source, query) = (self.rules, self.source, self.query);
        let cache = &mut self.usable;
        let mut usable = |key: u64| {
            if let Some(&(_, ok)) = cache.iter().find(|(k, _)| *k == key) {
                return ok;
            }
            let ok = rules.key_usable(source, key, query);
            cache.push((key, ok));
            ok
        };
        let cand_view = source.view(cand);
        let link = rules.agreement(from_view, &cand_view, &mut usable, &mut self.memo);
        if !link.links() {
            return;
        }
        let direct = match from {
            None => link,
            Some(_) => rules.agreement(query, &cand_view, &mut usable, &mut self.memo),
        };
        let (score, agreement) = if direct.links() || from.is_none() {
            self.settled.push(cand);
            (direct.score(), direct)
        } else {
            (from_score * link.score(), link)
        };
        let score = (score * 1000.0).round() / 1000.0;
        match self.found[level..].iter_mut().find(|l| l.idx == cand) {
            Some(l) if (l.score, l.agreement.0) >= (score, agreement.0) => {}
            Some(l) => {
                l.score = score;
                l.agreement = agreement;
            }
            None => self.found.push(Linked {
                idx: cand,
                score,
                agreement,
            }),
        }
    }
}

impl LinkRules<'_> {
    /// Every order filed under `key` and every order linked to them: the customer(s) to erase
    /// when someone asks to be forgotten by phone or email. Sorted by index, no repeats;
    /// `missing` as in [`LinkRules::gather`].
    pub fn customer_of_key<S: Source>(&self, source: &S, key: u64) -> (Vec<u32>, Vec<u64>) {
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
