//! The engine: a shop's history, and the assessment of new orders against it.

use crate::classify::{Action, Assessment, Match, Normalized, Profile, Reason, ReasonCode};
use crate::error::{Error, ErrorKind};
use crate::history::{
    snapshot, Features, History, KeyHasher, KeyKind, LinkRules, Linked, Signature,
};
use crate::normalize;
use crate::policy::{self, OrderSignals, PolicyConfig};
use crate::record::{HistoryRecord, Order, OrderId, Outcome};

/// A shop's order history and policy: assesses new orders, learns their outcomes.
///
/// `Engine` is `Send + Sync`: share it behind an `Arc` (or a `RwLock` for writers) and assess
/// from many threads at once.
///
/// # Example
/// ```
/// use codguard::{engine::Engine, policy::PolicyConfig, HistoryRecord, Order, Outcome};
///
/// let mut engine = Engine::new(PolicyConfig::default());
/// let past: HistoryRecord = serde_json::from_str(r#"{"order_id": "o-1", "placed_at": 1700000000,
///     "name": "Salma Khalil", "phone": "0661472983", "country": "MA", "outcome": "refused"}"#).unwrap();
/// engine.add_history([past]).unwrap();
///
/// let order: Order = serde_json::from_str(r#"{"order_id": "o-2", "placed_at": 1760000000,
///     "name": "سلمى خليل", "phone": "+212 661 47 29 83", "country": "MA"}"#).unwrap();
/// let a = engine.assess(&order).unwrap();
/// assert_eq!(a.customer_class.as_str(), "risky");
/// assert_eq!(a.matches[0].order_id.as_str(), "o-1");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Engine {
    config: PolicyConfig,
    history: History,
}

impl Engine {
    /// An engine with an empty history.
    pub fn new(config: PolicyConfig) -> Engine {
        Engine::with_hasher(config, KeyHasher::default())
    }

    /// An engine whose key hashes use a SipHash key of the shop's choosing (say, derived from a
    /// secret), so that nobody outside can craft colliding keys.
    pub fn with_hasher(config: PolicyConfig, hasher: KeyHasher) -> Engine {
        Engine {
            config,
            history: History::new(hasher),
        }
    }

    /// The policy in force.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Past orders held.
    pub fn len(&self) -> usize {
        self.history.len()
    }

    /// True when the history is empty.
    pub fn is_empty(&self) -> bool {
        self.history.is_empty()
    }

    /// Adds past orders in bulk; normalization runs on every core with the `parallel` feature.
    ///
    /// All or nothing: when any record is invalid or repeats an id, nothing is added.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] for an empty order id, [`ErrorKind::DuplicateOrder`] for an id
    /// already held or repeated in `records`; the message names the record's position.
    pub fn add_history<I>(&mut self, records: I) -> Result<usize, Error>
    where
        I: IntoIterator<Item = HistoryRecord>,
    {
        let records: Vec<HistoryRecord> = records.into_iter().collect();
        let mut ids = std::collections::HashSet::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            r.order.validate().map_err(|e| at(i, e))?;
            let id = r.order.order_id.as_str();
            if !ids.insert(id) || self.history.find(id).is_some() {
                return Err(at(
                    i,
                    Error::new(ErrorKind::DuplicateOrder, format!("order {id} is repeated")),
                ));
            }
        }
        let features = features_of(&records);
        self.history.reserve(records.len());
        for (r, f) in records.iter().zip(&features) {
            self.history.insert(r, f)?;
        }
        Ok(records.len())
    }

    /// Adds a new order as pending history, so the next order of the same customer sees it.
    ///
    /// # Errors
    /// As [`Engine::add_history`].
    pub fn add_order(&mut self, order: &Order) -> Result<(), Error> {
        let record = HistoryRecord {
            order: order.clone(),
            outcome: Outcome::Pending,
            negotiated: false,
        };
        self.add_history([record]).map(|_| ())
    }

    /// Records what became of an order (the courier's result arrives later).
    ///
    /// # Errors
    /// [`ErrorKind::UnknownOrder`] when no order has that id.
    pub fn record_outcome(&mut self, order_id: &str, outcome: Outcome) -> Result<(), Error> {
        let idx = self.find(order_id)?;
        self.history.set_outcome(idx, outcome, None);
        Ok(())
    }

    /// Records whether the customer negotiated on an order.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownOrder`] when no order has that id.
    pub fn record_negotiated(&mut self, order_id: &str, negotiated: bool) -> Result<(), Error> {
        let idx = self.find(order_id)?;
        let outcome = self
            .history
            .order(idx)
            .map_or(Outcome::Pending, |o| o.outcome);
        self.history.set_outcome(idx, outcome, Some(negotiated));
        Ok(())
    }

    fn find(&self, order_id: &str) -> Result<u32, Error> {
        self.history.find(order_id).ok_or_else(|| {
            Error::new(
                ErrorKind::UnknownOrder,
                format!("no order {order_id} in the history"),
            )
        })
    }

    /// Assesses a new order against the history.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] when the order id is empty. Bad phones, emails, names and
    /// addresses are not errors: they are what the assessment is about.
    pub fn assess(&self, order: &Order) -> Result<Assessment, Error> {
        order.validate()?;
        let features = Features::of(order);
        Ok(self.assess_features(order, &features))
    }

    /// Assesses many orders; on every core with the `parallel` feature.
    pub fn assess_many(&self, orders: &[Order]) -> Vec<Result<Assessment, Error>> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            orders.par_iter().map(|o| self.assess(o)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            orders.iter().map(|o| self.assess(o)).collect()
        }
    }

    fn assess_features(&self, order: &Order, f: &Features) -> Assessment {
        let sig = Signature::of(f, self.history.hasher());
        let view = sig.view();
        let own = self.history.find(order.order_id.as_str());
        let linked = LinkRules::new(&self.config)
            .gather(&self.history, &view, own)
            .linked;
        let signals = OrderSignals {
            phone_unusable: f.phone.is_none(),
            email_fake: f.email.as_ref().is_some_and(|e| e.fake.is_some()),
            address_nonsense: f.address.nonsense,
            name_nonsense: f.name.nonsense,
        };
        let profile = self.profile(&linked);
        let (class, _rule) = self.config.classify(&signals, &profile);
        let action = self.config.action(class, f.phone.is_some());
        let reasons = self.reasons(order, f, &linked);
        Assessment {
            order_id: order.order_id.clone(),
            customer_class: class,
            action,
            risk: policy::risk(&signals, &profile, class),
            reasons,
            matches: linked
                .iter()
                .map(|l| Match {
                    order_id: self.id_of(l.idx),
                    score: l.score,
                    evidence: l.evidence.clone(),
                })
                .collect(),
            profile,
            normalized: Normalized {
                phone: f.phone.as_ref().map(|p| p.as_str().to_owned()),
                email: f.email.as_ref().map(|e| e.address.clone()),
                address: f.address.text.clone(),
                city: f
                    .address
                    .city
                    .and_then(normalize::city::city_name)
                    .map_or_else(|| f.city_key.clone(), str::to_owned),
            },
            notify_customer_service: self.config.notifies(class)
                && matches!(action, Action::AutoConfirm | Action::Confirm),
        }
    }

    fn id_of(&self, idx: u32) -> OrderId {
        OrderId(
            self.history
                .order(idx)
                .map_or_else(String::new, |o| o.id.to_string()),
        )
    }

    fn profile(&self, linked: &[Linked]) -> Profile {
        let mut p = Profile::default();
        for o in linked.iter().filter_map(|l| self.history.order(l.idx)) {
            p.orders += 1;
            match o.outcome {
                Outcome::Delivered => {
                    p.delivered += 1;
                    p.delivered_value += o.total;
                }
                Outcome::Cancelled => p.cancelled += 1,
                Outcome::Unconfirmed => p.unconfirmed += 1,
                other if other.is_failed_delivery() => p.failed += 1,
                _ => {}
            }
            p.negotiated += u32::from(o.negotiated);
            p.first_seen = Some(p.first_seen.map_or(o.placed_at, |t| t.min(o.placed_at)));
            p.last_seen = Some(p.last_seen.map_or(o.placed_at, |t| t.max(o.placed_at)));
        }
        p.delivered_value = (p.delivered_value * 100.0).round() / 100.0;
        p
    }

    fn reasons(&self, order: &Order, f: &Features, linked: &[Linked]) -> Vec<Reason> {
        let mut reasons = Vec::new();
        let mut own = |code, detail: String| {
            reasons.push(Reason {
                code,
                detail,
                order_ids: Vec::new(),
            })
        };
        if let Some(problem) = f.phone_problem {
            own(
                ReasonCode::PhoneInvalid,
                format!("the phone is unusable ({problem})"),
            );
        }
        match (&f.email, f.email_problem) {
            (Some(e), _) if e.fake.is_some() => {
                let why = serde_json::to_value(e.fake).ok();
                let why = why.as_ref().and_then(|v| v.as_str()).unwrap_or("fake");
                own(
                    ReasonCode::EmailFake,
                    format!("the email looks fake ({why})"),
                );
            }
            (Some(e), _) if e.suggestion.is_some() => own(
                ReasonCode::EmailTypo,
                "the email's domain looks like a typo of a known provider".to_owned(),
            ),
            (None, Some(problem)) => own(
                ReasonCode::EmailInvalid,
                format!("the email is unusable ({problem})"),
            ),
            _ => {}
        }
        if f.address.nonsense {
            own(
                ReasonCode::AddressNonsense,
                "the address is not a real address".to_owned(),
            );
        }
        if f.name.nonsense {
            own(
                ReasonCode::NameNonsense,
                "the name is not a real name".to_owned(),
            );
        }

        let orders: Vec<&crate::history::PastOrder> = linked
            .iter()
            .filter_map(|l| self.history.order(l.idx))
            .collect();
        let shipped = orders
            .iter()
            .filter(|o| o.outcome == Outcome::Delivered || o.outcome.is_failed_delivery())
            .count();
        let mut prior = |code, outcome: Option<Outcome>, what: &str| {
            let ids: Vec<OrderId> = orders
                .iter()
                .filter(|o| match outcome {
                    Some(want) => o.outcome == want,
                    None => o.negotiated,
                })
                .map(|o| OrderId(o.id.to_string()))
                .collect();
            if ids.is_empty() {
                return;
            }
            let detail = match outcome {
                Some(out) if out == Outcome::Delivered || out.is_failed_delivery() => {
                    format!("{} of {shipped} shipped orders {what}", ids.len())
                }
                _ => format!("{} of {} past orders {what}", ids.len(), orders.len()),
            };
            reasons.push(Reason {
                code,
                detail,
                order_ids: ids,
            });
        };
        prior(
            ReasonCode::PriorUnconfirmed,
            Some(Outcome::Unconfirmed),
            "never confirmed",
        );
        prior(ReasonCode::PriorRefused, Some(Outcome::Refused), "refused");
        prior(
            ReasonCode::PriorUnreachable,
            Some(Outcome::Unreachable),
            "unreachable",
        );
        prior(
            ReasonCode::PriorReturned,
            Some(Outcome::Returned),
            "returned",
        );
        prior(
            ReasonCode::PriorCancelled,
            Some(Outcome::Cancelled),
            "cancelled by the customer",
        );
        prior(ReasonCode::PriorNegotiated, None, "negotiated");
        prior(
            ReasonCode::PriorDelivered,
            Some(Outcome::Delivered),
            "delivered and paid",
        );

        let window = self.config.duplicate_window_secs;
        let recent: Vec<OrderId> = orders
            .iter()
            .filter(|o| (order.placed_at - o.placed_at).abs() <= window)
            .map(|o| OrderId(o.id.to_string()))
            .collect();
        if !recent.is_empty() {
            reasons.push(Reason {
                code: ReasonCode::DuplicateRecentOrder,
                detail: format!(
                    "{} other order(s) of this customer within {} h",
                    recent.len(),
                    window / 3600
                ),
                order_ids: recent,
            });
        }
        reasons
    }

    /// Erases every order of the customer(s) who used this phone: the orders with it and every
    /// order linked to them. A shop must honour deletion requests.
    ///
    /// Returns the number of orders erased.
    ///
    /// # Errors
    /// The phone errors of [`normalize::normalize_phone`] (a number that does not normalize
    /// cannot be found).
    pub fn erase_by_phone(&mut self, phone: &str, default_country: &str) -> Result<usize, Error> {
        let e164 = normalize::phone::parse_phone(phone, default_country)?.e164;
        let key = self.history.hasher().hash(KeyKind::Phone, &[e164.as_str()]);
        Ok(self.erase_key(key))
    }

    /// Erases every order of the customer(s) who used this email, as [`Engine::erase_by_phone`].
    ///
    /// # Errors
    /// The errors of [`normalize::normalize_email`].
    pub fn erase_by_email(&mut self, email: &str) -> Result<usize, Error> {
        let e = normalize::normalize_email(email)?;
        let key = self.history.hasher().hash(KeyKind::Email, &[&e.key]);
        Ok(self.erase_key(key))
    }

    fn erase_key(&mut self, key: u64) -> usize {
        let rules = LinkRules::new(&self.config);
        let mut doomed: Vec<u32> = self.history.postings(key).to_vec();
        for &start in &doomed.clone() {
            let view = self.history.view(start);
            doomed.extend(
                rules
                    .gather(&self.history, &view, Some(start))
                    .linked
                    .into_iter()
                    .map(|l| l.idx),
            );
        }
        doomed.sort_unstable();
        doomed.dedup();
        for &idx in &doomed {
            self.history.erase(idx);
        }
        doomed.len()
    }

    /// The whole engine (history and policy) as versioned, checksummed snapshot bytes.
    pub fn save(&self) -> Vec<u8> {
        let config = serde_json::to_string(&self.config).unwrap_or_default();
        snapshot::save(&self.history, &config)
    }

    /// An engine from [`Engine::save`] bytes.
    ///
    /// # Errors
    /// `snapshot_truncated`, `snapshot_corrupt` or `snapshot_version`: nothing is half loaded.
    pub fn load(bytes: &[u8]) -> Result<Engine, Error> {
        let (history, config) = snapshot::load(bytes)?;
        let config = PolicyConfig::from_json(&config)
            .map_err(|e| Error::new(ErrorKind::SnapshotCorrupt, e.message().to_owned()))?;
        Ok(Engine { config, history })
    }

    /// Reads history records from JSON Lines text (one record per line; blank lines skipped).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] naming the first bad line.
    pub fn parse_jsonl<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, Error> {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| {
                    Error::new(ErrorKind::InvalidRecord, format!("line {}: {e}", i + 1))
                })
            })
            .collect()
    }
}

fn at(i: usize, e: Error) -> Error {
    Error::new(e.kind(), format!("record {i}: {}", e.message()))
}

fn features_of(records: &[HistoryRecord]) -> Vec<Features> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        records.par_iter().map(|r| Features::of(&r.order)).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        records.iter().map(|r| Features::of(&r.order)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }

    #[test]
    fn unknown_orders_and_empty_ids_are_errors() {
        let mut e = Engine::default();
        let err = e.record_outcome("nope", Outcome::Delivered).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownOrder);
        let err = e.assess(&Order::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRecord);
    }
}
