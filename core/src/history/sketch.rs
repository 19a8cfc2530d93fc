//! The sketch of a name key: what the walk's comparisons of names read of a key, read once.
//!
//! A history keeps one [`WordSketch`] per distinct name key, read when the key is interned (and
//! rebuilt on snapshot load), so that comparing the key with a neighbour's word it cannot be
//! costs a few bit operations instead of an alignment. [`may_be_same_word`] is false only when
//! the linking rules' `same_word` (in [`super::link`]) is false for the two keys; the rules use
//! it to answer names that cannot meet without scoring them (`LinkRules::names`).

use crate::normalize::given::Given;
use crate::normalize::translit;

/// What the comparisons of names read of one name key, read once per distinct key: when a
/// history takes it in (`history::index`), and once per walk for the new order's.
#[derive(Debug, Clone)]
pub struct WordSketch {
    /// Its letters, for the bound of [`translit::alike`] (and of two words written together).
    pub(crate) outline: translit::Outline,
    /// Its characters (classes), each as one of 64 bits ([`char_bit`]): a bit one key has and
    /// the other lacks is a character one has and the other lacks.
    bits: u64,
    /// Its characters (classes) as 16-bit codes, sorted, when it has at most [`SKETCHED`].
    chars: [u16; SKETCHED],
    /// How many characters it has.
    len: u32,
    /// The given names it writes, when the lexicon knows it ([`Given`]): two words that write
    /// none in common are not one word, however alike their letters.
    pub(crate) given: Given,
}

/// The most characters of a key whose codes a [`WordSketch`] keeps (name keys have about 4 to
/// 12).
const SKETCHED: usize = 16;

impl WordSketch {
    /// The sketch of name key `key`.
    pub(crate) fn of(key: &str) -> WordSketch {
        let mut chars = [0; SKETCHED];
        // The low 16 bits of a character: a key's are private-use characters (one per class),
        // so two characters differ there unless one is from outside the table, when two
        // different ones may count as one (a bound then weaker, never wrong).
        for (slot, c) in chars.iter_mut().zip(key.chars()) {
            *slot = u32::from(c) as u16;
        }
        let len = key.chars().count();
        if let Some(kept) = chars.get_mut(..len) {
            kept.sort_unstable();
        }
        WordSketch {
            outline: translit::Outline::of(key),
            bits: key.chars().fold(0, |bits, c| bits | char_bit(c)),
            chars,
            len: u32::try_from(len).unwrap_or(u32::MAX),
            given: Given::of(key),
        }
    }

    /// Its characters' codes, or `None` past [`SKETCHED`] characters.
    fn chars(&self) -> Option<&[u16]> {
        self.chars.get(..usize::try_from(self.len).ok()?)
    }
}

/// The bit of a character in [`WordSketch::bits`] (a key's characters are private-use
/// characters, a class each: their codes, spread over 64 bits).
fn char_bit(c: char) -> u64 {
    1 << (u64::from(u32::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// How many characters of `x` (with repeats) `y` lacks, and of `y` that `x` lacks, from their
/// sorted codes: what `letters_apart` counts.
fn lacking(x: &[u16], y: &[u16]) -> (u32, u32) {
    let (mut x, mut y) = (x.iter().peekable(), y.iter().peekable());
    let (mut only_x, mut only_y) = (0, 0);
    while let (Some(&&cx), Some(&&cy)) = (x.peek(), y.peek()) {
        match cx.cmp(&cy) {
            std::cmp::Ordering::Less => {
                only_x += 1;
                x.next();
            }
            std::cmp::Ordering::Greater => {
                only_y += 1;
                y.next();
            }
            std::cmp::Ordering::Equal => {
                x.next();
                y.next();
            }
        }
    }
    (only_x + x.count() as u32, only_y + y.count() as u32)
}

/// False when `same_word` of two keys is false, from their sketches alone. `same_word` is
/// true only when one of these is:
/// - one key is an initial: one character or none;
/// - the keys are equal, or one is within the other (`within`): one has no character the
///   other lacks;
/// - they are near (`near`): at most one edit apart, or a third of the longer key's
///   characters. An edit adds at most one character the other key lacks and takes away at
///   most one, so the characters one key has and the other lacks (the larger count of the two
///   sides, `letters_apart`) are at most their edit distance;
/// - [`translit::alike`] is above 0 (the rest of `same_word` is the score of that one pair,
///   which is 0 when their likeness is): the keys are equal, or [`translit::may_be_alike`].
///
/// Codes or bits of different characters that coincide ([`WordSketch::of`], [`char_bit`]) only
/// make the counts smaller, and the tests more often true.
///
/// Inlined: the walk asks it of every pair of words of the names it compares (most of them
/// ruled out in a few operations, where a call costs as much as the test).
#[inline]
pub(crate) fn may_be_same_word(x: &WordSketch, y: &WordSketch) -> bool {
    if x.given.distinct(&y.given) {
        return false;
    }
    if x.len <= 1 || y.len <= 1 {
        return true;
    }
    // Within or near: first from the characters' bits (each bit one key has and the other
    // lacks is one character at least), then, if those allow it, counted exactly.
    let far = |only_x: u32, only_y: u32| {
        let apart = only_x.max(only_y);
        only_x > 0 && only_y > 0 && apart > 1 && 3 * u64::from(apart) > u64::from(x.len.max(y.len))
    };
    let bits = (
        (x.bits & !y.bits).count_ones(),
        (y.bits & !x.bits).count_ones(),
    );
    if !far(bits.0, bits.1) {
        let (Some(cx), Some(cy)) = (x.chars(), y.chars()) else {
            return true;
        };
        let (only_x, only_y) = lacking(cx, cy);
        if !far(only_x, only_y) {
            return true;
        }
    }
    translit::may_be_alike(&x.outline, &y.outline)
}
