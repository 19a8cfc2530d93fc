//! Customer names for matching.
//!
//! A name is reduced to one cross-script key per word ([`translit::key`]) so that "محمد العلوي",
//! "Mohamed Alaoui" and "Mohammed El Alaoui" compare equal, with the particles of Arabic names
//! (al/el/ال, ben/bin/ibn/ould/بن/ولد, abd/abdel/عبد, bou/abou/أبو, ait/آيت) and titles
//! (bey/بك, pacha/باشا) handled the same way in both scripts, joined or apart. The particle
//! lists live in `core/data/name_particles.tsv`.
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::given;
use super::keys::Keys;
use super::text::{
    fold, has_apostrophe, is_arabic_script, is_blank, is_junk_phrase, is_letter, is_mash_token,
    strip_article, APOSTROPHES,
};
use super::translit;
use super::MAX_INPUT_BYTES;
use crate::data;
use crate::error::{check_len, Error};

/// A customer's name for matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NormalizedName {
    /// Folded tokens, in typed order.
    pub tokens: Vec<String>,
    /// Cross-script keys of the significant words (articles, particles and titles handled; see
    /// [`translit::key`]): the first word's key first, the others sorted, so that word order
    /// matters only where [`name_similarity`] says it does. Keys are opaque strings, compared by
    /// [`name_similarity`], not by equality.
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
    Ait,
    Title,
    AdDin,
}

impl Particle {
    /// The spelling a particle takes when glued to the next word, the same for every variant:
    /// Latin, or Arabic before an Arabic word.
    fn canonical(self, arabic: bool) -> &'static str {
        match (self, arabic) {
            // One class for ن and the ل of the glued بل, in both scripts (Ben Hadj = بلحاج).
            (Particle::Ben, _) => "بڵ",
            (Particle::Abd, false) => "abd",
            (Particle::Abd, true) => "عبد",
            (Particle::Bou, false) => "bou",
            (Particle::Bou, true) => "بو",
            (Particle::Ait, false) => "ait",
            (Particle::Ait, true) => "ايت",
            (Particle::Article | Particle::Title | Particle::AdDin, _) => "",
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
                    "ait" => Particle::Ait,
                    "title" => Particle::Title,
                    "addin" => Particle::AdDin,
                    _ => return None,
                };
                Some((fold(spelling), p))
            })
            .collect()
    })
}

/// A word with a particle glued to it, split: "abdelrahman" -> ("abd", "rahman"),
/// "abderrahmane" -> ("abd", "rahmane"), "عبدالله" -> ("عبد", "له"), "abouzaid" -> ("bou",
/// "zaid"), "ابوزيد" -> ("بو", "زيد").
fn split_glued(token: &str) -> Option<(&'static str, &str)> {
    let (canonical, rest) = if let Some(rest) = token.strip_prefix("abd") {
        ("abd", rest)
    } else if let Some(rest) = token.strip_prefix("عبد") {
        ("عبد", rest)
    } else if let Some(rest) = token
        .strip_prefix("abou")
        .or_else(|| token.strip_prefix("abu"))
    {
        ("bou", rest)
    } else if let Some(rest) = token.strip_prefix("ابو") {
        ("بو", rest)
    } else {
        return None;
    };
    if rest.chars().count() < 3 {
        return None;
    }
    // The article before a consonant goes; before a vowel it may be the name's own l
    // (Abdelatif = عبد اللطيف): the word's key then reads it as an article that may be there.
    for article in ["el", "al", "ul", "oul", "il", "l"] {
        if let Some(r) = rest.strip_prefix(article) {
            let vowel = r.starts_with(['a', 'e', 'i', 'o', 'u', 'y']);
            if r.chars().count() >= 2 && !vowel {
                return Some((canonical, r));
            }
            if vowel {
                return Some((
                    canonical,
                    rest.strip_prefix(['u', 'o', 'i']).unwrap_or(rest),
                ));
            }
        }
    }
    // Abdeslam, Abdenour: the assimilated article's vowel before a sun letter.
    if let Some(r) = rest.strip_prefix(['e', 'a']) {
        if r.starts_with(['t', 'd', 'r', 'z', 's', 'n']) && r.chars().count() >= 3 {
            return Some((canonical, r));
        }
    }
    Some((canonical, strip_article(rest)))
}

/// A compound "X ad-Din" name written as one word, split: "noureddine" -> ("nour", "din").
/// The longest ad-Din ending wins (the earliest cut).
fn split_addin<'a>(token: &'a str, particles: &FxHashMap<String, Particle>) -> Option<&'a str> {
    // The ad-Din spellings, looked for at the token's end rather than each cut looked up.
    static ADDIN: OnceLock<Vec<String>> = OnceLock::new();
    let addin = ADDIN.get_or_init(|| {
        particles
            .iter()
            .filter(|(_, p)| **p == Particle::AdDin)
            .map(|(s, _)| s.clone())
            .collect()
    });
    let last = token.as_bytes().last();
    addin
        .iter()
        .filter(|tail| tail.as_bytes().last() == last)
        .filter_map(|tail| {
            let at = token.len().checked_sub(tail.len())?;
            let head = token.strip_suffix(tail.as_str())?;
            // Arabic writes no short vowel: عز of عزالدين is a name.
            let min = if is_arabic_script(head) { 2 } else { 3 };
            (at >= 3 && !tail.is_empty() && head.chars().count() >= min).then_some(head)
        })
        .min_by_key(|head| head.len())
}

/// A word of a name with the particle it is, as written (`None` for a name's own word).
type Word<'a> = (&'a str, Option<Particle>);

/// The keys of folded tokens: titles dropped, particles glued to what they qualify, one
/// cross-script key per word (see [`translit::key`]).
fn keys_of(tokens: &[&str]) -> Keys {
    let particles = particles();
    // Each token's particle as written, looked up once; a title may also be written with an
    // article (el-pacha).
    let words: SmallVec<[Word<'_>; 8]> = tokens
        .iter()
        .map(|&t| {
            let t = written_out(t);
            (t, particles.get(t).copied())
        })
        .collect();
    let is_title = |&(t, p): &Word<'_>| match p {
        Some(p) => p == Particle::Title,
        None => {
            let bare = strip_article(t);
            bare.len() < t.len() && particles.get(bare) == Some(&Particle::Title)
        }
    };
    let titles = words.iter().filter(|w| is_title(w)).count();
    let words: SmallVec<[Word<'_>; 8]> = if tokens.len() - titles < 2 || titles == 0 {
        words
    } else {
        words.into_iter().filter(|w| !is_title(w)).collect()
    };
    // A key takes about three bytes per letter.
    let mut keys = Keys::with_capacity(3 * tokens.iter().map(|t| t.len()).sum::<usize>() + 8);
    let mut i = 0;
    while let Some(&(token, particle)) = words.get(i) {
        i += 1;
        // A particle's key is glued to the key of what it qualifies, each read as a word of
        // its own (a vowel starting the name is a first vowel: Abdelilah = عبد الإله).
        match particle {
            Some(Particle::Article) if i < words.len() => continue,
            Some(p @ (Particle::Ben | Particle::Abd | Particle::Bou | Particle::Ait)) => {
                keys.push_with(|key| particle_run(&words, &mut i, p, token, key));
            }
            _ => {
                if let Some(head) = split_addin(token, particles) {
                    keys.push_with(|key| translit::push_key(head, false, false, key));
                    let din = if is_arabic_script(token) {
                        "دين"
                    } else {
                        "din"
                    };
                    keys.push_with(|key| translit::push_key(din, false, false, key));
                } else if let Some((particle, rest)) = split_glued(token) {
                    keys.push_with(|key| {
                        translit::push_key(particle, false, false, key);
                        translit::push_key(rest, false, true, key);
                    });
                } else {
                    keys.push_with(|key| translit::push_key(token, false, false, key));
                }
            }
        }
    }
    // The first word stays first: a name's first word tells a father from his son
    // ([`keys_similarity`]).
    keys.sort_after_first();
    keys
}

/// The key of the particle `p` (read from `token`) glued to the keys of what follows it from
/// `words[*i]`: an article after it, particles after it (Ibn Abd al-Latif) and the name they
/// qualify, appended to `key`. Moves `*i` past them.
fn particle_run(words: &[Word<'_>], i: &mut usize, p: Particle, token: &str, key: &mut String) {
    let article_then_more = |i: usize| {
        words
            .get(i)
            .is_some_and(|&(_, p)| p == Some(Particle::Article))
            && i + 1 < words.len()
    };
    // An article between the particle and the name ("abd el rahman") goes too.
    if article_then_more(*i) {
        *i += 1;
    }
    let push_particle = |p: Particle, arabic: bool, key: &mut String| {
        translit::push_key(p.canonical(arabic), p == Particle::Ben, false, key);
    };
    let Some(&(next, _)) = words.get(*i) else {
        translit::push_key(p.canonical(is_arabic_script(token)), false, false, key);
        return;
    };
    let arabic = is_arabic_script(next);
    push_particle(p, arabic, key);
    // Ibn Abd al-Latif: a particle after a particle glues on too.
    while let (Some(q @ (Particle::Abd | Particle::Bou)), true) =
        (words.get(*i).and_then(|&(_, p)| p), *i + 1 < words.len())
    {
        push_particle(q, arabic, key);
        *i += 1;
        if article_then_more(*i) {
            *i += 1;
        }
    }
    if let Some(&(name, _)) = words.get(*i) {
        translit::push_key(name, false, false, key);
    }
    *i += 1;
}

/// Apostrophes and letter marks people put inside one word (M'hamed, Tal'at, ʿAli) and the
/// cedilla's sound (Fayçal): removed or read before folding, which would split or drop them.
///
/// The hamza's seats ؤ and ئ are read as the hamza (Fouad = فؤاد, Wael = وائل): `fold` would
/// make them و and ي, letters a Latin spelling must then write.
fn pre_fold(raw: &str) -> std::borrow::Cow<'_, str> {
    let read = |c: char| APOSTROPHES.contains(&c) || matches!(c, 'ç' | 'Ç' | 'ؤ' | 'ئ');
    let untouched = if raw.is_ascii() {
        !has_apostrophe(raw)
    } else {
        !raw.chars().any(read)
    };
    if untouched {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Inside a word (Tal'at, M'hamed) it goes; before a capital (Alaa'El-Deen) it
            // separates words.
            c if APOSTROPHES.contains(&c) => {
                if !chars.peek().is_some_and(|n| n.is_lowercase()) {
                    out.push(' ');
                }
            }
            'ç' | 'Ç' => out.push('s'),
            'ؤ' | 'ئ' => out.push('ء'),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
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
/// assert_eq!(b.tokens, vec!["mohammed", "el", "alaoui"]);
/// assert_eq!(name_similarity(&a, &b), 1.0);
/// assert!(normalize_name("qsdqsd").unwrap().nonsense);
/// assert!(!normalize_name("Mohamed").unwrap().nonsense);
/// assert!(!normalize_name("").unwrap().nonsense); // absent
/// ```
pub fn normalize_name(raw: &str) -> Result<NormalizedName, Error> {
    let mut tokens = Vec::new();
    let NameKeys { keys, nonsense } = read(raw, |words| {
        tokens = words.iter().map(|w| (*w).to_owned()).collect();
    })?;
    Ok(NormalizedName {
        tokens,
        keys: keys.iter().map(str::to_owned).collect(),
        nonsense,
    })
}

/// What matching reads of a name: [`NormalizedName`] without its tokens, which no match
/// reads (building them cost an allocation per word of every order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct NameKeys {
    /// As [`NormalizedName::keys`].
    pub(crate) keys: Keys,
    /// As [`NormalizedName::nonsense`].
    pub(crate) nonsense: bool,
}

/// [`normalize_name`] without the tokens.
///
/// # Errors
/// As [`normalize_name`].
pub(crate) fn name_keys(raw: &str) -> Result<NameKeys, Error> {
    read(raw, |_| {})
}

/// Reads a name once for [`normalize_name`] and [`name_keys`]; `tokens` is shown its folded
/// tokens.
fn read(raw: &str, tokens: impl FnOnce(&[&str])) -> Result<NameKeys, Error> {
    check_len("name", raw, MAX_INPUT_BYTES)?;
    let folded = fold(&pre_fold(raw));
    let words: SmallVec<[&str; 8]> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let keys = keys_of(&words);
    // A blank name is absent, not junk.
    let nonsense = !is_blank(raw) && is_nonsense(&folded, &words);
    tokens(&words);
    Ok(NameKeys { keys, nonsense })
}

/// Mohamed for its usual short forms (Med in Tunisia and Algeria, Mohd and Mhd in the Gulf, Md):
/// "Med Ali Bensalah" is محمد علي بن صالح. Any other word as it is.
fn written_out(word: &str) -> &str {
    match word {
        "med" | "mhd" | "mohd" | "mhmd" | "md" => "mohamed",
        _ => word,
    }
}

fn is_nonsense(folded: &str, tokens: &[&str]) -> bool {
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

/// Marks a free key of `x` covered by two free keys of `y` written together.
///
/// `ox` and `oy` keep the outlines of the keys of `x` and `y` read so far ([`Outlines`]).
fn match_split<S: AsRef<str>>(
    (x, y): (&[S], &[S]),
    gx: &mut [f64],
    gy: &mut [f64],
    ox: &mut Outlines,
    oy: &mut Outlines,
) {
    let mut joined = String::new();
    for (i, kx) in x.iter().enumerate() {
        if gx.get(i) != Some(&0.0) {
            continue;
        }
        // The keys of `y` not covered yet (none is covered until the search below succeeds).
        let is_free = |j: &usize| gy.get(*j) == Some(&0.0);
        if (0..y.len()).filter(is_free).nth(1).is_none() {
            continue;
        }
        for j in (0..y.len()).filter(is_free) {
            outline(oy, y, j);
        }
        let whole = match outline(ox, x, i) {
            Some(whole) => *whole,
            None => translit::Outline::of(kx.as_ref()),
        };
        let mut found = None;
        'pairs: for p in (0..y.len()).filter(is_free) {
            for q in (0..y.len()).filter(is_free) {
                let (Some(yp), Some(yq)) = (y.get(p), y.get(q)) else {
                    continue;
                };
                if p == q {
                    continue;
                }
                // Most pairs have letters the key lacks, or lack some of its letters.
                if let (Some(Some(op)), Some(Some(oq))) = (oy.get(p), oy.get(q)) {
                    if !translit::may_join(op, oq, &whole) {
                        continue;
                    }
                }
                joined.clear();
                joined.push_str(yp.as_ref());
                joined.push_str(yq.as_ref());
                if translit::distance_within(&joined, kx.as_ref(), 0) == 0 {
                    found = Some((p, q));
                    break 'pairs;
                }
            }
        }
        if let Some((p, q)) = found {
            for k in [p, q] {
                if let Some(g) = gy.get_mut(k) {
                    *g = 1.0;
                }
            }
            if let Some(g) = gx.get_mut(i) {
                *g = 1.0;
            }
        }
    }
}

/// The outlines of a name's keys ([`translit::Outline`]), each read when first needed and kept
/// for the rest of one comparison: both directions of [`match_split`] read both names' keys. On
/// the stack; past a name's eighth key none is kept (pairs then go without the shortcut).
type Outlines = [Option<translit::Outline>; 8];

/// The outline of key `j` of `keys`, read into `kept` the first time.
fn outline<'o, S: AsRef<str>>(
    kept: &'o mut Outlines,
    keys: &[S],
    j: usize,
) -> Option<&'o translit::Outline> {
    let slot = kept.get_mut(j)?;
    if slot.is_none() {
        *slot = Some(translit::Outline::of(keys.get(j)?.as_ref()));
    }
    slot.as_ref()
}

/// Pairs free keys of `a` (`len_a` of them) and `b` (`len_b`) whose likeness (`alike(i, j)`,
/// [`translit::alike`] of key `i` of `a` and key `j` of `b`) passes `accept`, best first for each
/// key of `a`, and marks them covered by that likeness.
fn match_alike(
    (len_a, len_b): (usize, usize),
    got_a: &mut [f64],
    got_b: &mut [f64],
    accept: impl Fn(f64) -> bool,
    alike: &mut impl FnMut(usize, usize) -> f64,
) {
    for i in 0..len_a {
        if got_a.get(i) != Some(&0.0) {
            continue;
        }
        let mut best: Option<(usize, f64)> = None;
        for j in 0..len_b {
            if got_b.get(j) != Some(&0.0) {
                continue;
            }
            let sim = alike(i, j);
            if accept(sim) && best.is_none_or(|(_, s)| sim > s) {
                best = Some((j, sim));
            }
        }
        if let Some((j, sim)) = best {
            if let (Some(x), Some(y)) = (got_a.get_mut(i), got_b.get_mut(j)) {
                (*x, *y) = (sim, sim);
            }
        }
    }
}

/// How much an initial covers of the word it stands for: what a typo in a long word leaves (a
/// letter says less than a word).
const INITIAL: f64 = 0.8;

/// Whether a key is one letter's (an initial: M., A) or empty.
fn is_initial(key: &str) -> bool {
    key.chars().nth(1).is_none()
}

/// Pairs each free key of `x` that is one letter (an initial: "M. Amine", "A Tazi") with the
/// first free key of `y` that starts with a letter alike, and marks both covered by
/// [`INITIAL`].
fn match_initials<S: AsRef<str>>(x: &[S], y: &[S], gx: &mut [f64], gy: &mut [f64]) {
    for (i, kx) in x.iter().enumerate() {
        let kx = kx.as_ref();
        if gx.get(i) != Some(&0.0) || !is_initial(kx) {
            continue;
        }
        let starts_alike = |ky: &str| {
            !is_initial(ky)
                && ky.chars().next().is_some_and(|c| {
                    let mut letter = [0; 4];
                    translit::alike(kx, c.encode_utf8(&mut letter)) >= 1.0
                })
        };
        let free = |j: &usize| gy.get(*j) == Some(&0.0);
        if let Some(j) = (0..y.len())
            .filter(free)
            .find(|&j| y.get(j).is_some_and(|ky| starts_alike(ky.as_ref())))
        {
            if let (Some(a), Some(b)) = (gx.get_mut(i), gy.get_mut(j)) {
                (*a, *b) = (INITIAL, INITIAL);
            }
        }
    }
}

/// `len` zeros, in `stack` when they fit, else in `heap`.
fn zeros<'b, const N: usize>(
    len: usize,
    stack: &'b mut [f64; N],
    heap: &'b mut Vec<f64>,
) -> &'b mut [f64] {
    if len <= N {
        &mut stack[..len]
    } else {
        heap.resize(len, 0.0);
        heap
    }
}

/// Which of the first 64 keys of a name are a word after bin (or ben, ould, بن), one bit each.
fn ben_words<S: AsRef<str>>(keys: &[S]) -> u64 {
    static PREFIX: OnceLock<String> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| translit::optional_key(Particle::Ben.canonical(true)));
    keys.iter()
        .take(64)
        .enumerate()
        .filter(|(_, k)| k.as_ref().starts_with(prefix.as_str()))
        .fold(0, |bits, (i, _)| bits | (1 << i))
}

/// Bit `i` of `bits` (false past the 64th).
fn bit(bits: u64, i: usize) -> bool {
    i < 64 && bits & (1 << i) != 0
}

/// How much of each side's keys the other side covers, in [0, 1] each (`alike` as in
/// [`match_alike`]), and whether each side's first key is covered.
fn coverage<S: AsRef<str>>(
    a: &[S],
    b: &[S],
    alike: &mut impl FnMut(usize, usize) -> f64,
    joins: bool,
) -> Coverage {
    // On the stack for names of up to 8 words (all of them, nearly).
    let (mut stack_a, mut stack_b) = ([0.0f64; 8], [0.0f64; 8]);
    let (mut heap_a, mut heap_b) = (Vec::new(), Vec::new());
    let got_a = zeros(a.len(), &mut stack_a, &mut heap_a);
    let got_b = zeros(b.len(), &mut stack_b, &mut heap_b);
    // Equal keys (the common case: one script, one spelling).
    for (i, ka) in a.iter().enumerate() {
        if let Some(j) = (0..b.len()).find(|&j| {
            got_b.get(j) == Some(&0.0) && b.get(j).map(AsRef::as_ref) == Some(ka.as_ref())
        }) {
            if let (Some(x), Some(y)) = (got_a.get_mut(i), got_b.get_mut(j)) {
                (*x, *y) = (1.0, 1.0);
            }
        }
    }
    let lens = (a.len(), b.len());
    // When both names write bin and no word after bin is the same in both, a word after bin
    // pairs only with a word after bin: Ahmed bin Saeed and Saeed bin Ahmed are a father and
    // his son. A name without bin may have dropped it (Mohamed Salah = Mohamed Ben Salah), and
    // one whose father is the same may write its family as bin or Al (Abdullah bin Saleh bin
    // Obaid = عبد الله بن صالح العبيد).
    let (ben_a, ben_b) = (ben_words(a), ben_words(b));
    let swapped = ben_a != 0
        && ben_b != 0
        && !(0..a.len().min(64)).any(|i| {
            bit(ben_a, i) && (0..b.len().min(64)).any(|j| bit(ben_b, j) && alike(i, j) >= 1.0)
        });
    let alike = &mut |i: usize, j: usize| {
        if swapped && bit(ben_a, i) != bit(ben_b, j) {
            0.0
        } else {
            alike(i, j)
        }
    };
    // Spellings of one word (in either script).
    match_alike(lens, got_a, got_b, |s| s >= 1.0, alike);
    // One key on one side written as two words on the other (Fatimazahra / Fatima Zahra).
    if joins {
        let (mut outlines_a, mut outlines_b) = ([None; 8], [None; 8]);
        match_split((a, b), got_a, got_b, &mut outlines_a, &mut outlines_b);
        match_split((b, a), got_b, got_a, &mut outlines_b, &mut outlines_a);
    }
    // One typo in a long key.
    match_alike(lens, got_a, got_b, |s| s >= 0.8, alike);
    // An initial (M. Amine) for a word of the other name that starts with its letter.
    match_initials(a, b, got_a, got_b);
    match_initials(b, a, got_b, got_a);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let first = |v: &[f64]| v.first().is_some_and(|&g| g > 0.0);
    Coverage {
        of: (mean(got_a), mean(got_b)),
        first: (first(got_a), first(got_b)),
    }
}

/// What [`coverage`] finds of two names.
struct Coverage {
    /// How much of each side the other covers.
    of: (f64, f64),
    /// Whether each side's first key is covered.
    first: (bool, bool),
}

/// Words that often start a compound first name, in both scripts (Mohamed Amine, Fatima Zahra,
/// Moulay Ali, Sidi Mohamed, Lalla Aicha).
const COMPOUND_HEADS: [&str; 10] = [
    "mohamed",
    "محمد",
    "fatima",
    "فاطمه",
    "moulay",
    "مولاي",
    "sidi",
    "سيدي",
    "lalla",
    "لاله",
];

/// Which of two names is a father's when the other is his son's: the son's first word (his
/// own name, not an initial) is in no word of the father's name, and the father's first word
/// is a later word of the son's, which has more words (Fahad Al Mutairi and his son Abdullah
/// Fahad Al Mutairi). `Some(true)` when `a` is the father's, `Some(false)` when `b` is.
///
/// A first word that is often the first half of a compound first name (Mohamed Amine, Fatima
/// Zahra, Moulay Ali, Sidi Mohamed, Lalla Aicha) is not taken for a son's own name: Amine
/// Tazi and Mohamed Amine Tazi may be one man.
fn father<S: AsRef<str>>(a: &[S], b: &[S], firsts: (bool, bool)) -> Option<bool> {
    let a_is_father = match firsts {
        (true, false) if a.len() >= 2 && b.len() > a.len() => true,
        (false, true) if b.len() >= 2 && a.len() > b.len() => false,
        _ => return None,
    };
    let son = if a_is_father { b } else { a };
    let first = son.first()?.as_ref();
    // An initial (M. Amine, L'Malouma) is not a name of its own.
    if is_initial(first) {
        return None;
    }
    static HEADS: OnceLock<Vec<String>> = OnceLock::new();
    let heads = HEADS.get_or_init(|| COMPOUND_HEADS.iter().map(|w| translit::key(w)).collect());
    let compound = heads.iter().any(|h| translit::alike(first, h) >= 1.0);
    (!compound).then_some(a_is_father)
}

/// How alike two names are, 0.0 (unrelated) to 1.0 (same keys), insensitive to word order,
/// script and transliteration, tolerant of one missing middle token. Word order counts in two
/// places, both a father and his son:
/// - around bin: when both names write bin (ben, ould, بن, ولد) and name different fathers, a
///   word after bin meets only a word after bin, so "Ahmed bin Saeed" and "Saeed bin Ahmed"
///   score 0;
/// - a name's first word: when the longer name starts with a word the shorter lacks and the
///   shorter's first word is a later word of the longer, the shorter's first word is the
///   father's own name and the longer's word for it is the son's father's name, so they do not
///   meet: "Fahad Al Mutairi" and "Abdullah Fahad Al Mutairi" score as two men of one family.
///   A first word that often starts a compound first name (Mohamed, Fatima, Moulay, Sidi,
///   Lalla) is not read so: "Amine Tazi" may write "Mohamed Amine Tazi" in full.
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
/// assert_eq!(name_similarity(&n("Ahmed bin Saeed"), &n("Saeed bin Ahmed")), 0.0);
/// assert_eq!(name_similarity(&n("Ahmed bin Saeed"), &n("Ahmed Saeed")), 1.0);
/// assert!(name_similarity(&n("Fahad Al Mutairi"), &n("Abdullah Fahad Al Mutairi")) < 0.5);
/// assert!(name_similarity(&n("Fahad Al Mutairi"), &n("Fahad Abdullah Al Mutairi")) >= 0.8);
/// ```
pub fn name_similarity(a: &NormalizedName, b: &NormalizedName) -> f64 {
    keys_similarity(&a.keys, &b.keys)
}

/// [`name_similarity`] over bare key lists (what the history index stores).
pub fn keys_similarity<S: AsRef<str>>(ka: &[S], kb: &[S]) -> f64 {
    let alike = |i: usize, j: usize| match (ka.get(i), kb.get(j)) {
        (Some(x), Some(y)) if !given::distinct(x.as_ref(), y.as_ref()) => {
            translit::alike(x.as_ref(), y.as_ref())
        }
        _ => 0.0,
    };
    keys_similarity_with(ka, kb, alike, true)
}

/// [`keys_similarity`] with the likeness of key `i` of `ka` and key `j` of `kb` given by
/// `alike(i, j)` (it must be [`translit::alike`] of the two): for a caller that compares the
/// same words again and again and remembers their likeness. `joins` false skips the search for
/// a key of one side written as two keys of the other: for a caller that knows none can be
/// (no two keys of one side [`translit::may_join`] into a key of the other), so the score is
/// the same.
pub(crate) fn keys_similarity_with<S: AsRef<str>>(
    ka: &[S],
    kb: &[S],
    mut alike: impl FnMut(usize, usize) -> f64,
    joins: bool,
) -> f64 {
    if ka.is_empty() || kb.is_empty() {
        return 0.0;
    }
    let Coverage {
        of: (mut cov_a, mut cov_b),
        first,
    } = coverage(ka, kb, &mut alike, joins);
    // A father's first word does not meet his son's word for him: the father's name is read
    // without it, the word counted as covered by nothing.
    if let Some(a_is_father) = father(ka, kb, first) {
        let (skip_a, skip_b) = (usize::from(a_is_father), usize::from(!a_is_father));
        let c = coverage(
            ka.get(skip_a..).unwrap_or(&[]),
            kb.get(skip_b..).unwrap_or(&[]),
            &mut |i, j| alike(i + skip_a, j + skip_b),
            joins,
        );
        let with_first = |cov: f64, keys: usize, skip: usize| {
            if skip == 0 {
                cov
            } else {
                cov * (keys - 1) as f64 / keys as f64
            }
        };
        cov_a = with_first(c.of.0, ka.len(), skip_a);
        cov_b = with_first(c.of.1, kb.len(), skip_b);
    }
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
