//! Opaque handles: a boxed value marked with a number of its kind, and a registry of the live
//! ones, so that NULL, a handle of another kind, a freed one or a pointer that was never a
//! handle is an error status, found without reading the memory it points to.
//!
//! The registry holds (address, kind) of every handle given out and not yet freed. A pointer is
//! read only when the registry holds it with the kind the function expects. What it cannot
//! tell: a freed handle whose address the allocator has since given to a new handle of the
//! same kind is that new handle (the pointer is the same). And it does not make a handle safe
//! to free while another thread uses it: that stays the caller's promise (see the header).
//!
//! Cost: one lookup under a read lock per call, measured with callgrind in README.md.
//!
//! The structs are plain Rust (not `#[repr(C)]` with the tag first): no pointer is read before
//! the registry holds it as a live handle of the expected kind, so the tag's offset cannot make
//! a read go outside a handle; and cbindgen keeps a non-`repr(C)` struct opaque in the header.

use std::collections::BTreeSet;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::guard::{Failure, Result};
use crate::status::cg_status::CG_INVALID_HANDLE;

/// The live handles: (address, kind's magic).
static LIVE: RwLock<BTreeSet<(usize, u64)>> = RwLock::new(BTreeSet::new());

// A panic while the lock is held cannot leave the set half changed (insert and remove are
// whole), so a poisoned lock is used as is.
fn live() -> RwLockReadGuard<'static, BTreeSet<(usize, u64)>> {
    LIVE.read().unwrap_or_else(|p| p.into_inner())
}

fn live_mut() -> RwLockWriteGuard<'static, BTreeSet<(usize, u64)>> {
    LIVE.write().unwrap_or_else(|p| p.into_inner())
}

/// Whether `p` is a live handle of kind `H`.
fn is_live<H: Handle>(p: *const H) -> bool {
    live().contains(&(p as usize, H::MAGIC))
}

/// A kind of handle: Rust structs that C sees as opaque pointers (their layout is never read
/// before the registry vouches for the pointer).
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
    if p.is_null() {
        return Err(Failure::null(H::NAME));
    }
    if !is_live(p) {
        return Err(not_live::<H>());
    }
    // SAFETY: the registry holds `p` as a live handle of this kind: `give` boxed it and `free`
    // has not released it. The caller promises no other call frees it meanwhile (the header's
    // thread rules); the magic number is checked again as a second line.
    let h = unsafe { p.as_ref() }.ok_or_else(|| Failure::null(H::NAME))?;
    match h.parts() {
        (magic, inner) if magic == H::MAGIC => Ok(inner),
        _ => Err(not_live::<H>()),
    }
}

/// What a handle holds, for a call with exclusive access.
pub(crate) fn get_mut<'a, H: Handle + 'a>(p: *mut H) -> Result<&'a mut H::Inner> {
    if p.is_null() {
        return Err(Failure::null(H::NAME));
    }
    if !is_live(p) {
        return Err(not_live::<H>());
    }
    // SAFETY: as `get`, and the caller gives exclusive access for the call.
    let h = unsafe { p.as_mut() }.ok_or_else(|| Failure::null(H::NAME))?;
    match h.parts_mut() {
        (magic, inner) if magic == H::MAGIC => Ok(inner),
        _ => Err(not_live::<H>()),
    }
}

/// Boxes `inner` into a new handle written to `*out`.
pub(crate) fn give<H: Handle>(inner: H::Inner, out: &mut *mut H) {
    let p = Box::into_raw(Box::new(H::new(inner)));
    live_mut().insert((p as usize, H::MAGIC));
    *out = p;
}

/// Releases a handle; NULL does nothing, and so does a pointer that is not a live handle of
/// this kind (freed already, of another kind, never a handle): it is not read.
///
/// # Safety
/// No other call uses `p` meanwhile.
pub(crate) unsafe fn free<H: Handle>(p: *mut H) {
    if p.is_null() || !live_mut().remove(&(p as usize, H::MAGIC)) {
        return;
    }
    // SAFETY: the registry held `p` as a live handle of this kind, boxed by `give`; removing it
    // under the write lock makes this call its one owner (a second free finds it gone).
    let mut boxed = unsafe { Box::from_raw(p) };
    if *boxed.magic() != H::MAGIC {
        std::mem::forget(boxed);
        return;
    }
    *boxed.magic() = 0;
    drop(boxed);
}
