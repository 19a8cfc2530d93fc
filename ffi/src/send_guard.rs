//! `cg_send_guard`: the shop's check before each paid message (SMS pumping), behind an opaque
//! handle, with its sealed snapshot.

use std::os::raw::c_char;

use codguard::confirm::{FlowAction, GuardPolicy, GuardSnapshot, SendGuard};

use crate::guard::{bytes, cleared, give_json, json, text, text_out, Result};
use crate::handle::{self, impl_handle};
use crate::status::cg_status::{self, *};

/// Marks a live send guard.
const SEND_GUARD_MAGIC: u64 = 0x6367_6775_6172_6421; // "cgguard!"

/// The shop's send guard (opaque): country allow-list, per-number and per-prefix limits and a
/// daily budget for paid messages. It does no I/O and reads no clock.
///
/// Threads: a guard is single-threaded; a host with several workers keeps one snapshot and
/// updates it under a lock.
pub struct CgSendGuard {
    magic: u64,
    inner: SendGuard,
}

impl_handle!(CgSendGuard, "send_guard", SendGuard, SEND_GUARD_MAGIC);

fn policy_of(ptr: *const c_char, len: usize) -> Result<GuardPolicy> {
    if ptr.is_null() || len == 0 {
        return Ok(GuardPolicy::default());
    }
    let text = text(ptr, len, "policy")?;
    if text.trim() == "null" {
        return Ok(GuardPolicy::default());
    }
    json(text, "policy", CG_INVALID_CONFIG)
}

/// Creates a send guard with no message counted.
///
/// - `policy`: the guard policy as JSON (`countries`, `per_number_per_day`,
///   `per_prefix_per_hour`, `prefix_hidden_digits`, `daily_budget`, `channels`,
///   `utc_offset_minutes`); NULL, empty or `null` means the defaults;
/// - `secret`: the shop's secret bytes that seal its snapshots (not empty).
///
/// Release it with `cg_send_guard_free`.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_CONFIG` (policy, empty secret), `CG_INVALID_UTF8`,
/// `CG_NULL_PARAMETER`.
///
/// # Safety
/// Each pointer is NULL or valid for its length; `out_guard` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_send_guard_new(
    policy: *const c_char,
    policy_len: usize,
    secret: *const u8,
    secret_len: usize,
    out_guard: *mut *mut CgSendGuard,
) -> cg_status {
    ffi_guard!({
        let out_guard = cleared(out_guard, "out_guard")?;
        let policy = policy_of(policy, policy_len)?;
        let secret = bytes(secret, secret_len, "secret")?;
        handle::give(SendGuard::new(policy, secret)?, out_guard);
        Ok(())
    })
}

/// Releases a send guard. NULL is accepted and does nothing.
///
/// # Safety
/// `guard` is NULL or a live send guard; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cg_send_guard_free(guard: *mut CgSendGuard) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes NULL or a guard from `cg_send_guard_new`/`_restore`, once.
        unsafe { handle::free(guard) }
    })
}

/// Decides whether a flow's `send` action (JSON) may go out at `at` (Unix seconds).
/// `country` is the order's country (ISO alpha-2): the allowed one when the policy names
/// none, and the region of a number in national form. `*out_json` receives `null` (send it;
/// it is counted) or the `send_denied` event to feed to the order's flow with
/// `cg_flow_handle` (do not send). Release it with `cg_string_free`.
///
/// Errors: `CG_INVALID_JSON`, `CG_INVALID_RECORD` (not a send action), `CG_INVALID_EVENT`
/// (negative time), `CG_INVALID_COUNTRY`, `CG_INVALID_UTF8`, `CG_NULL_PARAMETER`.
///
/// # Safety
/// `guard` is NULL or a live send guard used by no other thread meanwhile; the texts are NULL
/// or valid for their lengths; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_send_guard_admit(
    guard: *mut CgSendGuard,
    action: *const c_char,
    action_len: usize,
    country: *const c_char,
    country_len: usize,
    at: i64,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let guard = handle::get_mut(guard)?;
        let action: FlowAction = json(
            text(action, action_len, "action")?,
            "action",
            CG_INVALID_RECORD,
        )?;
        let country = text(country, country_len, "country")?;
        give_json(&guard.admit(&action, country, at)?, out_json, out_len)
    })
}

/// Writes the guard's counters, sealed under its secret (JSON), to `*out_json`, to store
/// between calls; rebuild the guard with `cg_send_guard_restore`.
///
/// # Safety
/// `guard` is NULL or a live send guard; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_send_guard_snapshot(
    guard: *const CgSendGuard,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        give_json(&handle::get(guard)?.snapshot(), out_json, out_len)
    })
}

/// Rebuilds a send guard from `cg_send_guard_snapshot` JSON, the shop's current policy (JSON;
/// NULL, empty or `null`: the defaults) and its secret; release it with `cg_send_guard_free`.
///
/// Errors: `CG_INVALID_JSON`, `CG_SNAPSHOT_CORRUPT` (not a guard snapshot, edited, damaged,
/// or sealed with another secret), `CG_SNAPSHOT_VERSION`, `CG_INVALID_CONFIG`.
///
/// # Safety
/// Each pointer is NULL or valid for its length; `out_guard` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_send_guard_restore(
    snapshot: *const c_char,
    snapshot_len: usize,
    policy: *const c_char,
    policy_len: usize,
    secret: *const u8,
    secret_len: usize,
    out_guard: *mut *mut CgSendGuard,
) -> cg_status {
    ffi_guard!({
        let out_guard = cleared(out_guard, "out_guard")?;
        let snapshot: GuardSnapshot = json(
            text(snapshot, snapshot_len, "snapshot")?,
            "snapshot",
            CG_SNAPSHOT_CORRUPT,
        )?;
        let policy = policy_of(policy, policy_len)?;
        let secret = bytes(secret, secret_len, "secret")?;
        handle::give(SendGuard::restore(&snapshot, policy, secret)?, out_guard);
        Ok(())
    })
}
