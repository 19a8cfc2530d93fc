//! Signed, expiring confirmation tokens for the links in SMS and WhatsApp messages.
//!
//! A token is 24 bytes written as 32 characters of unpadded base64url (24 is divisible by 3, so
//! the encoding has no slack bits and every character carries meaning: changing any one of them
//! changes the bytes):
//!
//! | bytes  | content                                                              |
//! |--------|----------------------------------------------------------------------|
//! | 0..4   | expiry, Unix seconds, big-endian `u32`                               |
//! | 4..7   | in clear, only to say why a token fails (they protect nothing): an   |
//! |        | order token's 24-bit FNV-1a hash of its order id; a flow link's link  |
//! |        | epoch (low byte) and 16-bit hash of its order id and flow nonce      |
//! | 7..24  | HMAC-SHA256(secret, domain ‖ len(order id) ‖ order id ‖ bound ‖ bytes 0..7), first 17 bytes |
//!
//! Two kinds share the layout, each with its own domain so that neither passes for the other:
//! - order tokens ([`issue_token`], [`verify_token`]): bound to an order id and an expiry;
//! - flow links (what a [`ConfirmationFlow`](super::ConfirmationFlow) sends): also bound
//!   (`bound` above) to the flow's nonce and the epoch of its current link, so a flow accepts
//!   only the links it sent itself, and only its latest one: not a token of the same order id
//!   issued elsewhere, not a link of an earlier flow for a reused order id, not the link a
//!   new phone number or a failed delivery replaced.
//!
//! 136 bits of MAC are far beyond what an attacker can guess online, and 32 characters keep an SMS
//! with the link short. Verification compares the MAC in constant time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, ErrorKind};

/// Length of a token in characters.
pub const TOKEN_LEN: usize = 32;
const RAW_LEN: usize = 24;
const MAC_LEN: usize = 17;
/// Separate these MACs from each other and from any other use of the shop's secret.
const ORDER_DOMAIN: &[u8] = b"codguard/confirm-link/v1";
const FLOW_DOMAIN: &[u8] = b"codguard/flow-link/v2";

/// What a flow's links are bound to besides the order id: the flow's nonce, and the epoch of
/// its current link (a new one with each new run: the start, a new number, a failed delivery).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlowLink<'a> {
    pub(crate) nonce: &'a [u8],
    pub(crate) epoch: u32,
}

impl FlowLink<'_> {
    /// The MAC'd bytes the token does not carry: the nonce (length first) and the whole epoch.
    fn bound(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(self.nonce.len() + 12);
        b.extend_from_slice(&len64(self.nonce.len()));
        b.extend_from_slice(self.nonce);
        b.extend_from_slice(&self.epoch.to_be_bytes());
        b
    }

    /// Bytes 4..7: the epoch's low byte and a 16-bit hash of the order id and the nonce.
    fn clear(&self, order_id: &str) -> [u8; 3] {
        let h = fnv1a(
            order_id
                .bytes()
                .chain([0])
                .chain(self.nonce.iter().copied()),
        );
        let [_, _, a, b] = h.to_be_bytes();
        let [.., epoch] = self.epoch.to_be_bytes();
        [epoch, a, b]
    }
}

/// A decoded token: its expiry, its clear bytes, and whether its MAC holds.
struct Checked {
    expiry: u32,
    clear: [u8; 3],
    authentic: bool,
}

/// A shop secret prepared for issuing and verifying tokens.
///
/// Keying HMAC hashes the secret twice; doing it once here and cloning the keyed state per token
/// halves the cost of each verification.
///
/// # Example
/// ```
/// use codguard::confirm::TokenKey;
/// let key = TokenKey::new(b"shop secret").unwrap();
/// let token = key.issue("o-1", 1_767_400_000);
/// assert_eq!(token.len(), 32);
/// assert!(key.verify(&token, "o-1", 1_767_300_000).is_ok());
/// ```
#[derive(Clone)]
pub struct TokenKey {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("TokenKey(..)")
    }
}

impl TokenKey {
    /// Prepares `secret` for signing.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the secret is empty: an empty key signs nothing.
    pub fn new(secret: &[u8]) -> Result<TokenKey, Error> {
        if secret.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidConfig,
                "the link secret is empty",
            ));
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .map_err(|_| Error::new(ErrorKind::InvalidConfig, "the link secret is unusable"))?;
        Ok(TokenKey { mac })
    }

    /// The MAC over the domain, the order id, what the token is bound to and the token's clear
    /// header (expiry and clear bytes), so that no byte of the token escapes the signature.
    fn mac_for(&self, domain: &[u8], order_id: &str, bound: &[u8], header: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(domain);
        // The length prefix keeps (id, expiry) pairs unambiguous.
        mac.update(&len64(order_id.len()));
        mac.update(order_id.as_bytes());
        mac.update(bound);
        mac.update(header);
        mac
    }

    fn issue_with(
        &self,
        domain: &[u8],
        order_id: &str,
        bound: &[u8],
        clear: [u8; 3],
        expires_at: i64,
    ) -> String {
        let expiry = clamp_expiry(expires_at);
        let mut raw = [0u8; RAW_LEN];
        raw[..4].copy_from_slice(&expiry.to_be_bytes());
        raw[4..7].copy_from_slice(&clear);
        let tag = self
            .mac_for(domain, order_id, bound, &raw[..7])
            .finalize()
            .into_bytes();
        raw[7..].copy_from_slice(&tag[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(raw)
    }

    fn check(
        &self,
        domain: &[u8],
        token: &str,
        order_id: &str,
        bound: &[u8],
    ) -> Result<Checked, Error> {
        let raw = decode(token)?;
        let mut expiry = [0u8; 4];
        expiry.copy_from_slice(&raw[..4]);
        let mut clear = [0u8; 3];
        clear.copy_from_slice(&raw[4..7]);
        let authentic = self
            .mac_for(domain, order_id, bound, &raw[..7])
            .verify_truncated_left(&raw[7..])
            .is_ok();
        Ok(Checked {
            expiry: u32::from_be_bytes(expiry),
            clear,
            authentic,
        })
    }

    /// The link a flow sends: bound to its order, nonce and link epoch.
    pub(crate) fn issue_flow_link(
        &self,
        order_id: &str,
        link: FlowLink<'_>,
        expires_at: i64,
    ) -> String {
        self.issue_with(
            FLOW_DOMAIN,
            order_id,
            &link.bound(),
            link.clear(order_id),
            expires_at,
        )
    }

    /// Checks a link against the flow that would have sent it.
    ///
    /// # Errors
    /// - [`ErrorKind::TokenMalformed`]: not 32 base64url characters.
    /// - [`ErrorKind::TokenWrongOrder`]: sent by another flow (another order, or an earlier
    ///   flow for the same order id), or an order token.
    /// - [`ErrorKind::TokenExpired`]: replaced by a newer link of this flow, or past its expiry.
    /// - [`ErrorKind::TokenForged`]: the MAC fails.
    pub(crate) fn verify_flow_link(
        &self,
        token: &str,
        order_id: &str,
        link: FlowLink<'_>,
        now: i64,
    ) -> Result<(), Error> {
        let c = self.check(FLOW_DOMAIN, token, order_id, &link.bound())?;
        let want = link.clear(order_id);
        if c.clear[1..] != want[1..] {
            return Err(Error::new(
                ErrorKind::TokenWrongOrder,
                "the link was sent by another flow: another order, or an earlier flow for this order id",
            ));
        }
        if c.clear[0] != want[0] {
            return Err(Error::new(
                ErrorKind::TokenExpired,
                "the link was replaced by a newer one",
            ));
        }
        if !c.authentic {
            return Err(Error::new(
                ErrorKind::TokenForged,
                "the link's signature does not verify",
            ));
        }
        if now > i64::from(c.expiry) {
            return Err(Error::new(ErrorKind::TokenExpired, "the link has expired"));
        }
        Ok(())
    }

    /// HMAC-SHA256 over `domain`, `version` and `bytes`: the integrity tag of a state this key
    /// seals for storage (see `seal.rs`). The domain keeps these tags apart from link tokens.
    pub(crate) fn seal_tag(&self, domain: &[u8], version: u32, bytes: &[u8]) -> [u8; 32] {
        self.seal_mac(domain, version, bytes)
            .finalize()
            .into_bytes()
            .into()
    }

    /// True when `tag` is [`TokenKey::seal_tag`] of these inputs, compared in constant time.
    pub(crate) fn seal_tag_matches(
        &self,
        domain: &[u8],
        version: u32,
        bytes: &[u8],
        tag: &[u8],
    ) -> bool {
        self.seal_mac(domain, version, bytes)
            .verify_slice(tag)
            .is_ok()
    }

    fn seal_mac(&self, domain: &[u8], version: u32, bytes: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(domain);
        mac.update(&version.to_be_bytes());
        mac.update(bytes);
        mac
    }

    /// Issues the token for `order_id`, valid until `expires_at` (Unix seconds, clamped to the
    /// `u32` range: 1970 to 2106).
    pub fn issue(&self, order_id: &str, expires_at: i64) -> String {
        self.issue_with(
            ORDER_DOMAIN,
            order_id,
            &[],
            order_hash(order_id),
            expires_at,
        )
    }

    /// Checks that `token` was issued by this key for `order_id` and is still valid at `now`.
    ///
    /// # Errors
    /// - [`ErrorKind::TokenMalformed`]: not 32 base64url characters.
    /// - [`ErrorKind::TokenWrongOrder`]: the MAC fails and the token names another order.
    /// - [`ErrorKind::TokenForged`]: the MAC fails for this order.
    /// - [`ErrorKind::TokenExpired`]: authentic, but `now` is past its expiry.
    pub fn verify(&self, token: &str, order_id: &str, now: i64) -> Result<(), Error> {
        let c = self.check(ORDER_DOMAIN, token, order_id, &[])?;
        if !c.authentic {
            if c.clear != order_hash(order_id) {
                return Err(Error::new(
                    ErrorKind::TokenWrongOrder,
                    "the token was issued for another order",
                ));
            }
            return Err(Error::new(
                ErrorKind::TokenForged,
                "the token signature does not verify",
            ));
        }
        if now > i64::from(c.expiry) {
            return Err(Error::new(ErrorKind::TokenExpired, "the token has expired"));
        }
        Ok(())
    }
}

fn len64(n: usize) -> [u8; 8] {
    u64::try_from(n).unwrap_or(u64::MAX).to_be_bytes()
}

fn clamp_expiry(expires_at: i64) -> u32 {
    u32::try_from(expires_at.max(0)).unwrap_or(u32::MAX)
}

fn decode(token: &str) -> Result<[u8; RAW_LEN], Error> {
    let malformed = || {
        Error::new(
            ErrorKind::TokenMalformed,
            "a token is 32 base64url characters",
        )
    };
    if token.len() != TOKEN_LEN {
        return Err(malformed());
    }
    let mut raw = [0u8; RAW_LEN];
    let n = URL_SAFE_NO_PAD
        .decode_slice(token.as_bytes(), &mut raw)
        .map_err(|_| malformed())?;
    if n != RAW_LEN {
        return Err(malformed());
    }
    Ok(raw)
}

/// 32-bit FNV-1a: stable everywhere and cheap; enough to tell orders and flows apart in an
/// error message.
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u32 {
    bytes.fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// An order token's clear bytes: 24 bits of the FNV-1a hash of its order id.
fn order_hash(order_id: &str) -> [u8; 3] {
    let [_, a, b, c] = fnv1a(order_id.bytes()).to_be_bytes();
    [a, b, c]
}

/// Issues the token for `order_id`, valid until `expires_at` (Unix seconds).
///
/// Builds a [`TokenKey`] each call; a host issuing many tokens should keep one key.
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] when `secret` is empty.
///
/// # Example
/// ```
/// use codguard::confirm::{issue_token, verify_token};
/// let t = issue_token(b"s3cret", "o-42", 1_767_400_000).unwrap();
/// assert!(verify_token(b"s3cret", &t, "o-42", 1_767_399_999).is_ok());
/// let err = verify_token(b"s3cret", &t, "o-42", 1_767_400_001).unwrap_err();
/// assert_eq!(err.kind(), codguard::ErrorKind::TokenExpired);
/// ```
pub fn issue_token(secret: &[u8], order_id: &str, expires_at: i64) -> Result<String, Error> {
    Ok(TokenKey::new(secret)?.issue(order_id, expires_at))
}

/// Verifies `token` for `order_id` at time `now` (Unix seconds).
///
/// # Errors
/// As [`TokenKey::verify`], plus [`ErrorKind::InvalidConfig`] for an empty secret.
pub fn verify_token(secret: &[u8], token: &str, order_id: &str, now: i64) -> Result<(), Error> {
    TokenKey::new(secret)?.verify(token, order_id, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_character_change_fails() {
        let key = TokenKey::new(b"k").unwrap();
        let token = key.issue("o-000123", 1_800_000_000);
        const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..token.len() {
            for c in ALPHABET.chars() {
                let mut t: Vec<char> = token.chars().collect();
                if t[i] == c {
                    continue;
                }
                t[i] = c;
                let t: String = t.into_iter().collect();
                assert!(key.verify(&t, "o-000123", 0).is_err(), "{t} {token} {i}");
            }
        }
    }
}
