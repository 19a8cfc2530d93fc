//! The main job: triage a file of new orders against a shop's order history.
//!
//! ```text
//! cargo run --release --example triage                       # the repository's example shop
//! cargo run --release --example triage -- ../shared/data/dev # any folder with history.jsonl
//!                                                            # and queries.jsonl
//! cargo run --release --example triage -- --history H.jsonl --orders O.jsonl [--json]
//! ```
//! Prints, per order, its class, action, risk, reasons and matched past orders, then a summary
//! table. `--json` prints one assessment per line instead (JSON Lines).

#[path = "common/dataset.rs"]
mod dataset;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::{HistoryRecord, Order};

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("triage: {msg}");
    std::process::exit(2);
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
    Engine::parse_jsonl(&text).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let value_of = |flag: &str| {
        args.iter().position(|a| a == flag).map(|i| {
            PathBuf::from(
                args.get(i + 1)
                    .unwrap_or_else(|| fail(format!("{flag} needs a path"))),
            )
        })
    };
    let (history, orders): (Vec<HistoryRecord>, Vec<Order>) =
        match (value_of("--history"), value_of("--orders")) {
            (Some(h), Some(o)) => (read_jsonl(&h), read_jsonl(&o)),
            (None, None) => {
                let dir = args
                    .iter()
                    .find(|a| !a.starts_with("--"))
                    .map(PathBuf::from)
                    .unwrap_or_else(|| {
                        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data")
                    });
                let d = dataset::Dataset::load(&dir).unwrap_or_else(|e| fail(e));
                (d.history, d.queries)
            }
            _ => fail("give both --history and --orders, or a dataset folder"),
        };

    let started = Instant::now();
    let mut engine = Engine::new(PolicyConfig::default());
    let n_history = engine
        .add_history(history)
        .unwrap_or_else(|e| fail(format!("history: {e}")));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut by_class: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    let progress = orders.len() >= 10_000;
    for (i, order) in orders.iter().enumerate() {
        if progress && i % (orders.len() / 20).max(1) == 0 {
            eprint!(
                "\rtriage: {:>3}% ({i} of {})",
                i * 100 / orders.len(),
                orders.len()
            );
        }
        let a = match engine.assess(order) {
            Ok(a) => a,
            Err(e) => {
                let _ = writeln!(out, "{:<14} error: {e}", order.order_id);
                continue;
            }
        };
        *by_class
            .entry((a.customer_class.as_str(), a.action.as_str()))
            .or_default() += 1;
        if json {
            let _ = writeln!(out, "{}", serde_json::to_string(&a).unwrap_or_default());
            continue;
        }
        let reasons: Vec<&str> = a.reasons.iter().map(|r| r.code.as_str()).collect();
        let matched: Vec<&str> = a.matches.iter().map(|m| m.order_id.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<14} {:<10} {:<13} risk {:.2}  reasons [{}]  matches [{}]{}",
            a.order_id,
            a.customer_class.as_str(),
            a.action.as_str(),
            a.risk,
            reasons.join(", "),
            matched.join(", "),
            if a.notify_customer_service {
                "  -> customer service"
            } else {
                ""
            },
        );
    }
    if progress {
        eprintln!("\rtriage: 100% ({} of {})", orders.len(), orders.len());
    }
    let elapsed = started.elapsed().as_secs_f64();
    if !json {
        let _ = writeln!(
            out,
            "\n{} orders triaged against {n_history} past orders in {elapsed:.2} s\n",
            orders.len()
        );
        let _ = writeln!(out, "{:<12} {:<20} {:>7}", "class", "action", "orders");
        for ((class, action), n) in &by_class {
            let _ = writeln!(out, "{class:<12} {action:<20} {n:>7}");
        }
    }
}
