//! Scaling bench: synthetic histories of any size, measuring ingest rate, memory per past
//! order, assess latency (p50, p99 on one core) right after ingest and in a fresh worker
//! process that loads the snapshot (how a shop serves), snapshot save and load.
//!
//! ```text
//! cargo run --release --example scale -- 100000 1000000 5000000
//! cargo run --release --example scale -- --dense 100000 1000000
//! ```
//! Each size runs in its own process (this program re-executes itself), so memory figures do
//! not mix. The histories are deterministic (fixed seed): customers with 1 to 5 orders in six
//! countries, phones in varied formats, Arabic and French addresses, shared streets and names.
//! With `--dense`, the labelled generator's crowded shop instead (`synth --dense`: 30 streets
//! per city, houses 1 to 249, 12% of customers a neighbour of another), its history cut at the
//! size asked for, its customers' new orders assessed.
//!
//! With `SCALE_KEEP=DIR` the snapshot and the new orders of each size stay in DIR
//! (`scale-[dense-]N.snapshot`, `.jsonl`), to profile the worker alone:
//! `valgrind --tool=callgrind --toggle-collect='*Engine::assess*' target/release/examples/scale
//! --serve DIR/scale-dense-1000000.snapshot DIR/scale-dense-1000000.jsonl`.
//!
//! Besides time and memory, each run reports how many past orders the walk judged per
//! assessment (`looked`: p50, p99, mean): the work that grows with the neighbourhood.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;

#[path = "common/dataset.rs"]
mod dataset;
#[path = "common/synth.rs"]
mod synth;
use synth::synth;

/// The history of `n` orders and 20,000 new orders: the bench stream, or the crowded shop.
fn orders(n: usize, dense: bool) -> (Vec<codguard::HistoryRecord>, Vec<codguard::Order>) {
    if !dense {
        return synth(n, 20_000);
    }
    // About 2.2 past orders per customer: half as many customers as orders is enough.
    let shop = synth::generate(&synth::Config {
        customers: (n / 2).max(20_000),
        seed: 1,
        density: synth::Density::Dense,
        ..synth::Config::default()
    });
    let mut history = shop.data.history;
    assert!(
        history.len() >= n,
        "the dense shop has fewer orders than asked"
    );
    history.truncate(n);
    let mut queries = shop.data.queries;
    queries.truncate(20_000);
    (history, queries)
}

/// How many past orders the walk judged per assessment: p50, p99, mean.
fn looked(engine: &Engine, queries: &[codguard::Order]) -> (usize, usize, f64) {
    let mut counts: Vec<usize> = queries
        .iter()
        .map(|q| engine.walk_cost(q).expect("valid order"))
        .collect();
    counts.sort_unstable();
    let pct = |p: f64| counts[((counts.len() - 1) as f64 * p) as usize];
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    (pct(0.5), pct(0.99), mean)
}

/// Counts live heap bytes while `COUNTING` is on, so the engine's own memory can be told from
/// what the allocator keeps around. Off while anything is timed: a shared counter updated by
/// every allocation of every thread would slow the timed work down.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The CPU time this thread has used, in µs: unlike wall-clock time, not inflated by the
/// moments a loaded machine gives the core to another process (on a shared 2-core machine
/// these put milliseconds into the wall-clock p99).
fn thread_cpu_us() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write into; the clock exists on every Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1e6 + t.tv_nsec as f64 / 1e3
}

/// p50 and p99 of `assess` in µs over `queries`, one at a time on this thread (wall clock,
/// then thread CPU time), and the mean number of matches.
fn latencies(engine: &Engine, queries: &[codguard::Order]) -> (f64, f64, f64, f64, f64) {
    let mut micros: Vec<f64> = Vec::with_capacity(queries.len());
    let mut cpu: Vec<f64> = Vec::with_capacity(queries.len());
    let mut matched = 0usize;
    for q in queries {
        let (t, c) = (Instant::now(), thread_cpu_us());
        let a = engine.assess(q).expect("valid order");
        cpu.push(thread_cpu_us() - c);
        micros.push(t.elapsed().as_secs_f64() * 1e6);
        matched += a.matches.len();
    }
    micros.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let pct = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p) as usize];
    (
        pct(&micros, 0.5),
        pct(&micros, 0.99),
        matched as f64 / queries.len() as f64,
        pct(&cpu, 0.5),
        pct(&cpu, 0.99),
    )
}

fn run(n: usize, dense: bool) {
    let (history, queries) = orders(n, dense);
    let mut engine = Engine::new(PolicyConfig::default());
    // Warm the process-wide tables (phone metadata, word lists) outside the measurement.
    let _ = engine.assess(&queries[0]);
    let t = Instant::now();
    engine
        .add_history(history)
        .expect("synthetic history is valid");
    let ingest = t.elapsed().as_secs_f64();

    let after_ingest = latencies(&engine, &queries);
    let looked = looked(&engine, &queries);
    let t = Instant::now();
    let bytes = engine.save();
    let save = t.elapsed().as_secs_f64();
    drop(engine);
    let t = Instant::now();
    let loaded = Engine::load(&bytes).expect("own snapshot loads");
    let load = t.elapsed().as_secs_f64();
    assert_eq!(loaded.len(), n);
    drop(loaded);

    // How a worker serves: a fresh process loads the snapshot at start, then assesses (its heap
    // has none of the churn of generating and ingesting a million records here).
    let keep = std::env::var_os("SCALE_KEEP").map(std::path::PathBuf::from);
    let (snap, orders) = match &keep {
        Some(dir) => {
            let name = format!("scale-{}{n}", if dense { "dense-" } else { "" });
            std::fs::create_dir_all(dir).expect("SCALE_KEEP is a writable directory");
            (
                dir.join(format!("{name}.snapshot")),
                dir.join(format!("{name}.jsonl")),
            )
        }
        None => {
            let dir = std::env::temp_dir();
            let id = std::process::id();
            (
                dir.join(format!("codguard-scale-{n}-{id}.snapshot")),
                dir.join(format!("codguard-scale-{n}-{id}.jsonl")),
            )
        }
    };
    let lines: Vec<String> = queries
        .iter()
        .map(|q| serde_json::to_string(q).expect("an order serializes"))
        .collect();
    std::fs::write(&snap, &bytes).expect("temp dir is writable");
    std::fs::write(&orders, lines.join("\n")).expect("temp dir is writable");
    let worker = std::process::Command::new(std::env::current_exe().expect("own path"))
        .args(["--serve".as_ref(), snap.as_os_str(), orders.as_os_str()])
        .output()
        .expect("the worker starts");
    if keep.is_none() {
        let _ = (std::fs::remove_file(&snap), std::fs::remove_file(&orders));
    }
    let served: Vec<f64> = String::from_utf8_lossy(&worker.stdout)
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let after_load = (
        served.first().copied().unwrap_or(f64::NAN),
        served.get(1).copied().unwrap_or(f64::NAN),
    );

    // The engine's memory: the heap a loaded engine holds (the same index as after ingest).
    COUNTING.store(true, Ordering::SeqCst);
    let before = LIVE.load(Ordering::SeqCst);
    let counted = Engine::load(&bytes).expect("own snapshot loads");
    let per_order = LIVE.load(Ordering::SeqCst).wrapping_sub(before) as f64 / n as f64;
    COUNTING.store(false, Ordering::SeqCst);
    drop(counted);
    println!(
        "{{\"history\": {n}, \"dense\": {dense}, \"looked_p50\": {}, \"looked_p99\": {}, \"looked_mean\": {:.1}, \"ingest_orders_per_s\": {:.0}, \"heap_bytes_per_order\": {per_order:.0}, \"assess_p50_us\": {:.2}, \"assess_p99_us\": {:.2}, \"worker_assess_p50_us\": {:.2}, \"worker_assess_p99_us\": {:.2}, \"worker_cpu_p50_us\": {:.2}, \"worker_cpu_p99_us\": {:.2}, \"matches_per_query\": {:.2}, \"snapshot_mb\": {:.1}, \"save_s\": {save:.3}, \"load_s\": {load:.3}}}",
        looked.0,
        looked.1,
        looked.2,
        n as f64 / ingest,
        after_ingest.0,
        after_ingest.1,
        after_load.0,
        after_load.1,
        served.get(2).copied().unwrap_or(f64::NAN),
        served.get(3).copied().unwrap_or(f64::NAN),
        after_ingest.2,
        bytes.len() as f64 / 1e6,
    );
}

/// The worker: loads a snapshot, assesses the orders of a JSONL file, prints p50 and p99 (µs).
fn serve(snapshot: &str, orders: &str) {
    let bytes = std::fs::read(snapshot).expect("snapshot written by the parent");
    let text = std::fs::read_to_string(orders).expect("orders written by the parent");
    let engine = Engine::load(&bytes).expect("own snapshot loads");
    drop(bytes);
    let queries: Vec<codguard::Order> = Engine::parse_jsonl(&text).expect("own orders parse");
    let _ = engine.assess(&queries[0]);
    let (p50, p99, _, cpu50, cpu99) = latencies(&engine, &queries);
    let (l50, l99, mean) = looked(&engine, &queries);
    println!("{p50:.2} {p99:.2} {cpu50:.2} {cpu99:.2} looked {l50} {l99} {mean:.1}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, snapshot, orders] = args.as_slice() {
        if flag == "--serve" {
            serve(snapshot, orders);
            return;
        }
    }
    let dense = args.iter().any(|a| a == "--dense");
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    if let [n] = sizes.as_slice() {
        run(*n, dense);
        return;
    }
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    let exe = std::env::current_exe().expect("own path");
    for n in sizes {
        let mut child = std::process::Command::new(&exe);
        if dense {
            child.arg("--dense");
        }
        let status = child.arg(n.to_string()).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("scale: run with {n} orders failed");
            std::process::exit(1);
        }
    }
}
