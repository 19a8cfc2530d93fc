//! `cg_flow`: the confirmation flow of one order behind an opaque handle, and its helpers
//! (reply intent, link tokens).

use std::os::raw::c_char;

use codguard::assessment::Action;
use codguard::confirm::{self, ConfirmationFlow, Event, FlowPolicy, FlowSnapshot};
use codguard::Order;

use crate::guard::{
    bytes, clear, cleared, give_json, give_string, json, out, out_pair, text, text_out, Failure,
    Result,
};
use crate::handle::{self, impl_handle};
use crate::status::cg_status::{self, *};

/// Marks a live flow: catches an engine or a stray pointer passed as a flow.
const FLOW_MAGIC: u64 = 0x6367_666c_6f77_2121; // "cgflow!!"

/// The confirmation flow of one order (opaque): a state machine the host feeds events and
/// time, and that answers with actions. It does no I/O and reads no clock.
///
/// Threads: a flow is single-threaded; use it from one thread at a time.
pub struct CgFlow {
    magic: u64,
    inner: ConfirmationFlow,
}

impl_handle!(CgFlow, "flow", ConfirmationFlow, FLOW_MAGIC);

fn policy_of(ptr: *const c_char, len: usize) -> Result<FlowPolicy> {
    if ptr.is_null() || len == 0 {
        return Ok(FlowPolicy::default());
    }
    let text = text(ptr, len, "policy")?;
    if text.trim() == "null" {
        return Ok(FlowPolicy::default());
    }
    json(text, "policy", CG_INVALID_CONFIG)
}

/// Creates the confirmation flow of an order.
///
/// - `order`: the order as JSON (as for `cg_engine_assess`);
/// - `action`: the assessment's action (`"confirm"`, `"auto_confirm"`, `"review"`,
///   `"require_prepayment"`, `"reject"`);
/// - `policy`: the flow policy as JSON (delays, link base, language, shop name, ...); NULL,
///   empty or `null` means the default timeline;
/// - `secret`: the shop's secret bytes that sign the confirmation links and seal the
///   snapshots (not empty);
/// - `nonce`: 8 to 64 bytes that tell this flow from any other, even one for the same order
///   id: the flow accepts only the links it sent. NULL (with length 0): the library draws 16
///   random bytes from the operating system, which is what a shop wants; give fixed bytes only
///   to replay a test.
///
/// Release the flow with `cg_flow_free`.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (order; a total that is NaN, infinite,
/// negative or over 10^12), `CG_INVALID_CONFIG` (an action that is not a contract action name,
/// policy, empty secret, a nonce of the wrong length), `CG_INVALID_UTF8`, `CG_NULL_PARAMETER`, `CG_PANIC` (the operating system
/// gave no random bytes).
///
/// # Safety
/// Each pointer is NULL or valid for its length; `out_flow` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_new(
    order: *const c_char,
    order_len: usize,
    action: *const c_char,
    action_len: usize,
    policy: *const c_char,
    policy_len: usize,
    secret: *const u8,
    secret_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    out_flow: *mut *mut CgFlow,
) -> cg_status {
    ffi_guard!({
        let out_flow = cleared(out_flow, "out_flow")?;
        let order: Order = json(text(order, order_len, "order")?, "order", CG_INVALID_RECORD)?;
        let action = text(action, action_len, "action")?;
        // A name that is not the contract's is CG_INVALID_CONFIG, as in every binding.
        let action: Action = action.parse()?;
        let policy = policy_of(policy, policy_len)?;
        let secret = bytes(secret, secret_len, "secret")?;
        let mut drawn = [0u8; 16];
        let nonce = if nonce.is_null() && nonce_len == 0 {
            getrandom::fill(&mut drawn)
                .map_err(|_| Failure::new(CG_PANIC, "the operating system gave no random bytes"))?;
            &drawn[..]
        } else {
            bytes(nonce, nonce_len, "nonce")?
        };
        handle::give(
            ConfirmationFlow::new(&order, action, policy, secret, nonce)?,
            out_flow,
        );
        Ok(())
    })
}

/// Releases a flow. NULL is accepted and does nothing.
///
/// # Safety
/// `flow` is NULL or a live flow; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_free(flow: *mut CgFlow) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes NULL or a flow from `cg_flow_new`/`cg_flow_restore`, once.
        unsafe { handle::free(flow) }
    })
}

/// Feeds one event (JSON, contract section 3: `{"type": "placed", "at": T}`, `tick`,
/// `link_clicked`, `reply`, `call_result`, `send_failed`, `send_denied`, `delivered`,
/// `delivery_failed`, `returned`).
/// `*out_json` receives the actions the host must carry out, in order, as a JSON array
/// (release with `cg_string_free`). Replaying the same events gives the same actions.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_EVENT` (malformed, or not for this flow; the flow is
/// unchanged then).
///
/// # Safety
/// `flow` is NULL or a live flow used by no other thread meanwhile; `event` is NULL or valid
/// for `event_len` bytes; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_handle(
    flow: *mut CgFlow,
    event: *const c_char,
    event_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let flow = handle::get_mut(flow)?;
        let event: Event = json(text(event, event_len, "event")?, "event", CG_INVALID_EVENT)?;
        give_json(&flow.handle(event)?, out_json, out_len)
    })
}

/// Writes where the flow stands (`"not_started"`, `"awaiting_sms"`, `"confirmed"`,
/// `"cancelled"`, ...) to `*out_str` (release with `cg_string_free`).
///
/// # Safety
/// `flow` is NULL or a live flow; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_state(
    flow: *const CgFlow,
    out_str: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_str, out_len) = out_pair(out_str, "out_str", out_len)?;
        let state = serde_json::to_value(handle::get(flow)?.state())
            .map_err(|e| Failure::new(CG_PANIC, e.to_string()))?;
        give_string(state.as_str().unwrap_or(""), out_str, out_len);
        Ok(())
    })
}

/// When the host should send the next `tick`: `*out_has` is true and `*out_at` the Unix
/// seconds, or `*out_has` is false (and `*out_at` 0) when no time-driven step is left.
///
/// # Safety
/// `flow` is NULL or a live flow; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_next_deadline(
    flow: *const CgFlow,
    out_has: *mut bool,
    out_at: *mut i64,
) -> cg_status {
    ffi_guard!({
        clear(out_has);
        clear(out_at);
        let (out_has, out_at) = (out(out_has, "out_has")?, out(out_at, "out_at")?);
        if let Some(at) = handle::get(flow)?.next_deadline() {
            *out_has = true;
            *out_at = at;
        }
        Ok(())
    })
}

/// Whether the link's page must ask for a delivery address: `*out_needs` is true when the order
/// had none a courier can use (blank, or nonsense such as keyboard mash), or the courier
/// reported an address problem, and the customer has given none since.
///
/// # Safety
/// `flow` is NULL or a live flow; `out_needs` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_needs_address(
    flow: *const CgFlow,
    out_needs: *mut bool,
) -> cg_status {
    ffi_guard!({
        let out_needs = cleared(out_needs, "out_needs")?;
        *out_needs = handle::get(flow)?.needs_address();
        Ok(())
    })
}

/// Writes the flow's whole state as JSON (versioned, sealed under the secret with an HMAC;
/// the secret is not in it) to `*out_json`, to store between events; rebuild it with
/// `cg_flow_restore`.
///
/// # Safety
/// `flow` is NULL or a live flow; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_snapshot(
    flow: *const CgFlow,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(&handle::get(flow)?.snapshot(), out_json, out_len)
    })
}

/// Rebuilds a flow from `cg_flow_snapshot` JSON and the shop's secret; release it with
/// `cg_flow_free`.
///
/// Errors: `CG_INVALID_JSON`, `CG_SNAPSHOT_CORRUPT` (not a flow snapshot; changed, damaged or
/// sealed with another secret; inconsistent), `CG_SNAPSHOT_VERSION`, `CG_INVALID_CONFIG`
/// (empty secret).
///
/// # Safety
/// Each pointer is NULL or valid for its length; `out_flow` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_restore(
    snapshot: *const c_char,
    snapshot_len: usize,
    secret: *const u8,
    secret_len: usize,
    out_flow: *mut *mut CgFlow,
) -> cg_status {
    ffi_guard!({
        let out_flow = cleared(out_flow, "out_flow")?;
        let snapshot: FlowSnapshot = json(
            text(snapshot, snapshot_len, "snapshot")?,
            "snapshot",
            CG_SNAPSHOT_CORRUPT,
        )?;
        let secret = bytes(secret, secret_len, "secret")?;
        handle::give(ConfirmationFlow::restore(snapshot, secret)?, out_flow);
        Ok(())
    })
}

/// Checks a confirmation link's token at `now` (Unix seconds): `CG_OK` for the latest link this
/// flow sent, else `CG_TOKEN_MALFORMED`, `CG_TOKEN_WRONG_ORDER` (another flow's: another order,
/// or an earlier flow for this order id), `CG_TOKEN_EXPIRED` (replaced by a newer link, or past
/// its time) or `CG_TOKEN_FORGED` (the signature fails, or this flow has sent no link). The
/// shop's link page calls this before showing its buttons.
///
/// # Safety
/// `flow` is NULL or a live flow; `token` is NULL or valid for `token_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn cg_flow_verify_link(
    flow: *const CgFlow,
    token: *const c_char,
    token_len: usize,
    now: i64,
) -> cg_status {
    ffi_guard!({
        let flow = handle::get(flow)?;
        flow.verify_link(text(token, token_len, "token")?, now)?;
        Ok(())
    })
}

/// What a customer's free-text reply means: `*out_json` receives
/// `{"intent": "confirm" | "cancel" | "new_phone" | "unknown", "phone": "+2126..." | null}`.
/// `country` (ISO 3166-1 alpha-2, any case; `""` when unknown) picks the words' meanings where
/// they differ by country (`ماشي` is "OK" in Egypt, "not" in Morocco; without a country such
/// words give `unknown`) and reads numbers written in national form. Never fails on the text:
/// unclear or over-long text is `unknown`, never a guessed confirm or cancel.
///
/// Errors: `CG_INVALID_COUNTRY` (a country that is neither `""` nor a known code, such as
/// `"Morocco"`).
///
/// # Safety
/// The texts are NULL or valid for their lengths; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_reply_intent(
    reply: *const c_char,
    reply_len: usize,
    country: *const c_char,
    country_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let reply = text(reply, reply_len, "reply")?;
        let country = text(country, country_len, "country")?;
        give_json(&confirm::reply_intent(reply, country)?, out_json, out_len)
    })
}

/// Issues the link token of `order_id`, valid until `expires_at` (Unix seconds), signed with
/// the shop's `secret`; `*out_str` receives it (release with `cg_string_free`).
///
/// Errors: `CG_INVALID_CONFIG` (empty secret).
///
/// # Safety
/// Each pointer is NULL or valid for its length; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_issue_token(
    secret: *const u8,
    secret_len: usize,
    order_id: *const c_char,
    order_id_len: usize,
    expires_at: i64,
    out_str: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_str, out_len) = out_pair(out_str, "out_str", out_len)?;
        let secret = bytes(secret, secret_len, "secret")?;
        let order_id = text(order_id, order_id_len, "order_id")?;
        give_string(
            &confirm::issue_token(secret, order_id, expires_at)?,
            out_str,
            out_len,
        );
        Ok(())
    })
}

/// Verifies a link token for `order_id` at `now`: `CG_OK`, or `CG_TOKEN_MALFORMED`,
/// `CG_TOKEN_FORGED`, `CG_TOKEN_EXPIRED`, `CG_TOKEN_WRONG_ORDER`, `CG_INVALID_CONFIG` (empty
/// secret).
///
/// # Safety
/// Each pointer is NULL or valid for its length.
#[no_mangle]
pub unsafe extern "C" fn cg_verify_token(
    secret: *const u8,
    secret_len: usize,
    token: *const c_char,
    token_len: usize,
    order_id: *const c_char,
    order_id_len: usize,
    now: i64,
) -> cg_status {
    ffi_guard!({
        let secret = bytes(secret, secret_len, "secret")?;
        let token = text(token, token_len, "token")?;
        let order_id = text(order_id, order_id_len, "order_id")?;
        confirm::verify_token(secret, token, order_id, now)?;
        Ok(())
    })
}
