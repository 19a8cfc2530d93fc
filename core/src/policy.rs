//! The policy: which class a customer is, and what the shop does about the order.
//!
//! [`PolicyConfig::default`] is the default policy of the contract (`docs/contract.md`, "Policy").
//! Its principles: a missing field is absent, not nonsense; what the customer did before outweighs
//! what the order looks like; a valid number is never junk because of its digits; a customer is
//! never rejected on a signal that a delivered past order contradicts.
//!
//! The first rule that holds wins:
//!
//! 1. `risky`: the matched history has [`PolicyConfig::risky_min_failed`] failed deliveries
//!    (refused, unreachable, returned).
//! 2. `ghost`: nothing delivered in the matched history, and the order's phone is unusable; or
//!    [`PolicyConfig::ghost_min_signals`] of the [`PolicyConfig::ghost_signals`] hold (email
//!    fake, address nonsense, name nonsense, phone looks fake); or the history has
//!    [`PolicyConfig::ghost_min_unconfirmed`] orders never confirmed.
//! 3. `negotiator`: the history has a negotiated order.
//! 4. `good`: the history has a delivered order.
//! 5. `new`: otherwise (no history, or only orders the customer cancelled before shipping).
//!
//! Then the action of the class ([`ClassActions`]), with two overrides: a customer who ordered
//! within [`PolicyConfig::duplicate_window_secs`] is never auto-confirmed (a double click ships
//! two parcels), and a good customer or negotiator whose order has no usable phone is reviewed (a
//! person calls the number on record).

use serde::{Deserialize, Serialize};

use crate::assessment::{Action, CustomerClass, Profile, ReasonCode};
use crate::error::{Error, ErrorKind};

/// What the shop does for each class, and the two overrides. `require_prepayment` is never a
/// default: a shop opts in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassActions {
    /// No usable history (default `confirm`: start the confirmation flow).
    pub new: Action,
    /// Bought and paid before (default `auto_confirm`).
    pub good: Action,
    /// Good customer who haggles (default `auto_confirm`).
    pub negotiator: Action,
    /// Failed deliveries before (default `review`).
    pub risky: Action,
    /// Ghost with a usable phone (default `review`: a person calls).
    pub ghost: Action,
    /// Ghost without a usable phone: nobody can confirm it (default `reject`).
    pub ghost_without_phone: Action,
    /// A good customer or negotiator whose order has no usable phone (default `review`: a person
    /// calls the number of their past orders).
    pub good_without_phone: Action,
    /// Replaces `auto_confirm` when the same customer placed another order within
    /// `duplicate_window_secs` (default `review`: a double click would ship two parcels).
    /// `auto_confirm` here switches the override off.
    pub duplicate_recent_order: Action,
}

impl Default for ClassActions {
    fn default() -> ClassActions {
        ClassActions {
            new: Action::Confirm,
            good: Action::AutoConfirm,
            negotiator: Action::AutoConfirm,
            risky: Action::Review,
            ghost: Action::Review,
            ghost_without_phone: Action::Reject,
            good_without_phone: Action::Review,
            duplicate_recent_order: Action::Review,
        }
    }
}

/// The signals of an order that can make a ghost together: the reason codes that name them.
pub const GHOST_SIGNALS: [ReasonCode; 4] = [
    ReasonCode::EmailFake,
    ReasonCode::AddressNonsense,
    ReasonCode::NameNonsense,
    ReasonCode::PhoneLooksFake,
];

/// Every threshold of matching and classification, and the action of every class.
///
/// The count thresholds (`*_min_*`) take 0 to switch their rule off.
///
/// # Example
/// ```
/// let config = codguard::policy::PolicyConfig::from_json(r#"{"duplicate_window_secs": 3600}"#)
///     .unwrap();
/// assert_eq!(config.duplicate_window_secs, 3600);
/// assert_eq!(config.ghost_min_signals, 2); // the rest keeps its default
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Another order of the same customer within this many seconds is `duplicate_recent_order`
    /// (default 48 h: the double click, or the same thing ordered from several shops).
    pub duplicate_window_secs: i64,
    /// Two names at least this similar (0 to 1) are the same person's (default 0.8).
    pub name_match_threshold: f64,
    /// A phone or email used by more distinct people than this is shared (a courier's or a
    /// shop's number, a family's email) and links nothing (default 3). People, not spellings:
    /// orders whose names may be one person's, or that share the other of phone and email or
    /// the door without names that tell two people apart, count once.
    pub max_names_per_key: usize,
    /// A key on more past orders than this links nothing: no real customer orders that often
    /// with one value, junk does (default 500).
    pub max_orders_per_key: usize,
    /// The most past orders one assessment gathers; bounds the cost of pathological histories
    /// (default 1000).
    pub max_linked_orders: usize,
    /// Failed deliveries in the matched history that make a customer `risky` (default 1).
    pub risky_min_failed: u32,
    /// Whether an unusable phone (none, invalid, junk) makes a `ghost` of a customer with nothing
    /// delivered (default true).
    pub ghost_when_phone_unusable: bool,
    /// How many of `ghost_signals` make a `ghost` of a customer with nothing delivered
    /// (default 2).
    pub ghost_min_signals: u32,
    /// The signals counted by `ghost_min_signals`, among `email_fake`, `address_nonsense`,
    /// `name_nonsense` and `phone_looks_fake` (default all four).
    pub ghost_signals: Vec<ReasonCode>,
    /// Orders never confirmed (`unconfirmed`) in a history with nothing delivered that make a
    /// `ghost` (default 1).
    pub ghost_min_unconfirmed: u32,
    /// Negotiated orders in the matched history that make a `negotiator` (default 1).
    pub negotiator_min_negotiated: u32,
    /// Delivered orders in the matched history that make a `good` customer (default 1).
    pub good_min_delivered: u32,
    /// The action of each class, and the overrides.
    pub actions: ClassActions,
    /// The classes whose orders are reported to customer service when they go ahead (default
    /// good, negotiator).
    pub notify_classes: Vec<CustomerClass>,
}

impl Default for PolicyConfig {
    fn default() -> PolicyConfig {
        PolicyConfig {
            duplicate_window_secs: 48 * 3600,
            name_match_threshold: 0.8,
            max_names_per_key: 3,
            max_orders_per_key: 500,
            max_linked_orders: 1000,
            risky_min_failed: 1,
            ghost_when_phone_unusable: true,
            ghost_min_signals: 2,
            ghost_signals: GHOST_SIGNALS.to_vec(),
            ghost_min_unconfirmed: 1,
            negotiator_min_negotiated: 1,
            good_min_delivered: 1,
            actions: ClassActions::default(),
            notify_classes: vec![CustomerClass::Good, CustomerClass::Negotiator],
        }
    }
}

impl PolicyConfig {
    /// Parses a JSON config; missing keys keep their defaults.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidJson`] for text that is not JSON (as the C library's `cg_engine_new`
    /// says it, `CG_INVALID_JSON`); [`ErrorKind::InvalidConfig`] for JSON that is no config:
    /// unknown keys, values of the wrong type or out of range.
    pub fn from_json(json: &str) -> Result<PolicyConfig, Error> {
        let config: PolicyConfig = serde_json::from_str(json).map_err(|e| {
            let kind = if e.is_data() {
                ErrorKind::InvalidConfig
            } else {
                ErrorKind::InvalidJson
            };
            Error::new(kind, format!("policy config: {e}"))
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the ranges serde cannot.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming the first field out of range.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |what: &str| Err(Error::new(ErrorKind::InvalidConfig, what.to_owned()));
        if self.duplicate_window_secs < 0 {
            return bad("duplicate_window_secs must be >= 0");
        }
        if !(0.0..=1.0).contains(&self.name_match_threshold) {
            return bad("name_match_threshold must be between 0 and 1");
        }
        if self.max_names_per_key == 0 || self.max_orders_per_key == 0 {
            return bad("max_names_per_key and max_orders_per_key must be >= 1");
        }
        if self.max_linked_orders == 0 {
            return bad("max_linked_orders must be >= 1");
        }
        if let Some(code) = self
            .ghost_signals
            .iter()
            .find(|c| !GHOST_SIGNALS.contains(c))
        {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                format!(
                    "ghost_signals: {} is not a ghost signal (email_fake, address_nonsense, \
                     name_nonsense, phone_looks_fake)",
                    code.as_str()
                ),
            ));
        }
        Ok(())
    }
}

/// What the order says, and whether it repeats a recent order of the same customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct OrderSignals {
    /// The phone is missing, invalid or junk: nobody can call or text it.
    pub phone_unusable: bool,
    /// The phone is valid but looks made up (digit runs, counting sequences): a weak signal.
    pub phone_looks_fake: bool,
    /// The email is junk or disposable.
    pub email_fake: bool,
    /// The address is present and nonsense (an absent address is not a signal).
    pub address_nonsense: bool,
    /// The name is present and nonsense (an absent name is not a signal).
    pub name_nonsense: bool,
    /// The same customer placed another order within the duplicate window.
    pub duplicate_recent_order: bool,
}

impl OrderSignals {
    /// Whether the signal named by `code` holds (false for codes that are not ghost signals).
    pub(crate) fn holds(&self, code: ReasonCode) -> bool {
        match code {
            ReasonCode::EmailFake => self.email_fake,
            ReasonCode::AddressNonsense => self.address_nonsense,
            ReasonCode::NameNonsense => self.name_nonsense,
            ReasonCode::PhoneLooksFake => self.phone_looks_fake,
            _ => false,
        }
    }

    /// How many of the signals named by `codes` hold.
    pub(crate) fn count(&self, codes: &[ReasonCode]) -> u32 {
        codes.iter().map(|&c| u32::from(self.holds(c))).sum()
    }
}

/// The rule of the policy that decided the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Risky: failed deliveries.
    Risky,
    /// Ghost: nothing delivered, and the phone is unusable.
    GhostPhone,
    /// Ghost: nothing delivered, and enough signals of a made-up order.
    GhostSignals,
    /// Ghost: nothing delivered, and orders never confirmed.
    GhostUnconfirmed,
    /// Negotiator.
    Negotiator,
    /// Good.
    Good,
    /// New.
    New,
}

/// `count` reaches a threshold; a threshold of 0 switches its rule off.
fn reaches(count: u32, threshold: u32) -> bool {
    threshold > 0 && count >= threshold
}

/// The policy's answer for one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    /// The kind of customer.
    pub class: CustomerClass,
    /// The rule that decided the class.
    pub rule: Rule,
    /// What to do.
    pub action: Action,
    /// Whether customer service hears of the order.
    pub notify_customer_service: bool,
}

impl PolicyConfig {
    /// The class, the action and the notice for an order with these signals and this history.
    pub(crate) fn decide(&self, signals: &OrderSignals, profile: &Profile) -> Decision {
        let (class, rule) = self.classify(signals, profile);
        let action = self.action(class, signals);
        Decision {
            class,
            rule,
            action,
            notify_customer_service: self.notifies(class)
                && matches!(action, Action::AutoConfirm | Action::Confirm),
        }
    }

    /// Applies the rules in order; the first that holds wins.
    pub(crate) fn classify(
        &self,
        signals: &OrderSignals,
        profile: &Profile,
    ) -> (CustomerClass, Rule) {
        let nothing_delivered = profile.delivered == 0;
        if reaches(profile.failed, self.risky_min_failed) {
            (CustomerClass::Risky, Rule::Risky)
        } else if nothing_delivered && self.ghost_when_phone_unusable && signals.phone_unusable {
            (CustomerClass::Ghost, Rule::GhostPhone)
        } else if nothing_delivered
            && reaches(signals.count(&self.ghost_signals), self.ghost_min_signals)
        {
            (CustomerClass::Ghost, Rule::GhostSignals)
        } else if nothing_delivered && reaches(profile.unconfirmed, self.ghost_min_unconfirmed) {
            (CustomerClass::Ghost, Rule::GhostUnconfirmed)
        } else if reaches(profile.negotiated, self.negotiator_min_negotiated) {
            (CustomerClass::Negotiator, Rule::Negotiator)
        } else if reaches(profile.delivered, self.good_min_delivered) {
            (CustomerClass::Good, Rule::Good)
        } else {
            (CustomerClass::New, Rule::New)
        }
    }

    /// The action for a class, then the overrides: a good customer or negotiator without a
    /// usable phone, and an order that would be auto-confirmed while another order of the same
    /// customer is recent.
    pub(crate) fn action(&self, class: CustomerClass, signals: &OrderSignals) -> Action {
        let a = &self.actions;
        let action = match class {
            CustomerClass::New => a.new,
            CustomerClass::Good | CustomerClass::Negotiator if signals.phone_unusable => {
                a.good_without_phone
            }
            CustomerClass::Good => a.good,
            CustomerClass::Negotiator => a.negotiator,
            CustomerClass::Risky => a.risky,
            CustomerClass::Ghost if signals.phone_unusable => a.ghost_without_phone,
            CustomerClass::Ghost => a.ghost,
        };
        if action == Action::AutoConfirm && signals.duplicate_recent_order {
            a.duplicate_recent_order
        } else {
            action
        }
    }

    /// Whether customer service hears of this class's orders.
    pub(crate) fn notifies(&self, class: CustomerClass) -> bool {
        self.notify_classes.contains(&class)
    }
}

/// A risk estimate from 0 (safe) to 1 (almost surely fake or refused).
///
/// A transparent heuristic, not a trained model: it orders orders sensibly for a review queue.
/// Failed deliveries weigh by their share of shipped orders; each delivered order lowers risk;
/// each signal of a made-up order, and a phone nobody can call, raise it.
pub(crate) fn risk(signals: &OrderSignals, profile: &Profile, class: CustomerClass) -> f64 {
    let shipped = f64::from(profile.delivered + profile.failed);
    let base = match class {
        CustomerClass::Ghost if signals.phone_unusable => 0.95,
        CustomerClass::Ghost => 0.85,
        CustomerClass::Risky => 0.5 + 0.45 * f64::from(profile.failed) / shipped.max(1.0),
        CustomerClass::New => 0.3,
        CustomerClass::Negotiator | CustomerClass::Good => {
            0.2 / (1.0 + f64::from(profile.delivered))
        }
    };
    let made_up = 0.05 * f64::from(signals.count(&GHOST_SIGNALS));
    let unreachable = if signals.phone_unusable && class != CustomerClass::Ghost {
        0.1
    } else {
        0.0
    };
    ((base + made_up + unreachable).clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_customer_ordering_again_soon_is_reviewed() {
        let policy = PolicyConfig::default();
        let returning = Profile {
            orders: 2,
            delivered: 2,
            ..Profile::default()
        };
        let again_soon = OrderSignals {
            duplicate_recent_order: true,
            ..OrderSignals::default()
        };
        let d = policy.decide(&again_soon, &returning);
        assert_eq!((d.class, d.action), (CustomerClass::Good, Action::Review));
    }

    fn profile(delivered: u32, failed: u32, unconfirmed: u32, negotiated: u32) -> Profile {
        Profile {
            orders: delivered + failed + unconfirmed,
            delivered,
            failed,
            unconfirmed,
            negotiated,
            ..Profile::default()
        }
    }

    const CLEAN: OrderSignals = OrderSignals {
        phone_unusable: false,
        phone_looks_fake: false,
        email_fake: false,
        address_nonsense: false,
        name_nonsense: false,
        duplicate_recent_order: false,
    };
    const NO_PHONE: OrderSignals = OrderSignals {
        phone_unusable: true,
        ..CLEAN
    };
    const LOOKS_FAKE: OrderSignals = OrderSignals {
        phone_looks_fake: true,
        ..CLEAN
    };
    const TWO_SIGNALS: OrderSignals = OrderSignals {
        phone_looks_fake: true,
        address_nonsense: true,
        ..CLEAN
    };

    fn decide(s: &OrderSignals, p: &Profile) -> (CustomerClass, Rule, Action) {
        let d = PolicyConfig::default().decide(s, p);
        (d.class, d.rule, d.action)
    }

    #[test]
    fn risky_comes_first() {
        use CustomerClass::Risky;
        for s in [CLEAN, NO_PHONE, TWO_SIGNALS] {
            for p in [
                profile(0, 2, 0, 0),
                profile(3, 1, 1, 1),
                profile(0, 1, 2, 0),
            ] {
                assert_eq!(
                    decide(&s, &p),
                    (Risky, Rule::Risky, Action::Review),
                    "{s:?} {p:?}"
                );
            }
        }
    }

    #[test]
    fn ghost_needs_nothing_delivered() {
        use CustomerClass::*;
        let none = profile(0, 0, 0, 0);
        let delivered = profile(2, 0, 0, 0);
        assert_eq!(
            decide(&NO_PHONE, &none),
            (Ghost, Rule::GhostPhone, Action::Reject)
        );
        assert_eq!(
            decide(&TWO_SIGNALS, &none),
            (Ghost, Rule::GhostSignals, Action::Review)
        );
        assert_eq!(
            decide(&CLEAN, &profile(0, 0, 1, 0)),
            (Ghost, Rule::GhostUnconfirmed, Action::Review)
        );
        // A delivered order contradicts every one of these.
        assert_eq!(decide(&NO_PHONE, &delivered).0, Good);
        assert_eq!(decide(&TWO_SIGNALS, &delivered).0, Good);
        assert_eq!(decide(&CLEAN, &profile(1, 0, 3, 0)).0, Good);
    }

    #[test]
    fn a_looks_fake_phone_alone_is_never_a_ghost() {
        use CustomerClass::*;
        assert_eq!(
            decide(&LOOKS_FAKE, &profile(0, 0, 0, 0)),
            (New, Rule::New, Action::Confirm)
        );
        assert_eq!(decide(&LOOKS_FAKE, &profile(1, 0, 0, 0)).0, Good);
        let email_too = OrderSignals {
            email_fake: true,
            ..LOOKS_FAKE
        };
        assert_eq!(decide(&email_too, &profile(0, 0, 0, 0)).0, Ghost);
    }

    #[test]
    fn negotiator_good_and_new() {
        use CustomerClass::*;
        let p = PolicyConfig::default();
        assert_eq!(
            decide(&CLEAN, &profile(1, 0, 0, 1)),
            (Negotiator, Rule::Negotiator, Action::AutoConfirm)
        );
        assert_eq!(
            decide(&CLEAN, &profile(2, 0, 0, 0)),
            (Good, Rule::Good, Action::AutoConfirm)
        );
        assert_eq!(
            decide(&CLEAN, &profile(0, 0, 0, 0)),
            (New, Rule::New, Action::Confirm)
        );
        let cancelled_only = Profile {
            orders: 2,
            cancelled: 2,
            ..Profile::default()
        };
        assert_eq!(decide(&CLEAN, &cancelled_only).0, New);
        assert!(
            p.decide(&CLEAN, &profile(2, 0, 0, 0))
                .notify_customer_service
        );
        assert!(
            !p.decide(&CLEAN, &profile(0, 0, 0, 0))
                .notify_customer_service
        );
    }

    #[test]
    fn overrides_never_auto_confirm_a_duplicate_and_review_a_good_customer_without_phone() {
        use CustomerClass::*;
        let dup = OrderSignals {
            duplicate_recent_order: true,
            ..CLEAN
        };
        assert_eq!(
            decide(&dup, &profile(3, 0, 0, 0)),
            (Good, Rule::Good, Action::Review)
        );
        assert_eq!(decide(&dup, &profile(3, 0, 0, 1)).2, Action::Review);
        // Only auto_confirm is replaced: a new customer's flow asks them anyway.
        assert_eq!(decide(&dup, &profile(0, 0, 0, 0)).2, Action::Confirm);
        assert_eq!(
            decide(&NO_PHONE, &profile(2, 0, 0, 0)),
            (Good, Rule::Good, Action::Review)
        );
        assert_eq!(decide(&NO_PHONE, &profile(2, 0, 0, 1)).2, Action::Review);
        let d = PolicyConfig::default().decide(&dup, &profile(3, 0, 0, 0));
        assert!(
            !d.notify_customer_service,
            "a reviewed order is not announced"
        );
    }

    #[test]
    fn every_rule_is_configurable() {
        use CustomerClass::*;
        let config = |json: &str| PolicyConfig::from_json(json).unwrap();
        let c = config(r#"{"risky_min_failed": 2}"#);
        assert_eq!(c.decide(&CLEAN, &profile(3, 1, 0, 0)).class, Good);
        assert_eq!(c.decide(&CLEAN, &profile(3, 2, 0, 0)).class, Risky);
        let c = config(r#"{"ghost_when_phone_unusable": false}"#);
        assert_eq!(c.decide(&NO_PHONE, &profile(0, 0, 0, 0)).class, New);
        let c = config(r#"{"ghost_signals": ["email_fake", "address_nonsense"]}"#);
        assert_eq!(c.decide(&TWO_SIGNALS, &profile(0, 0, 0, 0)).class, New);
        let c = config(r#"{"ghost_min_signals": 1}"#);
        assert_eq!(c.decide(&LOOKS_FAKE, &profile(0, 0, 0, 0)).class, Ghost);
        let c = config(r#"{"ghost_min_unconfirmed": 0}"#);
        assert_eq!(c.decide(&CLEAN, &profile(0, 0, 4, 0)).class, New);
        let c = config(r#"{"negotiator_min_negotiated": 2}"#);
        assert_eq!(c.decide(&CLEAN, &profile(2, 0, 0, 1)).class, Good);
        let c = config(r#"{"good_min_delivered": 2}"#);
        assert_eq!(c.decide(&CLEAN, &profile(1, 0, 0, 0)).class, New);
        let c = config(r#"{"actions": {"duplicate_recent_order": "auto_confirm"}}"#);
        let dup = OrderSignals {
            duplicate_recent_order: true,
            ..CLEAN
        };
        assert_eq!(
            c.decide(&dup, &profile(1, 0, 0, 0)).action,
            Action::AutoConfirm
        );
        let c = config(
            r#"{"actions": {"good_without_phone": "reject", "risky": "require_prepayment"}}"#,
        );
        assert_eq!(
            c.decide(&NO_PHONE, &profile(1, 0, 0, 0)).action,
            Action::Reject
        );
        assert_eq!(
            c.decide(&CLEAN, &profile(0, 1, 0, 0)).action,
            Action::RequirePrepayment
        );
        assert_eq!(c.actions.good, Action::AutoConfirm);
    }

    #[test]
    fn config_json_round_trips_and_rejects_nonsense() {
        let p = PolicyConfig::default();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(PolicyConfig::from_json(&json).unwrap(), p);
        for bad in [
            r#"{"name_match_threshold": 2}"#,
            r#"{"no_such_key": 1}"#,
            r#"{"actions": {"gost": "review"}}"#,
            r#"{"ghost_signals": ["prior_refused"]}"#,
            r#"{"ghost_signals": ["made_up"]}"#,
            r#"{"risky_min_failed": -1}"#,
        ] {
            let err = PolicyConfig::from_json(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig, "{bad}");
        }
        // Text that is not JSON at all is said so, as C's cg_engine_new says it.
        for bad in [
            "",
            "duplicate_window_secs=3600",
            r#"{"duplicate_window_secs": "#,
            "{'a': 1}",
        ] {
            let err = PolicyConfig::from_json(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidJson, "{bad}");
        }
    }

    #[test]
    fn risk_orders_classes_sensibly() {
        let r = |s: &OrderSignals, p: &Profile| {
            let class = PolicyConfig::default().decide(s, p).class;
            risk(s, p, class)
        };
        let good = r(&CLEAN, &profile(3, 0, 0, 0));
        let good_no_phone = r(&NO_PHONE, &profile(3, 0, 0, 0));
        let new = r(&CLEAN, &profile(0, 0, 0, 0));
        let new_looks_fake = r(&LOOKS_FAKE, &profile(0, 0, 0, 0));
        let risky = r(&CLEAN, &profile(1, 1, 0, 0));
        let very_risky = r(&CLEAN, &profile(0, 3, 0, 0));
        let ghost = r(&CLEAN, &profile(0, 0, 1, 0));
        let ghost_no_phone = r(&NO_PHONE, &profile(0, 0, 0, 0));
        let order = [
            good,
            good_no_phone,
            new,
            new_looks_fake,
            risky,
            ghost,
            ghost_no_phone,
        ];
        assert!(risky < very_risky);
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(order.iter().all(|r| (0.0..=1.0).contains(r)));
    }
}
