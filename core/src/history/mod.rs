//! History matching: which past orders belong to the customer of a new order.
//!
//! - `features`: the normalized view of an order (`Features`).
//! - `hasher`: how keys become keyed hashes ([`KeyHasher`], the one type here a shop's Rust
//!   code needs: [`Engine::with_hasher`](crate::engine::Engine::with_hasher)).
//! - `signature`: what an order is matched by (`Signature`) and the keys it is filed under.
//! - `index`: the in-memory store of past orders, compact, with key postings.
//! - `link`: the linking rules: when two orders are one customer.
//! - `sketch`: what the rules' comparisons of names read of a name key, read once per key.
//! - `walk`: the walk that gathers a customer's orders from a new one, with evidence.
//! - `snapshot`: versioned, checksummed save and load.
//!
//! Only [`KeyHasher`] is public; the rest is the crate's own (public with the `internals`
//! feature, for measurements and tests: nothing in it is part of the contract).
//!
//! Links are not stored: they are recomputed from the keys at assessment time, by a bounded
//! walk over verified edges from the new order (see `walk`). So the answer
//! depends only on the set of past orders, never on the order they were added in, and erasing a
//! customer leaves nothing of theirs behind. A shop's database can hold the same keys and answer
//! the same walk (see `DESIGN.md`).

mod features;
mod hasher;
mod index;
mod link;
mod signature;
mod sketch;
pub(crate) mod snapshot;
#[doc(hidden)]
pub mod switches;
mod walk;

pub use hasher::KeyHasher;

/// The index's own types are the crate's; with the `internals` feature they are public too, for
/// the `breakdown` example and the tests that look inside the index. No binding and no shop's
/// build enables it, and nothing in it is part of the contract (`docs/contract.md`).
macro_rules! internal_use {
    ($($tree:tt)*) => {
        #[cfg(feature = "internals")]
        pub use {$($tree)*};
        #[cfg(not(feature = "internals"))]
        pub(crate) use {$($tree)*};
    };
}

internal_use! {
    features::Features,
    index::{History, PastOrder},
    link::LinkRules,
    sketch::WordSketch,
    signature::{Signature, View},
    walk::{Gathered, Linked, Source},
}

/// Named in the public signatures of the types above (`internals` only).
#[cfg(feature = "internals")]
pub use signature::{NameRef, Slot};
