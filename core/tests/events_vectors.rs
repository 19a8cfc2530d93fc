//! Replays `tests/vectors/events.json` (shared with the C, PHP and Python bindings): the input
//! contract of a flow event, with the error naming the field and never repeating its value.

use codguard::assessment::Action;
use codguard::confirm::{ConfirmationFlow, Event, FlowPolicy};
use codguard::{ErrorKind, Order};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    note: String,
    order: Order,
    event: serde_json::Value,
    error: Option<String>,
    field: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

/// The event read from its JSON text (as C reads it) and fed to a new `confirm` flow.
fn replay(order: &Order, case: &Case) -> Result<(), codguard::Error> {
    let mut flow = ConfirmationFlow::new(
        order,
        Action::Confirm,
        FlowPolicy::default(),
        b"shop-secret-1",
        b"vector-flow-nonce",
    )?;
    let event: Event = serde_json::from_str(&case.event.to_string())
        .map_err(|e| codguard::Error::new(ErrorKind::InvalidEvent, e.to_string()))?;
    flow.handle(event).map(drop)
}

#[test]
fn events_vectors() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../tests/vectors/events.json")).unwrap();
    assert!(vectors.cases.len() >= 40);
    let mut failures = Vec::new();
    for case in &vectors.cases {
        let got = replay(&case.order, case);
        let ok = match (&got, &case.error) {
            (Ok(()), None) => true,
            (Err(e), Some(code)) => {
                e.kind().code() == code
                    && case
                        .field
                        .as_ref()
                        .is_none_or(|f| e.message().contains(&format!("`{f}`")))
                    && case.value.as_ref().is_none_or(|v| !e.message().contains(v))
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{}: {got:?}", case.note));
        }
    }
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
}
