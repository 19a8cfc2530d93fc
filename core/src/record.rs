//! The records of the contract: [`Order`], [`HistoryRecord`] and [`Outcome`].
//!
//! Their serde form is the JSON wire format of `CONTRACT.md` section 1. A missing optional field
//! and `""` mean the same, so every optional text field defaults to the empty string.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

/// A shop's order id, opaque to the library.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct OrderId(pub String);

impl OrderId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for OrderId {
    fn from(s: &str) -> OrderId {
        OrderId(s.to_owned())
    }
}

impl From<String> for OrderId {
    fn from(s: String) -> OrderId {
        OrderId(s)
    }
}

impl std::fmt::Display for OrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new order as the shop's checkout received it.
///
/// # Example
/// ```
/// let order: codguard::Order = serde_json::from_str(
///     r#"{"order_id": "o-1", "placed_at": 1767225600, "phone": "06 12 34 56 78", "country": "MA"}"#,
/// ).unwrap();
/// assert_eq!(order.email, "");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Order {
    /// The shop's id for the order (required, not empty).
    pub order_id: OrderId,
    /// When the order was placed, Unix seconds UTC.
    pub placed_at: i64,
    /// The customer's name as typed.
    #[serde(default)]
    pub name: String,
    /// The phone as typed.
    #[serde(default)]
    pub phone: String,
    /// The email as typed.
    #[serde(default)]
    pub email: String,
    /// The delivery address as typed (street, number, district).
    #[serde(default)]
    pub address: String,
    /// The delivery city as typed, in any script.
    #[serde(default)]
    pub city: String,
    /// ISO 3166-1 alpha-2 country: the default region for the phone.
    #[serde(default)]
    pub country: String,
    /// The order's total, in `currency`.
    #[serde(default)]
    pub total: f64,
    /// ISO 4217 currency of `total`.
    #[serde(default)]
    pub currency: String,
}

impl Order {
    /// Checks what serde cannot: a non-empty order id.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] when `order_id` is empty.
    pub fn validate(&self) -> Result<(), Error> {
        if self.order_id.0.trim().is_empty() {
            return Err(Error::new(ErrorKind::InvalidRecord, "order_id is empty"));
        }
        Ok(())
    }
}

/// What became of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Placed, not yet confirmed.
    Pending,
    /// Confirmed by the customer, not yet delivered.
    Confirmed,
    /// Delivered and cash collected.
    Delivered,
    /// Refused at the door.
    Refused,
    /// The courier could not reach the customer.
    Unreachable,
    /// Back to origin after shipping.
    Returned,
    /// Cancelled by the customer before shipping.
    Cancelled,
    /// Never confirmed; auto-cancelled.
    Unconfirmed,
}

impl Outcome {
    /// Every outcome, in contract order.
    pub const ALL: [Outcome; 8] = [
        Outcome::Pending,
        Outcome::Confirmed,
        Outcome::Delivered,
        Outcome::Refused,
        Outcome::Unreachable,
        Outcome::Returned,
        Outcome::Cancelled,
        Outcome::Unconfirmed,
    ];

    /// The contract's lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Confirmed => "confirmed",
            Outcome::Delivered => "delivered",
            Outcome::Refused => "refused",
            Outcome::Unreachable => "unreachable",
            Outcome::Returned => "returned",
            Outcome::Cancelled => "cancelled",
            Outcome::Unconfirmed => "unconfirmed",
        }
    }

    /// A failed delivery: refused, unreachable or returned. These cost the shop a return.
    pub fn is_failed_delivery(self) -> bool {
        matches!(
            self,
            Outcome::Refused | Outcome::Unreachable | Outcome::Returned
        )
    }
}

impl std::str::FromStr for Outcome {
    type Err = Error;

    /// Parses a contract name (`"delivered"`, ...).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] for any other text.
    fn from_str(s: &str) -> Result<Outcome, Error> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| Error::new(ErrorKind::InvalidRecord, "unknown outcome name"))
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A past order with what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The order as placed.
    #[serde(flatten)]
    pub order: Order,
    /// What became of it.
    pub outcome: Outcome,
    /// Whether the customer haggled for a discount or a gift.
    #[serde(default)]
    pub negotiated: bool,
}
