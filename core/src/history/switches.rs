//! Switches that turn the linking rules of issue 17 back into the rules they replaced, to
//! measure what each one gains and loses on a shop with ground truth:
//!
//! ```text
//! cargo run --release --features rule-switches --example rules -- [DIR]
//! ```
//!
//! Only built with the `rule-switches` feature, which no binding and no shop's build enables:
//! without it every rule is on, and asking whether one is costs nothing.

/// A phone or email counts the distinct *people* behind it (off: distinct name strings).
pub const PEOPLE: u8 = 1;
/// Places are compared as places: gazetteer city or cross-script sketch (off: the gazetteer city
/// of the address, else the folded city string).
pub const PLACES: u8 = 2;
/// An order reached through another must still share something owned with the new order, and
/// two given names at one family name are two people (off: any order a link reaches joins the
/// history, and only the similarity of whole names counts).
pub const CHAINS: u8 = 4;
/// A junk name ("x x", "azerty") is matched as no name, and a phone or email that several
/// people share (a family's) links an order whose name says nothing about its person (none,
/// junk, a name that shares no word) to nobody's; a phone or email of one person still does
/// (off: a junk name is matched as a name, and any phone or email within the caps links).
pub const FAMILY: u8 = 8;

#[cfg(feature = "rule-switches")]
static OFF: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Turns off the rules of `rules` (a union of the constants above) and on every other one,
/// for the whole process.
#[cfg(feature = "rule-switches")]
pub fn set_off(rules: u8) {
    OFF.store(rules, std::sync::atomic::Ordering::Relaxed);
}

/// Whether `rule` is on.
#[cfg(feature = "rule-switches")]
#[inline]
pub(crate) fn on(rule: u8) -> bool {
    OFF.load(std::sync::atomic::Ordering::Relaxed) & rule == 0
}

/// Whether `rule` is on: always, without the `rule-switches` feature.
#[cfg(not(feature = "rule-switches"))]
#[inline(always)]
pub(crate) const fn on(_rule: u8) -> bool {
    true
}
