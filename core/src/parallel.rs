//! The thread pool of the parallel calls (`Engine::assess_many`, `Engine::add_history`), one
//! per process.
//!
//! rayon's global pool does not survive `fork()`: the child inherits the pool's bookkeeping but
//! none of its threads, so the first parallel call in the child waits forever for workers that
//! do not exist. Python's `multiprocessing` (fork on Linux before 3.14), gunicorn `--preload`
//! and Celery's prefork workers all fork a parent that may have made such a call. So the work
//! runs on a pool of our own, tagged with the id of the process that built it: a call in a
//! process whose id differs (a forked child) builds a fresh pool first.
//!
//! The pool sits behind a lock taken only to read or swap it. A forked child may inherit that
//! lock held by a parent thread that does not exist in the child, so the lock is only ever
//! tried, a bounded number of times: a child that cannot take it runs on a fresh pool of its
//! own instead of waiting. The parent's pool is never dropped in the child (dropping it would
//! signal threads that are not there); it is a few hundred bytes per fork generation.

use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// The pool and the id of the process that built it.
type Owned = Option<(u32, Arc<ThreadPool>)>;

static POOL: Mutex<Owned> = Mutex::new(None);

/// The lock, tried up to 10,000 times (the holder of a live process holds it for a pointer
/// copy); `None` when it stays held: a lock inherited locked through `fork()`.
fn lock() -> Option<MutexGuard<'static, Owned>> {
    for _ in 0..10_000 {
        match POOL.try_lock() {
            Ok(guard) => return Some(guard),
            // The data is a pointer swap that cannot be left half done.
            Err(TryLockError::Poisoned(p)) => return Some(p.into_inner()),
            Err(TryLockError::WouldBlock) => std::thread::yield_now(),
        }
    }
    None
}

/// This process's pool, built on first use and again after a fork; `None` when the system
/// refuses to start threads (the caller then runs serially).
fn pool() -> Option<Arc<ThreadPool>> {
    let pid = std::process::id();
    if let Some(guard) = lock() {
        if let Some((owner, pool)) = guard.as_ref() {
            if *owner == pid {
                return Some(Arc::clone(pool));
            }
        }
    }
    let fresh = Arc::new(
        ThreadPoolBuilder::new()
            .thread_name(|i| format!("codguard-{i}"))
            .build()
            .ok()?,
    );
    if let Some(mut guard) = lock() {
        if let Some((owner, pool)) = guard.as_ref() {
            if *owner == pid {
                // Another thread of this process built one meanwhile: ours is dropped (its
                // threads are this process's own, so that is an ordinary shutdown).
                return Some(Arc::clone(pool));
            }
        }
        if let Some(parents) = guard.replace((pid, Arc::clone(&fresh))) {
            // The parent's pool: its threads are not in this process. Never dropped here.
            std::mem::forget(parents);
        }
    }
    Some(fresh)
}

/// Runs `work` on this process's pool (so that rayon's parallel iterators inside it use that
/// pool), or on the calling thread when no pool can be started.
pub(crate) fn install<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn work_runs_on_the_process_pool() {
        let names: Vec<String> = install(|| {
            (0..64)
                .into_par_iter()
                .map(|_| std::thread::current().name().unwrap_or("").to_owned())
                .collect()
        });
        assert!(
            names.iter().all(|n| n.starts_with("codguard-")),
            "{names:?}"
        );
        let (a, b) = (pool().expect("a pool"), pool().expect("a pool"));
        assert!(Arc::ptr_eq(&a, &b), "one pool per process");
    }
}
