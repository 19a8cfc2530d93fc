//! The engine: a shop's history, and the assessment of new orders against it.

use crate::assess::Assessor;
use crate::assessment::Assessment;
use crate::error::{Error, ErrorKind};
use crate::history::{snapshot, Features, History, KeyHasher, LinkRules, Signature};
use crate::policy::PolicyConfig;
use crate::record::{HistoryRecord, Order, Outcome};
use crate::risk::{RiskInputs, RiskModel};
use std::sync::Arc;

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
    risk_model: Option<Arc<RiskModel>>,
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
            risk_model: None,
        }
    }

    /// Loads a fitted risk model ([`crate::risk`]): `risk` becomes the probability that an
    /// order fails delivery, and a zone whose deliveries fail often is among the reasons.
    /// `None` goes back to the policy's heuristic. Classes and actions do not change. The
    /// model is part of [`Engine::save`]'s snapshot: [`Engine::load`] brings it back.
    pub fn set_risk_model(&mut self, model: Option<RiskModel>) {
        self.risk_model = model.map(Arc::new);
    }

    /// The risk model in force, if any.
    pub fn risk_model(&self) -> Option<&RiskModel> {
        self.risk_model.as_deref()
    }

    fn assessor(&self) -> Assessor<'_> {
        Assessor {
            config: &self.config,
            history: &self.history,
            risk: self.risk_model.as_deref(),
        }
    }

    /// What a risk model reads of `order`'s assessment (for fitting one).
    pub(crate) fn risk_inputs(&self, order: &Order) -> Result<RiskInputs, Error> {
        order.validate()?;
        let features = Features::of(order);
        Ok(self.assessor().risk_inputs(&self.history, order, &features))
    }

    /// The policy in force.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The history index itself, for measurements and tests (the `internals` feature: no part of
    /// the contract).
    #[cfg(feature = "internals")]
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
    /// [`ErrorKind::InvalidRecord`] for a record that does not validate ([`Order::validate`]: an
    /// empty order id, a negative time, a country that is not an ISO 3166-1 alpha-2 code, a total
    /// that is negative or not finite), [`ErrorKind::DuplicateOrder`] for an id already held or
    /// repeated in `records`; the message names the record's position.
    pub fn add_history<I>(&mut self, records: I) -> Result<usize, Error>
    where
        I: IntoIterator<Item = HistoryRecord>,
    {
        let records: Vec<HistoryRecord> = records.into_iter().collect();
        // Cheap checks first, before the costly normalization; repeated ids are found while
        // filing, and nothing is added then.
        for (i, r) in records.iter().enumerate() {
            r.order.validate().map_err(|e| Error::in_record(i, e))?;
        }
        // Normalizing is the cost, and each record's is independent: on every core. Filing is
        // cheap and must be serial.
        let signatures = signatures_of(&records, self.history.hasher());
        self.history.reserve(records.len());
        self.history
            .extend_signed(records.iter().zip(&signatures))?;
        Ok(records.len())
    }

    /// Adds a new order as pending history, so the next order of the same customer sees it.
    ///
    /// # Errors
    /// As [`Engine::add_history`].
    pub fn add_order(&mut self, order: &Order) -> Result<(), Error> {
        self.add_history([pending(order)])
            .map(|_| ())
            .map_err(Error::alone)
    }

    /// Assesses a new order and adds it as pending history, in one step: what a shop does with
    /// each order it takes. The answer is [`Engine::assess`]'s (the order is assessed against
    /// the history before it joins), and the history after is [`Engine::add_order`]'s; the
    /// order is normalized once instead of once for each call.
    ///
    /// # Errors
    /// As [`Engine::add_order`]. On an error nothing is added, and no assessment is returned.
    ///
    /// # Example
    /// ```
    /// use codguard::{engine::Engine, ErrorKind, Order};
    /// let mut engine = Engine::default();
    /// let order: Order = serde_json::from_str(
    ///     r#"{"order_id": "o-1", "placed_at": 1767225600, "phone": "0661472983", "country": "MA"}"#,
    /// ).unwrap();
    /// let first = engine.assess_and_add(&order).unwrap();
    /// assert!(first.matches.is_empty());
    /// let again: Order = serde_json::from_str(
    ///     r#"{"order_id": "o-2", "placed_at": 1767229200, "phone": "06 61 47 29 83", "country": "MA"}"#,
    /// ).unwrap();
    /// let second = engine.assess_and_add(&again).unwrap();
    /// assert_eq!(second.matches[0].order_id.as_str(), "o-1");
    /// // The same id twice is refused, and nothing is added.
    /// assert_eq!(engine.assess_and_add(&order).unwrap_err().kind(), ErrorKind::DuplicateOrder);
    /// assert_eq!(engine.len(), 2);
    /// ```
    pub fn assess_and_add(&mut self, order: &Order) -> Result<Assessment, Error> {
        order.validate()?;
        let features = Features::of(order);
        let signature = Signature::of(&features, self.history.hasher());
        let assessment =
            self.assessor()
                .assess(&self.history, order, std::borrow::Cow::Owned(features));
        self.history
            .extend_signed([(&pending(order), &signature)])
            .map_err(Error::alone)?;
        Ok(assessment)
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
    /// [`ErrorKind::InvalidRecord`] when the order does not validate ([`Order::validate`]: an
    /// empty order id, a negative time, a country that is not an ISO 3166-1 alpha-2 code, a total
    /// that is negative or not finite). Bad phones, emails, names and addresses are not errors:
    /// they are what the assessment is about.
    pub fn assess(&self, order: &Order) -> Result<Assessment, Error> {
        order.validate()?;
        // Made straight into the `Cow` (not moved into it: some 600 bytes), and given by value:
        // the assessment takes its texts rather than copies of them.
        let features = std::borrow::Cow::Owned(Features::of(order));
        Ok(self.assessor().assess(&self.history, order, features))
    }

    /// How many past orders assessing `order` judges (`history::Gathered::looked`): what the
    /// scale example reports per assessment (the `internals` feature: no part of the contract).
    ///
    /// # Errors
    /// As [`Engine::assess`].
    #[cfg(feature = "internals")]
    pub fn walk_cost(&self, order: &Order) -> Result<usize, Error> {
        order.validate()?;
        let features = Features::of(order);
        let assessor = self.assessor();
        Ok(assessor.gather(&self.history, order, &features).looked)
    }

    /// Assesses many orders; on every core with the `parallel` feature.
    pub fn assess_many(&self, orders: &[Order]) -> Vec<Result<Assessment, Error>> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            // On this process's pool, not rayon's global one: see `parallel` (fork safety).
            crate::parallel::install(|| orders.par_iter().map(|o| self.assess(o)).collect())
        }
        #[cfg(not(feature = "parallel"))]
        {
            orders.iter().map(|o| self.assess(o)).collect()
        }
    }

    /// Erases every order of the customer(s) who used this phone: the orders with it and every
    /// order linked to them. A shop must honour deletion requests.
    ///
    /// Returns the number of orders erased.
    ///
    /// # Errors
    /// The phone errors of [`crate::normalize::normalize_phone`] (a number that does not normalize
    /// cannot be found).
    pub fn erase_by_phone(&mut self, phone: &str, default_country: &str) -> Result<usize, Error> {
        let key = self.history.hasher().phone_key_of(phone, default_country)?;
        Ok(self.erase_key(key))
    }

    /// Erases every order of the customer(s) who used this email, as [`Engine::erase_by_phone`].
    ///
    /// # Errors
    /// The errors of [`crate::normalize::normalize_email`].
    pub fn erase_by_email(&mut self, email: &str) -> Result<usize, Error> {
        let key = self.history.hasher().email_key_of(email)?;
        Ok(self.erase_key(key))
    }

    fn erase_key(&mut self, key: u64) -> usize {
        let (doomed, _) = LinkRules::new(&self.config).customer_of_key(&self.history, key);
        for &idx in &doomed {
            self.history.erase(idx);
        }
        doomed.len()
    }

    /// The whole engine (history, policy and risk model) as versioned, checksummed snapshot
    /// bytes.
    pub fn save(&self) -> Vec<u8> {
        let config = serde_json::to_string(&self.config).unwrap_or_default();
        let model = self.risk_model.as_deref().map(RiskModel::to_json);
        snapshot::save(&self.history, &config, model.as_deref())
    }

    /// An engine from [`Engine::save`] bytes, with the risk model it had.
    ///
    /// # Errors
    /// `snapshot_truncated`, `snapshot_corrupt` (also for a risk model the file's checks
    /// refuse) or `snapshot_version`: nothing is half loaded.
    pub fn load(bytes: &[u8]) -> Result<Engine, Error> {
        let (history, config, model) = snapshot::load(bytes)?;
        let corrupt = |e: Error| Error::new(ErrorKind::SnapshotCorrupt, e.message().to_owned());
        let config = PolicyConfig::from_json(&config).map_err(corrupt)?;
        let risk_model = match model {
            Some(text) => Some(Arc::new(RiskModel::from_json(&text).map_err(corrupt)?)),
            None => None,
        };
        Ok(Engine {
            config,
            history,
            risk_model,
        })
    }

    /// As [`Engine::save`], sealed with an HMAC-SHA256 under `key` (see
    /// `history::snapshot::seal`): a snapshot kept where others could write it, loaded with
    /// [`Engine::load_sealed`] and the same key.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for an empty key.
    pub fn save_sealed(&self, key: &[u8]) -> Result<Vec<u8>, Error> {
        snapshot::seal(self.save(), key)
    }

    /// An engine from [`Engine::save_sealed`] bytes, once their tag verifies under `key`.
    ///
    /// # Errors
    /// `snapshot_corrupt` when the tag does not verify (changed bytes, another key, an unsealed
    /// snapshot), then as [`Engine::load`]; `invalid_config` for an empty key.
    pub fn load_sealed(bytes: &[u8], key: &[u8]) -> Result<Engine, Error> {
        Engine::load(snapshot::unseal(bytes, key)?)
    }

    /// Reads history records from JSON Lines text (one record per line; blank lines skipped).
    /// One byte-order mark (U+FEFF) at the very start of `text` is skipped, as Windows tools
    /// and spreadsheet exports write one; anywhere else it is the line's content.
    ///
    /// # Errors
    /// The error of the first bad line, naming it: [`ErrorKind::InvalidJson`] for a line that is
    /// not JSON, [`ErrorKind::InvalidRecord`] for JSON that is not a valid record,
    /// [`ErrorKind::InvalidUtf8`] for a line with a lone surrogate escape (`\ud800`).
    pub fn parse_jsonl<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, Error> {
        Engine::parse_jsonl_each(text).collect()
    }

    /// Reads JSON Lines text one line at a time (the records of [`crate::jsonl::records`]:
    /// blank lines skipped, a leading byte-order mark too): each line's record, or its error
    /// naming the line, as [`Engine::parse_jsonl`] says them. For new orders, where one
    /// malformed line must not stop the others.
    pub fn parse_jsonl_each<T: serde::de::DeserializeOwned>(
        text: &str,
    ) -> impl Iterator<Item = Result<T, Error>> + '_ {
        crate::jsonl::records(text).map(|(number, line)| Engine::parse_jsonl_line(line, number))
    }

    /// Reads one line of JSON Lines, line `number` of its file (counted from 1), with the
    /// errors of [`Engine::parse_jsonl`]: for readers that split the lines themselves (out of
    /// bytes, where a line that is not UTF-8 is theirs to report).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidJson`] for a line that is not JSON ("line 4, column 2: not JSON
    /// (expected value)", the status `CG_INVALID_JSON` of the C library, the column in
    /// characters); [`ErrorKind::InvalidRecord`] for JSON that is not a valid record ("line 4:
    /// " and the record's error, which names the field); [`ErrorKind::InvalidUtf8`] for a lone
    /// surrogate escape (`\ud800`).
    pub fn parse_jsonl_line<T: serde::de::DeserializeOwned>(
        line: &str,
        number: usize,
    ) -> Result<T, Error> {
        serde_json::from_str(line).map_err(|e| {
            let lone_surrogate = e.is_syntax() && crate::error::lone_surrogate_escape(line);
            let not_json = (e.is_syntax() || e.is_eof()) && !lone_surrogate;
            let kind = if lone_surrogate {
                ErrorKind::InvalidUtf8
            } else if not_json {
                ErrorKind::InvalidJson
            } else {
                ErrorKind::InvalidRecord
            };
            let (at, what) = crate::jsonl::error_at(&e, line, number);
            // serde's "expected ident" or "trailing characters" alone do not say the line is
            // no JSON at all.
            let what = if not_json {
                format!("not JSON ({what})")
            } else {
                what
            };
            Error::new(kind, format!("{at}: {what}"))
        })
    }
}

/// A new order as the history holds it until its outcome arrives.
fn pending(order: &Order) -> HistoryRecord {
    HistoryRecord {
        order: order.clone(),
        outcome: Outcome::Pending,
        negotiated: false,
    }
}

fn signatures_of(records: &[HistoryRecord], hasher: &KeyHasher) -> Vec<Signature> {
    let sign = |r: &HistoryRecord| Signature::of(&Features::of(&r.order), hasher);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        crate::parallel::install(|| records.par_iter().map(sign).collect())
    }
    #[cfg(not(feature = "parallel"))]
    {
        records.iter().map(sign).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One byte-order mark at the start of the text is skipped (an export from Excel or a
    /// Windows editor); one anywhere else is the line's content, and that line is not JSON.
    #[test]
    fn parse_jsonl_skips_a_leading_byte_order_mark() {
        let line = r#"{"order_id": "o-1", "placed_at": 1, "country": "MA"}"#;
        let orders: Vec<Order> = Engine::parse_jsonl(&format!("\u{feff}{line}\r\n{line}")).unwrap();
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[0].order_id.as_str(), "o-1");
        let e = Engine::parse_jsonl::<Order>(&format!("{line}\n\u{feff}{line}")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidJson);
        assert!(
            e.message().starts_with("line 2, column 1: not JSON"),
            "{}",
            e.message()
        );
        let e = Engine::parse_jsonl::<Order>("\u{feff}\u{feff}").unwrap_err();
        assert!(
            e.message().starts_with("line 1, column 1: not JSON"),
            "{}",
            e.message()
        );
    }

    /// A line that is no JSON at all says so (serde's "expected ident" alone does not), and is
    /// `invalid_json`, as over C; a record's own errors (`invalid_record`) and a lone surrogate
    /// (`invalid_utf8`) keep their words.
    #[test]
    fn a_line_that_is_not_json_says_so() {
        for (line, message) in [
            (
                "order_id,phone",
                "line 1, column 1: not JSON (expected value)",
            ),
            ("nope", "line 1, column 2: not JSON (expected ident)"),
            (
                r#"{"order_id": "#,
                "line 1, column 13: not JSON (EOF while parsing a value)",
            ),
        ] {
            let e = Engine::parse_jsonl_line::<Order>(line, 1).unwrap_err();
            assert_eq!((e.kind(), e.message()), (ErrorKind::InvalidJson, message));
        }
        let e = Engine::parse_jsonl_line::<Order>(r#"{"order_id": "o-1", "placed_at": "x"}"#, 7)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRecord);
        // A record's own error names the field; serde's column for it is not the field's.
        assert!(
            e.message().starts_with("line 7: field `placed_at`"),
            "{}",
            e.message()
        );
        let e = Engine::parse_jsonl_line::<Order>(r#"{"order_id": "\ud800"}"#, 2).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
        assert!(!e.message().contains("not JSON"), "{}", e.message());
    }

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

    #[test]
    fn a_snapshot_whose_risk_model_the_file_checks_refuse_is_corrupt() {
        let config = serde_json::to_string(&PolicyConfig::default()).unwrap();
        let history = History::default();
        let bad = snapshot::save(&history, &config, Some(r#"{"format": "codguard-risk"}"#));
        let err = Engine::load(&bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SnapshotCorrupt);
        assert!(Engine::load(&snapshot::save(&history, &config, None)).is_ok());
    }
}
