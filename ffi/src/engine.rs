//! `cg_engine`: a shop's history and policy behind an opaque handle.

use std::os::raw::c_char;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::risk::RiskModel;
use codguard::{HistoryRecord, Order, Outcome};
use serde::Deserialize;

use crate::guard::{
    bytes, cleared, give_bytes, give_json, json, json_items, json_list, out_pair, text, text_out,
    Item, Result,
};
use crate::handle::{self, impl_handle};
use crate::status::cg_status::{self, *};

/// Marks a live engine: catches a flow or a stray pointer passed as an engine.
const ENGINE_MAGIC: u64 = 0x6367_656e_6769_6e65; // "cgengine"

/// An engine: history, policy, and assessments of new orders (opaque).
///
/// Threads: every function taking `const cg_engine *` only reads and may run on many threads at
/// once; functions taking `cg_engine *` write and need exclusive access (no other call on the
/// same engine meanwhile), e.g. behind a read-write lock.
pub struct CgEngine {
    magic: u64,
    inner: Engine,
}

impl_handle!(CgEngine, "engine", Engine, ENGINE_MAGIC);

/// Creates an engine with an empty history.
///
/// `config` is the policy as JSON (`(config, config_len)`, UTF-8, the keys of the contract's
/// policy; missing keys keep their defaults). `config == NULL` or `config_len == 0` means the
/// default policy. On success `*out_engine` is a new engine to release with `cg_engine_free`.
///
/// Errors: `CG_NULL_PARAMETER` (out_engine), `CG_INVALID_UTF8`, `CG_INVALID_JSON`,
/// `CG_INVALID_CONFIG` (unknown key, value out of range).
///
/// # Safety
/// `config` is NULL or valid for `config_len` bytes; `out_engine` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_new(
    config: *const c_char,
    config_len: usize,
    out_engine: *mut *mut CgEngine,
) -> cg_status {
    ffi_guard!({
        let out_engine = cleared(out_engine, "out_engine")?;
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
        handle::give(Engine::new(config), out_engine);
        Ok(())
    })
}

/// Loads a fitted risk model (docs/risk.md): `risk` becomes the probability that an order fails
/// delivery, and reason `zone_failure_rate` names a zone whose deliveries fail often.
///
/// `model` is the model file's JSON (`(model, model_len)`, UTF-8); `model == NULL` or
/// `model_len == 0` unloads it (back to the policy's heuristic). On an error the engine keeps
/// the model it had. The model is part of `cg_engine_save`'s snapshot (`cg_engine_load` brings
/// it back).
///
/// Errors: `CG_NULL_PARAMETER` (engine), `CG_INVALID_UTF8`, `CG_INVALID_CONFIG` (not JSON,
/// another format or version, a missing or unknown key, a number out of range).
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; `model` is NULL or
/// valid for `model_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_set_risk_model(
    engine: *mut CgEngine,
    model: *const c_char,
    model_len: usize,
) -> cg_status {
    ffi_guard!({
        let engine = handle::get_mut(engine)?;
        engine.set_risk_model(risk_model(model, model_len)?);
        Ok(())
    })
}

/// The risk model a `(model, model_len)` argument gives: NULL or empty is none (back to the
/// heuristic), else the model's JSON, checked. Engines and stores read it alike.
pub(crate) fn risk_model(model: *const c_char, model_len: usize) -> Result<Option<RiskModel>> {
    if model.is_null() || model_len == 0 {
        return Ok(None);
    }
    Ok(Some(RiskModel::from_json(text(
        model, model_len, "model",
    )?)?))
}

/// Releases an engine. NULL is accepted and does nothing.
///
/// # Safety
/// `engine` is NULL or a live engine; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_free(engine: *mut CgEngine) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes NULL or an engine from `cg_engine_new`/`cg_engine_load`, once.
        unsafe { handle::free(engine) }
    })
}

/// Writes the number of past orders held to `*out_len`.
///
/// # Safety
/// `engine` is NULL or a live engine; `out_len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_len(engine: *const CgEngine, out_len: *mut usize) -> cg_status {
    ffi_guard!({
        let out_len = cleared(out_len, "out_len")?;
        *out_len = handle::get(engine)?.len();
        Ok(())
    })
}

/// Writes the engine's policy as JSON (every key, defaults included) to `*out_json`
/// (release with `cg_string_free`) and its length to `*out_len`.
///
/// # Safety
/// `engine` is NULL or a live engine; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_config(
    engine: *const CgEngine,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(handle::get(engine)?.config(), out_json, out_len)
    })
}

/// Adds past orders: `(json, len)` is a JSON array of history records or JSON Lines (one
/// record per line; blank lines skipped), a file's leading byte-order mark skipped. All or
/// nothing: on error nothing is added.
/// `*out_added` receives the number of records added.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (wrong shape, empty order id; the message
/// names the line or record), `CG_DUPLICATE_ORDER`.
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; `json` is NULL or valid
/// for `len` bytes; `out_added` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_add_history(
    engine: *mut CgEngine,
    json: *const c_char,
    len: usize,
    out_added: *mut usize,
) -> cg_status {
    ffi_guard!({
        let out_added = cleared(out_added, "out_added")?;
        let engine = handle::get_mut(engine)?;
        let records: Vec<HistoryRecord> =
            json_list(text(json, len, "history")?, "history", CG_INVALID_RECORD)?;
        *out_added = engine.add_history(records)?;
        Ok(())
    })
}

/// Adds a new order (one JSON object) as pending history, so that the customer's next order
/// sees it.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD`, `CG_DUPLICATE_ORDER`.
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; `json` is NULL or valid
/// for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_add_order(
    engine: *mut CgEngine,
    json: *const c_char,
    len: usize,
) -> cg_status {
    ffi_guard!({
        let engine = handle::get_mut(engine)?;
        let order = order_arg(json, len)?;
        engine.add_order(&order)?;
        Ok(())
    })
}

/// Records what became of an order: `outcome` is a contract name (`"delivered"`, `"refused"`,
/// `"unreachable"`, `"returned"`, `"cancelled"`, `"unconfirmed"`, `"pending"`, `"confirmed"`).
///
/// Errors: `CG_UNKNOWN_ORDER`, `CG_INVALID_RECORD` (unknown outcome name).
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; the texts are NULL or
/// valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_record_outcome(
    engine: *mut CgEngine,
    order_id: *const c_char,
    order_id_len: usize,
    outcome: *const c_char,
    outcome_len: usize,
) -> cg_status {
    ffi_guard!({
        let engine = handle::get_mut(engine)?;
        let id = text(order_id, order_id_len, "order_id")?;
        let outcome: Outcome = text(outcome, outcome_len, "outcome")?.parse()?;
        engine.record_outcome(id, outcome)?;
        Ok(())
    })
}

/// Records whether the customer negotiated (haggled) on an order.
///
/// Errors: `CG_UNKNOWN_ORDER`.
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; `order_id` is NULL or
/// valid for `order_id_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_record_negotiated(
    engine: *mut CgEngine,
    order_id: *const c_char,
    order_id_len: usize,
    negotiated: bool,
) -> cg_status {
    ffi_guard!({
        let engine = handle::get_mut(engine)?;
        engine.record_negotiated(text(order_id, order_id_len, "order_id")?, negotiated)?;
        Ok(())
    })
}

/// Assesses a new order (one JSON object) against the history; `*out_json` receives the
/// assessment JSON of the contract (release with `cg_string_free`), `*out_len` its length.
/// The engine is only read: many threads may assess at once.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (wrong shape, empty order id).
///
/// # Safety
/// `engine` is NULL or a live engine; `json` is NULL or valid for `len` bytes; the out-pointers
/// are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_assess(
    engine: *const CgEngine,
    json: *const c_char,
    len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let engine = handle::get(engine)?;
        let order = order_arg(json, len)?;
        give_json(&engine.assess(&order)?, out_json, out_len)
    })
}

/// Assesses a new order (one JSON object) and adds it as pending history, in one step: the
/// answer of `cg_engine_assess`, then the history of `cg_engine_add_order`, with the order
/// normalized once. `*out_json` and `*out_len` as for `cg_engine_assess`; on an error nothing
/// is added and `*out_json` is NULL.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD`, `CG_DUPLICATE_ORDER`.
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; `json` is NULL or valid
/// for `len` bytes; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_assess_and_add(
    engine: *mut CgEngine,
    json: *const c_char,
    len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let engine = handle::get_mut(engine)?;
        let order = order_arg(json, len)?;
        give_json(&engine.assess_and_add(&order)?, out_json, out_len)
    })
}

/// The order a call is given: one JSON object, `len` bytes at `json` (a wrong shape, an empty
/// id: `CG_INVALID_RECORD`).
fn order_arg(json: *const c_char, len: usize) -> Result<Order> {
    crate::guard::json(text(json, len, "order")?, "order", CG_INVALID_RECORD)
}

/// One element of `cg_engine_assess_many`'s answer: an assessment, or why there is none.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Answer {
    Assessed(codguard::assessment::Assessment),
    Failed {
        order_id: codguard::OrderId,
        error: ErrorJson,
    },
}

#[derive(serde::Serialize)]
struct ErrorJson {
    code: &'static str,
    message: String,
}

/// Assesses many orders (a JSON array or JSON Lines, a file's leading byte-order mark skipped)
/// on every core. `*out_json` receives a JSON
/// array with one element per order, in input order: the assessment, or
/// `{"order_id": ..., "error": {"code": "invalid_record", "message": ...}}` for an order that
/// cannot be assessed, including one that breaks the input contract (an unknown field, a
/// country that is not an ISO 3166-1 alpha-2 code, code `invalid_record`) or is not valid
/// Unicode (a JSON Lines line whose bytes are not UTF-8, an order holding a lone surrogate
/// escape `\ud800`, code `invalid_utf8`, its message naming the line): one bad order does not
/// fail the others. Its `order_id` is the one it names when a report may show it (of an order
/// that is not valid Unicode too; not a blank one, one of more than 191 characters or one with a
/// control character), else empty.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (the text is not a list of JSON values: a
/// JSON Lines line that is not JSON fails the call), `CG_INVALID_UTF8` (a JSON array whose
/// bytes are not UTF-8: its elements cannot be told apart without reading it whole).
///
/// # Safety
/// As `cg_engine_assess`.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_assess_many(
    engine: *const CgEngine,
    json: *const c_char,
    len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let engine = handle::get(engine)?;
        let items = json_items(bytes(json.cast(), len, "orders")?, "orders")?;
        // Each element is read on its own, so that one that breaks the contract (or is not
        // valid Unicode) is answered with its error in its place.
        let mut orders = Vec::with_capacity(items.len());
        let mut read = Vec::with_capacity(items.len());
        for item in &items {
            match item.as_ref().map(Order::deserialize) {
                Ok(Ok(order)) => {
                    read.push(Ok(()));
                    orders.push(order);
                }
                Ok(Err(e)) => read.push(Err(codguard::Error::new(
                    codguard::ErrorKind::InvalidRecord,
                    format!("order: {e}"),
                ))),
                Err(unread) => read.push(Err(unread.error.clone())),
            }
        }
        let mut assessed = engine.assess_many(&orders).into_iter().zip(&orders);
        let answers: Vec<Answer> = read
            .into_iter()
            .zip(&items)
            .map(|(r, item)| {
                let result = match r {
                    Ok(()) => match assessed.next() {
                        Some((result, order)) => result.map_err(|e| (order.order_id.clone(), e)),
                        None => Err((id_of(item), internal_error())),
                    },
                    Err(e) => Err((id_of(item), e)),
                };
                match result {
                    Ok(a) => Answer::Assessed(a),
                    Err((order_id, e)) => Answer::Failed {
                        order_id,
                        error: ErrorJson {
                            code: e.kind().code(),
                            message: e.message().to_owned(),
                        },
                    },
                }
            })
            .collect();
        give_json(&answers, out_json, out_len)
    })
}

/// The `order_id` of an element that did not read as an order, when it names one a report may
/// show ([`codguard::jsonl::reportable_order_id`]: not an id of megabytes or with a control
/// character): read from its JSON value, or from its text ([`crate::guard::Unread`]).
fn id_of(item: &Item) -> codguard::OrderId {
    let id = match item {
        Ok(value) => value
            .get("order_id")
            .and_then(serde_json::Value::as_str)
            .filter(|id| codguard::jsonl::reportable_order_id(id))
            .unwrap_or(""),
        Err(unread) => &unread.order_id,
    };
    codguard::OrderId(id.to_owned())
}

/// Never seen: the engine answers once per order it is given.
fn internal_error() -> codguard::Error {
    codguard::Error::new(
        codguard::ErrorKind::InvalidRecord,
        "order: no answer from the engine",
    )
}

/// Erases every order of the customer(s) who used this phone (read with `country`, ISO alpha-2,
/// for national forms), and every order linked to them. `*out_erased` receives the count.
///
/// Errors: the phone errors (`CG_PHONE_*`, `CG_INVALID_COUNTRY`, `CG_INPUT_TOO_LONG`).
///
/// # Safety
/// `engine` is NULL or a live engine used by no other thread meanwhile; the texts are NULL or
/// valid for their lengths; `out_erased` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_erase_by_phone(
    engine: *mut CgEngine,
    phone: *const c_char,
    phone_len: usize,
    country: *const c_char,
    country_len: usize,
    out_erased: *mut usize,
) -> cg_status {
    ffi_guard!({
        let out_erased = cleared(out_erased, "out_erased")?;
        let engine = handle::get_mut(engine)?;
        let phone = text(phone, phone_len, "phone")?;
        let country = text(country, country_len, "country")?;
        *out_erased = engine.erase_by_phone(phone, country)?;
        Ok(())
    })
}

/// Erases every order of the customer(s) who used this email, as `cg_engine_erase_by_phone`.
///
/// Errors: the email errors (`CG_EMAIL_*`, `CG_INPUT_TOO_LONG`).
///
/// # Safety
/// As `cg_engine_erase_by_phone`.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_erase_by_email(
    engine: *mut CgEngine,
    email: *const c_char,
    email_len: usize,
    out_erased: *mut usize,
) -> cg_status {
    ffi_guard!({
        let out_erased = cleared(out_erased, "out_erased")?;
        let engine = handle::get_mut(engine)?;
        *out_erased = engine.erase_by_email(text(email, email_len, "email")?)?;
        Ok(())
    })
}

/// Writes the whole engine (history and policy) as versioned, checksummed snapshot bytes to
/// `*out_bytes` (release with `cg_bytes_free`) and their count to `*out_len`.
///
/// # Safety
/// `engine` is NULL or a live engine; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_save(
    engine: *const CgEngine,
    out_bytes: *mut *mut u8,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_bytes, out_len) = out_pair(out_bytes, "out_bytes", out_len)?;
        give_bytes(&handle::get(engine)?.save(), out_bytes, out_len);
        Ok(())
    })
}

/// Creates an engine from `cg_engine_save` bytes; release it with `cg_engine_free`.
///
/// Errors: `CG_SNAPSHOT_TRUNCATED`, `CG_SNAPSHOT_CORRUPT`, `CG_SNAPSHOT_VERSION`; nothing is
/// half loaded.
///
/// # Safety
/// `bytes` is NULL or valid for `len` bytes; `out_engine` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_load(
    bytes: *const u8,
    len: usize,
    out_engine: *mut *mut CgEngine,
) -> cg_status {
    ffi_guard!({
        let out_engine = cleared(out_engine, "out_engine")?;
        let engine = Engine::load(crate::guard::bytes(bytes, len, "bytes")?)?;
        handle::give(engine, out_engine);
        Ok(())
    })
}

/// As `cg_engine_save`, sealed with an HMAC-SHA256 under the caller's `key` (32 random bytes
/// kept with the shop's secrets): the CRC of a plain snapshot catches damage, not a forger who
/// recomputes it; a sealed one loads only with `cg_engine_load_sealed` and the same key.
///
/// Errors: `CG_INVALID_CONFIG` for an empty key.
///
/// # Safety
/// `engine` is NULL or a live engine; `key` is NULL or valid for `key_len` bytes; the
/// out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_save_sealed(
    engine: *const CgEngine,
    key: *const u8,
    key_len: usize,
    out_bytes: *mut *mut u8,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_bytes, out_len) = out_pair(out_bytes, "out_bytes", out_len)?;
        let key = crate::guard::bytes(key, key_len, "key")?;
        let sealed = handle::get(engine)?.save_sealed(key)?;
        give_bytes(&sealed, out_bytes, out_len);
        Ok(())
    })
}

/// Creates an engine from `cg_engine_save_sealed` bytes once their tag verifies under `key`;
/// release it with `cg_engine_free`.
///
/// Errors: `CG_SNAPSHOT_CORRUPT` when the tag does not verify (changed bytes, another key, an
/// unsealed snapshot), then those of `cg_engine_load`; `CG_INVALID_CONFIG` for an empty key.
///
/// # Safety
/// `bytes` is NULL or valid for `len` bytes; `key` is NULL or valid for `key_len` bytes;
/// `out_engine` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_engine_load_sealed(
    bytes: *const u8,
    len: usize,
    key: *const u8,
    key_len: usize,
    out_engine: *mut *mut CgEngine,
) -> cg_status {
    ffi_guard!({
        let out_engine = cleared(out_engine, "out_engine")?;
        let key = crate::guard::bytes(key, key_len, "key")?;
        let engine = Engine::load_sealed(crate::guard::bytes(bytes, len, "bytes")?, key)?;
        handle::give(engine, out_engine);
        Ok(())
    })
}
