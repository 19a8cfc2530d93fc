//! The words of an assessment: customer classes, actions, reasons, matches and the
//! [`Assessment`] the engine returns.
//!
//! This module only names things; deciding which class and action an order gets is the policy's
//! job, and building an assessment is the engine's.

use serde::{Deserialize, Serialize};

use crate::record::OrderId;

/// The kind of customer, as the founding text sorts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerClass {
    /// No usable history.
    New,
    /// Bought and paid before.
    Good,
    /// A good customer who haggles for discounts and gifts.
    Negotiator,
    /// Refused, was unreachable or had parcels returned before.
    Risky,
    /// Fake details, or never confirmed and never took a delivery.
    Ghost,
}

impl CustomerClass {
    /// Every class, in contract order.
    pub const ALL: [CustomerClass; 5] = [
        CustomerClass::New,
        CustomerClass::Good,
        CustomerClass::Negotiator,
        CustomerClass::Risky,
        CustomerClass::Ghost,
    ];

    /// The contract's snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerClass::New => "new",
            CustomerClass::Good => "good",
            CustomerClass::Negotiator => "negotiator",
            CustomerClass::Risky => "risky",
            CustomerClass::Ghost => "ghost",
        }
    }
}

contract_names!(@parse CustomerClass, "customer class");

/// What the shop should do with the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Confirm now, no confirmation flow.
    AutoConfirm,
    /// Start the confirmation flow.
    Confirm,
    /// A person calls first.
    Review,
    /// Offer to pay online first (never a default; a shop opts in per class).
    RequirePrepayment,
    /// Do not ship.
    Reject,
}

contract_names!(Action, "action", {
    AutoConfirm => "auto_confirm",
    Confirm => "confirm",
    Review => "review",
    RequirePrepayment => "require_prepayment",
    Reject => "reject",
});

/// A stable reason code. New codes may be added; existing ones never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonCode {
    /// The order's phone is unusable: none, not a valid number of its country, or junk (all
    /// digits equal, a documented fictitious range).
    PhoneInvalid,
    /// The order's phone is valid but looks made up (a run of equal digits, a counting sequence).
    /// A weak signal: such numbers are also real customers' numbers.
    PhoneLooksFake,
    /// The order's email is junk or disposable.
    EmailFake,
    /// The order's email is not a usable address.
    EmailInvalid,
    /// The order's address is nonsense (present, and junk).
    AddressNonsense,
    /// The order has no address: ask the customer for it (the confirmation page can).
    AddressMissing,
    /// The order's name is nonsense (present, and junk).
    NameNonsense,
    /// Past orders of this customer were never confirmed.
    PriorUnconfirmed,
    /// Past orders were refused at the door.
    PriorRefused,
    /// The courier could not reach the customer before.
    PriorUnreachable,
    /// Past parcels came back.
    PriorReturned,
    /// The customer negotiated before.
    PriorNegotiated,
    /// The customer received and paid before.
    PriorDelivered,
    /// Past orders were cancelled by the customer.
    PriorCancelled,
    /// The same customer placed another order recently.
    DuplicateRecentOrder,
    /// The email's domain looks like a typo of a known provider.
    EmailTypo,
    /// Deliveries fail often in the order's zone (district, city or country): only with a
    /// fitted risk model loaded, when the zone's rate is at least 1.5 times the shop's.
    ZoneFailureRate,
}

impl ReasonCode {
    /// Every code.
    pub const ALL: [ReasonCode; 17] = [
        ReasonCode::PhoneInvalid,
        ReasonCode::PhoneLooksFake,
        ReasonCode::EmailFake,
        ReasonCode::EmailInvalid,
        ReasonCode::EmailTypo,
        ReasonCode::AddressNonsense,
        ReasonCode::AddressMissing,
        ReasonCode::NameNonsense,
        ReasonCode::PriorUnconfirmed,
        ReasonCode::PriorRefused,
        ReasonCode::PriorUnreachable,
        ReasonCode::PriorReturned,
        ReasonCode::PriorNegotiated,
        ReasonCode::PriorDelivered,
        ReasonCode::PriorCancelled,
        ReasonCode::DuplicateRecentOrder,
        ReasonCode::ZoneFailureRate,
    ];

    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::PhoneInvalid => "phone_invalid",
            ReasonCode::PhoneLooksFake => "phone_looks_fake",
            ReasonCode::EmailFake => "email_fake",
            ReasonCode::EmailInvalid => "email_invalid",
            ReasonCode::AddressNonsense => "address_nonsense",
            ReasonCode::AddressMissing => "address_missing",
            ReasonCode::NameNonsense => "name_nonsense",
            ReasonCode::PriorUnconfirmed => "prior_unconfirmed",
            ReasonCode::PriorRefused => "prior_refused",
            ReasonCode::PriorUnreachable => "prior_unreachable",
            ReasonCode::PriorReturned => "prior_returned",
            ReasonCode::PriorNegotiated => "prior_negotiated",
            ReasonCode::PriorDelivered => "prior_delivered",
            ReasonCode::PriorCancelled => "prior_cancelled",
            ReasonCode::DuplicateRecentOrder => "duplicate_recent_order",
            ReasonCode::EmailTypo => "email_typo",
            ReasonCode::ZoneFailureRate => "zone_failure_rate",
        }
    }
}

contract_names!(@parse ReasonCode, "reason code");

/// Why the engine decided what it decided: a stable code, a sentence, the orders behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// A sentence for people (no customer data beyond counts and ids).
    pub detail: String,
    /// The past orders behind the reason.
    #[serde(default)]
    pub order_ids: Vec<OrderId>,
}

/// A field that matched between the new order and a past one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Same E.164 phone.
    Phone,
    /// Same canonical email.
    Email,
    /// Same delivery address (city, street, number, unit).
    Address,
    /// Same name (across scripts and spellings).
    Name,
}

contract_names!(Evidence, "evidence", {
    Phone => "phone",
    Email => "email",
    Address => "address",
    Name => "name",
});

/// A past order judged to be the same customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The past order.
    pub order_id: OrderId,
    /// Confidence, 0 to 1.
    pub score: f64,
    /// The fields that matched.
    pub evidence: Vec<Evidence>,
}

/// What the matched history says of the customer, for customer service and loyalty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Profile {
    /// Past orders matched.
    pub orders: u32,
    /// Delivered and paid.
    pub delivered: u32,
    /// Failed deliveries (refused, unreachable, returned).
    pub failed: u32,
    /// Cancelled by the customer.
    pub cancelled: u32,
    /// Never confirmed.
    pub unconfirmed: u32,
    /// Negotiated orders.
    pub negotiated: u32,
    /// Sum of the delivered orders' totals.
    pub delivered_value: f64,
    /// First past order, Unix seconds (null without history).
    pub first_seen: Option<i64>,
    /// Last past order, Unix seconds (null without history).
    pub last_seen: Option<i64>,
}

/// The order's fields as the engine understood them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Normalized {
    /// E.164 phone, or null when invalid.
    pub phone: Option<String>,
    /// Normalized email, or null when empty or invalid.
    pub email: Option<String>,
    /// Normalized address text.
    pub address: String,
    /// Canonical city name, or the folded city as typed when unknown.
    pub city: String,
}

/// The engine's answer for one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The order assessed.
    pub order_id: OrderId,
    /// The kind of customer.
    pub customer_class: CustomerClass,
    /// What to do.
    pub action: Action,
    /// Risk of a failed or fake order, 0 to 1: the policy's heuristic, or, with a fitted risk
    /// model loaded ([`crate::risk`]), the probability that the order fails delivery.
    pub risk: f64,
    /// Why.
    pub reasons: Vec<Reason>,
    /// Past orders of the same customer, best first.
    pub matches: Vec<Match>,
    /// The matched history in numbers.
    pub profile: Profile,
    /// The order's fields as understood.
    pub normalized: Normalized,
    /// Tell customer service (good customers, negotiators).
    pub notify_customer_service: bool,
}
