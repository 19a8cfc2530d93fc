//! The C API of codguard (`libcodguard`, header `include/codguard.h`).
//!
//! A thin layer over the `codguard` crate, with no logic of its own: opaque handles with
//! new/free pairs, JSON text in and out for records, typed functions for the normalizers, a
//! status code from every function. See the conventions comment at the top of the header.
//!
//! Every exported function runs inside [`ffi_guard!`] (a `catch_unwind` boundary); `build.rs`
//! fails the build when one does not.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
// Every unsafe block says why it is sound (issue 15): clippy refuses one without a SAFETY comment.
#![deny(clippy::undocumented_unsafe_blocks)]

#[macro_use]
mod guard;
mod handle;

pub mod engine;
pub mod flow;
pub mod normalize;
pub mod send_guard;
pub mod status;
pub mod store;

use std::os::raw::c_char;

pub use status::cg_status;

/// The library's version (`"0.1.0"`), a static NUL-terminated string that must not be freed.
/// Compare it with the header's `CG_VERSION` to detect a mismatched library at run time.
#[no_mangle]
pub extern "C" fn cg_version() -> *const c_char {
    ffi_guard!(or std::ptr::null(), {
        const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        VERSION.as_ptr().cast()
    })
}

/// Releases a string returned by the library. NULL is accepted and does nothing.
///
/// # Safety
/// `s` is NULL or a string the library returned and that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn cg_string_free(s: *mut c_char) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes a string from this library, once.
        unsafe { guard::free_out(s.cast()) }
    })
}

/// Releases bytes returned by the library (`cg_engine_save`, ...). NULL is accepted.
///
/// # Safety
/// `bytes` is NULL or a buffer the library returned and that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn cg_bytes_free(bytes: *mut u8) {
    ffi_guard!(or(), {
        // SAFETY: the caller passes bytes from this library, once.
        unsafe { guard::free_out(bytes) }
    })
}
