//! Replays `tests/vectors/records.json` (shared with the C, PHP and Python bindings): the input
//! contract of an order and a history record (unknown fields, the country, types), with the
//! error naming the field; and a line of JSON Lines text that is not JSON (`invalid_json`).

use codguard::engine::Engine;
use codguard::{HistoryRecord, Order};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    note: String,
    kind: String,
    #[serde(default)]
    record: serde_json::Value,
    /// The record as the text of a JSON Lines line (instead of `record`).
    text: Option<String>,
    error: Option<String>,
    field: Option<String>,
    country: Option<String>,
}

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

/// What reading and using the record gave: the country of an order read, or the error.
fn replay(case: &Case) -> Result<String, codguard::Error> {
    let line = case.text.clone().unwrap_or_else(|| case.record.to_string());
    let mut engine = Engine::default();
    if case.kind == "history" {
        let records: Vec<HistoryRecord> = Engine::parse_jsonl(&line)?;
        engine.add_history(records.clone())?;
        Ok(records[0].order.country.clone())
    } else {
        let orders: Vec<Order> = Engine::parse_jsonl(&line)?;
        engine.assess(&orders[0])?;
        Ok(orders[0].country.clone())
    }
}

#[test]
fn records_vectors() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../tests/vectors/records.json")).unwrap();
    assert!(vectors.cases.len() >= 30);
    let mut failures = Vec::new();
    for case in &vectors.cases {
        let got = replay(case);
        let ok = match (&got, &case.error) {
            (Ok(country), None) => Some(country) == case.country.as_ref(),
            (Err(e), Some(code)) => {
                e.kind().code() == code
                    && case
                        .field
                        .as_ref()
                        .is_none_or(|f| e.message().contains(&format!("`{f}`")))
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
