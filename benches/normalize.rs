//! Criterion benches of the hot normalizers over a realistic mix of checkout inputs.
//!
//! `cargo bench -p codguard --bench normalize -- --quick`

use codguard::normalize::{normalize_email, normalize_phone};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

/// Phone fields as customers type them, with their shop's country (shapes of the dev set).
const PHONES: [(&str, &str); 40] = [
    ("0696030620", "MA"),
    ("06 96 03 06 20", "MA"),
    ("069.603.06.20", "MA"),
    ("069-60-30-62-0", "MA"),
    ("+212 696 03 06 20", "MA"),
    ("+212 (0)710465634", "MA"),
    ("00212696030620", "MA"),
    ("+٢١٢٦٩٦٠٣٠٦٢٠", "MA"),
    ("٠٦٩٦٠٣٠٦٢٠", "MA"),
    ("\u{200f}0696030620\u{200f}", "MA"),
    ("واتساب: 0696030620", "MA"),
    ("0696030620 / 0661234987", "MA"),
    ("212696030620", "MA"),
    ("0612", "MA"),
    ("0600000000", "MA"),
    ("217-066-90", "TN"),
    ("+216 217 066 90", "TN"),
    ("(+216) 21706690", "TN"),
    ("٢٦٩ ٠٠ ٥٩ ٢", "TN"),
    ("+21626900592", "TN"),
    ("(+20) 1236803879", "EG"),
    ("٠١٢٣٦٨٠٣٨٧٩", "EG"),
    ("+201143242834", "EG"),
    ("01143242834", "EG"),
    ("0020 114 324 2834", "EG"),
    ("0551234987", "SA"),
    ("+966 55 123 4987", "SA"),
    ("00966551234987", "SA"),
    ("۰۵۵۱۲۳۴۹۸۷", "SA"),
    ("0551234987", "DZ"),
    ("+213 551 23 49 87", "DZ"),
    ("05 51 23 49 87", "DZ"),
    ("0501234987", "AE"),
    ("+971 50 123 4987", "AE"),
    ("0776377623", "JO"),
    ("+962 7 7637 7623", "JO"),
    ("07 81 64 44 74", "FR"),
    ("+33 (0)7 81 64 44 74", "FR"),
    ("999999999999999", "MA"),
    ("123456789", "MA"),
];

const EMAILS: [&str; 12] = [
    "m.alaoui@gmail.com",
    "M.Alaoui+shop@GoogleMail.com",
    "sara.b@hotmail.fr",
    "karim_b-shop@yahoo.fr",
    "\u{200f}karim@outlook.com ",
    "karim.b@gmial.com",
    "test@gmail.com",
    "x@yopmail.com",
    "0612345678@gmail.com",
    "محمد@مثال.مغرب",
    "contact@boutique.ma",
    "karim@",
];

fn bench(c: &mut Criterion) {
    // Load the metadata and tables outside the measurement.
    let _ = normalize_phone("0696030620", "MA");
    let _ = normalize_email("a@b.cd");
    c.bench_function("normalize_phone mix (per call)", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let (raw, country) = PHONES[i % PHONES.len()];
            i = i.wrapping_add(1);
            black_box(normalize_phone(black_box(raw), black_box(country)).is_ok())
        });
    });
    c.bench_function("normalize_phone valid national", |b| {
        b.iter(|| black_box(normalize_phone(black_box("06 96 03 06 20"), "MA").is_ok()));
    });
    c.bench_function("normalize_email mix (per call)", |b| {
        let mut i = 0usize;
        b.iter(|| {
            let raw = EMAILS[i % EMAILS.len()];
            i = i.wrapping_add(1);
            black_box(normalize_email(black_box(raw)).is_ok())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
