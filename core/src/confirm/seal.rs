//! States sealed for the host's database: a flow's or a send guard's JSON, its format version,
//! and an integrity tag (HMAC-SHA256 under the shop's secret) over the exact bytes of both.
//!
//! A CRC would catch a flipped bit but not a row edited on purpose (the edit recomputes it); a
//! MAC under the secret the host already keeps catches both. The body is kept as the JSON text
//! that was tagged, not re-serialized on load, so the tag covers every byte: no two spellings of
//! one value can pass (`1e5` and `1E5`, say), and any single changed byte fails.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::token::TokenKey;
use crate::error::{Error, ErrorKind};

/// The stored form: `{"version": N, "state": "<JSON text>", "tag": "<43 base64url characters>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sealed {
    pub(crate) version: u32,
    state: String,
    tag: String,
}

/// What a sealed state is, and its current format.
pub(crate) struct Format {
    /// Keeps the tags of one kind of state from passing for another's.
    pub(crate) domain: &'static [u8],
    pub(crate) version: u32,
    /// For error messages: "flow", "send guard".
    pub(crate) what: &'static str,
}

impl Format {
    /// Seals `value`.
    pub(crate) fn seal<T: Serialize>(&self, key: &TokenKey, value: &T) -> Sealed {
        // Serializing plain data (strings, numbers, maps with string keys) cannot fail; an empty
        // body would fail to open rather than open as something else.
        let state = serde_json::to_string(value).unwrap_or_default();
        let tag = key.seal_tag(self.domain, self.version, state.as_bytes());
        Sealed {
            version: self.version,
            tag: URL_SAFE_NO_PAD.encode(tag),
            state,
        }
    }

    /// Opens a sealed state: the version first, then the tag, then the JSON.
    ///
    /// # Errors
    /// [`ErrorKind::SnapshotVersion`] for another version; [`ErrorKind::SnapshotCorrupt`] when
    /// the tag does not match (edited, damaged, or sealed under another secret) or the JSON
    /// is not a state of this kind (unknown keys included).
    pub(crate) fn open<T: DeserializeOwned>(
        &self,
        key: &TokenKey,
        sealed: &Sealed,
    ) -> Result<T, Error> {
        if sealed.version != self.version {
            return Err(Error::new(
                ErrorKind::SnapshotVersion,
                format!(
                    "{} snapshot version {} is not supported (this library reads version {})",
                    self.what, sealed.version, self.version
                ),
            ));
        }
        let corrupt = |m: String| Error::new(ErrorKind::SnapshotCorrupt, m);
        let authentic = URL_SAFE_NO_PAD
            .decode(sealed.tag.as_bytes())
            .is_ok_and(|tag| {
                key.seal_tag_matches(self.domain, self.version, sealed.state.as_bytes(), &tag)
            });
        if !authentic {
            return Err(corrupt(format!(
                "the {} snapshot's integrity tag does not match: it was changed, damaged, or \
                 sealed with another secret",
                self.what
            )));
        }
        serde_json::from_str(&sealed.state)
            .map_err(|_| corrupt(format!("the {} snapshot's state is invalid", self.what)))
    }
}
