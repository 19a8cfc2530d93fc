//! The panic boundary and the conversions every exported function shares.
//!
//! Every `extern "C" fn` of this crate runs its body inside [`ffi_guard!`]; `build.rs` refuses to
//! build a crate where one does not. A panic becomes `CG_PANIC` and a last-error message: it
//! never unwinds into C and never aborts the host (a PHP-FPM worker must survive bad input).

use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use codguard::{jsonl, ErrorKind};

use crate::status::{cg_status, set_last_error};

/// Runs a body returning `Result<(), Failure>` (or, with `or FALLBACK,`, any value) inside
/// `catch_unwind`. A `Failure` or a panic leaves its message for `cg_last_error_message`.
macro_rules! ffi_guard {
    (or $fallback:expr, $body:block) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(move || $body)) {
            Ok(value) => value,
            Err(payload) => {
                $crate::guard::record_panic(payload);
                $fallback
            }
        }
    };
    ($body:block) => {
        $crate::guard::run(move || -> $crate::guard::Result<()> { $body })
    };
}

/// Why a call failed: a status and the details for `cg_last_error_message`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: cg_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: cg_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Failure {
        Failure::new(cg_status::CG_NULL_PARAMETER, format!("{what} is NULL"))
    }
}

impl From<codguard::Error> for Failure {
    fn from(e: codguard::Error) -> Failure {
        Failure::new(cg_status::from(e.kind()), e.message())
    }
}

pub(crate) type Result<T> = std::result::Result<T, Failure>;

/// The body of `ffi_guard!`: the status of `f`, a failure's message stored, a panic caught.
pub(crate) fn run(f: impl FnOnce() -> Result<()>) -> cg_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => cg_status::CG_OK,
        Ok(Err(failure)) => {
            let name = failure.status.name();
            set_last_error(format!("{name}: {}", failure.message));
            failure.status
        }
        Err(payload) => {
            record_panic(payload);
            cg_status::CG_PANIC
        }
    }
}

pub(crate) fn record_panic(payload: Box<dyn std::any::Any + Send>) {
    let what = payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    set_last_error(format!("panic: {what}"));
    // A payload whose destructor panics would unwind out of here; forget it instead.
    std::mem::forget(payload);
}

/// The value an out-pointer holds when a call produced nothing: NULL, 0, false.
pub(crate) trait Empty {
    fn empty() -> Self;
}

impl<T> Empty for *mut T {
    fn empty() -> Self {
        std::ptr::null_mut()
    }
}

impl Empty for usize {
    fn empty() -> Self {
        0
    }
}

impl Empty for i64 {
    fn empty() -> Self {
        0
    }
}

impl Empty for f64 {
    fn empty() -> Self {
        0.0
    }
}

impl Empty for bool {
    fn empty() -> Self {
        false
    }
}

/// Sets an out-pointer to its empty value before any work, if the caller gave one.
pub(crate) fn clear<T: Empty>(out: *mut T) {
    if !out.is_null() {
        // SAFETY: the caller promises `out` is NULL or valid for a write.
        unsafe { out.write(T::empty()) };
    }
}

/// The `(out_json, out_len)` pair of a call that returns JSON text: see [`out_pair`].
pub(crate) fn text_out<'a>(
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(&'a mut *mut c_char, &'a mut usize)> {
    out_pair(out_json, "out_json", out_len)
}

/// The `(out_ptr, out_len)` pair of a call that returns text or bytes: both cleared before any
/// work, then checked for NULL (`name` is the pointer's parameter, which a NULL error names).
pub(crate) fn out_pair<'a, T>(
    out_ptr: *mut *mut T,
    name: &str,
    out_len: *mut usize,
) -> Result<(&'a mut *mut T, &'a mut usize)> {
    clear(out_ptr);
    clear(out_len);
    Ok((out(out_ptr, name)?, out(out_len, "out_len")?))
}

/// An out-pointer the call writes to: set to its empty value first (if not NULL), so that a
/// caller finds it empty after any error, then checked for NULL (`what` names it).
// Inlined: on the cheapest call (cg_engine_len) an outlined one cost one instruction more per
// call (callgrind, tests/c/handle_cost.c).
#[inline]
pub(crate) fn cleared<'a, T: Empty>(p: *mut T, what: &str) -> Result<&'a mut T> {
    clear(p);
    out(p, what)
}

/// An out-pointer the call may write to.
pub(crate) fn out<'a, T>(p: *mut T, what: &str) -> Result<&'a mut T> {
    // SAFETY: the caller promises `p` is NULL or valid for a write for the call's duration.
    unsafe { p.as_mut() }.ok_or_else(|| Failure::null(what))
}

/// Borrowed bytes `(ptr, len)`.
pub(crate) fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8]> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            cg_status::CG_INPUT_TOO_LONG,
            format!("{what} is longer than any buffer can be"),
        ));
    }
    // SAFETY: the caller promises `ptr` is valid for `len` bytes for the call's duration.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrowed UTF-8 text `(ptr, len)`; NUL bytes are ordinary characters, not terminators.
pub(crate) fn text<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a str> {
    utf8(bytes(ptr.cast(), len, what)?, what)
}

/// `bytes` as UTF-8 text (`what` names them in the error).
fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            cg_status::CG_INVALID_UTF8,
            format!("{what} is not UTF-8 (byte {})", e.valid_up_to()),
        )
    })
}

/// Parses one JSON value; well-formed JSON of the wrong shape is `data_error`.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    data_error: cg_status,
) -> Result<T> {
    serde_json::from_str(text).map_err(|e| json_failure(&e, text, what, data_error))
}

/// A JSON array of values, or JSON Lines (the lines of [`jsonl::records`]: blank lines
/// skipped), after one leading byte-order mark, as [`codguard::Engine::parse_jsonl`] reads
/// files.
pub(crate) fn json_list<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    data_error: cg_status,
) -> Result<Vec<T>> {
    let body = text.strip_prefix(jsonl::BYTE_ORDER_MARK).unwrap_or(text);
    if body.trim_start().starts_with('[') {
        return json(body, what, data_error);
    }
    jsonl::records(text)
        .map(|(number, line)| json_line(line, number, what, data_error))
        .collect()
}

/// Parses line `number` of a JSON Lines text.
fn json_line<T: serde::de::DeserializeOwned>(
    line: &str,
    number: usize,
    what: &str,
    data_error: cg_status,
) -> Result<T> {
    serde_json::from_str(line).map_err(|e| {
        // One line at a time: serde's position is always "line 1"; say the file's, as
        // Engine::parse_jsonl does.
        let (at, text) = jsonl::error_at(&e, line, number);
        failure_of(&e, line, &format!("{what}, {at}"), data_error, &text)
    })
}

/// One element of a batch: the JSON value, or why it could not be read.
pub(crate) type Item = std::result::Result<serde_json::Value, Unread>;

/// An element of a batch that could not be read: the error, and the `order_id` its text names
/// (as a report of it shows: [`jsonl::order_id`], [`jsonl::NotUtf8::order_id`]; empty when
/// none), so that the answer in its place says which order it was.
pub(crate) struct Unread {
    pub(crate) error: codguard::Error,
    pub(crate) order_id: String,
}

impl Unread {
    fn new(error: codguard::Error, order_id: Option<String>) -> Unread {
        Unread {
            error,
            order_id: order_id.unwrap_or_default(),
        }
    }
}

/// The elements of a batch (`what`): a JSON array or JSON Lines, read one element at a time,
/// so that one that is not valid Unicode is its own error (`invalid_utf8`) in its place and
/// does not fail the others: a JSON Lines line of bytes that are not UTF-8, an element or a
/// line holding a lone surrogate escape (`\ud800`).
///
/// Fails whole only when the text is no list of JSON values: a line that is not JSON, an array
/// that is not well-formed JSON, or an array whose bytes are not UTF-8 (its elements cannot be
/// found without reading it: serde_json's `RawValue` splits an array holding a lone surrogate
/// escape, but only out of UTF-8 text).
pub(crate) fn json_items(bytes: &[u8], what: &str) -> Result<Vec<Item>> {
    let invalid_utf8 = |message: String| codguard::Error::new(ErrorKind::InvalidUtf8, message);
    // A file's leading byte-order mark (Windows tools, spreadsheet exports) is no order.
    let body = bytes
        .strip_prefix(jsonl::BYTE_ORDER_MARK.as_bytes())
        .unwrap_or(bytes);
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let text = utf8(body, what)?;
        let elements: Vec<&serde_json::value::RawValue> = serde_json::from_str(text)
            .map_err(|e| json_failure(&e, text, what, cg_status::CG_INVALID_RECORD))?;
        return Ok(elements
            .iter()
            .map(|element| {
                serde_json::from_str(element.get()).map_err(|e| {
                    let error = if codguard::error::lone_surrogate_escape(element.get()) {
                        invalid_utf8(format!("order {LONE_SURROGATE}"))
                    } else {
                        // Not met: RawValue has read the element's syntax but its escapes.
                        codguard::Error::new(
                            ErrorKind::InvalidRecord,
                            format!("order: {}", redact(&e.to_string())),
                        )
                    };
                    Unread::new(error, jsonl::order_id(element.get()))
                })
            })
            .collect());
    }
    let mut items = Vec::new();
    for (number, line) in jsonl::records_in_bytes(bytes) {
        let line = match line {
            Ok(line) => line,
            Err(bad) => {
                let error = invalid_utf8(format!(
                    "{what}, line {number}, column {}: not UTF-8",
                    bad.column()
                ));
                items.push(Err(Unread::new(error, bad.order_id())));
                continue;
            }
        };
        match json_line(line, number, what, cg_status::CG_INVALID_RECORD) {
            Ok(value) => items.push(Ok(value)),
            Err(f) if f.status == cg_status::CG_INVALID_UTF8 => items.push(Err(Unread::new(
                invalid_utf8(f.message),
                jsonl::order_id(line),
            ))),
            Err(f) => return Err(f),
        }
    }
    Ok(items)
}

/// How a text holding a `\ud800` escape without its pair is described.
const LONE_SURROGATE: &str = "holds a lone surrogate escape (\\ud800 to \\udfff without its pair)";

fn json_failure(e: &serde_json::Error, text: &str, what: &str, data_error: cg_status) -> Failure {
    // serde's own words, with its column in characters as an editor shows it.
    let (message, column) = codguard::error::json_error_text(e, text);
    let message = format!("{message} at line {} column {column}", e.line());
    failure_of(e, text, what, data_error, &message)
}

/// The failure for `e`, an error reading the JSON `text` (`what`, where), said as `message`.
fn failure_of(
    e: &serde_json::Error,
    text: &str,
    what: &str,
    data_error: cg_status,
    message: &str,
) -> Failure {
    use serde_json::error::Category;
    let status = match e.classify() {
        Category::Data => data_error,
        // A `\ud800` escape is well-formed JSON of text no Unicode string can hold: the
        // contract's invalid_utf8, as a lone surrogate in a Python str.
        Category::Syntax if codguard::error::lone_surrogate_escape(text) => {
            return Failure::new(
                cg_status::CG_INVALID_UTF8,
                format!("{what} {LONE_SURROGATE}"),
            )
        }
        Category::Syntax | Category::Eof | Category::Io => cg_status::CG_INVALID_JSON,
    };
    Failure::new(status, format!("{what}: {}", redact(message)))
}

/// serde quotes offending values (`invalid type: string "0612..."`); keep customer data out of
/// error messages by blanking every double-quoted stretch.
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if inside {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// Owned output buffers: a hidden length header, the bytes, a NUL. The header lets one
/// `cg_string_free(ptr)` / `cg_bytes_free(ptr)` release any buffer without the caller passing
/// its length, even when the text itself contains NUL bytes.
const HEADER: usize = std::mem::size_of::<usize>();

pub(crate) fn alloc_out(data: &[u8]) -> *mut u8 {
    let total = HEADER + data.len() + 1;
    let mut v = Vec::with_capacity(total);
    v.extend_from_slice(&total.to_ne_bytes());
    v.extend_from_slice(data);
    v.push(0);
    let base = Box::into_raw(v.into_boxed_slice()).cast::<u8>();
    // SAFETY: the allocation is `total > HEADER` bytes long.
    unsafe { base.add(HEADER) }
}

/// # Safety
/// `p` is NULL or came from [`alloc_out`] and was not freed.
pub(crate) unsafe fn free_out(p: *mut u8) {
    if p.is_null() {
        return;
    }
    // SAFETY: `alloc_out` put `HEADER` bytes of length before `p`.
    unsafe {
        let base = p.sub(HEADER);
        let mut header = [0u8; HEADER];
        std::ptr::copy_nonoverlapping(base, header.as_mut_ptr(), HEADER);
        let total = usize::from_ne_bytes(header);
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
            base, total,
        )));
    }
}

/// Hands `text` to the caller as an owned NUL-terminated string and its length.
pub(crate) fn give_string(text: &str, out_str: &mut *mut c_char, out_len: &mut usize) {
    *out_str = alloc_out(text.as_bytes()).cast();
    *out_len = text.len();
}

/// Hands `data` to the caller as owned bytes and their length.
pub(crate) fn give_bytes(data: &[u8], out_bytes: &mut *mut u8, out_len: &mut usize) {
    *out_bytes = alloc_out(data);
    *out_len = data.len();
}

/// Serializes `value` for the caller; our own types always serialize.
pub(crate) fn give_json<T: serde::Serialize>(
    value: &T,
    out_json: &mut *mut c_char,
    out_len: &mut usize,
) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::new(cg_status::CG_PANIC, format!("serializing the result: {e}")))?;
    give_string(&text, out_json, out_len);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = run(|| panic!("boom"));
        assert_eq!(status, cg_status::CG_PANIC);
        let mut buf = [0 as c_char; 64];
        let mut n = 0usize;
        // SAFETY: a 64-byte buffer and a usize to write.
        let st = unsafe { crate::status::cg_last_error_message(buf.as_mut_ptr(), 64, &raw mut n) };
        assert_eq!(st, cg_status::CG_OK);
        // SAFETY: NUL-terminated by cg_last_error_message.
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(text.to_str().unwrap(), "panic: boom");
        assert_eq!(run(|| Ok(())), cg_status::CG_OK);
    }

    #[test]
    fn header_version_is_the_crate_version() {
        let header = include_str!("../../include/codguard.h");
        let want = format!("#define CG_VERSION \"{}\"", env!("CARGO_PKG_VERSION"));
        assert!(header.contains(&want));
    }

    #[test]
    fn redact_blanks_quoted_values() {
        assert_eq!(
            redact(r#"invalid type: string "0612345678", expected i64 at line 1"#),
            r#"invalid type: string "…", expected i64 at line 1"#
        );
        assert_eq!(
            redact("missing field `order_id`"),
            "missing field `order_id`"
        );
    }

    #[test]
    fn out_buffers_round_trip_with_inner_nul() {
        let p = alloc_out(b"a\0b");
        // SAFETY: just allocated, 3 bytes and a NUL.
        unsafe {
            assert_eq!(std::slice::from_raw_parts(p, 4), b"a\0b\0");
            free_out(p);
            free_out(std::ptr::null_mut());
        }
    }
}
