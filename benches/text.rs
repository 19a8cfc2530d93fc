//! Cost of one address or name normalization, with the tables already loaded.

use std::hint::black_box;
use std::time::Duration;

use codguard::normalize::{
    address::normalize_address,
    name::{name_similarity, normalize_name},
    text::fold,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("text");
    g.warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g.bench_function("normalize_address_fr", |b| {
        b.iter(|| {
            normalize_address(
                black_box("R. PALESTINE N°103 ، HAY DEIRA"),
                black_box("Dubai"),
                "AE",
            )
        })
    });
    g.bench_function("normalize_address_ar", |b| {
        b.iter(|| {
            normalize_address(
                black_box("87 ش ديدوش مراد ، الشقة رقم 10 قرب المسجد"),
                black_box("الجزائر"),
                "DZ",
            )
        })
    });
    g.bench_function("normalize_name_latin", |b| {
        b.iter(|| normalize_name(black_box("Mohammed El Alaoui")))
    });
    g.bench_function("normalize_name_arabic", |b| {
        b.iter(|| normalize_name(black_box("عبد الرحمن الإدريسي")))
    });
    let (x, y) = (
        normalize_name("Fatima Zahra Tazi").unwrap_or_default(),
        normalize_name("FATIMAZAHRA ETTAZI").unwrap_or_default(),
    );
    g.bench_function("name_similarity", |b| {
        b.iter(|| name_similarity(black_box(&x), black_box(&y)))
    });
    g.bench_function("fold_ascii", |b| {
        b.iter(|| fold(black_box("121 Avenue Hassan II, Appt 19, Heliopolis")))
    });
    g.bench_function("fold_arabic", |b| {
        b.iter(|| fold(black_box("١٢ زنقة ابن بطوطة، حي المعاريف")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
