//! What each linking rule of issue 17 gained and lost: the links found with every rule on,
//! against those found with one rule turned back into the rule it replaced, scored against the
//! truth of a shop.
//!
//! ```text
//! cargo run --release --features rule-switches --example rules              # generated, 20,000 customers
//! cargo run --release --features rule-switches --example rules -- --households --towns
//! cargo run --release --features rule-switches --example rules -- DIR       # a dataset folder with truth
//! ```
//! `--households` and `--towns` add the generator's households and town writers (see
//! `examples/common/synth.rs`: `synth --households --towns` writes the same shop); `--customers
//! N` sets the usual customers (20,000). Each rule's links are then also split by the kind of
//! customer whose new order they belong to: the usual ones, the households' members, the town
//! writers (by their order ids, `o-1-…`, `o-1-h…`, `o-1-t…`). `--list` prints every link a
//! rule changes, and every false and missed link with all rules on, with the fields of both
//! orders.
//!
//! The rules (`codguard::history::switches`): `people`, a phone or email counts the people
//! behind it, not the name strings; `places`, cities compared as places (gazetteer city or
//! cross-script sketch), not as folded strings; `chains`, an order reached through another
//! must still share something owned with the new order, and two given names at one family
//! name are two people; `family`, a junk name is no name, and a phone or email several people
//! share links an order whose name says nothing to none of them. A link is a (new order, past
//! order) pair; true when the truth pairs them.

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

const USAGE: &str = "usage: rules [DIR | [--customers N] [--households] [--towns]]";

/// The shop to measure: a dataset folder, or the generator's shop of the options given; and
/// whether it has the customers of the generator's options.
fn shop() -> Result<(dataset::Dataset, bool), String> {
    use lexopt::prelude::*;
    let mut config = synth::Config {
        customers: 20_000,
        ..synth::Config::default()
    };
    let mut dir = None;
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("households") => config.households = true,
            Long("towns") => config.towns = true,
            Long("list") => LIST.store(true, std::sync::atomic::Ordering::Relaxed),
            Long("customers") => {
                config.customers = parser
                    .value()
                    .map_err(|e| e.to_string())?
                    .parse()
                    .map_err(|e| format!("--customers: {e}"))?
            }
            Value(v) if dir.is_none() => dir = Some(v),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    match dir {
        Some(dir) => dataset::Dataset::load(Path::new(&dir)).map(|d| (d, false)),
        None => Ok((
            synth::generate(&config).data,
            config.households || config.towns,
        )),
    }
}

/// `--list`: print every link a rule changes, and the false links with every rule on, with
/// the fields of both orders.
static LIST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Prints the links of `set` (`what` says which) with both orders' fields, when `--list`.
fn list(data: &dataset::Dataset, truth: &Pairs, what: &str, set: &[&(String, String)]) {
    if !LIST.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let orders: std::collections::HashMap<&str, &codguard::Order> = data
        .history
        .iter()
        .map(|r| &r.order)
        .chain(&data.queries)
        .map(|o| (o.order_id.as_str(), o))
        .collect();
    let show = |id: &str| {
        orders.get(id).map_or(id.to_string(), |o| {
            format!(
                "{id} | {} | {} | {} | {} | {}",
                o.name, o.phone, o.email, o.address, o.city
            )
        })
    };
    let mut set = set.to_vec();
    set.sort();
    for p in set {
        let t = if truth.contains(p) { "true" } else { "false" };
        println!("{what} {t}\n  new  {}\n  past {}", show(&p.0), show(&p.1));
    }
}

/// The kind of customer a link's new order belongs to, by the generator's order ids.
fn kind(order_id: &str) -> usize {
    let id = order_id.splitn(3, '-').nth(2).unwrap_or("");
    match id.as_bytes().first() {
        Some(b'h') => 1,
        Some(b't') => 2,
        _ => 0,
    }
}

/// The links of `set` whose new order belongs to the kind of customer `k` ([`kind`]).
fn of_kind<'a>(set: &[&'a (String, String)], k: usize) -> Vec<&'a (String, String)> {
    set.iter().copied().filter(|p| kind(&p.0) == k).collect()
}

const KINDS: [&str; 3] = ["usual", "households", "town writers"];

fn main() {
    let (data, extras) = shop().unwrap_or_else(|e| {
        eprintln!("rules: {e}\n{USAGE}");
        std::process::exit(2);
    });
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
    let split = |set: &[&(String, String)]| {
        let t = set.iter().filter(|p| truth.contains(**p)).count();
        (t, set.len() - t)
    };
    // Only the generator's options make customers of other kinds.
    let kinds = if extras { KINDS.len() } else { 1 };
    list(
        &data,
        &truth,
        "every rule on: missed,",
        &truth.difference(&all).collect::<Vec<_>>(),
    );
    list(
        &data,
        &truth,
        "every rule on: false,",
        &all.difference(&truth).collect::<Vec<_>>(),
    );
    let mut by_kind = Vec::new();
    for (name, rule) in [
        ("people", switches::PEOPLE),
        ("places", switches::PLACES),
        ("chains", switches::CHAINS),
        ("family", switches::FAMILY),
    ] {
        let without = links(&data, rule);
        let gained: Vec<_> = all.difference(&without).collect();
        let lost: Vec<_> = without.difference(&all).collect();
        list(&data, &truth, &format!("{name}: only with it,"), &gained);
        list(&data, &truth, &format!("{name}: only without it,"), &lost);
        let ((gained_true, gained_false), (lost_true, lost_false)) = (split(&gained), split(&lost));
        println!("| {name} | {gained_true} / {gained_false} | {lost_true} / {lost_false} |");
        for (k, kind_name) in KINDS.iter().enumerate().take(kinds) {
            let (g, l) = (of_kind(&gained, k), of_kind(&lost, k));
            let ((gt, gf), (lt, lf)) = (split(&g), split(&l));
            by_kind.push(format!(
                "| {name} | {kind_name} | {gt} / {gf} | {lt} / {lf} |"
            ));
        }
    }
    if !extras {
        return;
    }
    println!("\nby the kind of customer of the new order:");
    println!("| rule | customers | only with it: true / false | only without it: true / false |");
    println!("|---|---|---|---|");
    for line in by_kind {
        println!("{line}");
    }
    for (k, kind_name) in KINDS.iter().enumerate() {
        let true_links = truth.iter().filter(|p| kind(&p.0) == k).count();
        let missed = truth.difference(&all).filter(|p| kind(&p.0) == k).count();
        let false_links = all.difference(&truth).filter(|p| kind(&p.0) == k).count();
        println!("{kind_name}: {true_links} true links; every rule on: {missed} missed, {false_links} false");
    }
}
