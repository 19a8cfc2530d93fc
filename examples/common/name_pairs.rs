//! Real name pairs (`tests/data/name_pairs.tsv`) loaded and scored at the engine's name
//! threshold. Shared by the `names` example and the `name_pairs` test.

#![allow(dead_code)] // each user takes the parts it needs

use std::collections::BTreeMap;

use codguard::normalize::name::{name_similarity, normalize_name, NormalizedName};
use codguard::normalize::text::fold;

/// One person: their Arabic name and its Latin spellings.
pub struct Person {
    pub split: String,
    pub arabic: String,
    /// The first unit of the Arabic name (عبد الله is one).
    pub given: String,
    /// The last unit of the Arabic name.
    pub family: String,
    pub ar: NormalizedName,
    pub latin: Vec<(String, NormalizedName)>,
}

/// How many pairs of a kind were compared and how many linked.
#[derive(Default)]
pub struct Tally {
    pub pairs: u64,
    pub linked: u64,
}

impl Tally {
    fn add(&mut self, linked: bool) {
        self.pairs += 1;
        self.linked += u64::from(linked);
    }

    /// The share of pairs linked.
    pub fn rate(&self) -> f64 {
        self.linked as f64 / self.pairs.max(1) as f64
    }
}

/// First words that make one unit with the next (عبد الله, أبو بكر, بن علي).
const JOIN_NEXT: &[&str] = &["عبد", "ابو", "ام", "بن", "ابن", "ولد", "ايت", "بو"];

fn given_and_family(arabic: &str) -> (String, String) {
    let words: Vec<String> = fold(arabic).split(' ').map(str::to_string).collect();
    let mut units: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        match words.get(i + 1) {
            Some(next) if JOIN_NEXT.contains(&w.as_str()) => {
                units.push(format!("{w} {next}"));
                i += 2;
            }
            _ => {
                units.push(w.clone());
                i += 1;
            }
        }
    }
    (
        units.first().cloned().unwrap_or_default(),
        units.last().cloned().unwrap_or_default(),
    )
}

fn norm(s: &str) -> NormalizedName {
    normalize_name(s).unwrap_or_default()
}

/// The people of a name-pairs file (split, country, arabic, latin; one row per spelling).
pub fn load(text: &str) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let [split, _country, arabic, latin] = line.split('\t').collect::<Vec<_>>()[..] else {
            continue;
        };
        if people.last().is_none_or(|p| p.arabic != arabic) {
            let (given, family) = given_and_family(arabic);
            people.push(Person {
                split: split.to_string(),
                arabic: arabic.to_string(),
                given,
                family,
                ar: norm(arabic),
                latin: Vec::new(),
            });
        }
        if let Some(p) = people.last_mut() {
            p.latin.push((latin.to_string(), norm(latin)));
        }
    }
    people
}

/// What a pair of names is in the scoring.
pub enum Kind {
    /// One person, Arabic against Latin.
    Recall,
    /// One person, two Latin spellings.
    RecallLatin,
    /// Two people of one family, Arabic against Latin.
    Siblings,
    /// Two people of one family, Latin against Latin.
    SiblingsLatin,
    /// Two people of different given and family names, Arabic against Latin.
    Other,
}

/// Scores every pair at `threshold`: recall over each person's spellings, siblings over every
/// two people of one family with different given names, other over every `stride`-th pair of
/// people of different given and family names. `seen` sees each pair and whether it linked.
/// Keys of the result: "recall tune", "siblings held", "other tune"...
pub fn score(
    people: &[Person],
    threshold: f64,
    stride: usize,
    mut seen: impl FnMut(Kind, &Person, &str, &Person, &str, bool),
) -> BTreeMap<String, Tally> {
    let linked = |a: &NormalizedName, b: &NormalizedName| name_similarity(a, b) >= threshold;
    let mut t: BTreeMap<String, Tally> = BTreeMap::new();
    for p in people {
        for (latin, n) in &p.latin {
            let ok = linked(&p.ar, n);
            t.entry(format!("recall {}", p.split)).or_default().add(ok);
            seen(Kind::Recall, p, &p.arabic, p, latin, ok);
        }
        for (i, (a, na)) in p.latin.iter().enumerate() {
            for (b, nb) in p.latin.iter().skip(i + 1) {
                let ok = linked(na, nb);
                t.entry(format!("recall latin/latin {}", p.split))
                    .or_default()
                    .add(ok);
                seen(Kind::RecallLatin, p, a, p, b, ok);
            }
        }
    }
    let mut k = 0usize;
    for (i, p) in people.iter().enumerate() {
        for (j, q) in people.iter().enumerate() {
            if i == j || p.given == q.given {
                continue;
            }
            let siblings = p.family == q.family;
            k += 1;
            if !siblings && !k.is_multiple_of(stride.max(1)) {
                continue;
            }
            let kind = if siblings { "siblings" } else { "other" };
            let split = if p.split == "held" || q.split == "held" {
                "held"
            } else {
                "tune"
            };
            for (latin, n) in &q.latin {
                let ok = linked(&p.ar, n);
                t.entry(format!("{kind} {split}")).or_default().add(ok);
                let kind = if siblings {
                    Kind::Siblings
                } else {
                    Kind::Other
                };
                seen(kind, p, &p.arabic, q, latin, ok);
            }
            if siblings && i < j {
                if let (Some((a, na)), Some((b, nb))) = (p.latin.first(), q.latin.first()) {
                    let ok = linked(na, nb);
                    t.entry(format!("siblings latin/latin {split}"))
                        .or_default()
                        .add(ok);
                    seen(Kind::SiblingsLatin, p, a, q, b, ok);
                }
            }
        }
    }
    t
}
