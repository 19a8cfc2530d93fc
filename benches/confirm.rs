//! Link-token and reply-intent throughput. Target: `verify_token` at >= 1M/s (<= 1 µs each).

use codguard::confirm::{reply_intent, verify_token, TokenKey};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn tokens(c: &mut Criterion) {
    let key = TokenKey::new(b"a shop secret of reasonable length").expect("key");
    let token = key.issue("o-000123", 1_767_400_000);
    c.bench_function("token_verify_with_key", |b| {
        b.iter(|| {
            key.verify(
                black_box(&token),
                black_box("o-000123"),
                black_box(1_767_300_000),
            )
        });
    });
    c.bench_function("verify_token_fn", |b| {
        b.iter(|| {
            verify_token(
                black_box(b"a shop secret of reasonable length"),
                black_box(&token),
                black_box("o-000123"),
                black_box(1_767_300_000),
            )
        });
    });
    c.bench_function("token_issue_with_key", |b| {
        b.iter(|| key.issue(black_box("o-000123"), black_box(1_767_400_000)));
    });
}

/// The replies of `tests/data/replies_labelled.tsv`: (country, text).
fn labelled_replies() -> Vec<(String, String)> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/replies_labelled.tsv");
    let data = std::fs::read_to_string(path).expect("labelled replies");
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let country = if f.get(1)? == &"-" { "" } else { f.get(1)? };
            Some((country.to_owned(), f.get(4)?.to_string()))
        })
        .collect()
}

fn replies(c: &mut Criterion) {
    c.bench_function("reply_intent_darija", |b| {
        b.iter(|| reply_intent(black_box("Wakha a sidi, je confirme"), "MA"));
    });
    // One iteration reads every labelled reply (463, every language); the README divides.
    let labelled = labelled_replies();
    c.bench_function("reply_intent_labelled_all", |b| {
        b.iter(|| {
            for (country, text) in &labelled {
                black_box(reply_intent(black_box(text), country).ok());
            }
        })
    });
}

criterion_group!(benches, tokens, replies);
criterion_main!(benches);
