//! Scaling bench: synthetic histories of any size, measuring ingest rate, resident memory per
//! past order, assess latency (p50, p99 on one core), snapshot save and load.
//!
//! ```text
//! cargo run --release --example scale -- 100000 1000000 5000000
//! ```
//! Each size runs in its own process (this program re-executes itself), so memory figures do
//! not mix. The histories are deterministic (fixed seed): customers with 1 to 5 orders in six
//! countries, phones in varied formats, Arabic and French addresses, shared streets and names.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::{HistoryRecord, Order, Outcome};

/// Counts live heap bytes, so the engine's own memory can be told from what the allocator
/// keeps around after the input records are freed.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const FIRST: &[&str] = &[
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Omar",
    "Khalid",
    "Hassan",
    "Ali",
    "Karim",
    "Rachid",
    "Said",
    "Fatima",
    "Khadija",
    "Salma",
    "Nour",
    "Imane",
    "Hanane",
    "Sara",
    "Meryem",
    "Aicha",
    "Zineb",
    "محمد",
    "أحمد",
    "يوسف",
    "عمر",
    "خالد",
    "فاطمة",
    "خديجة",
    "سلمى",
    "نور",
    "مريم",
];
const LAST: &[&str] = &[
    "Alaoui",
    "Benali",
    "Tazi",
    "Idrissi",
    "Bennani",
    "Chraibi",
    "El Amrani",
    "Haddad",
    "Mansour",
    "Khalil",
    "Ibrahim",
    "Hassani",
    "Berrada",
    "Filali",
    "Lahlou",
    "Kettani",
    "Sqalli",
    "Naciri",
    "العلوي",
    "بن علي",
    "التازي",
    "الإدريسي",
    "بناني",
    "حداد",
    "منصور",
    "خليل",
    "إبراهيم",
    "الحسني",
];
const STREETS: &[&str] = &[
    "Rue Palestine",
    "Avenue Hassan II",
    "Boulevard Mohammed V",
    "Rue Ibn Battouta",
    "Rue Allal Ben Abdellah",
    "Boulevard Zerktouni",
    "Avenue des FAR",
    "Rue de Marseille",
    "Rue Larbi Ben M'hidi",
    "Avenue Habib Bourguiba",
    "شارع الجيش الملكي",
    "زنقة ابن بطوطة",
    "شارع محمد الخامس",
    "شارع التحرير",
    "شارع الحسن الثاني",
];
/// (country, cities, national mobile prefixes, digits after the prefix)
const COUNTRIES: &[(&str, &[&str], &[&str], usize)] = &[
    (
        "MA",
        &[
            "Casablanca",
            "Rabat",
            "Fes",
            "Marrakech",
            "Tanger",
            "Agadir",
        ],
        &["06", "07"],
        8,
    ),
    (
        "EG",
        &["Cairo", "Giza", "Alexandria", "Tanta"],
        &["010", "011", "012", "015"],
        8,
    ),
    (
        "SA",
        &["Riyadh", "Jeddah", "Dammam"],
        &["050", "053", "055"],
        7,
    ),
    (
        "DZ",
        &["Alger", "Oran", "Constantine"],
        &["05", "06", "07"],
        8,
    ),
    ("TN", &["Tunis", "Sfax", "Sousse"], &["2", "5", "9"], 7),
    (
        "AE",
        &["Dubai", "Abu Dhabi", "Sharjah"],
        &["050", "052", "055"],
        7,
    ),
];
const OUTCOMES: &[Outcome] = &[
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Delivered,
    Outcome::Refused,
    Outcome::Returned,
    Outcome::Cancelled,
    Outcome::Unconfirmed,
    Outcome::Unreachable,
];

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// A customer: the fixed facts every order of theirs varies around.
struct Customer {
    name: String,
    national: String,
    email: String,
    address: String,
    city: &'static str,
    country: &'static str,
}

fn customer(rng: &mut fastrand::Rng, i: usize) -> Customer {
    let (country, cities, prefixes, digits) = *pick(rng, COUNTRIES);
    let mut national = pick(rng, prefixes).to_string();
    for _ in 0..digits {
        national.push(char::from(b'0' + rng.u8(0..10)));
    }
    let first = pick(rng, FIRST);
    let last = pick(rng, LAST);
    let city = *pick(rng, cities);
    let street = pick(rng, STREETS);
    let house = rng.u32(1..300);
    let address = if rng.bool() {
        format!("{house} {street}, Appt {}", rng.u32(1..40))
    } else {
        format!("{house} {street}")
    };
    let email = if rng.u8(0..3) == 0 {
        String::new()
    } else {
        format!("cust{i}.{}@gmail.com", rng.u32(0..1000))
    };
    Customer {
        name: format!("{first} {last}"),
        national,
        email,
        address,
        city,
        country,
    }
}

fn order(rng: &mut fastrand::Rng, c: &Customer, id: usize, t: i64) -> Order {
    let phone = match rng.u8(0..4) {
        0 => c.national.clone(),
        1 => format!("00{}{}", cc(c.country), c.national.trim_start_matches('0')),
        2 => format!("+{} {}", cc(c.country), c.national.trim_start_matches('0')),
        _ => c
            .national
            .chars()
            .enumerate()
            .fold(String::new(), |mut s, (i, ch)| {
                if i > 0 && i % 2 == 0 {
                    s.push(' ');
                }
                s.push(ch);
                s
            }),
    };
    Order {
        order_id: format!("o-{id:09}").into(),
        placed_at: t,
        name: if rng.bool() {
            c.name.clone()
        } else {
            c.name.to_uppercase()
        },
        phone,
        email: c.email.clone(),
        address: c.address.clone(),
        city: c.city.into(),
        country: c.country.into(),
        total: f64::from(rng.u32(50..2000)),
        currency: String::new(),
    }
}

fn cc(country: &str) -> &'static str {
    match country {
        "MA" => "212",
        "EG" => "20",
        "SA" => "966",
        "DZ" => "213",
        "TN" => "216",
        _ => "971",
    }
}

/// `n` past orders and `queries` new orders of returning customers, deterministically.
fn synth(n: usize, queries: usize) -> (Vec<HistoryRecord>, Vec<Order>) {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut history = Vec::with_capacity(n);
    let mut customers = Vec::new();
    let mut t = 1_600_000_000i64;
    while history.len() < n {
        let c = customer(&mut rng, customers.len());
        for _ in 0..rng.usize(1..=5) {
            if history.len() == n {
                break;
            }
            t += rng.i64(1..120);
            let o = order(&mut rng, &c, history.len(), t);
            history.push(HistoryRecord {
                order: o,
                outcome: *pick(&mut rng, OUTCOMES),
                negotiated: rng.u8(0..10) == 0,
            });
        }
        customers.push(c);
    }
    let queries = (0..queries)
        .map(|i| {
            let c = &customers[rng.usize(..customers.len())];
            order(&mut rng, c, n + i, t + 86_400)
        })
        .collect();
    (history, queries)
}

/// Heap bytes a record's strings hold (capacity, as the allocator counts it).
fn record_heap_bytes(r: &HistoryRecord) -> usize {
    let o = &r.order;
    [
        &o.order_id.0,
        &o.name,
        &o.phone,
        &o.email,
        &o.address,
        &o.city,
        &o.country,
        &o.currency,
    ]
    .iter()
    .map(|s| s.capacity())
    .sum()
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn run(n: usize) {
    let (history, queries) = synth(n, 20_000);
    let mut engine = Engine::new(PolicyConfig::default());
    // Warm the process-wide tables (phone metadata, word lists) outside the measurement.
    let _ = engine.assess(&queries[0]);
    let heap_before = LIVE.load(Ordering::Relaxed);
    let history_bytes: usize = history.iter().map(record_heap_bytes).sum::<usize>()
        + history.capacity() * std::mem::size_of::<HistoryRecord>();
    let t = Instant::now();
    engine
        .add_history(history)
        .expect("synthetic history is valid");
    let ingest = t.elapsed().as_secs_f64();
    // The input records were freed inside add_history; what is left is the engine.
    let heap = (LIVE.load(Ordering::Relaxed) + history_bytes).saturating_sub(heap_before);
    let per_order = heap as f64 / n as f64;

    let mut micros: Vec<f64> = Vec::with_capacity(queries.len());
    let mut matched = 0usize;
    for q in &queries {
        let t = Instant::now();
        let a = engine.assess(q).expect("valid order");
        micros.push(t.elapsed().as_secs_f64() * 1e6);
        matched += a.matches.len();
    }
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| micros[((micros.len() - 1) as f64 * p) as usize];

    let t = Instant::now();
    let bytes = engine.save();
    let save = t.elapsed().as_secs_f64();
    drop(engine);
    let t = Instant::now();
    let loaded = Engine::load(&bytes).expect("own snapshot loads");
    let load = t.elapsed().as_secs_f64();
    assert_eq!(loaded.len(), n);
    println!(
        "{{\"history\": {n}, \"ingest_orders_per_s\": {:.0}, \"heap_bytes_per_order\": {per_order:.0}, \"rss_mb\": {:.0}, \"assess_p50_us\": {:.2}, \"assess_p99_us\": {:.2}, \"matches_per_query\": {:.2}, \"snapshot_mb\": {:.1}, \"save_s\": {save:.3}, \"load_s\": {load:.3}}}",
        n as f64 / ingest,
        rss_bytes() as f64 / 1e6,
        pct(0.5),
        pct(0.99),
        matched as f64 / queries.len() as f64,
        bytes.len() as f64 / 1e6,
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if let [n] = sizes.as_slice() {
        run(*n);
        return;
    }
    let sizes = if sizes.is_empty() {
        vec![100_000, 1_000_000]
    } else {
        sizes
    };
    let exe = std::env::current_exe().expect("own path");
    for n in sizes {
        let status = std::process::Command::new(&exe).arg(n.to_string()).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("scale: run with {n} orders failed");
            std::process::exit(1);
        }
    }
}
