//! `cg_store` and `cg_lookup`: store mode, the customer history kept in the shop's own database
//! (tables `cg_orders` and `cg_keys`, `sql/*/001_init.sql`), read and written by the host.
//!
//! The library does no I/O here. To add an order the host writes the rows `cg_store_write`
//! returns; to assess one it asks a lookup which keys it wants, runs one indexed `SELECT` for
//! them, supplies the rows, and repeats until nothing is wanted (see `codguard::store`).
//!
//! Keys are 64-bit integers (`BIGINT`). They cross as JSON strings of decimal digits
//! (`"-7204948279281827421"`): PHP floats and JavaScript numbers cannot hold every 64-bit
//! integer, and a key off by one bit finds nobody.

use std::os::raw::c_char;
use std::sync::Arc;

use codguard::policy::PolicyConfig;
use codguard::store::{Lookup, OrderRow, Store, KEY_FORMAT};
use codguard::{HistoryRecord, Order, Outcome};
use serde::{Deserialize, Deserializer, Serialize};

use crate::guard::{bytes, cleared, give_json, json, text, text_out, Failure, Result};
use crate::handle::{self, impl_handle};
use crate::status::cg_status::{self, *};

/// Marks a live store: catches another handle or a stray pointer passed as a store.
const STORE_MAGIC: u64 = 0x6367_7374_6f72_6521; // "cgstore!"
/// Marks a live lookup.
const LOOKUP_MAGIC: u64 = 0x6367_6c6f_6f6b_7570; // "cglookup"

/// A store-mode core: the policy and the shop's key secret (opaque). It holds no history.
///
/// Threads: every function taking a `cg_store` only reads it; one store may be shared by any
/// number of threads at once.
pub struct CgStore {
    magic: u64,
    inner: Arc<Store>,
}

impl_handle!(CgStore, "store", Arc<Store>, STORE_MAGIC);

/// One assessment or erasure in progress against the database (opaque).
///
/// It owns a copy of its store's policy and key: freeing the store first is allowed and the
/// lookup stays valid. Threads: a lookup is used by one thread at a time.
pub struct CgLookup {
    magic: u64,
    inner: Lookup,
}

impl_handle!(CgLookup, "lookup", Lookup, LOOKUP_MAGIC);

/// Keys as JSON strings of decimal digits.
fn key_strings(keys: &[i64]) -> Vec<String> {
    keys.iter().map(i64::to_string).collect()
}

/// A key from its decimal text, as `cg_lookup_wanted` gives it (an optional `-`, digits).
fn parse_key(s: &str) -> Result<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::new(
            CG_INVALID_RECORD,
            "key is not a decimal 64-bit integer",
        ));
    }
    s.parse().map_err(|_| {
        Failure::new(
            CG_INVALID_RECORD,
            "key is out of the range of a 64-bit integer",
        )
    })
}

/// `cg_store_write`'s answer.
#[derive(Serialize)]
struct WriteJson<'a> {
    order: &'a OrderRow,
    keys: Vec<String>,
}

/// A `cg_orders` row as a database driver hands it over: PDO and most drivers give `BIGINT`,
/// `DOUBLE` and `BOOLEAN` columns as text or as 0/1, so numbers may come as numeric strings
/// and booleans as 0, 1, "0", "1", true or false. Other columns (the `key`, a row number) are
/// ignored, so a fetched row can be passed as it is.
#[derive(Deserialize)]
struct RowJson {
    order_id: String,
    #[serde(deserialize_with = "int_or_text")]
    placed_at: i64,
    #[serde(default, deserialize_with = "float_or_text")]
    total: f64,
    outcome: Outcome,
    #[serde(default, deserialize_with = "bool_or_int")]
    negotiated: bool,
    signature: String,
}

impl From<RowJson> for OrderRow {
    fn from(r: RowJson) -> OrderRow {
        OrderRow {
            order_id: r.order_id,
            placed_at: r.placed_at,
            total: r.total,
            outcome: r.outcome,
            negotiated: r.negotiated,
            signature: r.signature,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

fn int_or_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<i64, D::Error> {
    use serde::de::Error;
    match Loose::deserialize(d)? {
        Loose::Int(n) => Ok(n),
        Loose::Text(s) => s
            .trim()
            .parse()
            .map_err(|_| D::Error::custom("placed_at is not an integer")),
        _ => Err(D::Error::custom("placed_at is not an integer")),
    }
}

fn float_or_text<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    use serde::de::Error;
    let n = match Loose::deserialize(d)? {
        Loose::Int(n) => n as f64,
        Loose::Float(f) => f,
        Loose::Text(s) => s
            .trim()
            .parse()
            .map_err(|_| D::Error::custom("total is not a number"))?,
        Loose::Bool(_) => return Err(D::Error::custom("total is not a number")),
    };
    if n.is_finite() {
        Ok(n)
    } else {
        Err(D::Error::custom("total is not a finite number"))
    }
}

fn bool_or_int<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    use serde::de::Error;
    match Loose::deserialize(d)? {
        Loose::Bool(b) => Ok(b),
        Loose::Int(0) => Ok(false),
        Loose::Int(1) => Ok(true),
        Loose::Text(s) => match s.trim() {
            "0" | "false" | "f" => Ok(false),
            "1" | "true" | "t" => Ok(true),
            _ => Err(D::Error::custom("negotiated is not a boolean")),
        },
        _ => Err(D::Error::custom("negotiated is not a boolean")),
    }
}

/// Creates a store core; release it with `cg_store_free`.
///
/// `config` is the policy as JSON, as for `cg_engine_new` (NULL or empty: the defaults).
/// `(secret, secret_len)` is the shop's key secret (not empty): every key and signature in the
/// tables is a keyed hash under it, so keep it out of the database, and use the same secret in
/// every process of the shop (a different secret finds nothing that was written before).
///
/// Errors: `CG_NULL_PARAMETER`, `CG_INVALID_UTF8`, `CG_INVALID_JSON`, `CG_INVALID_CONFIG`
/// (unknown key, value out of range, empty secret).
///
/// # Safety
/// `config` is NULL or valid for `config_len` bytes; `secret` is NULL or valid for
/// `secret_len` bytes; `out_store` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_store_new(
    config: *const c_char,
    config_len: usize,
    secret: *const u8,
    secret_len: usize,
    out_store: *mut *mut CgStore,
) -> cg_status {
    ffi_guard!({
        let out_store = cleared(out_store, "out_store")?;
        let config = if config.is_null() || config_len == 0 {
            PolicyConfig::default()
        } else {
            let c: PolicyConfig = json(
                text(config, config_len, "config")?,
                "config",
                CG_INVALID_CONFIG,
            )?;
            c.validate()?;
            c
        };
        let secret = bytes(secret, secret_len, "secret")?;
        if secret.is_empty() {
            return Err(Failure::new(CG_INVALID_CONFIG, "secret is empty"));
        }
        handle::give(Arc::new(Store::new(config, secret)), out_store);
        Ok(())
    })
}

/// Loads a fitted risk model into a store, as `cg_engine_set_risk_model` (NULL or an empty
/// model unloads it): its assessments stay the engine's with the same model. Lookups already
/// made keep the model they were made with.
///
/// Errors: `CG_NULL_PARAMETER` (store), `CG_INVALID_UTF8`, `CG_INVALID_CONFIG`.
///
/// # Safety
/// `store` is NULL or a live store used by no other thread meanwhile; `model` is NULL or valid
/// for `model_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cg_store_set_risk_model(
    store: *mut CgStore,
    model: *const c_char,
    model_len: usize,
) -> cg_status {
    ffi_guard!({
        let store = handle::get_mut(store)?;
        let model = crate::engine::risk_model(model, model_len)?;
        Arc::make_mut(store).set_risk_model(model);
        Ok(())
    })
}

/// Releases a store. NULL is accepted and does nothing. Lookups made from it stay valid (each
/// holds its own share) and are released with `cg_lookup_free`.
///
/// # Safety
/// `store` is NULL or a live store that no other thread is using; it must not be used
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn cg_store_free(store: *mut CgStore) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes NULL or a store from `cg_store_new`, once.
        unsafe { handle::free(store) }
    })
}

/// The key format of the tables this library reads and writes (the `key_format` row of
/// `cg_meta`). When it differs from the one stored, the tables were written by a library that
/// normalized or hashed differently: re-key them before use.
#[no_mangle]
pub extern "C" fn cg_store_key_format() -> u32 {
    ffi_guard!(or 0, { KEY_FORMAT })
}

/// Writes the store's policy as JSON (every key, defaults included) to `*out_json` (release
/// with `cg_string_free`) and its length to `*out_len`. Its `max_orders_per_key` bounds the
/// rows worth fetching per key (see `cg_lookup_supply`).
///
/// # Safety
/// `store` is NULL or a live store; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_store_config(
    store: *const CgStore,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(handle::get(store)?.config(), out_json, out_len)
    })
}

/// The rows to write for one past order, or for a new order entering the history (give it
/// `"outcome": "pending"`). `(record, len)` is one history record as JSON. `*out_json`
/// receives (release with `cg_string_free`):
///
/// `{"order": {"order_id": "...", "placed_at": 1736000000, "total": 349.0, "outcome":
/// "delivered", "negotiated": false, "signature": "..."}, "keys": ["-7204948279281827421", ...]}`
///
/// Insert `order` into `cg_orders` and one `cg_keys (key, order_id)` row per key, in one
/// transaction. The keys are decimal strings (64-bit signed, the `BIGINT` to store); bind them
/// as integers, not as text, or MySQL compares them as floating-point numbers.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (wrong shape, empty order id).
///
/// # Safety
/// `store` is NULL or a live store; `record` is NULL or valid for `len` bytes; the
/// out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_store_write(
    store: *const CgStore,
    record: *const c_char,
    len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let store = handle::get(store)?;
        let record: HistoryRecord =
            json(text(record, len, "record")?, "record", CG_INVALID_RECORD)?;
        let write = store.write(&record)?;
        give_json(
            &WriteJson {
                order: &write.order,
                keys: key_strings(&write.keys),
            },
            out_json,
            out_len,
        )
    })
}

/// Starts assessing a new order (one JSON object); `*out_lookup` receives a lookup to feed
/// (`cg_lookup_wanted`, `cg_lookup_supply`) and then read (`cg_lookup_assessment`). Release it
/// with `cg_lookup_free`.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (wrong shape, empty order id).
///
/// # Safety
/// `store` is NULL or a live store; `order` is NULL or valid for `len` bytes; `out_lookup` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_store_assess(
    store: *const CgStore,
    order: *const c_char,
    len: usize,
    out_lookup: *mut *mut CgLookup,
) -> cg_status {
    ffi_guard!({
        let out_lookup = cleared(out_lookup, "out_lookup")?;
        let store = handle::get(store)?;
        let order: Order = json(text(order, len, "order")?, "order", CG_INVALID_RECORD)?;
        handle::give(store.assess(&order)?, out_lookup);
        Ok(())
    })
}

/// Starts finding every order of the customer(s) who used this phone (read with `country`,
/// ISO alpha-2, for national forms) and every order linked to them, to erase them. Feed the
/// lookup as for an assessment, then read `cg_lookup_erase_ids`. Release it with
/// `cg_lookup_free`.
///
/// Errors: the phone errors (`CG_PHONE_*`, `CG_INVALID_COUNTRY`, `CG_INPUT_TOO_LONG`).
///
/// # Safety
/// `store` is NULL or a live store; the texts are NULL or valid for their lengths;
/// `out_lookup` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_store_erase_by_phone(
    store: *const CgStore,
    phone: *const c_char,
    phone_len: usize,
    country: *const c_char,
    country_len: usize,
    out_lookup: *mut *mut CgLookup,
) -> cg_status {
    ffi_guard!({
        let out_lookup = cleared(out_lookup, "out_lookup")?;
        let store = handle::get(store)?;
        let phone = text(phone, phone_len, "phone")?;
        let country = text(country, country_len, "country")?;
        handle::give(store.erase_by_phone(phone, country)?, out_lookup);
        Ok(())
    })
}

/// As `cg_store_erase_by_phone`, for the customer(s) who used this email.
///
/// Errors: the email errors (`CG_EMAIL_*`, `CG_INPUT_TOO_LONG`).
///
/// # Safety
/// As `cg_store_erase_by_phone`.
#[no_mangle]
pub unsafe extern "C" fn cg_store_erase_by_email(
    store: *const CgStore,
    email: *const c_char,
    email_len: usize,
    out_lookup: *mut *mut CgLookup,
) -> cg_status {
    ffi_guard!({
        let out_lookup = cleared(out_lookup, "out_lookup")?;
        let store = handle::get(store)?;
        let email = text(email, email_len, "email")?;
        handle::give(store.erase_by_email(email)?, out_lookup);
        Ok(())
    })
}

/// Releases a lookup. NULL is accepted and does nothing.
///
/// # Safety
/// `lookup` is NULL or a live lookup; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cg_lookup_free(lookup: *mut CgLookup) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes NULL or a lookup from `cg_store_assess`/`cg_store_erase_by_*`, once.
        unsafe { handle::free(lookup) }
    })
}

/// Writes the keys to fetch next as a JSON array of decimal strings (`["-720...", "133..."]`)
/// to `*out_json` (release with `cg_string_free`); `[]` when the lookup has all it needs.
/// Fetch the `cg_orders` rows filed under each key (`cg_keys JOIN cg_orders WHERE key IN
/// (...)`, one query for all) and give each key's rows, also an empty list, to
/// `cg_lookup_supply`; then ask again.
///
/// # Safety
/// `lookup` is NULL or a live lookup; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_lookup_wanted(
    lookup: *const CgLookup,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(
            &key_strings(&handle::get(lookup)?.wanted()),
            out_json,
            out_len,
        )
    })
}

/// Supplies the `cg_orders` rows filed under one key. `(key, key_len)` is the key's decimal
/// text as `cg_lookup_wanted` gave it; `(rows, rows_len)` a JSON array of row objects
/// (`order_id`, `placed_at`, `total`, `outcome`, `negotiated`, `signature`; other fields such
/// as `key` are ignored, so fetched rows pass as they are). Numbers may be numeric strings and
/// `negotiated` may be 0, 1, "0", "1", true or false, as database drivers return them.
///
/// Give every row of the key, or at least `max_orders_per_key + 1` of them (more tells the
/// lookup the key is too common to link; any such subset gives the same answer).
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (a key that is not a decimal 64-bit
/// integer, a row of the wrong shape, a signature that does not parse). On an error the rows
/// may be partly taken: free the lookup and start again.
///
/// # Safety
/// `lookup` is NULL or a live lookup used by no other thread meanwhile; the texts are NULL or
/// valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn cg_lookup_supply(
    lookup: *mut CgLookup,
    key: *const c_char,
    key_len: usize,
    rows: *const c_char,
    rows_len: usize,
) -> cg_status {
    ffi_guard!({
        let lookup = handle::get_mut(lookup)?;
        let key = parse_key(text(key, key_len, "key")?)?;
        let rows: Vec<RowJson> = json(text(rows, rows_len, "rows")?, "rows", CG_INVALID_RECORD)?;
        lookup.supply(key, rows.into_iter().map(OrderRow::from).collect())?;
        Ok(())
    })
}

/// Writes the assessment JSON of the contract to `*out_json` (release with `cg_string_free`):
/// exactly the in-memory engine's answer once `cg_lookup_wanted` gives `[]` (before that, the
/// assessment of what was supplied so far). An erase lookup gives the assessment of an empty
/// order.
///
/// # Safety
/// `lookup` is NULL or a live lookup; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_lookup_assessment(
    lookup: *const CgLookup,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(&handle::get(lookup)?.assessment(), out_json, out_len)
    })
}

/// For an erase lookup fed until `cg_lookup_wanted` gives `[]`: the order ids to delete as a
/// JSON array of strings (`DELETE FROM cg_orders WHERE order_id IN (...)`; their `cg_keys`
/// rows go with them by the foreign key's cascade). `[]` for an assess lookup.
///
/// # Safety
/// `lookup` is NULL or a live lookup; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_lookup_erase_ids(
    lookup: *const CgLookup,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(&handle::get(lookup)?.erase_ids(), out_json, out_len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_may_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<CgStore>();
        // A lookup may move to another thread between calls, one thread at a time.
        fn movable<T: Send>() {}
        movable::<CgLookup>();
    }

    #[test]
    fn keys_parse_back_exactly() {
        for k in [0i64, 1, -1, i64::MIN, i64::MAX, -7204948279281827421] {
            assert_eq!(parse_key(&k.to_string()).unwrap(), k);
        }
        for bad in [
            "",
            "-",
            "+1",
            " 1",
            "1.0",
            "1e3",
            "٣",
            "9223372036854775808",
            "0x10",
        ] {
            assert_eq!(
                parse_key(bad).unwrap_err().status,
                CG_INVALID_RECORD,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn rows_come_as_drivers_give_them() {
        let rows: Vec<RowJson> = serde_json::from_str(
            r#"[{"key": "5", "order_id": "a", "placed_at": "1736000000", "total": "349.50",
                 "outcome": "refused", "negotiated": "1", "signature": "{}"},
                {"order_id": "b", "placed_at": 1, "total": 2, "outcome": "pending",
                 "negotiated": true, "signature": "{}"},
                {"order_id": "c", "placed_at": 1, "outcome": "pending", "negotiated": 0,
                 "signature": "{}"}]"#,
        )
        .unwrap();
        assert_eq!(rows[0].placed_at, 1736000000);
        assert_eq!(rows[0].total, 349.5);
        assert!(rows[0].negotiated && rows[1].negotiated && !rows[2].negotiated);
        assert_eq!(rows[1].total, 2.0);
        for bad in [
            r#"[{"order_id": "a", "placed_at": "soon", "outcome": "pending", "signature": "{}"}]"#,
            r#"[{"order_id": "a", "placed_at": 1, "outcome": "pending", "negotiated": 2, "signature": "{}"}]"#,
            r#"[{"order_id": "a", "placed_at": 1, "outcome": "lost", "signature": "{}"}]"#,
            r#"[{"order_id": "a", "placed_at": 1, "total": "NaN", "outcome": "pending", "signature": "{}"}]"#,
        ] {
            assert!(serde_json::from_str::<Vec<RowJson>>(bad).is_err(), "{bad}");
        }
    }
}
