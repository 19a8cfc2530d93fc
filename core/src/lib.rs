//! # codguard
//!
//! Protects cash-on-delivery (COD) shops from fake and refused orders while keeping good
//! customers happy.
//!
//! Data flows one way:
//! order -> [`normalize`]d keys -> [`history`] matches -> profile -> [`policy`] class and
//! action (the words of the answer are in [`assessment`]) -> [`confirm`]ation flow.
//!
//! The crate is pure: no I/O, no clock, no global mutable state. Time always arrives as an
//! argument (Unix seconds), so the same inputs always give the same outputs.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[macro_use]
mod names;
mod assess;
pub mod assessment;
pub mod confirm;
mod data;
pub mod engine;
pub mod error;
pub mod history;
pub mod jsonl;
pub mod normalize;
#[cfg(feature = "parallel")]
mod parallel;
pub mod policy;
pub mod record;
pub mod risk;
pub mod store;

pub use error::{Error, ErrorKind};
pub use record::{HistoryRecord, Order, OrderId, Outcome};
