//! Phone numbers to E.164. (Interface fixed; implementation in progress.)
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A valid phone number in E.164 form (`+212612345678`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct E164Phone(String);

impl E164Phone {
    /// The E.164 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for E164Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of line, from the phone metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneType {
    /// A mobile line.
    Mobile,
    /// A fixed line.
    FixedLine,
    /// Fixed or mobile (the metadata cannot tell).
    FixedLineOrMobile,
    /// Anything else (VoIP, toll free, shared cost, ...).
    Other,
}

/// Everything known about a parsed phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneInfo {
    /// The number in E.164 form.
    pub e164: E164Phone,
    /// ISO 3166-1 alpha-2 region of the number.
    pub country: String,
    /// The kind of line.
    pub number_type: PhoneType,
    /// The number validates but is junk (a run of 6+ equal digits, a counting sequence).
    pub looks_fake: bool,
}

/// Parses `raw` as typed at a checkout, with `default_country` for national forms.
pub fn parse_phone(raw: &str, default_country: &str) -> Result<PhoneInfo, Error> {
    let _ = (raw, default_country);
    unimplemented!("phone normalizer in progress")
}

/// Normalizes `raw` to E.164; junk numbers are an error (`phone_looks_fake`).
pub fn normalize_phone(raw: &str, default_country: &str) -> Result<E164Phone, Error> {
    let _ = (raw, default_country);
    unimplemented!("phone normalizer in progress")
}

/// Finds the first valid phone number inside free text (a customer's reply).
pub fn find_phone(text: &str, default_country: &str) -> Option<E164Phone> {
    let _ = (text, default_country);
    unimplemented!("phone normalizer in progress")
}
