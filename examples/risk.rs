//! The fitted risk model against today's heuristic, on a time-ordered split: fit on the
//! earlier months of a history, score the later months' shipped orders (each assessed against
//! every order placed before it); prints the Brier scores and a calibration table.
//!
//! ```text
//! cargo run --release --example risk                       # the generated shop, seed 1
//! cargo run --release --example risk -- --data DIR         # DIR/history.jsonl
//! cargo run --release --example risk -- --model-out risk.json
//! ```

#[path = "common/dataset.rs"]
mod dataset;
#[path = "common/synth.rs"]
mod synth;

use std::path::PathBuf;

use codguard::policy::PolicyConfig;
use codguard::risk::{self, FitOptions};
use codguard::HistoryRecord;

const USAGE: &str = "\
usage: risk [--data DIR | --customers N --seed S] [--split-days D] [--min-volume V]
            [--model-out FILE]

Fits the risk model on the history's orders placed in its first D days (default 360), scores
the later shipped orders with it and with today's heuristic, and prints both Brier scores, a
constant's (the earlier failure rate) and a calibration table.

  --data DIR         a history.jsonl to read (default: the generated shop)
  --customers N      the generated shop's customers (default 5000)
  --seed S           its seed (default 1)
  --split-days D     days from the first order to the split (default 360)
  --min-volume V     shipped orders a zone needs for its own rate (default 30)
  --model-out FILE   write the fitted model's JSON there";

struct Args {
    data: Option<PathBuf>,
    synth: synth::Config,
    split_days: i64,
    min_volume: u64,
    model_out: Option<PathBuf>,
}

fn parse() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut a = Args {
        data: None,
        synth: synth::Config::default(),
        split_days: 360,
        min_volume: FitOptions::default().min_volume,
        model_out: None,
    };
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("data") => a.data = Some(PathBuf::from(parser.value()?)),
            Long("customers") => a.synth.customers = parser.value()?.parse()?,
            Long("seed") => a.synth.seed = parser.value()?.parse()?,
            Long("split-days") => a.split_days = parser.value()?.parse()?,
            Long("min-volume") => a.min_volume = parser.value()?.parse()?,
            Long("model-out") => a.model_out = Some(PathBuf::from(parser.value()?)),
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(a)
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("risk: {e}");
    std::process::exit(1);
}

fn main() {
    let args = parse().unwrap_or_else(|e| {
        eprintln!("risk: {e}\n\n{USAGE}");
        std::process::exit(2);
    });
    let (history, source): (Vec<HistoryRecord>, String) = match &args.data {
        Some(dir) => {
            let path = dir.join("history.jsonl");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
            let records = codguard::engine::Engine::parse_jsonl(&text).unwrap_or_else(|e| fail(e));
            (records, path.display().to_string())
        }
        None => (
            synth::generate(&args.synth).data.history,
            format!(
                "the generated shop ({} customers, seed {})",
                args.synth.customers, args.synth.seed
            ),
        ),
    };
    let Some(first) = history.iter().map(|r| r.order.placed_at).min() else {
        fail("the history is empty")
    };
    let split_at = first + args.split_days * 86_400;
    let options = FitOptions {
        min_volume: args.min_volume,
        ..FitOptions::default()
    };
    let split = risk::split(&history, &PolicyConfig::default(), &options, split_at)
        .unwrap_or_else(|e| fail(e));
    if let Some(path) = &args.model_out {
        std::fs::write(path, split.model.to_json() + "\n")
            .unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
    }
    let (heuristic, fitted, constant) = split.briers();
    let m = &split.model;
    println!("history      {source}: {} orders", history.len());
    println!(
        "fit          the first {} days: {} orders, {} shipped, {:.4} failed; {} zones with >= {} \
         shipped; customer prior {} pseudo-orders",
        args.split_days,
        m.fitted_on.orders,
        m.shop.shipped,
        m.shop.failed as f64 / m.shop.shipped.max(1) as f64,
        m.zones.len(),
        m.min_volume,
        m.customer_prior
    );
    let later_failed = split.scored.iter().filter(|s| s.2).count();
    println!(
        "scored       the later orders: {} shipped, {later_failed} failed",
        split.scored.len()
    );
    println!("brier        heuristic {heuristic:.4}  fitted {fitted:.4}  constant {constant:.4}");
    for (name, pick) in [("heuristic", 0usize), ("fitted", 1)] {
        let pairs: Vec<(f64, bool)> = split
            .scored
            .iter()
            .map(|s| (if pick == 0 { s.0 } else { s.1 }, s.2))
            .collect();
        println!("\ncalibration  {name}\n  bin          orders  predicted  observed");
        for b in risk::calibration(&pairs, 10) {
            if b.count > 0 {
                println!(
                    "  {:.1}-{:.1}  {:>10}  {:>9.3}  {:>8.3}",
                    b.low, b.high, b.count, b.predicted, b.observed
                );
            }
        }
    }
    let json = serde_json::json!({
        "orders": history.len(),
        "scored": split.scored.len(),
        "brier_heuristic": heuristic,
        "brier_fitted": fitted,
        "brier_constant": constant,
    });
    println!("\n{json}");
}
