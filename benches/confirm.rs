//! Link-token, flow and reply-intent throughput. Target: `verify_token` at >= 1M/s (<= 1 µs
//! each); a flow's snapshot sealed and restored well under the cost of the database row that
//! holds it.

use codguard::assessment::Action;
use codguard::confirm::{
    reply_intent, verify_token, Channel, ConfirmationFlow, Event, FlowAction, FlowPolicy,
    GuardPolicy, Lang, SendGuard, TokenKey,
};
use codguard::Order;
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
    // One iteration reads every labelled reply (463, every language); docs/measurements.md divides.
    let labelled = labelled_replies();
    c.bench_function("reply_intent_labelled_all", |b| {
        b.iter(|| {
            for (country, text) in &labelled {
                black_box(reply_intent(black_box(text), country).ok());
            }
        })
    });
}

/// A flow that has sent its SMS: what a host restores, verifies a link against and stores.
fn flows(c: &mut Criterion) {
    let order = Order {
        order_id: "o-000123".into(),
        placed_at: 1_767_225_600,
        name: "Salma Bennani".into(),
        phone: "+212612345678".into(),
        email: "salma.bennani@example.com".into(),
        address: "12 rue Ibn Battouta, Maarif".into(),
        country: "MA".into(),
        total: 349.0,
        currency: "MAD".into(),
        ..Order::default()
    };
    let secret = b"a shop secret of reasonable length";
    let mut flow = ConfirmationFlow::new(
        &order,
        Action::Confirm,
        FlowPolicy::default(),
        secret,
        b"16 random bytes!",
    )
    .expect("flow");
    let actions = flow
        .handle(Event::Placed { at: 1_767_225_600 })
        .expect("placed");
    let token = match &actions[0] {
        FlowAction::Send {
            link: Some(link), ..
        } => link.rsplit('/').next().unwrap_or("").to_owned(),
        _ => String::new(),
    };
    c.bench_function("flow_verify_link", |b| {
        b.iter(|| flow.verify_link(black_box(&token), black_box(1_767_230_000)))
    });
    let stored = serde_json::to_vec(&flow.snapshot()).expect("snapshot");
    c.bench_function("flow_snapshot_seal_to_json", |b| {
        b.iter(|| serde_json::to_vec(&black_box(&flow).snapshot()))
    });
    c.bench_function("flow_restore_from_json", |b| {
        b.iter(|| {
            let snapshot = serde_json::from_slice(black_box(&stored)).expect("json");
            ConfirmationFlow::restore(snapshot, secret)
        })
    });
    let mut guard = SendGuard::new(GuardPolicy::default(), secret).expect("guard");
    let mut n = 0u64;
    c.bench_function("send_guard_admit", |b| {
        b.iter(|| {
            n += 1;
            let sms = FlowAction::Send {
                channel: Channel::Sms,
                template: "sms_confirm".into(),
                to: format!("+2126{:08}", n % 100_000_000),
                link: None,
                segments: Some(1),
                lang: Lang::Fr,
                body: String::new(),
            };
            guard.admit(black_box(&sms), "MA", 1_767_225_600 + (n / 1000) as i64)
        })
    });
}

criterion_group!(benches, tokens, flows, replies);
criterion_main!(benches);
