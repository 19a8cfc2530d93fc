//! Emails: syntax, canonical match key, fake detection, typo suggestion. (Interface fixed.)
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Why an email looks fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FakeEmailReason {
    /// A junk local part (`test`, `asdf`, `a`, keyboard mash).
    JunkLocal,
    /// A junk domain (`test.com`, `example.com`, `a.com`).
    JunkDomain,
    /// A disposable (throw-away) email provider.
    DisposableDomain,
    /// A local part made only of digits.
    DigitOnlyLocal,
}

/// A normalized email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedEmail {
    /// Trimmed, NFKC, lower-cased address: what to show and send to.
    pub address: String,
    /// Canonical match key: provider rules applied (gmail dots and +tags, ...).
    pub key: String,
    /// Why it looks fake, if it does.
    pub fake: Option<FakeEmailReason>,
    /// A corrected address when the domain looks like a typo of a known provider.
    pub suggestion: Option<String>,
}

/// Normalizes an email.
pub fn normalize_email(raw: &str) -> Result<NormalizedEmail, Error> {
    let _ = raw;
    unimplemented!("email normalizer in progress")
}
