//! Replays `tests/vectors/assess.json` (shared with the C, PHP and Python bindings): every rule
//! of the policy, and the cases of the revised policy (absent is not nonsense, digit runs are a
//! weak signal, duplicates are never auto-confirmed).

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::{HistoryRecord, Order};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    customer_class: String,
    action: String,
    reasons: Vec<String>,
    notify_customer_service: bool,
    matches: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Case {
    note: String,
    config: Option<serde_json::Value>,
    history: Vec<HistoryRecord>,
    order: Order,
    expected: Expected,
}

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

fn engine(case: &Case) -> Engine {
    let config = match &case.config {
        Some(c) => PolicyConfig::from_json(&c.to_string()).expect("config of the case"),
        None => PolicyConfig::default(),
    };
    let mut engine = Engine::new(config);
    engine
        .add_history(case.history.clone())
        .expect("history of the case");
    engine
}

#[test]
fn assess_vectors() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../tests/vectors/assess.json")).unwrap();
    assert!(vectors.cases.len() >= 40);
    let mut failures = Vec::new();
    for case in &vectors.cases {
        let a = engine(case).assess(&case.order).expect("assessable order");
        let reasons: Vec<&str> = a.reasons.iter().map(|r| r.code.as_str()).collect();
        let mut matches: Vec<&str> = a.matches.iter().map(|m| m.order_id.as_str()).collect();
        matches.sort_unstable();
        let want = &case.expected;
        let matches_ok = want.matches.as_ref().is_none_or(|w| *w == matches);
        if a.customer_class.as_str() != want.customer_class
            || a.action.as_str() != want.action
            || reasons != want.reasons
            || a.notify_customer_service != want.notify_customer_service
            || !matches_ok
        {
            failures.push(format!(
                "{}: got {} {} {:?} notify {} matches {:?}",
                case.note,
                a.customer_class.as_str(),
                a.action.as_str(),
                reasons,
                a.notify_customer_service,
                matches
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
}
