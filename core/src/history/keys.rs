//! The normalized view of an order, and the keys past orders are found by.

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;
use std::hash::Hasher;

use super::index::View;
use crate::error::{Error, ErrorKind};
use crate::normalize::{
    self, address::NormalizedAddress, email::NormalizedEmail, name::NormalizedName, E164Phone,
};
use crate::record::Order;

/// What an order says once normalized: the values matching and classification work on.
///
/// Building it never fails: a field that does not normalize is kept as its problem, because a
/// bad field is itself evidence (a ghost's junk phone).
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// The usable phone: valid and not junk (it may look made up). Orders are filed under it.
    pub phone: Option<E164Phone>,
    /// Why the phone is unusable (`None` when `phone` is set; `phone_empty` when there is none).
    pub phone_problem: Option<ErrorKind>,
    /// The usable phone looks made up (digit runs, counting sequences): a weak signal.
    pub phone_looks_fake: bool,
    /// The usable email (syntax valid; may still be fake).
    pub email: Option<NormalizedEmail>,
    /// Why the email is unusable, when one was typed.
    pub email_problem: Option<ErrorKind>,
    /// The address taken apart.
    pub address: NormalizedAddress,
    /// The name for matching.
    pub name: NormalizedName,
    /// The city as a matching key: the gazetteer id (`#2553604`) or, for an unknown city, its
    /// folded text.
    pub city_key: String,
    /// Transliteration-insensitive keys of the street tokens, sorted and unique.
    pub street_keys: Vec<String>,
}

impl Features {
    /// Normalizes every field of `order`.
    pub fn of(order: &Order) -> Features {
        let (phone, phone_problem, phone_looks_fake) =
            match normalize::phone::usable_phone(&order.phone, &order.country) {
                Ok((p, looks_fake)) => (Some(p), None, looks_fake),
                Err(e) => (None, Some(e.kind()), false),
            };
        let (email, email_problem) = if order.email.trim().is_empty() {
            (None, None)
        } else {
            match normalize::normalize_email(&order.email) {
                Ok(e) => (Some(e), None),
                Err(e) => (None, Some(e.kind())),
            }
        };
        // An address or name too long to process is treated as nonsense: no real one is. (An
        // empty one is absent, not nonsense: the normalizers say so.)
        let address = normalize::normalize_address(&order.address, &order.city, &order.country)
            .unwrap_or_else(|_| NormalizedAddress {
                nonsense: true,
                ..NormalizedAddress::default()
            });
        let name = normalize::normalize_name(&order.name).unwrap_or_else(|_| NormalizedName {
            nonsense: true,
            ..NormalizedName::default()
        });
        let city_key = match address.city {
            Some(id) => format!("#{}", id.0),
            None => normalize::text::fold(truncate(&order.city, normalize::MAX_INPUT_BYTES)),
        };
        let mut street_keys: Vec<String> = address
            .street
            .iter()
            .map(|t| normalize::text::skeleton(t))
            .filter(|k| !k.is_empty())
            .collect();
        street_keys.sort_unstable();
        street_keys.dedup();
        Features {
            phone,
            phone_problem,
            phone_looks_fake,
            email,
            email_problem,
            address,
            name,
            city_key,
            street_keys,
        }
    }

    /// The email's canonical key, when the email is usable for matching (valid and not fake:
    /// test@test.com must never tie two customers together).
    pub fn email_key(&self) -> Option<&str> {
        self.email
            .as_ref()
            .filter(|e| e.fake.is_none())
            .map(|e| e.key.as_str())
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The kinds of keys a past order is indexed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyKind {
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
    pub fn key(&self) -> (u64, u64) {
        (self.k0, self.k1)
    }

    /// Hashes a key of `kind` made of `parts` (separated, so ("ab","c") != ("a","bc")).
    pub fn hash(&self, kind: KeyKind, parts: &[&str]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u8(kind as u8);
        for part in parts {
            h.write(part.as_bytes());
            h.write_u8(0xff); // never inside UTF-8
        }
        // 0 means "no key" in the index: move it out of the way.
        h.finish().max(1)
    }

    /// A key of `kind` from a shop's secret: SipHash-1-3 under a 128-bit key derived from the
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
    pub fn phone_key(&self, phone: &E164Phone) -> u64 {
        self.hash(KeyKind::Phone, &[phone.as_str()])
    }

    /// The key an email is filed under, from its canonical match key.
    pub fn email_key(&self, key: &str) -> u64 {
        self.hash(KeyKind::Email, &[key])
    }

    /// The key of a phone as typed (a customer asking to be forgotten).
    ///
    /// # Errors
    /// The errors of [`crate::normalize::phone::parse_phone`].
    pub fn phone_key_of(&self, raw: &str, default_country: &str) -> Result<u64, Error> {
        Ok(self.phone_key(&normalize::phone::parse_phone(raw, default_country)?.e164))
    }

    /// The key of an email as typed.
    ///
    /// # Errors
    /// The errors of [`crate::normalize::normalize_email`].
    pub fn email_key_of(&self, raw: &str) -> Result<u64, Error> {
        Ok(self.email_key(&normalize::normalize_email(raw)?.key))
    }

    /// Hashes a key of `kind` made of 32-bit parts (a door's city, house number, street key).
    pub fn hash_parts(&self, kind: KeyKind, parts: &[u32]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u8(kind as u8);
        for part in parts {
            h.write_u32(*part);
        }
        h.finish().max(1)
    }

    /// A door part as a 32-bit keyed hash (0 for none): equal inputs give equal outputs, which is
    /// all the linking rules ask of them, and the text cannot be read back.
    fn door_part(&self, part: &str) -> u32 {
        if part.is_empty() {
            return 0;
        }
        // The low half of the keyed hash; never 0, which means "none".
        (self.hash(KeyKind::DoorPart, &[part]) as u32).max(1)
    }
}

/// The matching signature of an order: what the index keeps and a shop's database stores.
///
/// Phone and email are 64-bit keyed hashes (hex in JSON: exact in every language); the door
/// parts (city, house number, unit, street keys) are 32-bit keyed hashes; only the name keys
/// (transliteration skeletons such as `mhmd`) stay readable, because names are compared by
/// similarity, not equality.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Signature {
    /// Phone key, 0 for none.
    #[serde(rename = "p", with = "hex_u64")]
    pub phone: u64,
    /// Email key, 0 for none.
    #[serde(rename = "e", with = "hex_u64")]
    pub email: u64,
    /// City, hashed (0 for none).
    #[serde(rename = "c")]
    pub city: u32,
    /// House number, hashed (0 for none).
    #[serde(rename = "h")]
    pub house: u32,
    /// Unit, hashed (0 for none).
    #[serde(rename = "u")]
    pub unit: u32,
    /// Street keys, hashed.
    #[serde(rename = "s")]
    pub street: Vec<u32>,
    /// Name keys.
    #[serde(rename = "n")]
    pub name: Vec<String>,
}

impl Signature {
    /// The signature of an order's features.
    pub fn of(f: &Features, hasher: &KeyHasher) -> Signature {
        let view = Signature::view_of(f, hasher);
        Signature {
            phone: view.phone,
            email: view.email,
            city: view.city,
            house: view.house,
            unit: view.unit,
            street: view.street_keys().collect(),
            name: view.name_keys().map(str::to_owned).collect(),
        }
    }

    /// The view of an order's features, without building the signature: what assessing an
    /// order needs (it is not stored).
    pub fn view_of<'a>(f: &'a Features, hasher: &KeyHasher) -> View<'a> {
        let mut view = View {
            phone: f.phone.as_ref().map_or(0, |p| hasher.phone_key(p)),
            email: f.email_key().map_or(0, |e| hasher.email_key(e)),
            city: hasher.door_part(&f.city_key),
            house: hasher.door_part(f.address.house_number.as_deref().unwrap_or("")),
            unit: hasher.door_part(f.address.unit.as_deref().unwrap_or("")),
            name_ids: View::UNINTERNED,
            ..View::default()
        };
        for (slot, key) in view.street.iter_mut().zip(&f.street_keys) {
            *slot = hasher.door_part(key);
        }
        for (slot, key) in view.name.iter_mut().zip(&f.name.keys) {
            *slot = key;
        }
        view
    }

    /// The view the linking rules read.
    pub fn view(&self) -> View<'_> {
        let mut view = View {
            phone: self.phone,
            email: self.email,
            city: self.city,
            house: self.house,
            unit: self.unit,
            name_ids: View::UNINTERNED,
            ..View::default()
        };
        for (slot, &key) in view.street.iter_mut().zip(&self.street) {
            *slot = key;
        }
        for (slot, key) in view.name.iter_mut().zip(&self.name) {
            *slot = key;
        }
        view
    }
}

/// u64 keys as 16 hex digits in JSON: exact in every language (JSON numbers above 2^53 are not).
mod hex_u64 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:016x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        u64::from_str_radix(&text, 16).map_err(D::Error::custom)
    }
}
