//! Versioned, checksummed snapshots of a history.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `CODGUARD` |
//! | 4 | format version ([`FORMAT_VERSION`]) |
//! | 8 | payload length |
//! | 4 | CRC-32 of the payload |
//! | n | payload: postcard encoding of the body, then (format 5 on) of the risk model's JSON or none |
//!
//! A file that is truncated, corrupted or of a newer version is refused whole, never half
//! loaded; so is one with bytes after its end, or after the end of the encoded body inside the
//! payload. Erased orders are not written, and neither is any string only they used.
//!
//! What the CRC protects, and what it does not: it catches accidental damage (a flipped bit, a
//! torn write, a truncated copy: every single-bit flip and every burst of up to 32 bits). It is
//! no signature: anyone who can write the file can change its content and recompute the CRC,
//! and a plausible edit then loads. Where the file may be written by others, seal it: [`seal`]
//! appends an HMAC-SHA256 of the whole snapshot under a key of the caller's
//! (`Engine::save_sealed`), and [`unseal`] refuses bytes whose tag does not verify before
//! anything is decoded (`Engine::load_sealed`).

use serde::{Deserialize, Serialize};

use super::hasher::KeyHasher;
use super::index::{History, StoredOrder};
use super::signature::NameId;
use crate::error::{Error, ErrorKind};

/// The snapshot format this build writes and reads.
///
/// 2: the layout of 1, with cities keyed as in key format 2 and names keyed word by word across
/// scripts (`normalize::translit`); a snapshot of format 1 would compare its cities and names
/// the old way, so it is refused: rebuild it from the order history.
///
/// 3: the layout of 2, with doors, names and cities keyed as in key format 3 (the region's
/// address forms; every official commune, and the towns of TN and the Gulf, a city; more name
/// spellings read as one).
///
/// 4: the layout of 3, with cities keyed as in key format 4 (the towns of TN and the Gulf from
/// the new place lists).
///
/// 5: the body of 4 with places keyed as in key format 5 (a city field the gazetteer does not
/// resolve keys the place by its sketch before a city read from the address's end), followed by
/// the engine's fitted risk model (`crate::risk`, its file's JSON, or none), so that a worker
/// loading the snapshot gives the `risk` of the engine that wrote it. Format 4 is refused: its
/// place keys are stale.
///
/// 6: the layout of 5, with places keyed as in key format 6 (the gazetteer's fixes: a word for
/// "town", egydata's districts joined to their GeoNames town, the article reduced to ل; the
/// sketch's).
/// Format 5 is refused: a few of its place keys are stale.
///
/// 7: the layout of 6, with units keyed as in key format 7 (part by part: the building, and the
/// flat or the floor without a flat). Format 6 is refused: its unit keys are stale.
///
/// 8: the layout of 7, with doors keyed as in key format 8 (more floor writings, ش21 a flat, an
/// English district before the street without a comma). Format 7 is refused: some of its street
/// and unit keys are stale.
///
/// 9: the layout of 8, with street keys as in key format 9 (a second key for a Latin th or dh
/// read as two letters, marked by the slot's low bit). Format 8 is refused: its street keys
/// are stale.
///
/// 10: the layout of 9, with doors keyed as in key format 10 (house suffixes, names with a
/// number, words no longer guessed as markers). Format 9 is refused: some of its street and
/// door keys are stale.
///
/// 11: the layout of 10, with doors keyed as in key format 11 (the Gulf's building, house and
/// district words, numbered districts). Format 10 is refused: some of its street and door keys
/// are stale.
///
/// 12: the layout of 11, with names and doors keyed as in key format 12 (the first word's key
/// first; residences, towers and villas read one way in every order). Format 11 is refused:
/// its name keys are sorted whole, and some of its door keys are stale.
///
/// 13: each order's signature holds a second phone key after the first, and doors are keyed as
/// in key format 13 (a phone field with two numbers; Egypt's ع, Arabic markers glued to their
/// numbers). Format 12 is refused: its signatures have one phone fewer.
///
/// 14: the layout of 13, with units and streets keyed as in key format 14 (a named tower's flat
/// has the tower as its building; Saud is no opener). Format 13 is refused: such orders' keys
/// are stale.
///
/// 15: the layout of 14, with streets keyed as in key format 15 (a street's district numbers
/// in slots of their own). Format 14 is refused: such orders' keys are stale.
///
/// 16: the layout of 15, with streets keyed as in key format 16 (a street named after a
/// country has its key; a place's key in the street's last slot). Format 15 is refused: such
/// orders' keys are stale.
///
/// 17: the layout of 16, with streets keyed as in key format 17 (a street named after a town
/// whose Latin name has an article, `rue d'Alger`, has the town's key; `Emirates Road` the
/// Emirates'; Ain, Bir, Oued... open many streets' names; `M'Sila` is one word). Format 16 is
/// refused: such orders' keys are stale.
///
/// 18: the layout of 17, with streets keyed as in key format 18 (a street named after a large
/// city abroad, `Cairo St` in Amman, has the city's key). Format 17 is refused: such orders'
/// keys are stale.
pub(crate) const FORMAT_VERSION: u32 = 18;
const MAGIC: &[u8; 8] = b"CODGUARD";
const HEADER: usize = 8 + 4 + 8 + 4;

#[derive(Serialize, Deserialize)]
struct Body {
    config_json: String,
    hash_key: (u64, u64),
    strings: Vec<Box<str>>,
    orders: Vec<StoredOrder>,
}

/// Writes `history`, an opaque configuration text and a risk model's JSON as snapshot bytes.
pub(crate) fn save(history: &History, config_json: &str, risk_model_json: Option<&str>) -> Vec<u8> {
    let (hasher, orders, strings) = history.parts();
    // Keep only the names live orders use, renumbered: an erased customer's name must not
    // survive in the file.
    let mut remap: Vec<u32> = vec![u32::MAX; strings.len()];
    let mut kept: Vec<Box<str>> = vec!["".into()];
    if let Some(first) = remap.first_mut() {
        *first = 0;
    }
    let mut map = |id: u32| -> u32 {
        let slot = &mut remap[id as usize];
        if *slot == u32::MAX {
            *slot = kept.len() as u32;
            kept.push(strings.get(id).into());
        }
        *slot
    };
    let rows: Vec<StoredOrder> = orders
        .filter(|(o, _)| !o.id.is_empty())
        .map(|(o, sig)| StoredOrder {
            order: o.clone(),
            sig: sig.map_names(|&NameId(id)| NameId(map(id))),
        })
        .collect();
    let body = Body {
        config_json: config_json.to_owned(),
        hash_key: hasher.key(),
        strings: kept,
        orders: rows,
    };
    // Serializing plain data into memory cannot fail. The model follows the body.
    let mut payload = postcard::to_allocvec(&body).unwrap_or_default();
    payload.extend(postcard::to_allocvec(&risk_model_json).unwrap_or_default());
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// The domain the snapshot MAC is computed in, so that a tag made for anything else (a flow's
/// seal, a token) never verifies here.
const MAC_DOMAIN: &[u8] = b"codguard/engine-snapshot/mac";
/// The length of the HMAC-SHA256 tag a sealed snapshot ends with.
pub(crate) const MAC_LEN: usize = 32;

fn mac(key: &[u8]) -> Result<hmac::Hmac<sha2::Sha256>, Error> {
    use hmac::Mac;
    if key.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidConfig,
            "the snapshot key is empty (use 32 random bytes kept with the shop's secrets)",
        ));
    }
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key)
        .map_err(|_| Error::new(ErrorKind::InvalidConfig, "the snapshot key is unusable"))?;
    mac.update(MAC_DOMAIN);
    Ok(mac)
}

/// `snapshot` followed by its HMAC-SHA256 under `key`: unlike the CRC, no one without the key
/// can change the bytes and make them load.
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] for an empty key.
pub(crate) fn seal(mut snapshot: Vec<u8>, key: &[u8]) -> Result<Vec<u8>, Error> {
    use hmac::Mac;
    let mut mac = mac(key)?;
    mac.update(&snapshot);
    snapshot.extend_from_slice(&mac.finalize().into_bytes());
    Ok(snapshot)
}

/// The snapshot inside sealed bytes, once its tag verifies under `key` (in constant time).
///
/// # Errors
/// [`ErrorKind::InvalidConfig`] for an empty key, [`ErrorKind::SnapshotTruncated`] for bytes
/// shorter than a tag, [`ErrorKind::SnapshotCorrupt`] when the tag does not verify (changed
/// bytes, another key, or a snapshot that was not sealed).
pub(crate) fn unseal<'a>(sealed: &'a [u8], key: &[u8]) -> Result<&'a [u8], Error> {
    use hmac::Mac;
    let mut mac = mac(key)?;
    let Some(split) = sealed.len().checked_sub(MAC_LEN) else {
        return Err(Error::new(
            ErrorKind::SnapshotTruncated,
            "sealed snapshot is shorter than its tag",
        ));
    };
    let (snapshot, tag) = sealed.split_at(split);
    mac.update(snapshot);
    mac.verify_slice(tag).map_err(|_| {
        Error::new(
            ErrorKind::SnapshotCorrupt,
            "the snapshot's tag does not verify: changed, sealed with another key, or not sealed",
        )
    })?;
    Ok(snapshot)
}

/// What a snapshot holds: the history, the configuration text and the risk model's JSON (none
/// when the engine had no model).
pub(crate) type Loaded = (History, String, Option<String>);

/// Reads snapshot bytes back into a history, the configuration text and the risk model's JSON.
///
/// # Errors
/// [`ErrorKind::SnapshotTruncated`] when the bytes end early, [`ErrorKind::SnapshotVersion`]
/// for a format other than [`FORMAT_VERSION`], [`ErrorKind::SnapshotCorrupt`] for a wrong magic,
/// checksum or content.
pub(crate) fn load(bytes: &[u8]) -> Result<Loaded, Error> {
    let corrupt = |what: &str| Error::new(ErrorKind::SnapshotCorrupt, what.to_owned());
    if bytes.len() < HEADER {
        return Err(Error::new(
            ErrorKind::SnapshotTruncated,
            "snapshot is shorter than its header",
        ));
    }
    let (header, payload) = bytes.split_at(HEADER);
    if &header[..8] != MAGIC {
        return Err(corrupt("not a codguard snapshot"));
    }
    let u32_at = |at: usize| {
        u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(Error::new(
            ErrorKind::SnapshotVersion,
            format!("snapshot format {version}, this build reads {FORMAT_VERSION}"),
        ));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[12..20]);
    let len = u64::from_le_bytes(len);
    if (payload.len() as u64) < len {
        return Err(Error::new(
            ErrorKind::SnapshotTruncated,
            format!("snapshot payload has {} of {len} bytes", payload.len()),
        ));
    }
    if payload.len() as u64 > len {
        return Err(corrupt("bytes after the end of the snapshot"));
    }
    if crc32fast::hash(payload) != u32_at(20) {
        return Err(corrupt("checksum mismatch"));
    }
    let (body, rest) = postcard::take_from_bytes::<Body>(payload)
        .map_err(|_| corrupt("payload does not decode"))?;
    let (risk_model, rest) = postcard::take_from_bytes::<Option<String>>(rest)
        .map_err(|_| corrupt("the risk model does not decode"))?;
    if !rest.is_empty() {
        return Err(corrupt("bytes after the end of the snapshot's body"));
    }
    if body.strings.first().is_none_or(|s| !s.is_empty()) {
        return Err(corrupt("string table must start with the empty string"));
    }
    let (k0, k1) = body.hash_key;
    let history = History::from_parts(KeyHasher::new(k0, k1), body.orders, body.strings)?;
    Ok((history, body.config_json, risk_model))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `payload` behind a header with its own length and CRC, as a forger would write it.
    fn framed(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn trailing_bytes_are_refused_outside_and_inside_the_payload() {
        let saved = save(&History::default(), "{}", None);
        assert!(load(&saved).is_ok());
        let mut after = saved.clone();
        after.push(0);
        let e = load(&after).err().map(|e| e.message().to_owned());
        assert_eq!(e.as_deref(), Some("bytes after the end of the snapshot"));
        // Inside: a valid body, one more byte, a recomputed length and CRC.
        let mut payload = saved[HEADER..].to_vec();
        for junk in [&[0u8][..], b"\xff\xff\xff", "بيانات".as_bytes()] {
            let mut p = payload.clone();
            p.extend_from_slice(junk);
            let Err(err) = load(&framed(&p)) else {
                panic!("refused")
            };
            assert_eq!(err.kind(), ErrorKind::SnapshotCorrupt);
            assert_eq!(err.message(), "bytes after the end of the snapshot's body");
        }
        payload.truncate(payload.len() - 1);
        assert!(load(&framed(&payload)).is_err());
    }

    #[test]
    fn sealed_snapshots_verify_under_their_key_only() {
        let plain = save(&History::default(), "{}", None);
        let key = "مفتاح المتجر".as_bytes();
        let sealed = seal(plain.clone(), key).expect("sealed");
        assert_eq!(sealed.len(), plain.len() + MAC_LEN);
        assert_eq!(unseal(&sealed, key).ok(), Some(&plain[..]));
        assert!(load(unseal(&sealed, key).expect("opens")).is_ok());
        // Another key, a flipped bit anywhere, a cut tag, a plain snapshot: refused.
        assert_eq!(
            unseal(&sealed, b"other").err().map(|e| e.kind()),
            Some(ErrorKind::SnapshotCorrupt)
        );
        for i in [0, 9, sealed.len() / 2, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert!(unseal(&bad, key).is_err(), "bit at {i}");
        }
        assert!(unseal(&sealed[..sealed.len() - 1], key).is_err());
        assert!(unseal(&plain, key).is_err());
        assert_eq!(
            unseal(&sealed[..5], key).err().map(|e| e.kind()),
            Some(ErrorKind::SnapshotTruncated)
        );
        // A sealed snapshot is no plain one, and an empty key is a config error.
        assert!(load(&sealed).is_err());
        assert_eq!(
            seal(plain, b"").err().map(|e| e.kind()),
            Some(ErrorKind::InvalidConfig)
        );
    }

    #[test]
    fn the_snapshot_keeps_the_risk_model_and_other_formats_are_refused() {
        let model = r#"{"format": "codguard-risk"}"#;
        let with = save(&History::default(), "{}", Some(model));
        let (_, _, got) = load(&with).expect("loads");
        assert_eq!(got.as_deref(), Some(model));
        let (_, _, got) = load(&save(&History::default(), "{}", None)).expect("loads");
        assert_eq!(got, None);
        // Formats 4 and 5 keyed places the old way, 6 units, 7 some doors, 8 some streets, 9
        // some doors of the region's forms: refused, not read with stale keys.
        for version in [3u32, 4, 5, 6, 7, 8, 9, FORMAT_VERSION + 1] {
            let mut other = with.clone();
            other[8..12].copy_from_slice(&version.to_le_bytes());
            assert_eq!(
                load(&other).err().map(|e| e.kind()),
                Some(ErrorKind::SnapshotVersion),
                "format {version}"
            );
        }
    }
}
