//! The records of the contract: [`Order`], [`HistoryRecord`] and [`Outcome`].
//!
//! Their serde form is the JSON wire format of the contract (`docs/contract.md`, "Records").
//! Reading one is strict, because a misspelled field or a country written out in full must be an
//! error the integrator sees at once, never a quiet decision on an order that lost its phone:
//!
//! - a field the record does not have (`telephone`, `Phone`) is refused, by name;
//! - `order_id` (non-empty text), `placed_at` (integer Unix seconds, not negative) and
//!   `country` (an ISO 3166-1 alpha-2 code, any letter case, kept upper case) are required, and
//!   `outcome` in a history record;
//! - the other text fields take a string or null: missing, null and `""` mean the same (absent);
//!   `total` takes a number (not negative) or null, `negotiated` a boolean or null;
//! - a value of the wrong type is refused, naming the field and the type it must have, without
//!   repeating the value.
//!
//! Every such error is an [`ErrorKind::InvalidRecord`] once it leaves the library (serde's error
//! inside Rust, carrying the same message).

pub(crate) mod wire;

pub use wire::{unknown_field, Field, HISTORY_FIELDS, ORDER_FIELDS};

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::data;
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
///     r#"{"order_id": "o-1", "placed_at": 1767225600, "phone": "06 12 34 56 78", "country": "ma"}"#,
/// ).unwrap();
/// assert_eq!((order.email.as_str(), order.country.as_str()), ("", "MA"));
///
/// let err = serde_json::from_str::<codguard::Order>(
///     r#"{"order_id": "o-1", "placed_at": 1767225600, "telephone": "0612345678", "country": "MA"}"#,
/// ).unwrap_err();
/// assert!(err.to_string().contains("unknown field `telephone`"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Order {
    /// The shop's id for the order (required, not empty).
    pub order_id: OrderId,
    /// When the order was placed, Unix seconds UTC (not negative: 1970 or later).
    pub placed_at: i64,
    /// The customer's name as typed.
    pub name: String,
    /// The phone as typed.
    pub phone: String,
    /// The email as typed.
    pub email: String,
    /// The delivery address as typed (street, number, district).
    pub address: String,
    /// The delivery city as typed, in any script.
    pub city: String,
    /// ISO 3166-1 alpha-2 country, upper case: the default region for the phone (required).
    pub country: String,
    /// The order's total, in `currency`: an amount, finite and not negative.
    pub total: f64,
    /// ISO 4217 currency of `total`.
    pub currency: String,
}

impl Order {
    /// Checks what the type cannot: a non-empty order id, a `placed_at` that is not negative
    /// (Unix seconds, 1970 or later), a country that is an ISO 3166-1 alpha-2 code (any letter
    /// case), a total that is an amount (finite, not negative). Reading an order from JSON
    /// checks the same; an order built in code (or read by a binding) is checked here when the
    /// engine gets it, a history record's as a new order's.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidRecord`] naming the first field at fault.
    ///
    /// # Example
    /// ```
    /// use codguard::{ErrorKind, Order};
    /// let mut order = Order { order_id: "o-1".into(), country: "MA".into(), ..Order::default() };
    /// assert!(order.validate().is_ok());
    /// order.country = "Morocco".into();
    /// let err = order.validate().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidRecord);
    /// assert!(err.message().starts_with("field `country`"));
    /// order.country = "MA".into();
    /// order.total = -349.0;
    /// assert!(order.validate().unwrap_err().message().starts_with("field `total`"));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |why: String| Error::new(ErrorKind::InvalidRecord, why);
        let o = self;
        if o.order_id.0.trim().is_empty() {
            return Err(invalid("field `order_id` is empty".to_owned()));
        }
        check_order_id(&o.order_id.0).map_err(invalid)?;
        check_placed_at(o.placed_at).map_err(invalid)?;
        if country_code(&o.country).is_none() {
            return Err(invalid(format!("field `country` {COUNTRY_RULE}")));
        }
        check_total(o.total).map_err(invalid)?;
        for (field, value) in [
            ("name", &o.name),
            ("phone", &o.phone),
            ("email", &o.email),
            ("address", &o.address),
            ("city", &o.city),
            ("currency", &o.currency),
        ] {
            check_text(field, value).map_err(invalid)?;
        }
        Ok(())
    }
}

/// The most characters an order id may have: what the store's `order_id` column holds
/// (`VARCHAR(191)`, the longest text a MySQL utf8mb4 index key takes), so that whatever the
/// engine accepts the store can hold too.
pub const MAX_ORDER_ID_CHARS: usize = 191;

/// The most bytes (UTF-8) a `name`, `phone`, `email`, `address` or `city` may have. The
/// normalizers read only the first 1,024 bytes of a text (`normalize::MAX_INPUT_BYTES`; longer
/// is a fact about the order, see the contract); this ceiling is far above any real value and
/// keeps one record under 100 KB, so that a 100 MB "name" is refused before it is copied around.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// The most bytes a `currency` may have: an ISO 4217 code is 3 letters, a symbol (`د.م.`,
/// `ج.م`) a few characters more.
pub const MAX_CURRENCY_BYTES: usize = 32;

/// Checks an order id against the limits every surface shares: at most
/// [`MAX_ORDER_ID_CHARS`] characters and no NUL character (PostgreSQL text cannot hold one).
/// The message names the field, never the id. (Blank ids are refused where an order is read.)
///
/// # Errors
/// The message of an [`ErrorKind::InvalidRecord`].
pub(crate) fn check_order_id(id: &str) -> Result<(), String> {
    // Characters are counted only when the bytes could be too many (a character is 1-4 bytes).
    if id.len() > MAX_ORDER_ID_CHARS {
        let chars = id.chars().count();
        if chars > MAX_ORDER_ID_CHARS {
            return Err(format!(
                "field `order_id` is {chars} characters long, the maximum is {MAX_ORDER_ID_CHARS}"
            ));
        }
    }
    if id.contains('\0') {
        return Err("field `order_id` holds a NUL character (U+0000)".to_owned());
    }
    Ok(())
}

/// Checks `placed_at`: Unix seconds (UTC) of 1970 or later. A negative time is no shop's
/// order: a clock or an export gone wrong, which would sort first in every history and upset
/// every duration measured from it. The message names the field, never the value.
///
/// # Errors
/// The message of an [`ErrorKind::InvalidRecord`].
pub(crate) fn check_placed_at(placed_at: i64) -> Result<(), String> {
    if placed_at < 0 {
        return Err(
            "field `placed_at` must not be negative (Unix seconds, UTC: 1970 or later)".to_owned(),
        );
    }
    Ok(())
}

/// Checks `total`: an amount of money, so finite and not negative (0 is an amount: a free
/// order, or none given). A negative total (a refund written as an order) would count as value
/// delivered taken back. The message names the field, never the value.
///
/// # Errors
/// The message of an [`ErrorKind::InvalidRecord`].
pub(crate) fn check_total(total: f64) -> Result<(), String> {
    if !total.is_finite() {
        return Err("field `total` must be a finite number".to_owned());
    }
    if total < 0.0 {
        return Err("field `total` must not be negative (it is an amount of money)".to_owned());
    }
    Ok(())
}

/// Checks an optional text field against its ceiling ([`MAX_TEXT_BYTES`],
/// [`MAX_CURRENCY_BYTES`] for `currency`).
pub(crate) fn check_text(field: &str, value: &str) -> Result<(), String> {
    let max = if field == "currency" {
        MAX_CURRENCY_BYTES
    } else {
        MAX_TEXT_BYTES
    };
    if value.len() > max {
        return Err(format!(
            "field `{field}` is {} bytes long, the maximum is {max}",
            value.len()
        ));
    }
    Ok(())
}

/// Checks an order id given on its own (to record an outcome in a store, say) against the
/// limits of an order's `order_id`: not blank, at most [`MAX_ORDER_ID_CHARS`] characters, no
/// NUL character.
///
/// # Errors
/// [`ErrorKind::InvalidRecord`] saying which limit.
///
/// # Example
/// ```
/// use codguard::record::validate_order_id;
/// assert!(validate_order_id("o-1").is_ok());
/// assert!(validate_order_id(&"٣".repeat(191)).is_ok());
/// assert!(validate_order_id(&"٣".repeat(192)).is_err());
/// assert!(validate_order_id("o\u{0}1").is_err());
/// ```
pub fn validate_order_id(id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidRecord,
            "field `order_id` is empty",
        ));
    }
    check_order_id(id).map_err(|why| Error::new(ErrorKind::InvalidRecord, why))
}

/// What a country must be, as error messages say it.
pub(crate) const COUNTRY_RULE: &str =
    "must be an ISO 3166-1 alpha-2 code, two letters such as MA, DZ, TN, EG, SA or AE";

/// The ISO 3166-1 alpha-2 code `code` stands for, upper case, when it is one (any letter case;
/// no blanks around it). The list is `core/data/countries.tsv`: every assigned code and XK.
///
/// # Example
/// ```
/// use codguard::record::country_code;
/// assert_eq!(country_code("ma"), Some("MA"));
/// assert_eq!(country_code("Morocco"), None);
/// assert_eq!(country_code("XX"), None);
/// ```
pub fn country_code(code: &str) -> Option<&'static str> {
    /// The code of each pair of letters (AA, AB, ... ZZ), when it is one: a direct lookup,
    /// since every order of every binding asks.
    static CODES: OnceLock<Vec<Option<&'static str>>> = OnceLock::new();
    let codes = CODES.get_or_init(|| {
        let mut codes = vec![None; 26 * 26];
        for [code, _name] in data::rows::<2>(include_str!("../../data/countries.tsv")) {
            if let Some(slot) = letters_index(code).and_then(|i| codes.get_mut(i)) {
                *slot = Some(code);
            }
        }
        codes
    });
    letters_index(code).and_then(|i| codes.get(i).copied().flatten())
}

/// The index of a pair of ASCII letters (any case) among AA..ZZ.
fn letters_index(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Some(
            usize::from(a.to_ascii_uppercase() - b'A') * 26
                + usize::from(b.to_ascii_uppercase() - b'A'),
        ),
        _ => None,
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
        crate::names::parse_name(
            &Outcome::ALL,
            Outcome::as_str,
            s,
            "outcome",
            ErrorKind::InvalidRecord,
        )
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A past order with what became of it: an order's fields and `outcome` (required) and
/// `negotiated` (default false), side by side in one JSON object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryRecord {
    /// The order as placed.
    #[serde(flatten)]
    pub order: Order,
    /// What became of it.
    pub outcome: Outcome,
    /// Whether the customer haggled for a discount or a gift.
    pub negotiated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An order built in code (or by a binding) is checked as one read from JSON: a negative
    /// time, a negative or non-finite total are `invalid_record` naming the field.
    #[test]
    fn validate_refuses_a_negative_time_and_a_total_that_is_no_amount() {
        let ok = Order {
            order_id: "o-1".into(),
            country: "MA".into(),
            ..Order::default()
        };
        assert!(ok.validate().is_ok());
        let at = |placed_at| Order {
            placed_at,
            ..ok.clone()
        };
        let total = |total| Order {
            total,
            ..ok.clone()
        };
        for (order, want) in [
            (at(-1), "field `placed_at` must not be negative"),
            (at(i64::MIN), "field `placed_at` must not be negative"),
            (total(-0.01), "field `total` must not be negative"),
            (
                total(f64::NEG_INFINITY),
                "field `total` must be a finite number",
            ),
            (
                total(f64::INFINITY),
                "field `total` must be a finite number",
            ),
            (total(f64::NAN), "field `total` must be a finite number"),
        ] {
            let e = order.validate().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidRecord);
            assert!(e.message().starts_with(want), "{}", e.message());
        }
        for fine in [at(0), at(i64::MAX), total(0.0), total(-0.0), total(1e12)] {
            assert!(fine.validate().is_ok(), "{fine:?}");
        }
    }

    #[test]
    fn every_listed_country_code_and_only_those() {
        let listed: Vec<&str> = data::rows::<2>(include_str!("../../data/countries.tsv"))
            .map(|[code, _]| code)
            .collect();
        // ISO 3166-1's 249 assigned codes, and XK.
        assert_eq!(listed.len(), 250);
        for code in &listed {
            assert_eq!(country_code(code), Some(*code));
            assert_eq!(country_code(&code.to_lowercase()), Some(*code));
        }
        let known = (b'A'..=b'Z')
            .flat_map(|a| (b'A'..=b'Z').map(move |b| String::from_utf8(vec![a, b])))
            .filter_map(Result::ok)
            .filter(|pair| country_code(pair).is_some())
            .count();
        assert_eq!(known, listed.len());
        for bad in ["", "M", "MAR", "M4", "ma ", "é", "XX", "ZZ", "UK"] {
            assert_eq!(country_code(bad), None, "{bad}");
        }
    }
}
