//! The fuzz targets: one function per target, bytes in, a panic out when a property breaks.
//! Two harnesses run the same functions: `core/tests/fuzz_stable.rs` (a mutation fuzzer on
//! stable Rust, in every `cargo test`) and the `cargo fuzz` targets of `fuzz/` (libFuzzer,
//! coverage-guided, nightly). Target `NAME` is the function `NAME_target` in both.
//!
//! What must hold: no panic, and the round trips (a normalized phone normalizes to itself, an
//! order read back from its own JSON is the same order, a snapshot that loads saves and loads
//! again, a flow's snapshot after any event restores).

#![allow(dead_code)] // each harness uses the targets it runs

use codguard::assessment::Action;
use codguard::confirm::{ConfirmationFlow, Event, FlowPolicy, FlowSnapshot};
use codguard::engine::Engine;
use codguard::normalize::{
    find_phone, normalize_address, normalize_email, normalize_name, normalize_phone, resolve_city,
};
use codguard::{HistoryRecord, Order};

/// Every target's name, as `cargo fuzz run NAME` takes it.
pub const ALL: [&str; 8] = [
    "normalize_phone",
    "normalize_email",
    "normalize_address",
    "normalize_name",
    "records",
    "engine_load",
    "flow_restore",
    "flow_handle",
];

/// The secret of the flows the flow targets build and restore.
pub const FLOW_SECRET: &[u8] = b"fuzz-secret";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn normalize_phone_target(b: &[u8]) {
    let t = text(b);
    for country in ["MA", "EG", "SA", "FR"] {
        if let Ok(p) = normalize_phone(&t, country) {
            // A normalized number normalizes to itself.
            let again = normalize_phone(p.as_str(), country);
            assert_eq!(again.as_ref().map(|a| a.as_str()).ok(), Some(p.as_str()));
        }
        let _ = find_phone(&t, country);
    }
}

pub fn normalize_email_target(b: &[u8]) {
    let _ = normalize_email(&text(b));
}

pub fn normalize_address_target(b: &[u8]) {
    let t = text(b);
    let _ = normalize_address(&t, &t, "MA");
    let _ = normalize_address(&t, "", "EG");
    let _ = resolve_city(&t, "MA");
}

pub fn normalize_name_target(b: &[u8]) {
    let _ = normalize_name(&text(b));
}

/// The JSON record parsers: an order, a history record, JSON Lines.
pub fn records_target(b: &[u8]) {
    let t = text(b);
    if let Ok(order) = serde_json::from_str::<Order>(&t) {
        let back: Order = serde_json::from_str(&serde_json::to_string(&order).expect("json"))
            .expect("an order reads back from its own JSON");
        assert_eq!(back, order);
    }
    let _ = serde_json::from_str::<HistoryRecord>(&t);
    let _ = Engine::parse_jsonl::<HistoryRecord>(&t);
}

/// The engine snapshot loader: the bytes as given (the CRC refuses nearly every mutant), then
/// with the length and CRC recomputed as a forger would, so that the decoder behind the CRC is
/// reached.
pub fn engine_load_target(b: &[u8]) {
    let mut forged = b.to_vec();
    if forged.len() >= 24 {
        let len = (forged.len() - 24) as u64;
        forged[12..20].copy_from_slice(&len.to_le_bytes());
        let crc = crc32fast::hash(&forged[24..]);
        forged[20..24].copy_from_slice(&crc.to_le_bytes());
    }
    for bytes in [b, &forged[..]] {
        if let Ok(e) = Engine::load(bytes) {
            let saved = e.save();
            assert!(
                Engine::load(&saved).is_ok(),
                "a loaded snapshot saves and loads"
            );
        }
    }
}

/// The flow the flow targets start from: a confirmation flow of one order.
pub fn new_flow() -> ConfirmationFlow {
    let order: Order = serde_json::from_str(
        r#"{"order_id": "o-1", "placed_at": 1767225600, "name": "سلمى بناني",
            "phone": "+212612345678", "email": "s@example.com", "country": "MA", "total": 349}"#,
    )
    .expect("order");
    ConfirmationFlow::new(
        &order,
        Action::Confirm,
        FlowPolicy::default(),
        FLOW_SECRET,
        b"nonce-0123456789",
    )
    .expect("flow")
}

/// The flow snapshot loader: a snapshot's JSON, restored under [`FLOW_SECRET`].
pub fn flow_restore_target(b: &[u8]) {
    if let Ok(snap) = serde_json::from_slice::<FlowSnapshot>(b) {
        if let Ok(f) = ConfirmationFlow::restore(snap, FLOW_SECRET) {
            let again = ConfirmationFlow::restore(f.snapshot(), FLOW_SECRET);
            assert!(again.is_ok(), "a restored flow's snapshot restores");
        }
    }
}

/// The flow's event handler: an event's JSON, handled by a flow that was just placed.
pub fn flow_handle_target(b: &[u8]) {
    if let Ok(e) = serde_json::from_slice::<Event>(b) {
        let mut f = new_flow();
        let _ = f.handle(
            serde_json::from_str(r#"{"type": "placed", "at": 1767225600}"#).expect("placed"),
        );
        let _ = f.handle(e);
        assert!(ConfirmationFlow::restore(f.snapshot(), FLOW_SECRET).is_ok());
    }
}
