//! How well places link across scripts, on the official communes of Morocco and Algeria
//! (`tests/data/communes.tsv`: official French and Arabic names, see its header), Egypt's
//! districts (`tests/data/places_eg.tsv`) or the places of Tunisia and the Gulf
//! (`tests/data/places_tn_gcc.tsv`, whose eighth column of variants only the gazetteer reads).
//!
//! ```text
//! cargo run --release --example places [-- tests/data/communes.tsv] [--misses]
//! cargo run --release --example places -- tests/data/places_tn_gcc.tsv
//! cargo run --release --example places -- --keys MA "حجر النحل" "Hjar Ennhal"
//! ```
//! - recall: the commune's French and Arabic names are the same place (`same_place`);
//! - other: the Arabic name of one commune and the French name of another commune of the same
//!   country are the same place (every such pair, homonyms apart: communes whose names are
//!   equal in either script are counted separately, no name can tell them apart), with the
//!   held-out rows keyed as missing towns, then with the gazetteer as shipped;
//! - `held` rows are the communes left out of tuning. The library ships every commune; for a
//!   held-out one this example keys both names as if the gazetteer lacked that place
//!   (`place_key_without` the cities its names resolve to), so the `held` figures measure the
//!   cross-script comparison of a town missing from the gazetteer; `by sketch` counts the pairs
//!   where the gazetteer knew neither name, which only the cross-script comparison links.
//!
//! The last line is one JSON object with the figures.

use std::collections::BTreeMap;
use std::time::Instant;

use codguard::normalize::city::{place_key, place_key_without, resolve_city, PlaceKey};
use codguard::normalize::text::fold;

struct Commune {
    country: String,
    split: String,
    kind: String,
    fr: String,
    ar: String,
    key_fr: Option<PlaceKey>,
    key_ar: Option<PlaceKey>,
    /// Both names are one place with the gazetteer as shipped (every commune in it).
    shipped: bool,
    /// The keys of both names with the gazetteer as shipped.
    ship_fr: Option<PlaceKey>,
    ship_ar: Option<PlaceKey>,
}

#[derive(Default)]
struct Tally {
    pairs: u64,
    linked: u64,
}

impl Tally {
    fn add(&mut self, linked: bool) {
        self.pairs += 1;
        self.linked += u64::from(linked);
    }
    fn rate(&self) -> f64 {
        self.linked as f64 / self.pairs.max(1) as f64
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, country, names @ ..] = args.as_slice() {
        if flag == "--keys" {
            // The keys of a few spellings: `--keys MA "حجر النحل" "Hjar Ennhal"`.
            for name in names {
                println!("{name}\t{:?}", place_key(name, country));
            }
            return;
        }
    }
    let mut path = "tests/data/communes.tsv".to_string();
    let mut misses = false;
    for arg in args {
        if arg == "--misses" {
            misses = true;
        } else {
            path = arg;
        }
    }
    let text = std::fs::read_to_string(&path)
        .or_else(|_| std::fs::read_to_string(format!("../{path}")))
        .unwrap_or_else(|e| {
            eprintln!("places: {path}: {e}");
            std::process::exit(2);
        });
    // The gazetteer, then the sketch index, are built on first use: time both.
    let t = Instant::now();
    let _ = resolve_city("x", "MA");
    let names_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let _ = place_key("qzqzq", "MA");
    let sketches_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let mut communes: Vec<Commune> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            // Seven columns; an eighth (other spellings) is the gazetteer's, not measured.
            let [country, _code, split, kind, _pop, fr, ar, ..] = c.as_slice() else {
                return None;
            };
            // A place known in one script only has no pair to measure.
            if fr.is_empty() || ar.is_empty() {
                return None;
            }
            Some(Commune {
                country: country.to_string(),
                split: split.to_string(),
                kind: kind.to_string(),
                fr: fr.to_string(),
                ar: ar.to_string(),
                key_fr: None,
                key_ar: None,
                shipped: false,
                ship_fr: None,
                ship_ar: None,
            })
        })
        .collect();
    for c in &mut communes {
        c.key_fr = place_key(&c.fr, &c.country);
        c.key_ar = place_key(&c.ar, &c.country);
        c.shipped = c.key_fr.is_some() && c.key_fr == c.key_ar;
        c.ship_fr = c.key_fr.clone();
        c.ship_ar = c.key_ar.clone();
        if c.split == "held" {
            // The town as if the gazetteer lacked it: every city either name resolves to.
            let missing: Vec<_> = [&c.key_fr, &c.key_ar]
                .into_iter()
                .filter_map(|k| match k {
                    Some(PlaceKey::City(id)) => Some(*id),
                    _ => None,
                })
                .collect();
            c.key_fr = place_key_without(&c.fr, &c.country, &missing);
            c.key_ar = place_key_without(&c.ar, &c.country, &missing);
        }
    }
    let keyed = t.elapsed();

    let mut shipped = Tally::default();
    let mut shipped_by_country: BTreeMap<String, Tally> = BTreeMap::new();
    for c in &communes {
        shipped.add(c.shipped);
        shipped_by_country
            .entry(c.country.clone())
            .or_default()
            .add(c.shipped);
    }
    let mut recall: BTreeMap<String, Tally> = BTreeMap::new();
    let mut sketch_only: BTreeMap<String, Tally> = BTreeMap::new();
    for c in &communes {
        let linked = c.key_fr.is_some() && c.key_fr == c.key_ar;
        let by_sketch = !matches!(c.key_fr, Some(PlaceKey::City(_)))
            && !matches!(c.key_ar, Some(PlaceKey::City(_)));
        for group in [
            "all".to_string(),
            format!("{} {}", c.country, c.split),
            format!("{} {} {}", c.country, c.split, c.kind),
        ] {
            recall.entry(group.clone()).or_default().add(linked);
            if by_sketch {
                sketch_only.entry(group).or_default().add(linked);
            }
        }
        if misses && !linked {
            println!(
                "miss {} {} {} | {} | {:?} {:?}",
                c.country, c.split, c.kind, c.fr, c.key_fr, c.key_ar
            );
        }
    }

    let mut other: BTreeMap<String, Tally> = BTreeMap::new();
    let mut other_shipped: BTreeMap<String, Tally> = BTreeMap::new();
    let mut homonyms = 0u64;
    let folded: Vec<(String, String)> = communes
        .iter()
        .map(|c| (fold(&c.fr), fold(&c.ar)))
        .collect();
    for (i, a) in communes.iter().enumerate() {
        for (j, b) in communes.iter().enumerate() {
            if i == j || a.country != b.country {
                continue;
            }
            let (Some(fa), Some(fb)) = (folded.get(i), folded.get(j)) else {
                continue;
            };
            if fa.0 == fb.0 || fa.1 == fb.1 {
                homonyms += 1;
                continue;
            }
            let linked = a.key_ar.is_some() && a.key_ar == b.key_fr;
            let linked_shipped = a.ship_ar.is_some() && a.ship_ar == b.ship_fr;
            other_shipped
                .entry("all".into())
                .or_default()
                .add(linked_shipped);
            other_shipped
                .entry(a.country.clone())
                .or_default()
                .add(linked_shipped);
            other.entry("all".into()).or_default().add(linked);
            other.entry(a.country.clone()).or_default().add(linked);
            if misses && linked {
                println!("false {} | {} | {} | {:?}", a.country, a.ar, b.fr, a.key_ar);
            }
        }
    }

    println!("data             {path} ({} communes)", communes.len());
    println!("gazetteer load   {names_ms:.1} ms, its sketch index {sketches_ms:.1} ms");
    println!(
        "place keys       {:.1} µs per name",
        keyed.as_secs_f64() * 1e6 / (2 * communes.len()).max(1) as f64
    );
    println!(
        "shipped          {:.4} ({} of {}) with every commune in the gazetteer",
        shipped.rate(),
        shipped.linked,
        shipped.pairs
    );
    for (country, t) in &shipped_by_country {
        println!(
            "  {country:<18} {:.4} ({} of {})",
            t.rate(),
            t.linked,
            t.pairs
        );
    }
    println!("recall (French and Arabic official names of one commune are the same place;");
    println!("        held-out communes keyed as if the gazetteer lacked them)");
    for (group, t) in &recall {
        let s = sketch_only.get(group);
        println!(
            "  {group:<18} {:.4} ({} of {})   by sketch alone: {} of {}",
            t.rate(),
            t.linked,
            t.pairs,
            s.map_or(0, |s| s.linked),
            s.map_or(0, |s| s.pairs)
        );
    }
    println!("other (Arabic name of one commune = French name of another, same country)");
    for (group, t) in &other {
        println!(
            "  {group:<18} {:.5} ({} of {})",
            t.rate(),
            t.linked,
            t.pairs
        );
    }
    println!("  homonym pairs left out: {homonyms}");
    println!("other with the gazetteer as shipped (every commune in it)");
    for (group, t) in &other_shipped {
        println!(
            "  {group:<18} {:.5} ({} of {})",
            t.rate(),
            t.linked,
            t.pairs
        );
    }
    let get = |m: &BTreeMap<String, Tally>, k: &str| m.get(k).map_or(0.0, Tally::rate);
    // The held-out recall of each country the file has held-out rows of (none for a list
    // measured only as missing towns).
    let held: Vec<String> = recall
        .iter()
        .filter_map(|(group, t)| {
            let cc = group.strip_suffix(" held")?;
            (cc.len() == 2)
                .then(|| format!("\"recall_held_{}\": {:.4}, ", cc.to_lowercase(), t.rate()))
        })
        .collect();
    println!(
        "{{\"shipped\": {:.4}, \"recall\": {:.4}, {}\"other\": {:.6}, \"other_shipped\": {:.6}}}",
        shipped.rate(),
        get(&recall, "all"),
        held.concat(),
        get(&other, "all"),
        get(&other_shipped, "all")
    );
}
