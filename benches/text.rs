//! Cost of address and name normalization, with the tables already loaded.
//!
//! The `*_queries` benches run over the address, name and city strings of the 5,000 new orders
//! of the shared sample data (`../shared/data/dev/queries.jsonl`) when it is there, else of the
//! repository's synthetic shop (`examples/common/synth.rs`, seed 1), one iteration normalizing
//! every string once: divide the time by the printed count for the cost per call.

#[path = "../examples/common/dataset.rs"]
mod dataset;
#[path = "../examples/common/synth.rs"]
mod synth;

use std::hint::black_box;
use std::time::Duration;

use codguard::normalize::{
    address::normalize_address,
    name::{name_similarity, normalize_name},
    text::{fold, skeleton},
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// (name, address, city, country) of every query of the shared sample data, or of the
/// repository's synthetic shop (seed 1) where `../shared` is absent, and where they come from.
fn queries() -> (Vec<(String, String, String, String)>, &'static str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/dev");
    let (orders, source) = match dataset::Dataset::load(std::path::Path::new(path)) {
        Ok(data) => (data.queries, "the shared sample data"),
        Err(_) => (
            synth::generate(&synth::Config::default()).data.queries,
            "the synthetic shop, seed 1",
        ),
    };
    let rows = orders
        .into_iter()
        .map(|o| (o.name, o.address, o.city, o.country))
        .collect();
    (rows, source)
}

fn bench(c: &mut Criterion) {
    let (qs, source) = queries();
    eprintln!("text bench: {} queries of {source}", qs.len());
    let mut g = c.benchmark_group("text");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .throughput(Throughput::Elements(qs.len() as u64));
    g.bench_function("normalize_address_queries", |b| {
        b.iter(|| {
            for (_, address, city, country) in &qs {
                black_box(normalize_address(black_box(address), city, country).ok());
            }
        });
    });
    g.bench_function("normalize_name_queries", |b| {
        b.iter(|| {
            for (name, _, _, _) in &qs {
                black_box(normalize_name(black_box(name)).ok());
            }
        });
    });
    // What history keys do on top: fold the city, skeleton each street token.
    let streets: Vec<Vec<String>> = qs
        .iter()
        .map(|(_, a, c, k)| {
            normalize_address(a, c, k)
                .map(|a| a.street)
                .unwrap_or_default()
        })
        .collect();
    g.bench_function("fold_city_skeleton_street_queries", |b| {
        b.iter(|| {
            for ((_, _, city, _), street) in qs.iter().zip(&streets) {
                black_box(fold(black_box(city)));
                for t in street {
                    black_box(skeleton(black_box(t)));
                }
            }
        });
    });
    g.finish();

    let mut g = c.benchmark_group("text_one");
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    g.bench_function("normalize_address_ar", |b| {
        b.iter(|| {
            normalize_address(
                black_box("87 ش ديدوش مراد ، الشقة رقم 10 قرب المسجد"),
                black_box("الجزائر"),
                "DZ",
            )
        });
    });
    g.bench_function("normalize_name_latin", |b| {
        b.iter(|| normalize_name(black_box("Mohammed El Alaoui")));
    });
    let (x, y) = (
        normalize_name("Fatima Zahra Tazi").unwrap_or_default(),
        normalize_name("FATIMAZAHRA ETTAZI").unwrap_or_default(),
    );
    g.bench_function("name_similarity", |b| {
        b.iter(|| name_similarity(black_box(&x), black_box(&y)));
    });
    g.bench_function("fold_ascii", |b| {
        b.iter(|| fold(black_box("121 Avenue Hassan II, Appt 19, Heliopolis")));
    });
    g.bench_function("fold_arabic", |b| {
        b.iter(|| fold(black_box("١٢ زنقة ابن بطوطة، حي المعاريف")));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
