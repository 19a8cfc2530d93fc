//! Where the time of one assessment goes: each normalizer, the signature, the link walk, and
//! the whole `assess`, in µs per order over a dataset's queries (two passes; quote the second).
//!
//! ```text
//! cargo run --release --example breakdown -- ../shared/data/dev
//! cargo run --release --example breakdown -- --synthetic 1000000
//! ```

#[path = "common/dataset.rs"]
mod dataset;
#[path = "common/synth.rs"]
mod synth;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use codguard::engine::Engine;
use codguard::history::{Features, LinkRules, Signature};
use codguard::normalize::{normalize_address, normalize_email, normalize_name, normalize_phone};
use codguard::Order;

fn per_order<T>(name: &str, orders: &[Order], f: impl Fn(&Order) -> T) {
    let t = Instant::now();
    for o in orders {
        black_box(f(o));
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / orders.len().max(1) as f64;
    println!("{name:<10} {us:>7.2} µs");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (history, queries) = match args.as_slice() {
        [flag, n] if flag == "--synthetic" => synth::synth(n.parse().unwrap_or(100_000), 20_000),
        _ => {
            let dir = PathBuf::from(args.first().map_or("../shared/data/dev", String::as_str));
            let data = dataset::Dataset::load(&dir).unwrap_or_else(|e| {
                eprintln!("breakdown: {e}");
                std::process::exit(2)
            });
            (data.history, data.queries)
        }
    };
    let mut engine = Engine::default();
    if let Err(e) = engine.add_history(history) {
        eprintln!("breakdown: {e}");
        std::process::exit(2);
    }
    let q = &queries;
    let rules = LinkRules::new(engine.config());
    let hasher = engine.history().hasher();
    for pass in 1..=2 {
        println!("pass {pass}");
        per_order("phone", q, |o| normalize_phone(&o.phone, &o.country).ok());
        per_order("email", q, |o| normalize_email(&o.email).ok());
        per_order("address", q, |o| {
            normalize_address(&o.address, &o.city, &o.country).ok()
        });
        per_order("name", q, |o| normalize_name(&o.name).ok());
        per_order("features", q, Features::of);
        let features: Vec<Features> = q.iter().map(Features::of).collect();
        let t = Instant::now();
        let sigs: Vec<Signature> = features.iter().map(|f| Signature::of(f, hasher)).collect();
        let us = t.elapsed().as_secs_f64() * 1e6 / q.len().max(1) as f64;
        println!("{:<10} {us:>7.2} µs", "signature");
        let t = Instant::now();
        for s in &sigs {
            black_box(rules.gather(engine.history(), &s.view(), None));
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / q.len().max(1) as f64;
        println!("{:<10} {us:>7.2} µs", "walk");
        per_order("assess", q, |o| engine.assess(o).ok());
    }
}
