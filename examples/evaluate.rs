//! Scores the engine on a dataset folder with ground truth: match precision and recall over
//! (query, past order) pairs, class accuracy, the confusion table, and assess latency.
//!
//! ```text
//! cargo run --release --example synth -- --out target/synth   # the repository's own shop
//! cargo run --release --example evaluate -- target/synth
//! cargo run --release --example evaluate -- ../shared/data/dev # the shared sample data
//! ```
//! Without an argument it reads `../shared/data/dev`. The last line is one JSON object with
//! the figures.

#[path = "common/dataset.rs"]
mod dataset;

use std::path::PathBuf;
use std::time::Instant;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/data/dev".into()),
    );
    let data = match dataset::Dataset::load(&dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("evaluate: {e}");
            eprintln!(
                "evaluate: give a folder with history.jsonl, queries.jsonl and truth.jsonl; \
                 `cargo run --release --example synth -- --out target/synth` writes one"
            );
            std::process::exit(2);
        }
    };
    let Some(truth) = &data.truth else {
        eprintln!("evaluate: {} has no truth.jsonl", dir.display());
        std::process::exit(2);
    };
    let mut engine = Engine::new(PolicyConfig::default());
    let t = Instant::now();
    if let Err(e) = engine.add_history(data.history.clone()) {
        eprintln!("evaluate: history: {e}");
        std::process::exit(2);
    }
    let ingest = t.elapsed().as_secs_f64();

    let mut micros = Vec::with_capacity(data.queries.len());
    let mut assessments = Vec::with_capacity(data.queries.len());
    for q in &data.queries {
        let t = Instant::now();
        match engine.assess(q) {
            Ok(a) => assessments.push(a),
            Err(e) => eprintln!("evaluate: order {}: {e}", q.order_id),
        }
        micros.push(t.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        micros
            .get(((micros.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };

    let s = dataset::score(&assessments, truth);
    println!("dataset          {}", dir.display());
    println!(
        "history          {} orders, ingested in {:.3} s ({:.0} orders/s)",
        data.history.len(),
        ingest,
        data.history.len() as f64 / ingest
    );
    println!("queries          {}", s.queries);
    println!(
        "match precision  {:.4} ({} of {} found pairs right)",
        s.precision(),
        s.right_pairs,
        s.found_pairs
    );
    println!(
        "match recall     {:.4} ({} of {} true pairs found)",
        s.recall(),
        s.right_pairs,
        s.true_pairs
    );
    println!("class accuracy   {:.4}", s.class_accuracy());
    println!(
        "assess latency   p50 {:.1} µs, p99 {:.1} µs",
        pct(0.5),
        pct(0.99)
    );
    println!("\nexpected -> got (errors only)");
    let mut errors: Vec<_> = s.confusion.iter().filter(|((e, g), _)| e != g).collect();
    errors.sort_by(|a, b| b.1.cmp(a.1));
    for ((e, g), n) in errors {
        println!("  {e:>10} -> {g:<10} {n}");
    }
    println!(
        "{{\"queries\": {}, \"precision\": {:.4}, \"recall\": {:.4}, \"class_accuracy\": {:.4}, \"p50_us\": {:.1}, \"p99_us\": {:.1}}}",
        s.queries, s.precision(), s.recall(), s.class_accuracy(), pct(0.5), pct(0.99)
    );
}
