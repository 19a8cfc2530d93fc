//! Customer names. (Interface fixed; implementation in progress.)
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A customer's name for matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NormalizedName {
    /// Folded tokens, in typed order.
    pub tokens: Vec<String>,
    /// Transliteration-insensitive keys of the significant tokens (articles and particles such as
    /// al/el/ben/bin/abd handled), sorted, so that word order does not matter.
    pub keys: Vec<String>,
    /// The name is nonsense (keyboard mash, "test", a single token, no letters).
    pub nonsense: bool,
}

/// Normalizes a name.
pub fn normalize_name(raw: &str) -> Result<NormalizedName, Error> {
    let _ = raw;
    unimplemented!("name normalizer in progress")
}

/// How alike two names are, 0.0 (unrelated) to 1.0 (same keys), insensitive to word order,
/// script and transliteration, tolerant of one missing middle token.
pub fn name_similarity(a: &NormalizedName, b: &NormalizedName) -> f64 {
    let _ = (a, b);
    unimplemented!("name normalizer in progress")
}

/// [`name_similarity`] over bare key lists (what the history index stores).
pub fn keys_similarity(a: &[&str], b: &[&str]) -> f64 {
    let _ = (a, b);
    unimplemented!("name normalizer in progress")
}
