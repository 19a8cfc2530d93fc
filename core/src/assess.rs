//! Building an [`Assessment`]: from an order's features and its customer's past orders to the
//! class, action, reasons and profile. One implementation for the in-memory engine and for a
//! history kept in a shop's database.

use crate::classify::{Action, Assessment, Match, Normalized, Profile, Reason, ReasonCode};
use crate::history::{Features, Gathered, History, LinkRules, Linked, Signature, Source};
use crate::policy::{self, OrderSignals, PolicyConfig};
use crate::record::{Order, OrderId, Outcome};

/// Assesses orders under a policy, reading past orders from a history.
pub(crate) struct Assessor<'a> {
    pub config: &'a PolicyConfig,
    pub history: &'a History,
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

    /// Assesses `order` (with its features) against the orders `source` leads to.
    pub(crate) fn assess<S: Source>(&self, source: &S, order: &Order, f: &Features) -> Assessment {
        let linked = self.gather(source, order, f).linked;
        self.assessment(order, f, &linked)
    }

    /// The assessment of `order` given its customer's past orders.
    pub(crate) fn assessment(&self, order: &Order, f: &Features, linked: &[Linked]) -> Assessment {
        let signals = OrderSignals {
            phone_unusable: f.phone.is_none(),
            email_fake: f.email.as_ref().is_some_and(|e| e.fake.is_some()),
            address_nonsense: f.address.nonsense,
            name_nonsense: f.name.nonsense,
        };
        let profile = self.profile(linked);
        let (class, _rule) = self.config.classify(&signals, &profile);
        let action = self.config.action(class, f.phone.is_some());
        let reasons = self.reasons(order, f, linked);
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
                    evidence: l.agreement.evidence(),
                })
                .collect(),
            profile,
            normalized: Normalized {
                phone: f.phone.as_ref().map(|p| p.as_str().to_owned()),
                email: f.email.as_ref().map(|e| e.address.clone()),
                address: f.address.text.clone(),
                city: f.city_shown(order),
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
}
