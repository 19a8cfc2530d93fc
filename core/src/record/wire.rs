//! Reading [`Order`] and [`HistoryRecord`] from their wire format, strictly (see the module
//! above for the rules).
//!
//! One map visitor reads both records: a history record is an order's fields plus `outcome` and
//! `negotiated` in the same object. serde's `deny_unknown_fields` does not work through
//! `#[serde(flatten)]`, and a derived reader would report a wrong type without the field's name,
//! so the fields are read here: each value first as a [`Value`] (whatever JSON type it has),
//! then checked against its field. Keys are matched without allocating.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::{
    check_order_id, check_placed_at, check_text, check_total, country_code, HistoryRecord, Order,
    OrderId, Outcome, COUNTRY_RULE,
};

/// A field of the wire format; its discriminant is its index in [`HISTORY_FIELDS`] (`Field::City
/// as usize`), which bindings that read records field by field index their values by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `order_id`
    OrderId,
    /// `placed_at`
    PlacedAt,
    /// `name`
    Name,
    /// `phone`
    Phone,
    /// `email`
    Email,
    /// `address`
    Address,
    /// `city`
    City,
    /// `country`
    Country,
    /// `total`
    Total,
    /// `currency`
    Currency,
    /// `outcome` (history records only)
    Outcome,
    /// `negotiated` (history records only)
    Negotiated,
}

impl Field {
    /// Every field, an order's first ([`ORDER_FIELDS`]).
    const ALL: [Field; 12] = [
        Field::OrderId,
        Field::PlacedAt,
        Field::Name,
        Field::Phone,
        Field::Email,
        Field::Address,
        Field::City,
        Field::Country,
        Field::Total,
        Field::Currency,
        Field::Outcome,
        Field::Negotiated,
    ];

    fn name(self) -> &'static str {
        HISTORY_FIELDS.get(self as usize).copied().unwrap_or("?")
    }
}

/// The keys of a history record, in the order of the contract's tables: an order's first.
pub const HISTORY_FIELDS: [&str; 12] = [
    "order_id",
    "placed_at",
    "name",
    "phone",
    "email",
    "address",
    "city",
    "country",
    "total",
    "currency",
    "outcome",
    "negotiated",
];

/// The keys of an order: the first ten of [`HISTORY_FIELDS`].
pub const ORDER_FIELDS: &[&str] = HISTORY_FIELDS.split_at(10).0;

/// A JSON value as read, before its field says what it must be. Flow events are read through
/// it too (`confirm::event_wire`), so that their errors are worded as a record's.
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
    List,
    /// An object's entries in their order (an event's `delivery_window`; in a record, an error).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The value's type, as error messages name it (never the value itself: it may be a
    /// customer's phone).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a fractional number",
            Value::Text(_) => "a string",
            Value::List => "a list",
            Value::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::List)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Value>()? {
            entries.push(entry);
        }
        Ok(Value::Object(entries))
    }
}

/// A key of the record's map: its [`Field`], or an error naming an unknown key. Reads the key
/// as borrowed text (no allocation).
struct Key {
    fields: usize,
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
        let names = HISTORY_FIELDS.get(..self.fields).unwrap_or(&HISTORY_FIELDS);
        match names.iter().position(|n| *n == key) {
            Some(i) => Ok(Field::ALL.get(i).copied().unwrap_or(Field::OrderId)),
            None => Err(E::custom(unknown_field(key, names))),
        }
    }
}

/// The error of a record's key that is none of `names`: "unknown field `telephone`, expected
/// one of ...". The key is named only when it is written as a field name is (a Latin letter,
/// then letters, digits, `_`, `-` or `.`, at most 40 bytes): a record built from the wrong row
/// of a spreadsheet has an email, a phone or a customer's name for a key, and error messages
/// end up in logs. Shared by the bindings that read a record's keys themselves (Python's
/// dicts).
pub fn unknown_field(key: &str, names: &[&str]) -> String {
    let expected: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let expected = expected.join(", ");
    if reads_as_a_name(key) {
        format!("unknown field `{key}`, expected one of {expected}")
    } else {
        format!(
            "unknown field (its key is not shown: it is not written as a field name), \
             expected one of {expected}"
        )
    }
}

/// A key written as a field name: a Latin letter, then Latin letters, digits, `_`, `-` or `.`,
/// at most 40 bytes (`telephone`, `phoneNumber`, `customer.name`); not an email, a phone
/// number, an address, or a name in either script (a blank is refused: "Khadija Benali" is
/// written as "Phone Number" is, and only the first is a customer's).
fn reads_as_a_name(key: &str) -> bool {
    key.len() <= 40
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// What one map holds: an order and, for a history record, its outcome.
#[derive(Default)]
struct Fields {
    order: Order,
    outcome: Option<Outcome>,
    negotiated: bool,
}

/// "field `x` must be ..., not <type>": the one wording of a value of the wrong type, for
/// records and flow events, which names the field and never the value.
pub(crate) fn wrong_type(field: &str, must: &str, got: &Value) -> String {
    format!("field `{field}` must be {must}, not {}", got.kind())
}

/// A time field (`placed_at`, an event's `at`): an integer of Unix seconds that fits an `i64`.
///
/// An integer literal past the `u64` range reaches here as a float (serde_json reads it as
/// one), so a whole float beyond the `i64` range is out of range too, as the integer it was
/// written as (Python's binding, which reads it as an `int`, says the same); a float with a
/// fraction is of the wrong type.
pub(crate) fn unix_seconds(field: &str, value: Value) -> Result<i64, String> {
    // 2^63: the first whole number past `i64::MAX`; every float this large is whole.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let out_of_range = || format!("field `{field}` is out of range for Unix seconds");
    match value {
        Value::Int(t) => i64::try_from(t).map_err(|_| out_of_range()),
        Value::Float(t) if t.fract() == 0.0 && !(-LIMIT..LIMIT).contains(&t) => Err(out_of_range()),
        other => Err(wrong_type(field, "an integer (Unix seconds)", &other)),
    }
}

/// A text field: a string within its ceiling, or null for "".
fn text(field: Field, value: Value) -> Result<String, String> {
    match value {
        Value::Text(s) => {
            check_text(field.name(), &s)?;
            Ok(s)
        }
        Value::Null => Ok(String::new()),
        other => Err(wrong_type(field.name(), "a string or null", &other)),
    }
}

impl Fields {
    /// Stores `value` in `field`, or says why it does not fit.
    fn set(&mut self, field: Field, value: Value) -> Result<(), String> {
        let o = &mut self.order;
        match field {
            Field::OrderId => match value {
                Value::Text(s) if s.trim().is_empty() => {
                    return Err("field `order_id` is empty".into())
                }
                Value::Text(s) => {
                    check_order_id(&s)?;
                    o.order_id = OrderId(s)
                }
                other => return Err(wrong_type(field.name(), "a string", &other)),
            },
            Field::PlacedAt => {
                let placed_at = unix_seconds(field.name(), value)?;
                check_placed_at(placed_at)?;
                o.placed_at = placed_at
            }
            Field::Name => o.name = text(field, value)?,
            Field::Phone => o.phone = text(field, value)?,
            Field::Email => o.email = text(field, value)?,
            Field::Address => o.address = text(field, value)?,
            Field::City => o.city = text(field, value)?,
            Field::Currency => o.currency = text(field, value)?,
            Field::Country => match value {
                Value::Text(s) => match country_code(&s) {
                    Some(code) => o.country = code.to_owned(),
                    None => return Err(format!("field `country` {COUNTRY_RULE}")),
                },
                other => return Err(wrong_type(field.name(), "a string", &other)),
            },
            Field::Total => {
                let total = match value {
                    Value::Int(t) => t as f64,
                    Value::Float(t) => t,
                    Value::Null => 0.0,
                    other => return Err(wrong_type(field.name(), "a number or null", &other)),
                };
                check_total(total)?;
                o.total = total
            }
            Field::Outcome => match value {
                Value::Text(s) => match s.parse() {
                    Ok(outcome) => self.outcome = Some(outcome),
                    Err(_) => {
                        return Err(format!(
                            "field `outcome` must be one of {}",
                            Outcome::ALL.map(Outcome::as_str).join(", ")
                        ))
                    }
                },
                other => return Err(wrong_type(field.name(), "a string", &other)),
            },
            Field::Negotiated => match value {
                Value::Bool(b) => self.negotiated = b,
                Value::Null => self.negotiated = false,
                other => return Err(wrong_type(field.name(), "a boolean or null", &other)),
            },
        }
        Ok(())
    }
}

/// Reads an order (`fields` = `ORDER_FIELDS.len()`) or a history record (all fields) from a map.
struct RecordVisitor {
    fields: usize,
}

impl RecordVisitor {
    const ORDER: RecordVisitor = RecordVisitor {
        fields: ORDER_FIELDS.len(),
    };
    const HISTORY: RecordVisitor = RecordVisitor {
        fields: HISTORY_FIELDS.len(),
    };
}

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.fields == ORDER_FIELDS.len() {
            "an order (a JSON object)"
        } else {
            "a history record (a JSON object)"
        })
    }

    // A record that is no object at all is named by its kind, never quoted: serde's own
    // message would echo the value (`invalid type: integer `612345678``), a customer's phone
    // as often as not.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Fields, E> {
        Err(E::invalid_type(de::Unexpected::Other("a boolean"), &self))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Fields, E> {
        Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Fields, E> {
        Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Fields, E> {
        Err(E::invalid_type(de::Unexpected::Other("a number"), &self))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Fields, E> {
        Err(E::invalid_type(de::Unexpected::Other("a string"), &self))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut out = Fields::default();
        let mut seen = [false; HISTORY_FIELDS.len()];
        let mut bad_value: Option<String> = None;
        while let Some(field) = map.next_key_seed(Key {
            fields: self.fields,
        })? {
            match seen.get_mut(field as usize) {
                Some(true) => return Err(de::Error::duplicate_field(field.name())),
                Some(slot) => *slot = true,
                None => {}
            }
            let value: Value = map.next_value()?;
            if let Err(why) = out.set(field, value) {
                bad_value.get_or_insert(why);
            }
        }
        // A misspelled key is the likelier mistake (and explains a missing field), so it is
        // reported before a bad value seen earlier, as every binding does.
        if let Some(why) = bad_value {
            return Err(de::Error::custom(why));
        }
        let required: &[Field] = if self.fields == ORDER_FIELDS.len() {
            &[Field::OrderId, Field::PlacedAt, Field::Country]
        } else {
            &[
                Field::OrderId,
                Field::PlacedAt,
                Field::Country,
                Field::Outcome,
            ]
        };
        if let Some(field) = required
            .iter()
            .find(|f| seen.get(**f as usize) != Some(&true))
        {
            return Err(de::Error::missing_field(field.name()));
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for Order {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Order, D::Error> {
        // `any`, not `map`: for a value that is no object serde_json then asks the visitor,
        // which names its kind; `deserialize_map` words the error itself, quoting the value.
        let fields = d.deserialize_any(RecordVisitor::ORDER)?;
        Ok(fields.order)
    }
}

impl<'de> Deserialize<'de> for HistoryRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HistoryRecord, D::Error> {
        // `any`, not `map`: for a value that is no object serde_json then asks the visitor,
        // which names its kind; `deserialize_map` words the error itself, quoting the value.
        let fields = d.deserialize_any(RecordVisitor::HISTORY)?;
        Ok(HistoryRecord {
            order: fields.order,
            // Checked as required above; a default never shows.
            outcome: fields.outcome.unwrap_or(Outcome::Pending),
            negotiated: fields.negotiated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_error(json: &str) -> String {
        serde_json::from_str::<Order>(json)
            .expect_err("an error")
            .to_string()
    }

    const OK: &str = r#""order_id": "o-1", "placed_at": 1767225600, "country": "MA""#;

    #[test]
    fn reads_an_order_and_a_history_record() {
        let o: Order = serde_json::from_str(&format!(
            r#"{{{OK}, "name": "سلمى", "phone": null, "total": 349, "currency": "MAD"}}"#
        ))
        .unwrap();
        assert_eq!(
            (o.name.as_str(), o.phone.as_str(), o.total),
            ("سلمى", "", 349.0)
        );
        let h: HistoryRecord = serde_json::from_str(&format!(
            r#"{{{OK}, "outcome": "refused", "negotiated": true}}"#
        ))
        .unwrap();
        assert_eq!((h.outcome, h.negotiated), (Outcome::Refused, true));
        // What serialization writes reads back.
        let again: HistoryRecord =
            serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(again, h);
    }

    #[test]
    fn unknown_and_repeated_fields_are_named() {
        let e = order_error(&format!(r#"{{{OK}, "telephone": "0612345678"}}"#));
        assert!(e.contains("unknown field `telephone`"), "{e}");
        assert!(!e.contains("0612345678"), "{e}");
        // An order has no outcome.
        let e = order_error(&format!(r#"{{{OK}, "outcome": "delivered"}}"#));
        assert!(e.contains("unknown field `outcome`"), "{e}");
        let e = order_error(&format!(r#"{{{OK}, "phone": "1", "phone": "2"}}"#));
        assert!(e.contains("duplicate field `phone`"), "{e}");
        // The unknown field is reported even after a bad value.
        let e = order_error(
            r#"{"order_id": "o-1", "placed_at": 1, "country": "Morocco", "telephone": "1"}"#,
        );
        assert!(e.contains("unknown field `telephone`"), "{e}");
        // A key written as a field name is named; one that is customer data (a record built
        // from the wrong row of a spreadsheet) is not: error messages end up in logs.
        for key in [
            "telephone2",
            "phoneNumber",
            "customer.name",
            "tel_2",
            "e-mail",
        ] {
            let e = order_error(&format!(r#"{{{OK}, "{key}": ""}}"#));
            assert!(e.contains(&format!("unknown field `{key}`")), "{e}");
        }
        for key in [
            "khadija@gmail.com",
            "Khadija Benali",
            "Phone Number",
            "0661234578",
            "+212661234578",
            "خديجة بنعلي",
            "Résidence Al Amal",
            "Khadija Benali, Imm 3, Appt 12, Résidence Al Amal",
        ] {
            let e = order_error(&format!(r#"{{{OK}, "{key}": ""}}"#));
            assert!(e.contains("unknown field (its key is not shown"), "{e}");
            assert!(e.contains("expected one of `order_id`"), "{e}");
            assert!(!e.contains(key), "{e}");
        }
    }

    #[test]
    fn wrong_types_name_the_field_not_the_value() {
        for (json, field) in [
            (r#""phone": 612345678"#, "phone"),
            (r#""placed_at": "1767225600""#, "placed_at"),
            (r#""placed_at": 1767225600.5"#, "placed_at"),
            (r#""total": "349 MAD""#, "total"),
            (r#""name": ["Salma"]"#, "name"),
            (r#""email": {"a": 1}"#, "email"),
            (r#""country": 212"#, "country"),
            (r#""order_id": 12"#, "order_id"),
        ] {
            // The required fields the case does not replace, then the case's field.
            let base: Vec<&str> = [
                r#""order_id": "o-1""#,
                r#""country": "MA""#,
                r#""placed_at": 1"#,
            ]
            .into_iter()
            .filter(|f| !f.starts_with(&format!("\"{field}\"")))
            .collect();
            let e = order_error(&format!("{{{}, {json}}}", base.join(", ")));
            assert!(e.starts_with(&format!("field `{field}` must be")), "{e}");
            assert!(!e.contains("612345678") && !e.contains("Salma"), "{e}");
        }
    }

    /// An integer too large for Unix seconds is out of range, whether serde_json reads it as an
    /// integer (up to `u64::MAX`) or, past that, as a float; a fractional one is of the wrong type.
    #[test]
    fn placed_at_out_of_range_is_said_so() {
        for placed_at in [
            "9223372036854775808",
            "99999999999999999999",
            "-99999999999999999999",
            "1e300",
        ] {
            let e = order_error(&format!(
                r#"{{"order_id": "o-1", "country": "MA", "placed_at": {placed_at}}}"#
            ));
            assert!(
                e.starts_with("field `placed_at` is out of range for Unix seconds"),
                "{placed_at}: {e}"
            );
        }
        for placed_at in ["1767225600.5", "-0.5", "1e-3"] {
            let e = order_error(&format!(
                r#"{{"order_id": "o-1", "country": "MA", "placed_at": {placed_at}}}"#
            ));
            assert!(
                e.starts_with(
                    "field `placed_at` must be an integer (Unix seconds), not a fractional number"
                ),
                "{placed_at}: {e}"
            );
        }
        // In range, but negative: refused as before 1970 (below).
        let e = order_error(
            r#"{"order_id": "o-1", "country": "MA", "placed_at": -9223372036854775808}"#,
        );
        assert!(
            e.starts_with("field `placed_at` must not be negative"),
            "{e}"
        );
    }

    /// `placed_at` is Unix seconds of 1970 or later and `total` an amount of 0 or more, in an
    /// order and in a history record, read from JSON as when built in code; the message names
    /// the field, never the value.
    #[test]
    fn a_negative_time_or_total_is_refused() {
        for (fields, want) in [
            (
                r#""placed_at": -1"#,
                Some("field `placed_at` must not be negative"),
            ),
            (
                r#""placed_at": -1767225600"#,
                Some("field `placed_at` must not be negative"),
            ),
            (r#""placed_at": 0"#, None),
            (
                r#""placed_at": 1, "total": -349.5"#,
                Some("field `total` must not be negative"),
            ),
            (
                r#""placed_at": 1, "total": -7"#,
                Some("field `total` must not be negative"),
            ),
            (r#""placed_at": 1, "total": -0.0"#, None),
            (r#""placed_at": 1, "total": 0"#, None),
            (r#""placed_at": 1, "total": 349.5"#, None),
        ] {
            let order = format!(r#"{{"order_id": "o-1", "country": "MA", {fields}}}"#);
            let history = format!(
                r#"{{"order_id": "o-1", "country": "MA", "outcome": "delivered", {fields}}}"#
            );
            let got = [
                serde_json::from_str::<Order>(&order).map(|_| ()),
                serde_json::from_str::<HistoryRecord>(&history).map(|_| ()),
            ];
            for got in got {
                match (want, got) {
                    (None, Ok(())) => {}
                    (Some(want), Err(e)) => {
                        let e = e.to_string();
                        assert!(e.starts_with(want), "{fields}: {e}");
                        assert!(!e.contains("349") && !e.contains("1767"), "{e}");
                    }
                    (want, got) => panic!("{fields}: want {want:?}, got {got:?}"),
                }
            }
        }
    }

    #[test]
    fn a_record_that_is_no_object_is_named_by_its_kind_not_its_value() {
        for (json, kind) in [
            ("612345678", "a number"),
            ("-612345678", "a number"),
            ("6.12345678e8", "a number"),
            (r#""0612345678""#, "a string"),
            (r#""سلمى، 14 زنقة الورد""#, "a string"),
            ("true", "a boolean"),
            (r#"["0612345678"]"#, "sequence"),
        ] {
            let e = order_error(json);
            assert!(
                e.contains(kind) && e.contains("an order (a JSON object)"),
                "{e}"
            );
            assert!(!e.contains("612345678") && !e.contains("سلمى"), "{e}");
        }
    }

    #[test]
    fn country_is_required_and_must_be_a_code() {
        let e = order_error(r#"{"order_id": "o-1", "placed_at": 1}"#);
        assert!(e.contains("missing field `country`"), "{e}");
        for bad in ["Morocco", "", "XX", "M", "MAR", " MA", "م"] {
            let e = order_error(&format!(
                r#"{{"order_id": "o-1", "placed_at": 1, "country": "{bad}"}}"#
            ));
            assert!(
                e.starts_with("field `country` must be an ISO 3166-1"),
                "{bad}: {e}"
            );
        }
        let o: Order =
            serde_json::from_str(r#"{"order_id": "o-1", "placed_at": 1, "country": "eG"}"#)
                .unwrap();
        assert_eq!(o.country, "EG");
    }

    #[test]
    fn required_fields_and_outcomes() {
        let e = order_error(r#"{"placed_at": 1, "country": "MA"}"#);
        assert!(e.contains("missing field `order_id`"), "{e}");
        let e = order_error(r#"{"order_id": "  ", "placed_at": 1, "country": "MA"}"#);
        assert!(e.contains("field `order_id` is empty"), "{e}");
        let e = serde_json::from_str::<HistoryRecord>(&format!("{{{OK}}}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `outcome`"), "{e}");
        let e = serde_json::from_str::<HistoryRecord>(&format!(r#"{{{OK}, "outcome": "lost"}}"#))
            .unwrap_err()
            .to_string();
        assert!(e.contains("field `outcome` must be one of pending"), "{e}");
        assert!(serde_json::from_str::<Order>("[1, 2]").is_err());
    }

    /// Each field's ceiling, at the limit and one past it, over JSON and through `validate`
    /// (an order built in code): the same error naming the field, never the value.
    #[test]
    fn field_limits_name_the_field() {
        let id_ok = "٣".repeat(super::super::MAX_ORDER_ID_CHARS); // 382 bytes, 191 characters
        let id_long = format!("{id_ok}7");
        let at = |n: usize| "ب".repeat(n / 2); // Arabic letters: 2 bytes each
        let cases: Vec<(&str, String, Option<&str>)> = vec![
            ("order_id", id_ok.clone(), None),
            (
                "order_id",
                id_long,
                Some("is 192 characters long, the maximum is 191"),
            ),
            ("order_id", "o\u{0}1".into(), Some("holds a NUL character")),
            ("name", at(MAX), None),
            (
                "name",
                at(MAX + 2),
                Some("is 16386 bytes long, the maximum is 16384"),
            ),
            ("address", at(MAX + 2), Some("is 16386 bytes long")),
            (
                "phone",
                "٠".repeat(MAX / 2 + 1),
                Some("is 16386 bytes long"),
            ),
            ("email", "a".repeat(MAX + 1), Some("is 16385 bytes long")),
            ("city", at(MAX + 2), Some("is 16386 bytes long")),
            ("currency", "د.م.".into(), None),
            (
                "currency",
                "MAD".repeat(11),
                Some("is 33 bytes long, the maximum is 32"),
            ),
        ];
        const MAX: usize = super::super::MAX_TEXT_BYTES;
        for (field, value, want) in cases {
            let mut fields =
                serde_json::json!({"order_id": "o-1", "placed_at": 1, "country": "MA"});
            fields[field] = serde_json::Value::String(value.clone());
            let json = fields.to_string();
            let got = serde_json::from_str::<Order>(&json).map_err(|e| e.to_string());
            let mut built = Order {
                order_id: "o-1".into(),
                country: "MA".into(),
                ..Order::default()
            };
            match field {
                "order_id" => built.order_id = OrderId(value.clone()),
                "name" => built.name = value.clone(),
                "address" => built.address = value.clone(),
                "phone" => built.phone = value.clone(),
                "email" => built.email = value.clone(),
                "city" => built.city = value.clone(),
                _ => built.currency = value.clone(),
            }
            let validated = built.validate().map_err(|e| e.message().to_owned());
            match want {
                None => {
                    assert!(got.is_ok(), "{field}: {got:?}");
                    assert!(validated.is_ok(), "{field}: {validated:?}");
                }
                Some(why) => {
                    let json_err = got.expect_err(field);
                    let code_err = validated.expect_err(field);
                    for e in [&json_err, &code_err] {
                        assert!(e.contains(&format!("field `{field}` {why}")), "{e}");
                        assert!(!e.contains(&value[..value.len().min(8)]), "no value in {e}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_text_ceiling_is_above_what_normalizers_read() {
        const _: () = assert!(super::super::MAX_TEXT_BYTES > crate::normalize::MAX_INPUT_BYTES);
    }
}
