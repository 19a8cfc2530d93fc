//! Normalization of what customers type: phones, emails, addresses and names.
//!
//! Every normalizer is total over `&str`: any input, however malformed, gives a value or an
//! [`Error`](crate::Error), never a panic. Inputs longer than [`MAX_INPUT_BYTES`] are rejected
//! with [`ErrorKind::InputTooLong`](crate::ErrorKind::InputTooLong) before any work.

pub mod address;
pub mod city;
pub mod email;
pub(crate) mod given;
pub(crate) mod keys;
pub mod name;
pub mod phone;
pub mod text;
pub mod translit;

pub use address::{normalize_address, NormalizedAddress};
pub use city::{resolve_city, CityId};
pub use email::{normalize_email, FakeEmailReason, NormalizedEmail};
pub use name::{normalize_name, NormalizedName};
pub use phone::{find_phone, normalize_phone, parse_phone, E164Phone, PhoneInfo, PhoneType};

/// The longest input, in bytes, that any normalizer accepts. A checkout field longer than this
/// is not a phone, email, name or address, and processing it would only cost time.
pub const MAX_INPUT_BYTES: usize = 1024;
