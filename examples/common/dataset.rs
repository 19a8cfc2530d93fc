//! A dataset folder (`history.jsonl`, `queries.jsonl`, optional `truth.jsonl`), loaded and
//! scored. Shared by the `triage` and `evaluate` examples and the accuracy test.

#![allow(dead_code)] // each user takes the parts it needs

use std::collections::{HashMap, HashSet};
use std::path::Path;

use codguard::assessment::Assessment;
use codguard::engine::Engine;
use codguard::{Error, HistoryRecord, Order};

/// The expected answer for one query.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct Truth {
    pub order_id: String,
    pub customer_class: String,
    pub history_order_ids: Vec<String>,
}

pub struct Dataset {
    pub history: Vec<HistoryRecord>,
    pub queries: Vec<Order>,
    pub truth: Option<Vec<Truth>>,
}

fn read(dir: &Path, name: &str) -> Result<String, String> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

impl Dataset {
    pub fn load(dir: &Path) -> Result<Dataset, String> {
        fn parse_err(name: &'static str) -> impl Fn(Error) -> String {
            move |e| format!("{name}: {e}")
        }
        let history = Engine::parse_jsonl(&read(dir, "history.jsonl")?)
            .map_err(parse_err("history.jsonl"))?;
        let queries = Engine::parse_jsonl(&read(dir, "queries.jsonl")?)
            .map_err(parse_err("queries.jsonl"))?;
        let truth = match read(dir, "truth.jsonl") {
            Ok(text) => Some(Engine::parse_jsonl(&text).map_err(parse_err("truth.jsonl"))?),
            Err(_) => None,
        };
        Ok(Dataset {
            history,
            queries,
            truth,
        })
    }
}

impl Dataset {
    /// Writes `history.jsonl`, `queries.jsonl` and, when there is a truth, `truth.jsonl` into
    /// `dir` (created if missing): one JSON object per line, the formats [`Dataset::load`] reads.
    ///
    /// # Errors
    /// The first I/O error, with the path it happened on.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        write_jsonl(&dir.join("history.jsonl"), &self.history)?;
        write_jsonl(&dir.join("queries.jsonl"), &self.queries)?;
        match &self.truth {
            Some(truth) => write_jsonl(&dir.join("truth.jsonl"), truth),
            None => Ok(()),
        }
    }
}

fn write_jsonl<T: serde::Serialize>(path: &Path, items: &[T]) -> Result<(), String> {
    use std::io::Write;
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let mut out = std::io::BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut out, item).map_err(|e| err(&e))?;
        out.write_all(b"\n").map_err(|e| err(&e))?;
    }
    out.flush().map_err(|e| err(&e))
}

/// Match quality over (query, past order) pairs and class accuracy.
#[derive(Debug, Default)]
pub struct Score {
    pub queries: usize,
    pub true_pairs: usize,
    pub found_pairs: usize,
    pub right_pairs: usize,
    pub right_class: usize,
    /// (expected, got) -> count, for the confusion table.
    pub confusion: HashMap<(String, String), usize>,
}

impl Score {
    pub fn precision(&self) -> f64 {
        self.right_pairs as f64 / self.found_pairs.max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.right_pairs as f64 / self.true_pairs.max(1) as f64
    }
    pub fn class_accuracy(&self) -> f64 {
        self.right_class as f64 / self.queries.max(1) as f64
    }
}

/// Scores assessments against the truth (matched by order id).
pub fn score(assessments: &[Assessment], truth: &[Truth]) -> Score {
    let by_id: HashMap<&str, &Assessment> = assessments
        .iter()
        .map(|a| (a.order_id.as_str(), a))
        .collect();
    let mut s = Score::default();
    for t in truth {
        let Some(a) = by_id.get(t.order_id.as_str()) else {
            continue;
        };
        s.queries += 1;
        let expected: HashSet<&str> = t.history_order_ids.iter().map(String::as_str).collect();
        let found: HashSet<&str> = a.matches.iter().map(|m| m.order_id.as_str()).collect();
        s.true_pairs += expected.len();
        s.found_pairs += found.len();
        s.right_pairs += expected.intersection(&found).count();
        let got = a.customer_class.as_str();
        if got == t.customer_class {
            s.right_class += 1;
        }
        *s.confusion
            .entry((t.customer_class.clone(), got.to_owned()))
            .or_default() += 1;
    }
    s
}
