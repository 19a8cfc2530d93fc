//! Store mode gives exactly the in-memory engine's answers, through a simulated database.

#[path = "../../examples/common/dataset.rs"]
mod dataset;
#[path = "common/db.rs"]
mod db;

use std::path::Path;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::store::Store;
use codguard::{HistoryRecord, Order};
use db::Db;

fn check_equivalent(history: &[HistoryRecord], queries: &[Order]) -> (usize, usize) {
    let mut engine = Engine::new(PolicyConfig::default());
    engine.add_history(history.to_vec()).unwrap();
    let store = Store::new(PolicyConfig::default(), b"test secret");
    let mut db = Db::default();
    for r in history {
        db.add(&store, r);
    }
    let mut identical = 0;
    for q in queries {
        let want = engine.assess(q).unwrap();
        let got = db.assess(&store, q);
        assert_eq!(got, want, "order {}", q.order_id);
        identical += 1;
    }
    (identical, db.reads)
}

#[test]
fn example_shop_through_the_store_is_identical() {
    let history: Vec<HistoryRecord> =
        Engine::parse_jsonl(include_str!("../../examples/data/history.jsonl")).unwrap();
    let queries: Vec<Order> =
        Engine::parse_jsonl(include_str!("../../examples/data/queries.jsonl")).unwrap();
    let (identical, _) = check_equivalent(&history, &queries);
    assert_eq!(identical, queries.len());
}

/// Every case of the shared assessment vectors with the default policy (two phones in one
/// field, floors and flats, long fields...), through the store: the same answer as the engine.
#[test]
fn assess_vectors_through_the_store_are_identical() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/assess.json")).unwrap();
    let mut replayed = 0;
    for case in vectors["cases"].as_array().unwrap() {
        if !case["config"].is_null() {
            continue;
        }
        let history: Vec<HistoryRecord> = serde_json::from_value(case["history"].clone()).unwrap();
        let order: Order = serde_json::from_value(case["order"].clone()).unwrap();
        check_equivalent(&history, &[order]);
        replayed += 1;
    }
    assert!(replayed >= 40, "{replayed} cases");
}

#[test]
fn dev_set_through_the_store_is_identical() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/dev");
    if !dir.join("queries.jsonl").exists() {
        assert!(
            std::env::var_os("CODGUARD_REQUIRE_SHARED").is_none(),
            "{} missing",
            dir.display()
        );
        return;
    }
    let data = dataset::Dataset::load(&dir).unwrap();
    let (identical, reads) = check_equivalent(&data.history, &data.queries);
    assert_eq!(identical, 5000);
    eprintln!("rows read per assess: {:.2}", reads as f64 / 5000.0);
}

#[test]
fn the_store_sees_another_workers_order_and_erases_a_customer() {
    let store = Store::new(PolicyConfig::default(), b"s");
    let mut db = Db::default();
    let first: Order = serde_json::from_str(
        r#"{"order_id": "w1", "placed_at": 1000, "name": "Imane Chraibi", "phone": "0661472983", "country": "MA"}"#,
    )
    .unwrap();
    db.add(
        &store,
        &HistoryRecord {
            order: first,
            outcome: codguard::Outcome::Pending,
            negotiated: false,
        },
    );
    let second: Order = serde_json::from_str(
        r#"{"order_id": "w2", "placed_at": 1060, "name": "Imane Chraibi", "phone": "+212661472983", "country": "MA"}"#,
    )
    .unwrap();
    let a = db.assess(&store, &second);
    assert!(a
        .reasons
        .iter()
        .any(|r| r.code.as_str() == "duplicate_recent_order"));
    assert_eq!(db.erase_by_phone(&store, "06 61 47 29 83", "MA"), 1);
    assert!(db.keys.is_empty(), "no key of the erased customer is left");
    assert!(db.assess(&store, &second).matches.is_empty());
}
