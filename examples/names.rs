//! How well names link across scripts, on real people of the region (`tests/data/name_pairs.tsv`:
//! Wikidata's Arabic and Latin labels, see its header), at the engine's name threshold.
//!
//! ```text
//! cargo run --release --example names [-- tests/data/name_pairs.tsv] [--misses]
//! cargo run --release --example names -- --pair "الازهر الضاوي" "Lazhar Dhaoui"
//! ```
//! - recall: a person's Arabic name and a Latin spelling of it are the same name; also two
//!   Latin spellings of one person (`latin/latin`);
//! - siblings: the Arabic name of one person and the Latin name of another with the same family
//!   name (last Arabic word) and another given name (first Arabic word) are the same name; also
//!   their Latin names (`latin/latin`);
//! - other: the same for every two people of different given and family names.
//!
//! `held` rows are families left out of tuning. The last line is one JSON object.

#[path = "common/name_pairs.rs"]
mod name_pairs;

use codguard::normalize::name::{name_similarity, normalize_name, NormalizedName};
use codguard::normalize::translit::describe;
use codguard::policy::PolicyConfig;
use name_pairs::Kind;

fn show(n: &NormalizedName) -> String {
    n.keys
        .iter()
        .map(|k| describe(k))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn main() {
    let threshold = PolicyConfig::default().name_match_threshold;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, a, b] = args.as_slice() {
        if flag == "--pair" {
            let (x, y) = (
                normalize_name(a).unwrap_or_default(),
                normalize_name(b).unwrap_or_default(),
            );
            println!("{}\n{}", show(&x), show(&y));
            println!("similarity {:.3}", name_similarity(&x, &y));
            return;
        }
    }
    let misses = args.iter().any(|a| a == "--misses");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "tests/data/name_pairs.tsv".into());
    let text = std::fs::read_to_string(&path)
        .or_else(|_| std::fs::read_to_string(format!("../{path}")))
        .unwrap_or_else(|e| {
            eprintln!("names: {path}: {e}");
            std::process::exit(2);
        });
    let people = name_pairs::load(&text);
    let t = name_pairs::score(&people, threshold, 1, |kind, p, a, q, b, linked| {
        if !misses {
            return;
        }
        let label = match (kind, linked) {
            (Kind::Recall, false) => "miss",
            (Kind::RecallLatin, false) => "miss-ll",
            (Kind::Siblings, true) => "sibling",
            (Kind::SiblingsLatin, true) => "sibling-ll",
            (Kind::Other, true) => "other",
            _ => return,
        };
        println!(
            "{label} {} | {a} | {b} || {} || {}",
            q.split,
            show(&p.ar),
            {
                q.latin
                    .iter()
                    .find(|(l, _)| l == b)
                    .map_or_else(String::new, |(_, n)| show(n))
            }
        );
    });
    println!(
        "data       {path} ({} people), threshold {threshold}",
        people.len()
    );
    for (group, x) in &t {
        println!("{group:<28} {:.4} ({} of {})", x.rate(), x.linked, x.pairs);
    }
    let r = |k: &str| t.get(k).map_or(0.0, name_pairs::Tally::rate);
    println!(
        "{{\"recall_tune\": {:.4}, \"recall_held\": {:.4}, \"siblings_tune\": {:.4}, \"siblings_held\": {:.4}, \"other_tune\": {:.5}, \"other_held\": {:.5}}}",
        r("recall tune"), r("recall held"), r("siblings tune"), r("siblings held"), r("other tune"), r("other held")
    );
}
