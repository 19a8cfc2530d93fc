//! Building an [`Assessment`]: from an order's features and its customer's past orders to the
//! class, action, reasons and profile. One implementation for the in-memory engine and for a
//! history kept in a shop's database.

use std::borrow::Cow;

use crate::assessment::{Assessment, Evidence, Match, Normalized, Profile, Reason, ReasonCode};
use crate::error::ErrorKind;
use crate::history::{
    Features, Gathered, History, LinkRules, Linked, PastOrder, Signature, Source,
};
use crate::policy::{self, OrderSignals, PolicyConfig};
use crate::record::{Order, OrderId, Outcome};
use crate::risk::{RiskInputs, RiskModel};

/// Assesses orders under a policy, reading past orders from a history.
pub(crate) struct Assessor<'a> {
    pub config: &'a PolicyConfig,
    pub history: &'a History,
    /// The fitted risk model, when one is loaded.
    pub risk: Option<&'a RiskModel>,
}

impl Assessor<'_> {
    /// Assesses `order` (with its features) against the orders `source` leads to.
    ///
    /// `source` is the history itself, or a view of it that can report keys it has not read
    /// yet; [`Gathered::missing`] is then returned instead of an assessment.
    pub(crate) fn gather<S: Source>(&self, source: &S, order: &Order, f: &Features) -> Gathered {
        let view = Signature::view_of(f, self.history.hasher());
        let own = self.history.find(order.order_id.as_str());
        LinkRules::new(self.config).gather(source, &view, own)
    }

    /// Assesses `order` (with its features) against the orders `source` leads to. Features
    /// given by value give the assessment their address text rather than a copy of it.
    pub(crate) fn assess<S: Source>(
        &self,
        source: &S,
        order: &Order,
        f: Cow<'_, Features>,
    ) -> Assessment {
        let linked = self.gather(source, order, &f).linked;
        self.assessment(order, f, &linked)
    }

    /// The assessment of `order` given its customer's past orders.
    pub(crate) fn assessment(
        &self,
        order: &Order,
        features: Cow<'_, Features>,
        linked: &[Linked],
    ) -> Assessment {
        let f = &*features;
        let orders: Vec<&PastOrder> = linked
            .iter()
            .filter_map(|l| self.history.order(l.idx))
            .collect();
        let recent = self.recent_orders(order, &orders);
        let signals = f.signals(!recent.is_empty());
        let profile = profile(&orders);
        let decision = self.config.decide(&signals, &profile);
        let mut reasons = own_reasons(f);
        reasons.extend(prior_reasons(&orders));
        reasons.extend(self.duplicate_reason(recent));
        let risk = match self.risk {
            Some(model) => {
                let inputs = risk_inputs(order, f, &signals, &profile, linked);
                let (p, zone) = model.predict(&inputs);
                reasons.extend(zone);
                p
            }
            None => policy::risk(&signals, &profile, decision.class),
        };
        Assessment {
            order_id: order.order_id.clone(),
            customer_class: decision.class,
            action: decision.action,
            risk,
            reasons,
            matches: linked
                .iter()
                .map(|l| Match {
                    order_id: self.id_of(l.idx),
                    score: l.score,
                    evidence: l.agreement.evidence(),
                })
                .collect(),
            profile,
            normalized: Normalized {
                phone: f.phone.as_ref().map(|p| p.as_str().to_owned()),
                email: f.email.as_ref().map(|e| e.address.clone()),
                city: f.city_shown(order),
                address: match features {
                    Cow::Owned(f) => f.address.text,
                    Cow::Borrowed(f) => f.address.text.clone(),
                },
            },
            notify_customer_service: decision.notify_customer_service,
        }
    }

    /// What a risk model reads of `order`'s assessment against the orders `source` leads to.
    pub(crate) fn risk_inputs<S: Source>(
        &self,
        source: &S,
        order: &Order,
        f: &Features,
    ) -> RiskInputs {
        let linked = self.gather(source, order, f).linked;
        let orders: Vec<&PastOrder> = linked
            .iter()
            .filter_map(|l| self.history.order(l.idx))
            .collect();
        let signals = f.signals(false);
        risk_inputs(order, f, &signals, &profile(&orders), &linked)
    }

    fn id_of(&self, idx: u32) -> OrderId {
        OrderId(
            self.history
                .order(idx)
                .map_or_else(String::new, |o| o.id.to_string()),
        )
    }

    /// The customer's other orders placed within the duplicate window of `order`.
    fn recent_orders(&self, order: &Order, orders: &[&PastOrder]) -> Vec<OrderId> {
        let window = self.config.duplicate_window_secs;
        orders
            .iter()
            .filter(|o| (order.placed_at - o.placed_at).abs() <= window)
            .map(|o| OrderId(o.id.to_string()))
            .collect()
    }

    fn duplicate_reason(&self, recent: Vec<OrderId>) -> Option<Reason> {
        (!recent.is_empty()).then(|| Reason {
            code: ReasonCode::DuplicateRecentOrder,
            detail: format!(
                "{} other {} of this customer within {} h",
                recent.len(),
                if recent.len() == 1 { "order" } else { "orders" },
                self.config.duplicate_window_secs / 3600
            ),
            order_ids: recent,
        })
    }
}

/// The risk model's inputs of an assessment.
fn risk_inputs(
    order: &Order,
    f: &Features,
    signals: &OrderSignals,
    profile: &Profile,
    linked: &[Linked],
) -> RiskInputs {
    let phone_matched = linked
        .iter()
        .any(|l| l.agreement.evidence().contains(&Evidence::Phone));
    RiskInputs::of(order, f, signals, profile, phone_matched)
}

/// What the matched past orders add up to.
fn profile(orders: &[&PastOrder]) -> Profile {
    let mut p = Profile::default();
    for o in orders {
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

/// A reason about the order itself (no past orders behind it).
fn own(code: ReasonCode, detail: impl Into<String>) -> Reason {
    Reason {
        code,
        detail: detail.into(),
        order_ids: Vec::new(),
    }
}

/// What the order's own fields say. An absent name or email says nothing; an absent address
/// is its own reason, so that the confirmation can ask for it.
fn own_reasons(f: &Features) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(problem) = f.phone_problem {
        let detail = if problem == ErrorKind::PhoneEmpty {
            "the order has no phone".to_owned()
        } else {
            format!("the phone is unusable ({problem})")
        };
        reasons.push(own(ReasonCode::PhoneInvalid, detail));
    } else if f.phone_looks_fake {
        reasons.push(own(
            ReasonCode::PhoneLooksFake,
            "the phone is valid but its digits look made up (a weak signal)",
        ));
    }
    match (&f.email, f.email_problem) {
        (Some(e), _) if e.fake.is_some() => {
            let why = serde_json::to_value(e.fake).ok();
            let why = why.as_ref().and_then(|v| v.as_str()).unwrap_or("fake");
            reasons.push(own(
                ReasonCode::EmailFake,
                format!("the email looks fake ({why})"),
            ));
        }
        (Some(e), _) if e.suggestion.is_some() => reasons.push(own(
            ReasonCode::EmailTypo,
            "the email's domain looks like a typo of a known provider",
        )),
        (None, Some(problem)) => reasons.push(own(
            ReasonCode::EmailInvalid,
            format!("the email is unusable ({problem})"),
        )),
        _ => {}
    }
    if f.address.nonsense {
        reasons.push(own(
            ReasonCode::AddressNonsense,
            "the address is not a real address",
        ));
    } else if f.address.text.is_empty() {
        reasons.push(own(
            ReasonCode::AddressMissing,
            "the order has no address: ask the customer for it",
        ));
    }
    if f.name.nonsense {
        reasons.push(own(ReasonCode::NameNonsense, "the name is not a real name"));
    }
    reasons
}

/// What the customer's past orders say, one reason per kind of outcome.
fn prior_reasons(orders: &[&PastOrder]) -> Vec<Reason> {
    let shipped = orders
        .iter()
        .filter(|o| o.outcome == Outcome::Delivered || o.outcome.is_failed_delivery())
        .count();
    let kinds = [
        (
            ReasonCode::PriorUnconfirmed,
            Some(Outcome::Unconfirmed),
            "never confirmed",
        ),
        (ReasonCode::PriorRefused, Some(Outcome::Refused), "refused"),
        (
            ReasonCode::PriorUnreachable,
            Some(Outcome::Unreachable),
            "unreachable",
        ),
        (
            ReasonCode::PriorReturned,
            Some(Outcome::Returned),
            "returned",
        ),
        (
            ReasonCode::PriorCancelled,
            Some(Outcome::Cancelled),
            "cancelled by the customer",
        ),
        (ReasonCode::PriorNegotiated, None, "negotiated"),
        (
            ReasonCode::PriorDelivered,
            Some(Outcome::Delivered),
            "delivered and paid",
        ),
    ];
    let mut reasons = Vec::new();
    for (code, outcome, what) in kinds {
        let ids: Vec<OrderId> = orders
            .iter()
            .filter(|o| outcome.map_or(o.negotiated, |want| o.outcome == want))
            .map(|o| OrderId(o.id.to_string()))
            .collect();
        if ids.is_empty() {
            continue;
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
    }
    reasons
}
