//! History matching: which past orders belong to the customer of a new order.
//!
//! - [`keys`]: the normalized view of an order ([`Features`]) and the keys it is found by.
//! - [`index`]: the in-memory store of past orders, compact, with key postings.
//! - [`link`]: the linking rules and the walk that gathers a customer's orders, with evidence.
//! - [`snapshot`]: versioned, checksummed save and load.
//!
//! Links are not stored: they are recomputed from the keys at assessment time, by a bounded
//! walk over verified edges (A~B by phone and B~C by email puts C in A's history). So the answer
//! depends only on the set of past orders, never on the order they were added in, and erasing a
//! customer leaves nothing of theirs behind. A shop's database can hold the same keys and answer
//! the same walk (see `DESIGN.md`).

pub mod index;
pub mod keys;
pub mod link;
pub mod snapshot;

pub use index::{History, PastOrder, View};
pub use keys::{Features, KeyHasher, KeyKind, Signature};
pub use link::{Gathered, LinkRules, Linked, Source};
