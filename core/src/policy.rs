//! The classification policy: which class a customer is, and what the shop does about it.
//!
//! [`PolicyConfig::default`] is the default policy of `CONTRACT.md` section 2; every threshold
//! and every class's action is configurable (serde: JSON in, JSON out). The first rule that
//! holds wins:
//!
//! 1. `ghost`: the order's phone is invalid; or two or more of {email fake, address nonsense,
//!    name nonsense}; or the matched history has an `unconfirmed` order and no `delivered` one.
//! 2. `risky`: the matched history has a failed delivery (refused, unreachable, returned).
//! 3. `negotiator`: the matched history has a negotiated order.
//! 4. `good`: the matched history has a delivered order.
//! 5. `new`: otherwise.

use serde::{Deserialize, Serialize};

use crate::classify::{Action, CustomerClass, Profile};
use crate::error::{Error, ErrorKind};

/// What the shop does for each class. `require_prepayment` is never a default: a shop opts in.
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
        }
    }
}

/// Every threshold of matching and classification.
///
/// # Example
/// ```
/// let config: codguard::policy::PolicyConfig =
///     serde_json::from_str(r#"{"duplicate_window_secs": 3600}"#).unwrap();
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
    /// How many of {email fake, address nonsense, name nonsense} make a ghost (default 2).
    pub ghost_min_signals: u32,
    /// The action of each class.
    pub actions: ClassActions,
    /// The classes whose orders are reported to customer service (default good, negotiator).
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
            ghost_min_signals: 2,
            actions: ClassActions::default(),
            notify_classes: vec![CustomerClass::Good, CustomerClass::Negotiator],
        }
    }
}

impl PolicyConfig {
    /// Parses a JSON config; missing keys keep their defaults.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for malformed JSON, unknown keys or values out of range.
    pub fn from_json(json: &str) -> Result<PolicyConfig, Error> {
        let config: PolicyConfig = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorKind::InvalidConfig, format!("policy config: {e}")))?;
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
        Ok(())
    }
}

/// What the order itself says, before any history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderSignals {
    /// The phone is missing, invalid or junk.
    pub phone_unusable: bool,
    /// The email is junk or disposable.
    pub email_fake: bool,
    /// The address is nonsense.
    pub address_nonsense: bool,
    /// The name is nonsense.
    pub name_nonsense: bool,
}

impl OrderSignals {
    /// How many of {email fake, address nonsense, name nonsense} hold.
    pub fn junk_count(&self) -> u32 {
        u32::from(self.email_fake)
            + u32::from(self.address_nonsense)
            + u32::from(self.name_nonsense)
    }
}

/// The rule of the policy that decided the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Ghost: the phone is unusable.
    GhostPhone,
    /// Ghost: enough junk fields.
    GhostJunk,
    /// Ghost: never confirmed and never took a delivery.
    GhostUnconfirmed,
    /// Risky: failed deliveries.
    Risky,
    /// Negotiator.
    Negotiator,
    /// Good.
    Good,
    /// New.
    New,
}

impl PolicyConfig {
    /// Applies the rules in order; the first that holds wins.
    pub fn classify(&self, signals: &OrderSignals, profile: &Profile) -> (CustomerClass, Rule) {
        if signals.phone_unusable {
            (CustomerClass::Ghost, Rule::GhostPhone)
        } else if signals.junk_count() >= self.ghost_min_signals {
            (CustomerClass::Ghost, Rule::GhostJunk)
        } else if profile.unconfirmed > 0 && profile.delivered == 0 {
            (CustomerClass::Ghost, Rule::GhostUnconfirmed)
        } else if profile.failed > 0 {
            (CustomerClass::Risky, Rule::Risky)
        } else if profile.negotiated > 0 {
            (CustomerClass::Negotiator, Rule::Negotiator)
        } else if profile.delivered > 0 {
            (CustomerClass::Good, Rule::Good)
        } else {
            (CustomerClass::New, Rule::New)
        }
    }

    /// The action for a class; a ghost without a usable phone cannot be confirmed by anyone.
    pub fn action(&self, class: CustomerClass, phone_usable: bool) -> Action {
        match class {
            CustomerClass::New => self.actions.new,
            CustomerClass::Good => self.actions.good,
            CustomerClass::Negotiator => self.actions.negotiator,
            CustomerClass::Risky => self.actions.risky,
            CustomerClass::Ghost if phone_usable => self.actions.ghost,
            CustomerClass::Ghost => self.actions.ghost_without_phone,
        }
    }

    /// Whether customer service hears of this class's orders.
    pub fn notifies(&self, class: CustomerClass) -> bool {
        self.notify_classes.contains(&class)
    }
}

/// A risk estimate from 0 (safe) to 1 (almost surely fake or refused).
///
/// A transparent heuristic, not a trained model: it orders orders sensibly for a review queue.
/// Failed deliveries weigh by their share of shipped orders; each delivered order lowers risk.
pub fn risk(signals: &OrderSignals, profile: &Profile, class: CustomerClass) -> f64 {
    let shipped = f64::from(profile.delivered + profile.failed);
    let r = match class {
        CustomerClass::Ghost if signals.phone_unusable => 0.95,
        CustomerClass::Ghost => 0.85,
        CustomerClass::Risky => 0.5 + 0.45 * f64::from(profile.failed) / shipped.max(1.0),
        CustomerClass::New => 0.3,
        CustomerClass::Negotiator | CustomerClass::Good => {
            0.2 / (1.0 + f64::from(profile.delivered))
        }
    };
    let junk = 0.05 * f64::from(signals.junk_count());
    ((r + junk).clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn rules_apply_in_contract_order() {
        let p = PolicyConfig::default();
        let clean = OrderSignals::default();
        let bad_phone = OrderSignals {
            phone_unusable: true,
            ..clean
        };
        let two_junk = OrderSignals {
            email_fake: true,
            address_nonsense: true,
            ..clean
        };
        let one_junk = OrderSignals {
            email_fake: true,
            ..clean
        };
        assert_eq!(
            p.classify(&bad_phone, &profile(5, 0, 0, 0)).0,
            CustomerClass::Ghost
        );
        assert_eq!(
            p.classify(&two_junk, &profile(5, 0, 0, 0)).0,
            CustomerClass::Ghost
        );
        assert_eq!(
            p.classify(&one_junk, &profile(5, 0, 0, 0)).0,
            CustomerClass::Good
        );
        assert_eq!(
            p.classify(&clean, &profile(0, 0, 1, 0)).0,
            CustomerClass::Ghost
        );
        // One delivery outweighs an unconfirmed order; a failure then makes it risky.
        assert_eq!(
            p.classify(&clean, &profile(1, 1, 1, 0)).0,
            CustomerClass::Risky
        );
        assert_eq!(
            p.classify(&clean, &profile(1, 0, 0, 1)).0,
            CustomerClass::Negotiator
        );
        assert_eq!(
            p.classify(&clean, &profile(0, 0, 0, 1)).0,
            CustomerClass::Negotiator
        );
        assert_eq!(
            p.classify(&clean, &profile(2, 0, 0, 0)).0,
            CustomerClass::Good
        );
        assert_eq!(
            p.classify(&clean, &profile(0, 0, 0, 0)).0,
            CustomerClass::New
        );
    }

    #[test]
    fn ghost_without_phone_is_rejected_and_prepayment_is_opt_in() {
        let mut p = PolicyConfig::default();
        assert_eq!(p.action(CustomerClass::Ghost, false), Action::Reject);
        assert_eq!(p.action(CustomerClass::Ghost, true), Action::Review);
        assert_eq!(p.action(CustomerClass::Risky, true), Action::Review);
        p.actions.risky = Action::RequirePrepayment;
        assert_eq!(
            p.action(CustomerClass::Risky, true),
            Action::RequirePrepayment
        );
    }

    #[test]
    fn config_json_round_trips_and_rejects_nonsense() {
        let p = PolicyConfig::default();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(PolicyConfig::from_json(&json).unwrap(), p);
        let err = PolicyConfig::from_json(r#"{"name_match_threshold": 2}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        let err = PolicyConfig::from_json(r#"{"no_such_key": 1}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        let p = PolicyConfig::from_json(r#"{"actions": {"risky": "require_prepayment"}}"#).unwrap();
        assert_eq!(p.actions.risky, Action::RequirePrepayment);
        assert_eq!(p.actions.good, Action::AutoConfirm);
    }
}
