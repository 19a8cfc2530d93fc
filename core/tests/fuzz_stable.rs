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
//!
//! The targets themselves are in `common/fuzz_targets.rs`, shared with the `cargo fuzz`
//! targets of `fuzz/` (coverage-guided, nightly). `CODGUARD_FUZZ_CORPUS=DIR` writes each
//! target's seeds to `DIR/NAME/` as well, the seed corpus of `cargo fuzz run NAME DIR/NAME`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

#[path = "common/fuzz_targets.rs"]
mod targets;

use codguard::confirm::Event;
use codguard::engine::Engine;
use codguard::HistoryRecord;

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
fn fuzz(name: &str, seeds: &[Vec<u8>], target: fn(&[u8])) {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    assert!(
        targets::ALL.contains(&name),
        "{name} is not in targets::ALL"
    );
    write_corpus(name, seeds);
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

/// With `CODGUARD_FUZZ_CORPUS=DIR`, writes `seeds` to `DIR/name/seed-N` for `cargo fuzz`.
fn write_corpus(name: &str, seeds: &[Vec<u8>]) {
    let Some(dir) = std::env::var_os("CODGUARD_FUZZ_CORPUS") else {
        return;
    };
    let dir = Path::new(&dir).join(name);
    std::fs::create_dir_all(&dir).expect("the corpus folder");
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i}")), seed).expect("a corpus file");
    }
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

/// The records of records.json (a case's `text`, else its `record`) and the orders of the flow
/// vectors, as JSON text.
fn record_seeds() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(vectors().join("records.json")).expect("records.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut out: Vec<Vec<u8>> = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| match c["text"].as_str() {
            Some(text) => text.as_bytes().to_vec(),
            None => c["record"].to_string().into_bytes(),
        })
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

#[test]
fn normalizers() {
    let phones = strings_of("phone.json", &["input", "raw", "text"]);
    fuzz("normalize_phone", &phones, targets::normalize_phone_target);
    let emails = strings_of("email.json", &["input", "raw"]);
    fuzz("normalize_email", &emails, targets::normalize_email_target);
    let addresses = strings_of("address.json", &["input", "raw", "address", "city"]);
    fuzz(
        "normalize_address",
        &addresses,
        targets::normalize_address_target,
    );
    let names = strings_of("name.json", &["input", "raw", "a", "b", "name"]);
    fuzz("normalize_name", &names, targets::normalize_name_target);
}

#[test]
fn json_record_parsers() {
    fuzz("records", &record_seeds(), targets::records_target);
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
    fuzz("engine_load", &seeds, targets::engine_load_target);
}

#[test]
fn flow_snapshots_and_events() {
    let mut snapshots = Vec::new();
    let mut events = Vec::new();
    let mut flow = targets::new_flow();
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
    fuzz("flow_restore", &snapshots, targets::flow_restore_target);
    fuzz("flow_handle", &events, targets::flow_handle_target);
}
