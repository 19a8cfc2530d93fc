//! History matching: which past orders belong to the customer of a new order.
//!
//! - [`features`]: the normalized view of an order ([`Features`]).
//! - [`hasher`]: how keys become keyed hashes ([`KeyHasher`]).
//! - [`signature`]: what an order is matched by ([`Signature`]) and the keys it is filed under.
//! - [`index`]: the in-memory store of past orders, compact, with key postings.
//! - [`link`]: the linking rules: when two orders are one customer.
//! - [`walk`]: the walk that gathers a customer's orders from a new one, with evidence.
//! - [`snapshot`]: versioned, checksummed save and load.
//!
//! Links are not stored: they are recomputed from the keys at assessment time, by a bounded
//! walk over verified edges from the new order (see [`walk`]). So the answer
//! depends only on the set of past orders, never on the order they were added in, and erasing a
//! customer leaves nothing of theirs behind. A shop's database can hold the same keys and answer
//! the same walk (see `DESIGN.md`).

pub mod features;
pub mod hasher;
pub mod index;
pub mod link;
pub mod signature;
pub mod snapshot;
#[doc(hidden)]
pub mod switches;
pub mod walk;

pub use features::Features;
pub use hasher::{KeyHasher, KeyKind};
pub use index::{History, PastOrder};
pub use link::LinkRules;
pub use signature::{Signature, View};
pub use walk::{Gathered, Linked, Source};
