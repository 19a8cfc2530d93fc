//! Status codes, the one mapping from [`codguard::ErrorKind`], and the thread-local last error.
//!
//! The numbers of [`cg_status`] are ABI: they never change. A retired code stays here as a
//! reserved comment and its number is never reused.

use std::cell::RefCell;
use std::os::raw::c_char;

use codguard::ErrorKind;

/// What a call did. `CG_OK` (0) is success; every other value is an error whose text is in
/// `cg_error_message` (static) and `cg_last_error_message` (this call's details).
///
/// The numbers are grouped by area and never change: 1xx the call itself (arguments, handles,
/// library bugs, and text that is not UTF-8 or not JSON, the core's `invalid_utf8` and
/// `invalid_json`), 2xx the input's content (one per other core error kind), 3xx snapshots.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum cg_status {
    /// Success.
    CG_OK = 0,

    /// A required pointer argument is NULL.
    CG_NULL_PARAMETER = 100,
    /// A text argument is not valid UTF-8.
    CG_INVALID_UTF8 = 101,
    /// `invalid_json`: a JSON argument is not well-formed JSON.
    CG_INVALID_JSON = 102,
    /// The caller's buffer is too small; the needed size was written to `out_n`.
    CG_BUFFER_TOO_SMALL = 103,
    /// The library hit an internal bug (a Rust panic) and stopped it at the boundary.
    CG_PANIC = 104,
    /// A handle is not a live handle of the expected kind: of another kind, freed, or never a
    /// handle (see "Handles" at the top of the header for the limits).
    CG_INVALID_HANDLE = 105,

    /// `input_too_long`: an input is longer than its documented maximum.
    CG_INPUT_TOO_LONG = 200,
    /// `phone_empty`.
    CG_PHONE_EMPTY = 201,
    /// `phone_too_short`.
    CG_PHONE_TOO_SHORT = 202,
    /// `phone_too_long`.
    CG_PHONE_TOO_LONG = 203,
    /// `phone_invalid_for_region`.
    CG_PHONE_INVALID_FOR_REGION = 204,
    /// `phone_not_a_number`.
    CG_PHONE_NOT_A_NUMBER = 205,
    // 206 retired: `phone_looks_fake` (a valid number whose digits look made up now normalizes;
    // junk is `CG_PHONE_JUNK`).
    /// `invalid_country`: not an ISO 3166-1 alpha-2 code the library knows.
    CG_INVALID_COUNTRY = 207,
    /// `email_empty`.
    CG_EMAIL_EMPTY = 208,
    /// `email_invalid`.
    CG_EMAIL_INVALID = 209,
    /// `invalid_record`: an order or history record is malformed or misses a required field.
    CG_INVALID_RECORD = 210,
    /// `invalid_config`: a policy or flow configuration is inconsistent.
    CG_INVALID_CONFIG = 211,
    /// `unknown_order`.
    CG_UNKNOWN_ORDER = 212,
    /// `duplicate_order`.
    CG_DUPLICATE_ORDER = 213,
    /// `invalid_event`: a flow event is malformed or does not fit the flow.
    CG_INVALID_EVENT = 214,
    /// `token_malformed`.
    CG_TOKEN_MALFORMED = 215,
    /// `token_forged`.
    CG_TOKEN_FORGED = 216,
    /// `token_expired`.
    CG_TOKEN_EXPIRED = 217,
    /// `token_wrong_order`.
    CG_TOKEN_WRONG_ORDER = 218,
    /// `phone_junk`: a valid number nobody can have (all digits equal, a fictitious range).
    CG_PHONE_JUNK = 219,
    /// An input error of a newer core that this version of the C API does not name yet.
    CG_OTHER_INPUT_ERROR = 299,

    /// `snapshot_truncated`: the bytes end before their declared length.
    CG_SNAPSHOT_TRUNCATED = 300,
    /// `snapshot_corrupt`: wrong checksum or structure.
    CG_SNAPSHOT_CORRUPT = 301,
    /// `snapshot_version`: written by a newer or unknown format version.
    CG_SNAPSHOT_VERSION = 302,
}

use cg_status::*;

/// Every status, for lookups by number.
const ALL: [cg_status; 30] = [
    CG_OK,
    CG_NULL_PARAMETER,
    CG_INVALID_UTF8,
    CG_INVALID_JSON,
    CG_BUFFER_TOO_SMALL,
    CG_PANIC,
    CG_INVALID_HANDLE,
    CG_INPUT_TOO_LONG,
    CG_PHONE_EMPTY,
    CG_PHONE_TOO_SHORT,
    CG_PHONE_TOO_LONG,
    CG_PHONE_INVALID_FOR_REGION,
    CG_PHONE_NOT_A_NUMBER,
    CG_INVALID_COUNTRY,
    CG_EMAIL_EMPTY,
    CG_EMAIL_INVALID,
    CG_INVALID_RECORD,
    CG_INVALID_CONFIG,
    CG_UNKNOWN_ORDER,
    CG_DUPLICATE_ORDER,
    CG_INVALID_EVENT,
    CG_TOKEN_MALFORMED,
    CG_TOKEN_FORGED,
    CG_TOKEN_EXPIRED,
    CG_TOKEN_WRONG_ORDER,
    CG_PHONE_JUNK,
    CG_OTHER_INPUT_ERROR,
    CG_SNAPSHOT_TRUNCATED,
    CG_SNAPSHOT_CORRUPT,
    CG_SNAPSHOT_VERSION,
];

impl From<ErrorKind> for cg_status {
    /// The single place where core error kinds become C status codes.
    fn from(kind: ErrorKind) -> cg_status {
        match kind {
            ErrorKind::InputTooLong => CG_INPUT_TOO_LONG,
            ErrorKind::InvalidUtf8 => CG_INVALID_UTF8,
            ErrorKind::InvalidJson => CG_INVALID_JSON,
            ErrorKind::PhoneEmpty => CG_PHONE_EMPTY,
            ErrorKind::PhoneTooShort => CG_PHONE_TOO_SHORT,
            ErrorKind::PhoneTooLong => CG_PHONE_TOO_LONG,
            ErrorKind::PhoneInvalidForRegion => CG_PHONE_INVALID_FOR_REGION,
            ErrorKind::PhoneNotANumber => CG_PHONE_NOT_A_NUMBER,
            ErrorKind::PhoneJunk => CG_PHONE_JUNK,
            ErrorKind::InvalidCountry => CG_INVALID_COUNTRY,
            ErrorKind::EmailEmpty => CG_EMAIL_EMPTY,
            ErrorKind::EmailInvalid => CG_EMAIL_INVALID,
            ErrorKind::InvalidRecord => CG_INVALID_RECORD,
            ErrorKind::InvalidConfig => CG_INVALID_CONFIG,
            ErrorKind::UnknownOrder => CG_UNKNOWN_ORDER,
            ErrorKind::DuplicateOrder => CG_DUPLICATE_ORDER,
            ErrorKind::InvalidEvent => CG_INVALID_EVENT,
            ErrorKind::TokenMalformed => CG_TOKEN_MALFORMED,
            ErrorKind::TokenForged => CG_TOKEN_FORGED,
            ErrorKind::TokenExpired => CG_TOKEN_EXPIRED,
            ErrorKind::TokenWrongOrder => CG_TOKEN_WRONG_ORDER,
            ErrorKind::SnapshotTruncated => CG_SNAPSHOT_TRUNCATED,
            ErrorKind::SnapshotCorrupt => CG_SNAPSHOT_CORRUPT,
            ErrorKind::SnapshotVersion => CG_SNAPSHOT_VERSION,
            _ => CG_OTHER_INPUT_ERROR,
        }
    }
}

impl cg_status {
    /// The status with this number, if any.
    pub fn from_u32(n: u32) -> Option<cg_status> {
        ALL.into_iter().find(|s| *s as u32 == n)
    }

    /// The stable snake_case name: the core's error code for 2xx, 3xx, `CG_INVALID_UTF8` and
    /// `CG_INVALID_JSON`.
    pub fn name(self) -> &'static str {
        self.texts().0
    }

    /// The static sentence of the status.
    pub fn sentence(self) -> &'static str {
        self.texts().1
    }

    fn texts(self) -> (&'static str, &'static str) {
        match self {
            CG_OK => ("ok", "success"),
            CG_NULL_PARAMETER => ("null_parameter", "a required pointer argument is NULL"),
            CG_INVALID_UTF8 => ("invalid_utf8", "a text argument is not valid UTF-8"),
            CG_INVALID_JSON => ("invalid_json", "a JSON argument is not well-formed JSON"),
            CG_BUFFER_TOO_SMALL => (
                "buffer_too_small",
                "the buffer is too small; the needed size is in out_n",
            ),
            CG_PANIC => (
                "panic",
                "internal error in codguard, stopped at the library boundary",
            ),
            CG_INVALID_HANDLE => (
                "invalid_handle",
                "the handle is not of the expected kind or was freed",
            ),
            CG_INPUT_TOO_LONG => ("input_too_long", "an input is longer than its maximum"),
            CG_PHONE_EMPTY => ("phone_empty", "the phone is empty"),
            CG_PHONE_TOO_SHORT => ("phone_too_short", "the phone has too few digits"),
            CG_PHONE_TOO_LONG => ("phone_too_long", "the phone has too many digits"),
            CG_PHONE_INVALID_FOR_REGION => (
                "phone_invalid_for_region",
                "the phone is not a valid number of its region",
            ),
            CG_PHONE_NOT_A_NUMBER => ("phone_not_a_number", "the phone holds no number"),
            CG_PHONE_JUNK => (
                "phone_junk",
                "the phone is a junk number (all digits equal, or a fictitious range)",
            ),
            CG_INVALID_COUNTRY => (
                "invalid_country",
                "the country is not an ISO 3166-1 alpha-2 code the library knows",
            ),
            CG_EMAIL_EMPTY => ("email_empty", "the email is empty"),
            CG_EMAIL_INVALID => ("email_invalid", "the email is not a usable address"),
            CG_INVALID_RECORD => (
                "invalid_record",
                "a record is malformed or misses a required field",
            ),
            CG_INVALID_CONFIG => ("invalid_config", "the configuration is inconsistent"),
            CG_UNKNOWN_ORDER => ("unknown_order", "no order with that id is known"),
            CG_DUPLICATE_ORDER => ("duplicate_order", "an order with that id is already known"),
            CG_INVALID_EVENT => ("invalid_event", "the event does not fit the flow"),
            CG_TOKEN_MALFORMED => ("token_malformed", "the token is not of the token format"),
            CG_TOKEN_FORGED => ("token_forged", "the token's signature does not verify"),
            CG_TOKEN_EXPIRED => ("token_expired", "the token has expired"),
            CG_TOKEN_WRONG_ORDER => ("token_wrong_order", "the token is for another order"),
            CG_OTHER_INPUT_ERROR => (
                "other_input_error",
                "an input error this version of the C API does not name",
            ),
            CG_SNAPSHOT_TRUNCATED => (
                "snapshot_truncated",
                "the snapshot ends before its declared length",
            ),
            CG_SNAPSHOT_CORRUPT => (
                "snapshot_corrupt",
                "the snapshot's checksum or structure is wrong",
            ),
            CG_SNAPSHOT_VERSION => (
                "snapshot_version",
                "the snapshot was written by an unknown format version",
            ),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Stores the message of the failed call for `cg_last_error_message`.
pub(crate) fn set_last_error(message: String) {
    // `try_with`: during thread teardown the slot may be gone; losing a message beats aborting.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = message;
        }
    });
}

fn last_error() -> String {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().map(|s| s.clone()).unwrap_or_default())
        .unwrap_or_default()
}

/// Copies `text` into the caller's buffer `(buf, len)`, NUL-terminated, truncated at a UTF-8
/// boundary when it does not fit. `out_n` gets the full length of `text` in bytes (without NUL).
///
/// # Safety
/// `buf` is NULL or valid for `len` bytes; `out_n` is NULL or valid for a write.
unsafe fn copy_out(text: &str, buf: *mut c_char, len: usize, out_n: *mut usize) -> cg_status {
    if !out_n.is_null() {
        // SAFETY: `out_n` is not NULL, and the caller promises it is valid for a write.
        unsafe { *out_n = 0 };
    }
    if out_n.is_null() || (buf.is_null() && len > 0) {
        return CG_NULL_PARAMETER;
    }
    // SAFETY: checked not NULL just above; valid for a write by the caller's promise.
    unsafe { *out_n = text.len() };
    if len == 0 {
        return if text.is_empty() {
            CG_OK
        } else {
            CG_BUFFER_TOO_SMALL
        };
    }
    let mut n = text.len().min(len - 1);
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: `len > 0` here, so `buf` is not NULL (checked above) and valid for `len` bytes;
    // `n <= len - 1`, so the `n` bytes and the NUL at `n` fit. `text` is our own string, which
    // cannot overlap the caller's buffer.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
    if n == text.len() {
        CG_OK
    } else {
        CG_BUFFER_TOO_SMALL
    }
}

/// Writes the static text of `status` ("phone_too_short: the phone has too few digits") into
/// the caller's buffer.
///
/// `buf` receives at most `len - 1` bytes and a NUL; `*out_n` receives the text's full length
/// in bytes (without NUL). Pass `buf = NULL, len = 0` to ask for the size.
///
/// Returns `CG_BUFFER_TOO_SMALL` when the text was truncated, `CG_NULL_PARAMETER` when `out_n`
/// is NULL or `buf` is NULL with `len > 0`. An unknown number gives an "unknown" text.
///
/// # Safety
/// `buf` is NULL or valid for writes of `len` bytes; `out_n` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn cg_error_message(
    status: u32,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> cg_status {
    ffi_guard!(or CG_PANIC, {
        let text = match cg_status::from_u32(status) {
            Some(s) => format!("{}: {}", s.name(), s.sentence()),
            None => format!("unknown: {status} is not a codguard status"),
        };
        // SAFETY: `buf`, `len` and `out_n` are this function's own, under the same promise.
        unsafe { copy_out(&text, buf, len, out_n) }
    })
}

/// Writes the message of the last failed call on this thread ("phone_too_short: ...") into the
/// caller's buffer, as `cg_error_message` does. The message stays until the next failed call on
/// the same thread; successful calls leave it alone. It never repeats customer data.
///
/// # Safety
/// `buf` is NULL or valid for writes of `len` bytes; `out_n` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn cg_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> cg_status {
    ffi_guard!(or CG_PANIC, {
        let text = last_error();
        // SAFETY: `buf`, `len` and `out_n` are this function's own, under the same promise.
        unsafe { copy_out(&text, buf, len, out_n) }
    })
}

/// The stable snake_case name of `status` (`"phone_too_short"`, `"null_parameter"`), as a
/// static NUL-terminated string that must not be freed; `"unknown"` for other numbers.
#[no_mangle]
pub extern "C" fn cg_status_name(status: u32) -> *const c_char {
    ffi_guard!(or c"unknown".as_ptr(), {
        match cg_status::from_u32(status) {
            Some(s) => static_name(s).as_ptr(),
            None => c"unknown".as_ptr(),
        }
    })
}

fn static_name(s: cg_status) -> &'static std::ffi::CStr {
    match s {
        CG_OK => c"ok",
        CG_NULL_PARAMETER => c"null_parameter",
        CG_INVALID_UTF8 => c"invalid_utf8",
        CG_INVALID_JSON => c"invalid_json",
        CG_BUFFER_TOO_SMALL => c"buffer_too_small",
        CG_PANIC => c"panic",
        CG_INVALID_HANDLE => c"invalid_handle",
        CG_INPUT_TOO_LONG => c"input_too_long",
        CG_PHONE_EMPTY => c"phone_empty",
        CG_PHONE_TOO_SHORT => c"phone_too_short",
        CG_PHONE_TOO_LONG => c"phone_too_long",
        CG_PHONE_INVALID_FOR_REGION => c"phone_invalid_for_region",
        CG_PHONE_NOT_A_NUMBER => c"phone_not_a_number",
        CG_PHONE_JUNK => c"phone_junk",
        CG_INVALID_COUNTRY => c"invalid_country",
        CG_EMAIL_EMPTY => c"email_empty",
        CG_EMAIL_INVALID => c"email_invalid",
        CG_INVALID_RECORD => c"invalid_record",
        CG_INVALID_CONFIG => c"invalid_config",
        CG_UNKNOWN_ORDER => c"unknown_order",
        CG_DUPLICATE_ORDER => c"duplicate_order",
        CG_INVALID_EVENT => c"invalid_event",
        CG_TOKEN_MALFORMED => c"token_malformed",
        CG_TOKEN_FORGED => c"token_forged",
        CG_TOKEN_EXPIRED => c"token_expired",
        CG_TOKEN_WRONG_ORDER => c"token_wrong_order",
        CG_OTHER_INPUT_ERROR => c"other_input_error",
        CG_SNAPSHOT_TRUNCATED => c"snapshot_truncated",
        CG_SNAPSHOT_CORRUPT => c"snapshot_corrupt",
        CG_SNAPSHOT_VERSION => c"snapshot_version",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_names_agree() {
        let mut seen = std::collections::HashSet::new();
        for s in ALL.into_iter().filter(|s| *s != CG_OK) {
            assert!(seen.insert(s as u32), "{s:?} repeats a number");
            assert_eq!(static_name(s).to_str().unwrap(), s.name());
            assert_eq!(cg_status::from_u32(s as u32), Some(s));
        }
        assert_eq!(cg_status::from_u32(1), None);
    }

    /// The errors table of `docs/contract.md` (code, Rust kind, C status and number) is the
    /// declaration above, row for row: one place declares the statuses, the page is checked.
    #[test]
    fn the_contract_table_is_this_declaration() {
        let page = include_str!("../../docs/contract.md");
        let mut rows = 0;
        for line in page.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // | `code` | when | Rust kind | Python | C `cg_status` | PHP |
            let (Some(code), Some(c)) = (cells.get(1), cells.get(5)) else {
                continue;
            };
            let Some(c) = c.strip_prefix('`').and_then(|c| c.split_once("` ")) else {
                continue;
            };
            let code = code.trim_matches('`');
            let (c_name, number) = c;
            let status = cg_status::from_u32(number.parse().expect("a number"))
                .unwrap_or_else(|| panic!("{code}: {number} is no status"));
            assert_eq!(status.name(), code, "{line}");
            assert_eq!(format!("{status:?}"), c_name, "{line}");
            let kind = ErrorKind::ALL.into_iter().find(|k| k.code() == code);
            assert!(kind.is_some(), "{code}: no core ErrorKind");
            rows += 1;
        }
        // Every core kind has its row, and no row is missing from the page.
        assert_eq!(rows, ErrorKind::ALL.len(), "one row per core error kind");
    }

    #[test]
    fn core_codes_are_status_names() {
        for kind in ErrorKind::ALL {
            assert_eq!(cg_status::from(kind).name(), kind.code());
            assert_ne!(cg_status::from(kind), CG_OTHER_INPUT_ERROR, "{kind:?}");
        }
    }
}
