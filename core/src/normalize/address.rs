//! Delivery addresses. (Interface fixed; implementation in progress.)
use serde::{Deserialize, Serialize};

use super::city::CityId;
use crate::error::Error;

/// A delivery address taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NormalizedAddress {
    /// The whole address folded with abbreviations expanded (what `normalize_address` returns in
    /// the bindings).
    pub text: String,
    /// The street's significant tokens, folded, without street-type words, numbers, unit,
    /// district markers or landmark.
    pub street: Vec<String>,
    /// The house number, digits only (`"12"`, `"12b"`).
    pub house_number: Option<String>,
    /// Apartment / floor / unit, canonical (`"apt 19"`).
    pub unit: Option<String>,
    /// District (hay / quartier / حي) tokens, folded.
    pub district: Vec<String>,
    /// A landmark phrase split off the address ("قرب المسجد", "en face de la pharmacie").
    pub landmark: Option<String>,
    /// The city resolved through the gazetteer.
    pub city: Option<CityId>,
    /// The address is nonsense (keyboard mash, "test", a single token, no letters).
    pub nonsense: bool,
}

/// Normalizes an address typed as `raw`, with the order's `city` and `country` fields.
pub fn normalize_address(raw: &str, city: &str, country: &str) -> Result<NormalizedAddress, Error> {
    let _ = (raw, city, country);
    unimplemented!("address normalizer in progress")
}
