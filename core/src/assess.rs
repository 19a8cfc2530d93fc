//! Building an [`Assessment`]: from an order's features and its customer's past orders to the
//! class, action, reasons and profile. One implementation for the in-memory engine and for a
//! history kept in a shop's database.

use std::borrow::Cow;

use smallvec::SmallVec;

use crate::assessment::{Assessment, Match, Normalized, Profile, Reason, ReasonCode};
use crate::error::ErrorKind;
use crate::history::{
    Features, Gathered, History, LinkRules, Linked, PastOrder, Signature, Source,
};
use crate::normalize::{address::NormalizedAddress, E164Phone};
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

impl<'a> Assessor<'a> {
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
        // In place for a customer of up to [`ORDERS`] (no heap list made and freed), filled
        // where it is kept (a list collected elsewhere would be moved here, all of it).
        let mut orders: SmallVec<[&PastOrder; ORDERS]> = SmallVec::new();
        orders.extend(self.past_orders(linked));
        let recent = self.recent_orders(order, &orders);
        let signals = f.signals(!recent.is_empty());
        let profile = profile(&orders);
        let decision = self.config.decide(&signals, &profile);
        // One list for every reason, made once: the kinds of reasons are few (a dozen at most).
        let mut reasons = Vec::with_capacity(REASONS);
        own_reasons(f, self.delivered_to_phone(linked), &mut reasons);
        prior_reasons(&orders, &mut reasons);
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
            normalized: normalized(order, features),
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
        let mut orders: SmallVec<[&PastOrder; ORDERS]> = SmallVec::new();
        orders.extend(self.past_orders(&linked));
        let signals = f.signals(false);
        risk_inputs(order, f, &signals, &profile(&orders), &linked)
    }

    /// Whether a parcel was delivered to the new order's phone: a past order of `linked` with
    /// the same phone was delivered (and its cash collected).
    fn delivered_to_phone(&self, linked: &[Linked]) -> bool {
        linked.iter().any(|l| {
            l.agreement.phone()
                && self
                    .history
                    .order(l.idx)
                    .is_some_and(|o| o.outcome == Outcome::Delivered)
        })
    }

    /// The past orders of `linked`.
    fn past_orders<'l>(&'l self, linked: &'l [Linked]) -> impl Iterator<Item = &'a PastOrder> + 'l {
        linked.iter().filter_map(|l| self.history.order(l.idx))
    }

    fn id_of(&self, idx: u32) -> OrderId {
        self.history
            .order(idx)
            .map_or_else(|| OrderId(String::new()), id_of)
    }

    /// The customer's other orders placed within the duplicate window of `order`.
    fn recent_orders(&self, order: &Order, orders: &[&PastOrder]) -> Vec<OrderId> {
        let window = self.config.duplicate_window_secs;
        orders
            .iter()
            .filter(|o| (order.placed_at - o.placed_at).abs() <= window)
            .map(|o| id_of(o))
            .collect()
    }

    fn duplicate_reason(&self, recent: Vec<OrderId>) -> Option<Reason> {
        (!recent.is_empty()).then(|| {
            let mut detail = String::with_capacity(48);
            push_count(&mut detail, recent.len());
            detail.push_str(if recent.len() == 1 {
                " other order of this customer within "
            } else {
                " other orders of this customer within "
            });
            push_count(&mut detail, self.config.duplicate_window_secs / 3600);
            detail.push_str(" h");
            Reason {
                code: ReasonCode::DuplicateRecentOrder,
                detail,
                order_ids: recent,
            }
        })
    }
}

/// The linked orders an assessment holds in place (past them, on the heap).
const ORDERS: usize = 16;

/// The normalized fields an assessment shows of `order`, whose features these are. Features
/// given by value give theirs (phone, email and address texts) rather than copies.
#[inline]
fn normalized(order: &Order, features: Cow<'_, Features>) -> Normalized {
    let city = features.city_shown(order);
    match features {
        // The fields taken one by one, the rest dropped where it lies (not moved first).
        Cow::Owned(Features {
            phone,
            email,
            address: NormalizedAddress { text, .. },
            ..
        }) => Normalized {
            phone: phone.map(E164Phone::into_string),
            email: email.map(|e| e.address),
            city,
            address: text,
        },
        Cow::Borrowed(f) => Normalized {
            phone: f.phone.as_ref().map(|p| p.as_str().to_owned()),
            email: f.email.as_ref().map(|e| e.address.clone()),
            city,
            address: f.address.text.clone(),
        },
    }
}

/// Room for every reason an assessment can give: one per own field (phone, email, address,
/// name), one per kind of past outcome (seven), the duplicate and the zone.
const REASONS: usize = 13;

/// The id of a past order, as an assessment gives it. (A copy of the text: `to_string` on the
/// boxed text would go through the formatting machinery, several times the cost, for each id
/// of each match and reason.)
fn id_of(o: &PastOrder) -> OrderId {
    OrderId(String::from(&*o.id))
}

/// Appends `n` in decimal: the counts of the reasons' texts, written without the formatting
/// machinery that `format!` runs (a parse of its template and a call per piece).
fn push_count<N: itoa::Integer>(text: &mut String, n: N) {
    text.push_str(itoa::Buffer::new().format(n));
}

/// The risk model's inputs of an assessment.
fn risk_inputs(
    order: &Order,
    f: &Features,
    signals: &OrderSignals,
    profile: &Profile,
    linked: &[Linked],
) -> RiskInputs {
    let phone_matched = linked.iter().any(|l| l.agreement.phone());
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

/// What the order's own fields say, added to `reasons`. An absent name or email says nothing;
/// an absent address is its own reason, so that the confirmation can ask for it.
///
/// `delivered_to_phone`: a parcel was delivered to this phone before. Its digits may still look
/// made up (the signal stays, as the contract lists it), but the sentence says the history
/// proves it real, so that staff do not doubt a customer who has paid at the door on it.
fn own_reasons(f: &Features, delivered_to_phone: bool, reasons: &mut Vec<Reason>) {
    if let Some(problem) = f.phone_problem {
        let detail = if problem == ErrorKind::PhoneEmpty {
            "the order has no phone".to_owned()
        } else {
            ["the phone is unusable (", problem.code(), ")"].concat()
        };
        reasons.push(own(ReasonCode::PhoneInvalid, detail));
    } else if f.phone_looks_fake {
        reasons.push(own(
            ReasonCode::PhoneLooksFake,
            if delivered_to_phone {
                "the phone's digits look made up, but parcels were delivered to it before: \
                 it is real"
            } else {
                "the phone is valid but its digits look made up (a weak signal)"
            },
        ));
    }
    match (&f.email, f.email_problem) {
        (Some(e), _) if e.fake.is_some() => {
            let why = serde_json::to_value(e.fake).ok();
            let why = why.as_ref().and_then(|v| v.as_str()).unwrap_or("fake");
            reasons.push(own(
                ReasonCode::EmailFake,
                ["the email looks fake (", why, ")"].concat(),
            ));
        }
        (Some(e), _) if e.suggestion.is_some() => reasons.push(own(
            ReasonCode::EmailTypo,
            "the email's domain looks like a typo of a known provider",
        )),
        (None, Some(problem)) => reasons.push(own(
            ReasonCode::EmailInvalid,
            ["the email is unusable (", problem.code(), ")"].concat(),
        )),
        _ => {}
    }
    if f.address.nonsense {
        reasons.push(own(
            ReasonCode::AddressNonsense,
            "no courier can find this address (a keyboard mash, a test word, or one word such \
             as the city alone): ask the customer for the full address",
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
}

/// What the customer's past orders say, one reason per kind of outcome, added to `reasons`.
fn prior_reasons(orders: &[&PastOrder], reasons: &mut Vec<Reason>) {
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
    for (code, outcome, what) in kinds {
        let ids: Vec<OrderId> = orders
            .iter()
            .filter(|o| outcome.map_or(o.negotiated, |want| o.outcome == want))
            .map(|o| id_of(o))
            .collect();
        if ids.is_empty() {
            continue;
        }
        // "2 of 3 shipped orders refused", "1 of 4 past orders never confirmed".
        let mut detail = String::with_capacity(48);
        push_count(&mut detail, ids.len());
        detail.push_str(" of ");
        match outcome {
            Some(out) if out == Outcome::Delivered || out.is_failed_delivery() => {
                push_count(&mut detail, shipped);
                detail.push_str(" shipped orders ");
            }
            _ => {
                push_count(&mut detail, orders.len());
                detail.push_str(" past orders ");
            }
        }
        detail.push_str(what);
        reasons.push(Reason {
            code,
            detail,
            order_ids: ids,
        });
    }
}
