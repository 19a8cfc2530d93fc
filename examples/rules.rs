//! What each linking rule of issue 17 gained and lost: the links found with every rule on,
//! against those found with one rule turned back into the rule it replaced, scored against the
//! truth of a shop.
//!
//! ```text
//! cargo run --release --features rule-switches --example rules              # generated, 20,000 customers
//! cargo run --release --features rule-switches --example rules -- DIR       # a dataset folder with truth
//! ```
//! The rules (`codguard::history::switches`): `people`, a phone or email counts the people
//! behind it, not the name strings; `places`, cities compared as places (gazetteer city or
//! cross-script sketch), not as folded strings; `chains`, an order reached through another
//! must still share something owned with the new order, and two given names at one family
//! name are two people. A link is a (new order, past order) pair; true when the truth pairs
//! them.

#[path = "common/dataset.rs"]
mod dataset;
#[path = "common/synth.rs"]
mod synth;

use std::collections::HashSet;
use std::path::Path;

use codguard::engine::Engine;
use codguard::history::switches;
use codguard::policy::PolicyConfig;

type Pairs = HashSet<(String, String)>;

/// The links the engine finds with the rules of `off` turned off.
fn links(data: &dataset::Dataset, off: u8) -> Pairs {
    switches::set_off(off);
    let mut engine = Engine::new(PolicyConfig::default());
    engine
        .add_history(data.history.clone())
        .expect("the dataset's history is valid");
    let mut pairs = Pairs::new();
    for q in &data.queries {
        let Ok(a) = engine.assess(q) else { continue };
        for m in a.matches {
            pairs.insert((
                q.order_id.as_str().to_string(),
                m.order_id.as_str().to_string(),
            ));
        }
    }
    switches::set_off(0);
    pairs
}

fn main() {
    let data = match std::env::args().nth(1) {
        Some(dir) => dataset::Dataset::load(Path::new(&dir)).unwrap_or_else(|e| {
            eprintln!("rules: {e}");
            std::process::exit(2);
        }),
        None => {
            synth::generate(&synth::Config {
                customers: 20_000,
                ..synth::Config::default()
            })
            .data
        }
    };
    let Some(truth) = &data.truth else {
        eprintln!("rules: the dataset has no truth.jsonl");
        std::process::exit(2);
    };
    let truth: Pairs = truth
        .iter()
        .flat_map(|t| {
            t.history_order_ids
                .iter()
                .map(move |h| (t.order_id.clone(), h.clone()))
        })
        .collect();
    let all = links(&data, 0);
    let tp = all.intersection(&truth).count();
    println!(
        "{} new orders, {} past, {} true links; every rule on: {} found, {tp} true, {} false, {} missed",
        data.queries.len(),
        data.history.len(),
        truth.len(),
        all.len(),
        all.len() - tp,
        truth.len() - tp
    );
    println!("| rule | links only with it: true / false | links only without it: true / false |");
    println!("|---|---|---|");
    for (name, rule) in [
        ("people", switches::PEOPLE),
        ("places", switches::PLACES),
        ("chains", switches::CHAINS),
    ] {
        let without = links(&data, rule);
        let split = |set: Vec<&(String, String)>| {
            let t = set.iter().filter(|p| truth.contains(*p)).count();
            (t, set.len() - t)
        };
        let (gained_true, gained_false) = split(all.difference(&without).collect());
        let (lost_true, lost_false) = split(without.difference(&all).collect());
        println!("| {name} | {gained_true} / {gained_false} | {lost_true} / {lost_false} |");
    }
}
