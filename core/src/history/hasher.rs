//! Keyed hashing of keys: how a phone, an email or a part of a door becomes an unreadable,
//! uncraftable number.

use siphasher::sip::SipHasher13;
use std::hash::Hasher;

use crate::error::Error;
use crate::normalize::{self, E164Phone};

/// The kinds of keys a past order is indexed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum KeyKind {
    /// E.164 phone.
    Phone = 1,
    /// Canonical email.
    Email = 2,
    /// City, house number and one street key: "the same door" candidates, verified with the name.
    Address = 3,
    /// An order id (the index's own lookup of orders by id).
    OrderId = 4,
    /// A part of the door (city, house number, unit, street key), kept as a keyed hash so that a
    /// stored signature holds no readable address.
    DoorPart = 5,
}

/// Turns keys into 64-bit index hashes with keyed SipHash-1-3.
///
/// The key comes from the engine's configuration so that nobody can craft an email whose hash
/// collides with another customer's phone. The hash is stable across Rust versions (unlike std's
/// `DefaultHasher`), so snapshots stay readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHasher {
    k0: u64,
    k1: u64,
}

impl Default for KeyHasher {
    fn default() -> KeyHasher {
        KeyHasher::new(0x636f_6467_7561_7264, 0x6869_7374_6f72_7931)
    }
}

impl KeyHasher {
    /// A hasher with the given SipHash key.
    pub fn new(k0: u64, k1: u64) -> KeyHasher {
        KeyHasher { k0, k1 }
    }

    /// The SipHash key, to persist with a snapshot.
    pub(crate) fn key(&self) -> (u64, u64) {
        (self.k0, self.k1)
    }

    /// Hashes a key of `kind` made of `parts` (separated, so ("ab","c") != ("a","bc")).
    pub(crate) fn hash(&self, kind: KeyKind, parts: &[&str]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u8(kind as u8);
        for part in parts {
            h.write(part.as_bytes());
            h.write_u8(0xff); // never inside UTF-8
        }
        // 0 means "no key" in the index: move it out of the way.
        h.finish().max(1)
    }

    /// A hasher from a shop's secret: SipHash-1-3 under a 128-bit key derived from the
    /// secret with HMAC-SHA256, so nobody without the secret can compute or invert a key.
    pub fn from_secret(secret: &[u8]) -> KeyHasher {
        use hmac::{Hmac, Mac};
        // HMAC accepts keys of any length; an empty secret gives a fixed, public key.
        let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(secret) {
            Ok(mac) => mac,
            Err(_) => return KeyHasher::default(),
        };
        mac.update(b"codguard key hasher v1");
        let out = mac.finalize().into_bytes();
        let word = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&out[at..at + 8]);
            u64::from_le_bytes(b)
        };
        KeyHasher::new(word(0), word(8))
    }

    /// The key a phone is filed under.
    pub(crate) fn phone_key(&self, phone: &E164Phone) -> u64 {
        self.hash(KeyKind::Phone, &[phone.as_str()])
    }

    /// The key an email is filed under, from its canonical match key.
    pub(crate) fn email_key(&self, key: &str) -> u64 {
        self.hash(KeyKind::Email, &[key])
    }

    /// The key of a phone as typed (a customer asking to be forgotten): of the number orders are
    /// filed under (a junk number before a real one is passed over, as when an order is read).
    ///
    /// # Errors
    /// The errors of [`crate::normalize::phone::parse_phone`].
    pub(crate) fn phone_key_of(&self, raw: &str, default_country: &str) -> Result<u64, Error> {
        let phone = match normalize::phone::usable_phone(raw, default_country) {
            Ok(usable) => usable.phone,
            // A junk number alone: no order is filed under it, and its key finds none.
            Err(e) if e.kind() == crate::error::ErrorKind::PhoneJunk => {
                normalize::phone::parse_phone(raw, default_country)?.e164
            }
            Err(e) => return Err(e),
        };
        Ok(self.phone_key(&phone))
    }

    /// The key of an email as typed.
    ///
    /// # Errors
    /// The errors of [`crate::normalize::normalize_email`].
    pub(crate) fn email_key_of(&self, raw: &str) -> Result<u64, Error> {
        Ok(self.email_key(&normalize::normalize_email(raw)?.key))
    }

    /// Hashes a key of `kind` made of 32-bit parts (a door's city, house number, street key).
    pub(crate) fn hash_parts(&self, kind: KeyKind, parts: &[u32]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u8(kind as u8);
        for part in parts {
            h.write_u32(*part);
        }
        h.finish().max(1)
    }

    /// A door part as a 32-bit keyed hash (0 for none): equal inputs give equal outputs, which is
    /// all the linking rules ask of them, and the text cannot be read back.
    pub(crate) fn door_part(&self, part: &str) -> u32 {
        if part.is_empty() {
            return 0;
        }
        // The low half of the keyed hash; never 0, which means "none".
        (self.hash(KeyKind::DoorPart, &[part]) as u32).max(1)
    }
}
