//! Opaque handles: a boxed value marked with a number of its kind, so that NULL, a handle of
//! another kind, or a freed one is an error status instead of undefined behaviour.

use crate::guard::{Failure, Result};
use crate::status::cg_status::CG_INVALID_HANDLE;

/// A kind of handle: `#[repr(C)]`-free Rust structs that C sees as opaque pointers.
pub(crate) trait Handle: Sized {
    /// What the handle holds.
    type Inner;
    /// The mark of a live handle of this kind.
    const MAGIC: u64;
    /// The name, for messages (`"engine"` for `cg_engine`).
    const NAME: &'static str;

    fn new(inner: Self::Inner) -> Self;
    fn magic(&mut self) -> &mut u64;
    fn parts(&self) -> (u64, &Self::Inner);
    fn parts_mut(&mut self) -> (u64, &mut Self::Inner);
}

/// Makes `$name` (a struct with fields `magic: u64` and `inner: $inner`, declared plainly so
/// that cbindgen sees it) a handle marked with `$magic`.
macro_rules! impl_handle {
    ($name:ident, $c_name:literal, $inner:ty, $magic:expr) => {
        impl $crate::handle::Handle for $name {
            type Inner = $inner;
            const MAGIC: u64 = $magic;
            const NAME: &'static str = $c_name;

            fn new(inner: $inner) -> Self {
                $name {
                    magic: $magic,
                    inner,
                }
            }
            fn magic(&mut self) -> &mut u64 {
                &mut self.magic
            }
            fn parts(&self) -> (u64, &$inner) {
                (self.magic, &self.inner)
            }
            fn parts_mut(&mut self) -> (u64, &mut $inner) {
                (self.magic, &mut self.inner)
            }
        }
    };
}
pub(crate) use impl_handle;

fn not_live<H: Handle>() -> Failure {
    Failure::new(CG_INVALID_HANDLE, format!("not a live cg_{}", H::NAME))
}

/// What a `const` handle holds, read-only.
pub(crate) fn get<'a, H: Handle + 'a>(p: *const H) -> Result<&'a H::Inner> {
    // SAFETY: the caller promises `p` is NULL or a handle this library gave out and has not
    // been freed; the magic number catches the other kinds.
    let h = unsafe { p.as_ref() }.ok_or_else(|| Failure::null(H::NAME))?;
    match h.parts() {
        (magic, inner) if magic == H::MAGIC => Ok(inner),
        _ => Err(not_live::<H>()),
    }
}

/// What a handle holds, for a call with exclusive access.
pub(crate) fn get_mut<'a, H: Handle + 'a>(p: *mut H) -> Result<&'a mut H::Inner> {
    // SAFETY: as `get`, and the caller gives exclusive access for the call.
    let h = unsafe { p.as_mut() }.ok_or_else(|| Failure::null(H::NAME))?;
    match h.parts_mut() {
        (magic, inner) if magic == H::MAGIC => Ok(inner),
        _ => Err(not_live::<H>()),
    }
}

/// Boxes `inner` into a new handle written to `*out`.
pub(crate) fn give<H: Handle>(inner: H::Inner, out: &mut *mut H) {
    *out = Box::into_raw(Box::new(H::new(inner)));
}

/// Releases a handle; NULL does nothing, and so does a pointer that is not a live handle of
/// this kind (leaking is safer than freeing foreign memory).
///
/// # Safety
/// `p` is NULL or a pointer this library gave out, not freed before.
pub(crate) unsafe fn free<H: Handle>(p: *mut H) {
    if p.is_null() {
        return;
    }
    // SAFETY: the caller passes a handle from this library, once.
    let mut boxed = unsafe { Box::from_raw(p) };
    if *boxed.magic() != H::MAGIC {
        std::mem::forget(boxed);
        return;
    }
    *boxed.magic() = 0;
    drop(boxed);
}
