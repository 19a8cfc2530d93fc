//! A mutation fuzzer that runs on stable Rust, for a fixed budget, in every `cargo test`.
//!
//! Targets: the normalizers (phone, email, address, name, city), the JSON record parsers
//! (order, history record, JSON Lines), the engine snapshot loader, the flow snapshot loader and
//! the flow's event handler. Seeds are the repository's vectors (`tests/vectors`); each run
//! mutates one (bit flips, byte and token insertions, deletions, duplications, splices of two
//! seeds) with a fixed random seed, so a run is reproducible. What must hold: no panic, and the
//! round trips (an order read back from its own JSON is the same order; a snapshot that loads
//! saves and loads again).
//!
//! Budget: `CODGUARD_FUZZ_RUNS` inputs per target (default 10,000: 80,000 inputs, about 30 s
//! on a debug build of a loaded 2-core machine); `CODGUARD_FUZZ_SEED` picks another sequence. Run counts are printed
//! (`cargo test -p codguard --test fuzz_stable -- --nocapture`). A finding becomes a vector.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use codguard::assessment::Action;
use codguard::confirm::{ConfirmationFlow, Event, FlowPolicy, FlowSnapshot};
use codguard::engine::Engine;
use codguard::normalize::{
    find_phone, normalize_address, normalize_email, normalize_name, normalize_phone, resolve_city,
};
use codguard::{HistoryRecord, Order};

fn runs() -> usize {
    std::env::var("CODGUARD_FUZZ_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn rng() -> fastrand::Rng {
    let seed = std::env::var("CODGUARD_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x636f_6467_7561_7264);
    fastrand::Rng::with_seed(seed)
}

/// Tokens that break parsers more often than random bytes do.
const TOKENS: &[&str] = &[
    "\0",
    "\\u0000",
    "\\ud800",
    "٠",
    "۹",
    "+212",
    "00",
    "@",
    "..",
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "1e999",
    "-0",
    "NaN",
    "18446744073709551616",
    "\u{200f}",
    "\u{feff}",
    "ﻻ",
    "é",
    "😀",
    "\r\n",
    " ",
    "\"order_id\"",
    "\"type\"",
    "\"at\"",
];

fn mutate(rng: &mut fastrand::Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seeds[rng.usize(..seeds.len())].clone();
    for _ in 0..rng.usize(1..=4) {
        let at = rng.usize(..=b.len());
        match rng.u8(..6) {
            0 if !b.is_empty() => {
                let i = rng.usize(..b.len());
                b[i] ^= 1 << rng.u8(..8);
            }
            1 => b.insert(at, rng.u8(..)),
            2 => {
                let t = TOKENS[rng.usize(..TOKENS.len())].as_bytes();
                b.splice(at..at, t.iter().copied());
            }
            3 if !b.is_empty() => {
                let end = (at + rng.usize(1..=16)).min(b.len());
                b.drain(at.min(end)..end);
            }
            4 if !b.is_empty() => {
                let start = rng.usize(..b.len());
                let end = (start + rng.usize(1..=32)).min(b.len());
                let piece = b[start..end].to_vec();
                b.splice(at..at, piece);
            }
            _ => {
                let other = &seeds[rng.usize(..seeds.len())];
                let cut = rng.usize(..=other.len());
                b.truncate(at);
                b.extend_from_slice(&other[cut..]);
            }
        }
    }
    b
}

/// Runs `target` on `runs()` mutations of `seeds` (and on the seeds themselves); a panic
/// fails the test with the input that caused it.
fn fuzz(name: &str, seeds: &[Vec<u8>], mut target: impl FnMut(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = rng();
    let n = runs();
    let inputs = seeds
        .iter()
        .cloned()
        .chain((0..n).map(|_| mutate(&mut rng, seeds)));
    let mut count = 0usize;
    for input in inputs {
        let outcome = catch_unwind(AssertUnwindSafe(|| target(&input)));
        assert!(
            outcome.is_ok(),
            "{name}: panicked on {:?}",
            String::from_utf8_lossy(&input)
        );
        count += 1;
    }
    println!(
        "fuzz {name}: {count} inputs ({} seeds), no panic",
        seeds.len()
    );
}

fn vectors() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors"))
}

/// Every string value of a vector file whose key is one of `keys`.
fn strings_of(file: &str, keys: &[&str]) -> Vec<Vec<u8>> {
    fn walk(v: &serde_json::Value, keys: &[&str], out: &mut Vec<Vec<u8>>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    if let (true, Some(s)) = (keys.contains(&k.as_str()), v.as_str()) {
                        out.push(s.as_bytes().to_vec());
                    }
                    walk(v, keys, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, keys, out)),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(vectors().join(file)).expect("vector file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("vector JSON");
    let mut out = Vec::new();
    walk(&v, keys, &mut out);
    out
}

/// The records of records.json and the orders of the flow vectors, as JSON text.
fn record_seeds() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(vectors().join("records.json")).expect("records.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut out: Vec<Vec<u8>> = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["record"].to_string().into_bytes())
        .filter(|r| r.len() < 4096)
        .collect();
    for (_, flow) in flow_vectors() {
        out.push(flow["order"].to_string().into_bytes());
    }
    out
}

fn flow_vectors() -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(vectors().join("flow"))
        .expect("flow vectors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("flow vector");
        out.push((
            p.display().to_string(),
            serde_json::from_str(&text).expect("JSON"),
        ));
    }
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn normalizers() {
    let phones = strings_of("phone.json", &["input", "raw", "text"]);
    fuzz("normalize_phone", &phones, |b| {
        let t = text(b);
        for country in ["MA", "EG", "SA", "FR"] {
            if let Ok(p) = normalize_phone(&t, country) {
                // A normalized number normalizes to itself.
                let again = normalize_phone(p.as_str(), country);
                assert_eq!(again.as_ref().map(|a| a.as_str()).ok(), Some(p.as_str()));
            }
            let _ = find_phone(&t, country);
        }
    });
    let emails = strings_of("email.json", &["input", "raw"]);
    fuzz("normalize_email", &emails, |b| {
        let _ = normalize_email(&text(b));
    });
    let addresses = strings_of("address.json", &["input", "raw", "address", "city"]);
    fuzz("normalize_address+resolve_city", &addresses, |b| {
        let t = text(b);
        let _ = normalize_address(&t, &t, "MA");
        let _ = normalize_address(&t, "", "EG");
        let _ = resolve_city(&t, "MA");
    });
    let names = strings_of("name.json", &["input", "raw", "a", "b", "name"]);
    fuzz("normalize_name", &names, |b| {
        let _ = normalize_name(&text(b));
    });
}

#[test]
fn json_record_parsers() {
    let seeds = record_seeds();
    fuzz("order/history JSON", &seeds, |b| {
        let t = text(b);
        if let Ok(order) = serde_json::from_str::<Order>(&t) {
            let back: Order = serde_json::from_str(&serde_json::to_string(&order).expect("json"))
                .expect("an order reads back from its own JSON");
            assert_eq!(back, order);
        }
        let _ = serde_json::from_str::<HistoryRecord>(&t);
        let _ = Engine::parse_jsonl::<HistoryRecord>(&t);
    });
}

#[test]
fn engine_snapshot_loader() {
    let history = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/history.jsonl"
    ))
    .expect("examples/data/history.jsonl");
    let records: Vec<HistoryRecord> =
        Engine::parse_jsonl(&history.lines().take(40).collect::<Vec<_>>().join("\n"))
            .expect("history");
    let mut engine = Engine::default();
    engine.add_history(records).expect("added");
    let seeds = vec![engine.save(), Engine::default().save()];
    fuzz("Engine::load", &seeds, |b| {
        // As given (the CRC refuses nearly every mutant), then with the length and CRC
        // recomputed as a forger would, so that the decoder behind the CRC is reached.
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
    });
}

#[test]
fn flow_snapshots_and_events() {
    let secret = b"fuzz-secret";
    let mut snapshots = Vec::new();
    let mut events = Vec::new();
    let order: Order = serde_json::from_str(
        r#"{"order_id": "o-1", "placed_at": 1767225600, "name": "سلمى بناني",
            "phone": "+212612345678", "email": "s@example.com", "country": "MA", "total": 349}"#,
    )
    .expect("order");
    let new_flow = || {
        ConfirmationFlow::new(
            &order,
            Action::Confirm,
            FlowPolicy::default(),
            secret,
            b"nonce-0123456789",
        )
        .expect("flow")
    };
    let mut flow = new_flow();
    snapshots.push(serde_json::to_vec(&flow.snapshot()).expect("json"));
    for (_, v) in flow_vectors() {
        for step in v["steps"].as_array().into_iter().flatten() {
            let event = step["event"].to_string();
            if let Ok(e) = serde_json::from_str::<Event>(&event) {
                let _ = flow.handle(e);
                snapshots.push(serde_json::to_vec(&flow.snapshot()).expect("json"));
            }
            events.push(event.into_bytes());
        }
    }
    fuzz("ConfirmationFlow::restore", &snapshots, |b| {
        if let Ok(snap) = serde_json::from_slice::<FlowSnapshot>(b) {
            if let Ok(f) = ConfirmationFlow::restore(snap, secret) {
                let again = ConfirmationFlow::restore(f.snapshot(), secret);
                assert!(again.is_ok(), "a restored flow's snapshot restores");
            }
        }
    });
    fuzz("ConfirmationFlow::handle", &events, |b| {
        if let Ok(e) = serde_json::from_slice::<Event>(b) {
            let mut f = new_flow();
            let _ = f.handle(
                serde_json::from_str(r#"{"type": "placed", "at": 1767225600}"#).expect("placed"),
            );
            let _ = f.handle(e);
            assert!(ConfirmationFlow::restore(f.snapshot(), secret).is_ok());
        }
    });
}
