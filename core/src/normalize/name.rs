//! Customer names for matching.
//!
//! A name is reduced to transliteration-insensitive keys ([`skeleton`]) so that "محمد العلوي",
//! "Mohamed Alaoui" and "Mohammed El Alaoui" compare equal, with the particles of Arabic names
//! (al/el/ال, ben/bin/ibn/بن, abd/abdel/عبد, bou/abou/أبو) handled the same way in both
//! scripts, joined or apart. The particle lists live in `core/data/name_particles.tsv`.
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::text::{
    fold, is_blank, is_junk_phrase, is_letter, is_mash_token, skeleton, strip_article,
};
use super::MAX_INPUT_BYTES;
use crate::data;
use crate::error::{check_len, Error};

/// A customer's name for matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NormalizedName {
    /// Folded tokens, in typed order.
    pub tokens: Vec<String>,
    /// Transliteration-insensitive keys of the significant tokens (articles and particles such as
    /// al/el/ben/bin/abd handled), sorted, so that word order does not matter.
    pub keys: Vec<String>,
    /// The name is present and nonsense (keyboard mash, "test", a single token, no letters); a
    /// blank name is absent, not nonsense.
    pub nonsense: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Particle {
    Article,
    Ben,
    Abd,
    Bou,
}

impl Particle {
    /// The spelling a joined particle takes, the same for every script and variant.
    fn canonical(self) -> &'static str {
        match self {
            Particle::Article => "",
            Particle::Ben => "ben",
            Particle::Abd => "abd",
            Particle::Bou => "bou",
        }
    }
}

fn particles() -> &'static FxHashMap<String, Particle> {
    static PARTICLES: OnceLock<FxHashMap<String, Particle>> = OnceLock::new();
    PARTICLES.get_or_init(|| {
        data::rows(include_str!("../../data/name_particles.tsv"))
            .filter_map(|[kind, spelling]| {
                let p = match kind {
                    "article" => Particle::Article,
                    "ben" => Particle::Ben,
                    "abd" => Particle::Abd,
                    "bou" => Particle::Bou,
                    _ => return None,
                };
                Some((fold(spelling), p))
            })
            .collect()
    })
}

/// The part of a joined "abd" name after its article: "abdelrahman" -> "rahman",
/// "abderrahmane" -> "rahmane", "abdallah" -> "lah", "عبدالله" -> "له".
fn split_abd(token: &str) -> Option<&str> {
    let rest = token
        .strip_prefix("abd")
        .or_else(|| token.strip_prefix("عبد"))?;
    if rest.chars().count() < 3 {
        return None;
    }
    for article in ["el", "al", "ul", "oul", "il"] {
        if let Some(r) = rest.strip_prefix(article) {
            if r.chars().count() >= 2 {
                return Some(r);
            }
        }
    }
    Some(strip_article(rest))
}

/// The keys of folded tokens, particles joined to what they qualify.
fn keys_of(tokens: &[String]) -> Vec<String> {
    let particles = particles();
    let mut keys = Vec::with_capacity(tokens.len());
    let mut joined = String::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        i += 1;
        match particles.get(token.as_str()) {
            Some(Particle::Article) if i < tokens.len() => continue,
            Some(&p @ (Particle::Ben | Particle::Abd | Particle::Bou)) => {
                // An article between the particle and the name ("abd el rahman") goes too.
                if tokens
                    .get(i)
                    .is_some_and(|t| particles.get(t.as_str()) == Some(&Particle::Article))
                    && i + 1 < tokens.len()
                {
                    i += 1;
                }
                if let Some(next) = tokens.get(i) {
                    i += 1;
                    joined.clear();
                    joined.push_str(p.canonical());
                    joined.push_str(strip_article(next));
                    keys.push(skeleton(&joined));
                    continue;
                }
                keys.push(skeleton(p.canonical()));
                continue;
            }
            _ => {}
        }
        let key = match split_abd(token) {
            Some(rest) => {
                joined.clear();
                joined.push_str("abd");
                joined.push_str(rest);
                skeleton(&joined)
            }
            None => skeleton(token),
        };
        if !key.is_empty() {
            keys.push(key);
        }
    }
    keys.sort();
    keys
}

/// Normalizes a name.
///
/// A single real first name ("Mohamed") is not nonsense by itself: it is a weak name, which the
/// matcher weighs, not junk. Keyboard mash, "test", "xxx", "aaa", digits, no letters and a
/// lone one- or two-letter token are nonsense. A blank name (empty, or only blanks and invisible
/// marks) is absent: no tokens, and not nonsense.
///
/// # Errors
/// [`ErrorKind::InputTooLong`](crate::ErrorKind::InputTooLong) when `raw` is longer than
/// [`MAX_INPUT_BYTES`]. Any other input gives a value.
///
/// # Example
/// ```
/// use codguard::normalize::name::{normalize_name, name_similarity};
/// let a = normalize_name("محمد العلوي").unwrap();
/// let b = normalize_name("Mohammed El Alaoui").unwrap();
/// assert_eq!(a.keys, b.keys);
/// assert_eq!(b.tokens, vec!["mohammed", "el", "alaoui"]);
/// assert!(name_similarity(&a, &b) >= 0.8);
/// assert!(normalize_name("qsdqsd").unwrap().nonsense);
/// assert!(!normalize_name("Mohamed").unwrap().nonsense);
/// assert!(!normalize_name("").unwrap().nonsense); // absent
/// ```
pub fn normalize_name(raw: &str) -> Result<NormalizedName, Error> {
    check_len("name", raw, MAX_INPUT_BYTES)?;
    let folded = fold(raw);
    let tokens: Vec<String> = folded
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let keys = keys_of(&tokens);
    // A blank name is absent, not junk.
    let nonsense = !is_blank(raw) && is_nonsense(&folded, &tokens);
    Ok(NormalizedName {
        tokens,
        keys,
        nonsense,
    })
}

fn is_nonsense(folded: &str, tokens: &[String]) -> bool {
    if is_junk_phrase(folded) {
        return true;
    }
    let words = || tokens.iter().filter(|t| t.chars().any(is_letter));
    if words().all(|t| t.chars().nth(2).is_none()) {
        return true;
    }
    let (count, mash) = words().fold((0, 0), |(n, m), t| {
        (n + 1, m + usize::from(is_mash_token(t)))
    });
    mash * 2 >= count
}

/// `a` and `b` concatenated, with a doubled class at the seam collapsed as skeleton does.
fn joined(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    let mut rest = b;
    if let (Some(last), Some(first)) = (a.chars().last(), b.chars().next()) {
        if last == first {
            rest = b.get(first.len_utf8()..).unwrap_or("");
        }
    }
    s.push_str(rest);
    s
}

/// Marks a free key of `x` covered by two free keys of `y` written together.
fn match_split<S: AsRef<str>>(x: &[S], y: &[S], gx: &mut [f64], gy: &mut [f64]) {
    for (i, kx) in x.iter().enumerate() {
        if gx.get(i) != Some(&0.0) {
            continue;
        }
        let free: Vec<usize> = (0..y.len()).filter(|&j| gy.get(j) == Some(&0.0)).collect();
        'pairs: for &p in &free {
            for &q in &free {
                let (Some(yp), Some(yq)) = (y.get(p), y.get(q)) else {
                    continue;
                };
                if p != q && joined(yp.as_ref(), yq.as_ref()) == kx.as_ref() {
                    for k in [p, q] {
                        if let Some(g) = gy.get_mut(k) {
                            *g = 1.0;
                        }
                    }
                    if let Some(g) = gx.get_mut(i) {
                        *g = 1.0;
                    }
                    break 'pairs;
                }
            }
        }
    }
}

/// How much of each side's keys the other side covers, in [0, 1] each.
fn coverage<S: AsRef<str>>(a: &[S], b: &[S]) -> (f64, f64) {
    let mut got_a = vec![0.0f64; a.len()];
    let mut got_b = vec![0.0f64; b.len()];
    // Equal keys.
    for (i, ka) in a.iter().enumerate() {
        if let Some(j) = (0..b.len()).find(|&j| {
            got_b.get(j) == Some(&0.0) && b.get(j).map(AsRef::as_ref) == Some(ka.as_ref())
        }) {
            if let (Some(x), Some(y)) = (got_a.get_mut(i), got_b.get_mut(j)) {
                (*x, *y) = (1.0, 1.0);
            }
        }
    }
    // One key on one side written as two words on the other (Fatimazahra / Fatima Zahra).
    match_split(a, b, &mut got_a, &mut got_b);
    match_split(b, a, &mut got_b, &mut got_a);
    // One typo in a long key (benjelloun / benjeloun are equal already; this is for the rest).
    for (i, ka) in a.iter().enumerate() {
        if got_a.get(i) != Some(&0.0) {
            continue;
        }
        let mut best: Option<(usize, f64)> = None;
        for (j, kb) in b.iter().enumerate() {
            if got_b.get(j) != Some(&0.0) {
                continue;
            }
            let (ka, kb) = (ka.as_ref(), kb.as_ref());
            let len = ka.chars().count().max(kb.chars().count());
            if len < 5 {
                continue;
            }
            let sim = 1.0 - strsim::osa_distance(ka, kb) as f64 / len as f64;
            if sim >= 0.8 && best.is_none_or(|(_, s)| sim > s) {
                best = Some((j, sim));
            }
        }
        if let Some((j, sim)) = best {
            if let (Some(x), Some(y)) = (got_a.get_mut(i), got_b.get_mut(j)) {
                (*x, *y) = (sim, sim);
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    (mean(&got_a), mean(&got_b))
}

/// How alike two names are, 0.0 (unrelated) to 1.0 (same keys), insensitive to word order,
/// script and transliteration, tolerant of one missing middle token.
///
/// A token of the shorter name that the other name lacks pulls the score down hard: "Ahmed
/// Tazi" and "Khalid Tazi" share a family, not a person. A one-word name matching one word of
/// a longer name scores at most 0.45: a first name alone does not identify anyone.
///
/// # Example
/// ```
/// use codguard::normalize::name::{normalize_name, name_similarity};
/// let n = |s: &str| normalize_name(s).unwrap();
/// assert_eq!(name_similarity(&n("Ahmad Tazi"), &n("Tazi Ahmed")), 1.0);
/// assert!(name_similarity(&n("Fatima Zahra Tazi"), &n("FATIMAZAHRA ETTAZI")) >= 0.8);
/// assert!(name_similarity(&n("Ahmed Tazi"), &n("Khalid Tazi")) < 0.5);
/// ```
pub fn name_similarity(a: &NormalizedName, b: &NormalizedName) -> f64 {
    keys_similarity(&a.keys, &b.keys)
}

/// [`name_similarity`] over bare key lists (what the history index stores).
pub fn keys_similarity<S: AsRef<str>>(ka: &[S], kb: &[S]) -> f64 {
    if ka.is_empty() || kb.is_empty() {
        return 0.0;
    }
    let (cov_a, cov_b) = coverage(ka, kb);
    let (short, long) = match ka.len().cmp(&kb.len()) {
        std::cmp::Ordering::Less => (cov_a, cov_b),
        std::cmp::Ordering::Greater => (cov_b, cov_a),
        std::cmp::Ordering::Equal => (cov_a.min(cov_b), cov_a.max(cov_b)),
    };
    let mut score = short * (0.85 + 0.15 * long);
    if short < 1.0 {
        score *= short;
    }
    if ka.len().min(kb.len()) == 1 && ka.len().max(kb.len()) >= 2 {
        score = score.min(0.45);
    }
    score.clamp(0.0, 1.0)
}
