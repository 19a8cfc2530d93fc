//! Reading an [`Event`] from its wire format (contract section 3), strictly and without
//! repeating what the customer typed.
//!
//! A derived reader reports `invalid type: string "0661472983", expected i64` or `unknown variant
//! `Salma Bennani 0661472983``: the value, without the field. Events are read as records are
//! (`record::wire`): each value first as a [`Value`] of whatever JSON type it has, then checked
//! against its field, and every error names the field and what it must be (`field `at` must be
//! an integer (Unix seconds), not a string`), never the value. An unknown key is named, as a
//! record's is; it is the host's field name, not customer data.

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::events::{CallResult, Channel, DeliveryFailure, DeliveryWindow, DenyReason, Event};
use super::events::{LinkChoice, Slot};
use super::intent::Intent;
use crate::record::wire::{unix_seconds, wrong_type, Value};

/// The event types, as `type` spells them, with the keys each one takes besides `type`.
const TYPES: [(&str, &[&str]); 10] = [
    ("placed", &["at"]),
    ("tick", &["at"]),
    (
        "link_clicked",
        &["at", "token", "choice", "delivery_window", "address"],
    ),
    ("reply", &["at", "channel", "intent", "phone"]),
    (
        "call_result",
        &["at", "result", "delivery_window", "address"],
    ),
    ("send_failed", &["at", "channel"]),
    ("send_denied", &["at", "channel", "reason"]),
    ("delivered", &["at"]),
    ("delivery_failed", &["at", "reason"]),
    ("returned", &["at"]),
];

/// The keys of a `delivery_window`.
const WINDOW_KEYS: [&str; 2] = ["day", "slot"];

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(entries) => read(entries).map_err(de::Error::custom),
            other => Err(de::Error::custom(format!(
                "an event must be a JSON object, not {}",
                other.kind()
            ))),
        }
    }
}

/// An object's entries, each taken once by the reader of its key.
struct Entries {
    /// Where the keys are, for messages: "" at the top, "delivery_window." inside it.
    prefix: &'static str,
    entries: Vec<(String, Option<Value>)>,
}

impl Entries {
    /// Checks that every key is one of `allowed` (naming the first that is not, in serde's
    /// words, as a record's unknown key is) and appears once.
    fn new(
        entries: Vec<(String, Value)>,
        prefix: &'static str,
        allowed: &'static [&'static str],
    ) -> Result<Entries, String> {
        for (i, (key, _)) in entries.iter().enumerate() {
            if !allowed.contains(&key.as_str()) {
                let name = format!("{prefix}{key}");
                let e: de::value::Error = de::Error::unknown_field(&name, allowed);
                return Err(e.to_string());
            }
            if entries.iter().take(i).any(|(k, _)| k == key) {
                return Err(format!("duplicate field `{prefix}{key}`"));
            }
        }
        Ok(Entries {
            prefix,
            entries: entries.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        })
    }

    /// The value of `key`; null counts as absent, as in a record.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.take())
            .filter(|v| !matches!(v, Value::Null))
    }

    /// The full name of `key` for messages.
    fn name(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn required(&mut self, key: &str) -> Result<Value, String> {
        self.take(key)
            .ok_or_else(|| format!("missing field `{}`", self.name(key)))
    }

    /// `at`: integer Unix seconds.
    fn at(&mut self) -> Result<i64, String> {
        unix_seconds("at", self.required("at")?)
    }

    /// A text field that may be absent.
    fn text(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Text(s)) => Ok(Some(s)),
            Some(other) => Err(wrong_type(&self.name(key), "a string or null", &other)),
        }
    }

    /// One of an enum's contract names, or absent.
    fn name_of<T: Copy>(
        &mut self,
        key: &str,
        all: &[T],
        as_str: fn(T) -> &'static str,
    ) -> Result<Option<T>, String> {
        let must = || {
            let names: Vec<&str> = all.iter().map(|&v| as_str(v)).collect();
            format!("one of {}", names.join(", "))
        };
        match self.take(key) {
            None => Ok(None),
            Some(Value::Text(s)) => match all.iter().copied().find(|&v| as_str(v) == s) {
                Some(v) => Ok(Some(v)),
                None => Err(format!("field `{}` must be {}", self.name(key), must())),
            },
            Some(other) => Err(wrong_type(
                &self.name(key),
                &format!("a string, {}", must()),
                &other,
            )),
        }
    }

    /// A required contract name.
    fn named<T: Copy>(
        &mut self,
        key: &str,
        all: &[T],
        as_str: fn(T) -> &'static str,
    ) -> Result<T, String> {
        self.name_of(key, all, as_str)?
            .ok_or_else(|| format!("missing field `{}`", self.name(key)))
    }

    /// `delivery_window`: `{"day": ..., "slot": ...}`, or absent.
    fn window(&mut self) -> Result<Option<DeliveryWindow>, String> {
        match self.take("delivery_window") {
            None => Ok(None),
            Some(Value::Object(entries)) => {
                let mut w = Entries::new(entries, "delivery_window.", &WINDOW_KEYS)?;
                let day = match w.required("day")? {
                    Value::Text(s) => s,
                    other => {
                        return Err(wrong_type(
                            "delivery_window.day",
                            "a string (YYYY-MM-DD)",
                            &other,
                        ))
                    }
                };
                let slot = w.named("slot", &Slot::ALL, Slot::as_str)?;
                Ok(Some(DeliveryWindow { day, slot }))
            }
            Some(other) => Err(wrong_type("delivery_window", "an object or null", &other)),
        }
    }
}

/// The event in `entries`, or why not.
fn read(entries: Vec<(String, Value)>) -> Result<Event, String> {
    let names = || TYPES.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ");
    let mut entries = entries;
    let Some(i) = entries.iter().position(|(k, _)| k == "type") else {
        return Err("missing field `type`".into());
    };
    let (_, type_value) = entries.remove(i);
    let ty = match type_value {
        Value::Text(t) => t,
        other => {
            return Err(wrong_type(
                "type",
                &format!("a string, one of {}", names()),
                &other,
            ))
        }
    };
    let Some((ty, keys)) = TYPES.iter().find(|(t, _)| *t == ty).copied() else {
        return Err(format!("field `type` must be one of {}", names()));
    };
    if entries.iter().any(|(k, _)| k == "type") {
        return Err("duplicate field `type`".into());
    }
    let mut e = Entries::new(entries, "", keys)?;
    let at = e.at()?;
    Ok(match ty {
        "placed" => Event::Placed { at },
        "tick" => Event::Tick { at },
        "link_clicked" => {
            let token = match e.required("token")? {
                Value::Text(s) => s,
                other => return Err(wrong_type("token", "a string", &other)),
            };
            Event::LinkClicked {
                at,
                token,
                choice: e
                    .name_of("choice", &LinkChoice::ALL, LinkChoice::as_str)?
                    .unwrap_or_default(),
                delivery_window: e.window()?,
                address: e.text("address")?,
            }
        }
        "reply" => Event::Reply {
            at,
            channel: e.named("channel", &Channel::ALL, Channel::as_str)?,
            intent: e.named("intent", &Intent::ALL, Intent::as_str)?,
            phone: e.text("phone")?,
        },
        "call_result" => Event::CallResult {
            at,
            result: e.named("result", &CallResult::ALL, CallResult::as_str)?,
            delivery_window: e.window()?,
            address: e.text("address")?,
        },
        "send_failed" => Event::SendFailed {
            at,
            channel: e.named("channel", &Channel::ALL, Channel::as_str)?,
        },
        "send_denied" => Event::SendDenied {
            at,
            channel: e.named("channel", &Channel::ALL, Channel::as_str)?,
            reason: e.named("reason", &DenyReason::ALL, DenyReason::as_str)?,
        },
        "delivered" => Event::Delivered { at },
        "delivery_failed" => Event::DeliveryFailed {
            at,
            reason: e.named("reason", &DeliveryFailure::ALL, DeliveryFailure::as_str)?,
        },
        // The last of TYPES: `ty` is one of them.
        _ => Event::Returned { at },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> String {
        serde_json::from_str::<Event>(json)
            .expect_err("an error")
            .to_string()
    }

    #[test]
    fn every_event_reads_back_what_it_writes() {
        let window = || {
            Some(DeliveryWindow {
                day: "2026-01-03".into(),
                slot: Slot::Evening,
            })
        };
        for e in [
            Event::Placed { at: 1 },
            Event::Tick { at: 2 },
            Event::LinkClicked {
                at: 3,
                token: "t".into(),
                choice: LinkChoice::Reschedule,
                delivery_window: window(),
                address: Some("12 rue".into()),
            },
            Event::Reply {
                at: 4,
                channel: Channel::Whatsapp,
                intent: Intent::NewPhone,
                phone: Some("0661472983".into()),
            },
            Event::CallResult {
                at: 5,
                result: CallResult::WrongNumber,
                delivery_window: window(),
                address: None,
            },
            Event::SendFailed {
                at: 6,
                channel: Channel::Email,
            },
            Event::SendDenied {
                at: 7,
                channel: Channel::Sms,
                reason: DenyReason::PrefixHourlyLimit,
            },
            Event::Delivered { at: 8 },
            Event::DeliveryFailed {
                at: 9,
                reason: DeliveryFailure::AddressProblem,
            },
            Event::Returned { at: 10 },
        ] {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e, "{json}");
        }
        // Null is absent, as in a record; `choice` defaults to confirm.
        let e: Event = serde_json::from_str(
            r#"{"type": "link_clicked", "at": 1, "token": "t", "choice": null, "address": null}"#,
        )
        .unwrap();
        assert!(matches!(
            e,
            Event::LinkClicked {
                choice: LinkChoice::Confirm,
                address: None,
                ..
            }
        ));
    }

    #[test]
    fn errors_name_the_field_and_never_the_value() {
        for (json, want) in [
            (
                r#"{"type": "tick", "at": "0661472983"}"#,
                "field `at` must be an integer (Unix seconds), not a string",
            ),
            (
                r#"{"type": "reply", "at": 1, "channel": "sms", "intent": "new_phone", "phone": 661472983}"#,
                "field `phone` must be a string or null, not an integer",
            ),
            (
                r#"{"type": "reply", "at": 1, "channel": "0661472983", "intent": "confirm"}"#,
                "field `channel` must be one of sms, whatsapp, email, call",
            ),
            (
                r#"{"type": "call_result", "at": 1, "result": "Salma Bennani 0661472983"}"#,
                "field `result` must be one of confirmed, cancelled, no_answer, wrong_number",
            ),
            (
                r#"{"type": "Salma 0661472983", "at": 1}"#,
                "field `type` must be one of placed, tick, link_clicked",
            ),
            (r#"{"type": "tick"}"#, "missing field `at`"),
            (r#"{"at": 1}"#, "missing field `type`"),
            (
                r#"{"type": "tick", "at": 1, "at": 2}"#,
                "duplicate field `at`",
            ),
            (
                r#"{"type": "tick", "type": "tick", "at": 1}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"type": "tick", "at": 1, "phone": "0661472983"}"#,
                "unknown field `phone`, expected `at`",
            ),
            (
                r#"{"type": "link_clicked", "at": 1, "token": "t", "delivery_window": {"day": "2026-01-03", "slot": "0661472983"}}"#,
                "field `delivery_window.slot` must be one of morning, afternoon, evening",
            ),
            (
                r#"{"type": "link_clicked", "at": 1, "token": "t", "delivery_window": {"day": "2026-01-03"}}"#,
                "missing field `delivery_window.slot`",
            ),
            (
                r#"{"type": "tick", "at": 9223372036854775808}"#,
                "field `at` is out of range for Unix seconds",
            ),
            (
                r#"{"type": "tick", "at": 99999999999999999999}"#,
                "field `at` is out of range for Unix seconds",
            ),
            (
                r#""0661472983""#,
                "an event must be a JSON object, not a string",
            ),
        ] {
            let e = error(json);
            assert!(e.starts_with(want), "{json}: {e}");
            assert!(!e.contains("0661472983") && !e.contains("Salma"), "{e}");
        }
    }
}
