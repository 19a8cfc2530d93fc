//! Engine benches: assess one order against a synthetic history of 100k past orders, ingest,
//! snapshot load. `cargo bench -p codguard --bench engine`.

#[path = "../examples/common/dataset.rs"]
mod dataset;
#[path = "../examples/common/synth.rs"]
mod synth;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;

fn engine(c: &mut Criterion) {
    let (history, queries) = synth::synth(100_000, 1_000);
    let mut engine = Engine::new(PolicyConfig::default());
    engine.add_history(history.clone()).expect("valid history");

    let mut i = 0;
    c.bench_function("assess/100k", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            black_box(engine.assess(&queries[i]).expect("valid order"))
        });
    });

    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    let slice: Vec<_> = history[..10_000].to_vec();
    group.throughput(Throughput::Elements(slice.len() as u64));
    group.bench_function("add_history/10k", |b| {
        b.iter_batched(
            || slice.clone(),
            |records| {
                let mut e = Engine::default();
                e.add_history(records).expect("valid");
                e
            },
            BatchSize::LargeInput,
        );
    });
    let bytes = engine.save();
    group.throughput(Throughput::Elements(engine.len() as u64));
    group.bench_function("load/100k", |b| b.iter(|| Engine::load(black_box(&bytes))));
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
