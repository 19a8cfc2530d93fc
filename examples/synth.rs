//! Writes a synthetic shop with ground truth, in the formats of the shared sample data:
//! `history.jsonl`, `queries.jsonl`, `truth.jsonl`, plus `phones.tsv` and `meta.json`.
//!
//! ```text
//! cargo run --release --example synth -- --out target/synth
//! cargo run --release --example evaluate -- target/synth
//! ```
//! The same seed always writes the same files. What the customers look like, and how the truth
//! is decided: `examples/common/synth.rs`.

#[path = "common/dataset.rs"]
mod dataset;
#[path = "common/synth.rs"]
mod synth;

use std::path::PathBuf;

const USAGE: &str = "\
usage: synth --out DIR [--customers N] [--seed S] [--dense] [--households] [--towns]

Writes a synthetic cash-on-delivery shop with ground truth into DIR:
history.jsonl, queries.jsonl, truth.jsonl (the formats of the shared sample
data), phones.tsv and meta.json. One seed always gives the same files.

  --out DIR          where to write (created if missing)
  --customers N      customers, each with one new order (default 5000)
  --seed S           the seed (default 1)
  --dense            crowded streets: 30 per city, houses 1 to 249, 12% of
                     customers a neighbour of another (to measure the walk)
  --households       add a household for every 40 customers: a parent and 1-3
                     children at one villa or flat, ordering with the family
                     phone, each their own customer
  --towns            add a customer for every 40 who writes their town in both
                     scripts or two Latin spellings (some towns missing from the
                     gazetteer), one email and a new phone on every order
  -h, --help         this help";

fn parse() -> Result<(PathBuf, synth::Config), lexopt::Error> {
    use lexopt::prelude::*;
    let mut out = None;
    let mut config = synth::Config::default();
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("customers") => config.customers = parser.value()?.parse()?,
            Long("seed") => config.seed = parser.value()?.parse()?,
            Long("dense") => config.density = synth::Density::Dense,
            Long("households") => config.households = true,
            Long("towns") => config.towns = true,
            Short('h') | Long("help") => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(arg.unexpected()),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok((out, config))
}

fn main() {
    let (out, config) = parse().unwrap_or_else(|e| {
        eprintln!("synth: {e}\n\n{USAGE}");
        std::process::exit(2);
    });
    let shop = synth::generate(&config);
    if let Err(e) = shop.write(&out) {
        eprintln!("synth: {e}");
        std::process::exit(1);
    }
    let mut classes = std::collections::BTreeMap::<&str, usize>::new();
    for t in shop.data.truth.iter().flatten() {
        *classes.entry(t.customer_class.as_str()).or_default() += 1;
    }
    let classes: Vec<String> = classes.iter().map(|(c, n)| format!("{c} {n}")).collect();
    println!(
        "synth: wrote {} (seed {}): {} past orders, {} new orders ({})",
        out.display(),
        config.seed,
        shop.data.history.len(),
        shop.data.queries.len(),
        classes.join(", ")
    );
}
