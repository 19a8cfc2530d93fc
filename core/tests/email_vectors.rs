//! Replays `tests/vectors/email.json` and checks the email normalizer's properties: no panic
//! on any input, normalizing a normalized address changes nothing, a domain typed in letters
//! and in its `xn--` form gives one key.

use codguard::normalize::normalize_email;
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    note: String,
    raw: String,
    address: Option<String>,
    key: Option<String>,
    fake: Option<String>,
    suggestion: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[test]
fn email_vectors() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../tests/vectors/email.json")).unwrap();
    assert!(vectors.cases.len() >= 40);
    let mut failures = Vec::new();
    for case in &vectors.cases {
        let got = normalize_email(&case.raw);
        let (address, key, fake, suggestion, error) = match &got {
            Ok(e) => (
                Some(e.address.clone()),
                Some(e.key.clone()),
                e.fake.map(|f| {
                    serde_json::to_value(f)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string()
                }),
                e.suggestion.clone(),
                None,
            ),
            Err(err) => (None, None, None, None, Some(err.kind().code().to_string())),
        };
        if address != case.address
            || key != case.key
            || fake != case.fake
            || suggestion != case.suggestion
            || error != case.error
        {
            failures.push(format!("{} ({:?}): got {got:?}", case.note, case.raw));
        }
        if let Ok(e) = &got {
            let again = normalize_email(&e.address).unwrap();
            if again != *e {
                failures.push(format!("{}: not idempotent: {again:?}", case.note));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
}

fn email_like() -> impl Strategy<Value = String> {
    let part = prop::collection::vec(
        prop_oneof![
            6 => prop::char::range('a', 'z'),
            2 => prop::char::range('A', 'Z'),
            1 => prop::char::range('0', '9'),
            1 => prop::sample::select(vec![
                '.', '+', '-', '_', 'é', 'İ', 'ß', 'ﬁ', 'ｍ', 'م', '\u{200f}', '\u{651}', 'Ω',
            ]),
        ],
        1..12,
    )
    .prop_map(|c| c.into_iter().collect::<String>());
    (
        part.clone(),
        part,
        prop::sample::select(vec!["com", "fr", "ma", "مغرب", "co.uk"]),
    )
        .prop_map(|(l, d, t)| format!("{l}@{d}.{t}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics(raw in any::<String>()) {
        let _ = normalize_email(&raw);
    }

    #[test]
    fn normalizing_twice_changes_nothing(raw in email_like()) {
        if let Ok(e) = normalize_email(&raw) {
            let again = normalize_email(&e.address).unwrap();
            prop_assert_eq!(&again.address, &e.address);
            prop_assert_eq!(&again.key, &e.key);
            prop_assert_eq!(again, e);
        }
    }

    #[test]
    fn ascii_domain_gives_the_same_key(raw in email_like()) {
        if let Ok(e) = normalize_email(&raw) {
            let (local, domain) = e.address.split_once('@').unwrap();
            // A domain the normalizer accepted has an ASCII form (it checked it).
            let ascii =
                idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::STD3).unwrap();
            let typed_ascii = normalize_email(&format!("{local}@{ascii}")).unwrap();
            prop_assert_eq!(&typed_ascii.key, &e.key);
            prop_assert_eq!(typed_ascii.fake, e.fake);
        }
    }
}

/// One mailbox, one key: the domain in letters and in its ASCII (`xn--`) form.
#[test]
fn idn_domain_in_either_form_gives_one_key() {
    let letters = normalize_email("ahmed@مثال.مصر").unwrap();
    let ascii = normalize_email("ahmed@xn--mgbh0fb.xn--wgbh1c").unwrap();
    assert_eq!(letters.key, "ahmed@مثال.مصر");
    assert_eq!(ascii.key, letters.key);
    // The address is what to send to: as the customer typed it.
    assert_eq!(ascii.address, "ahmed@xn--mgbh0fb.xn--wgbh1c");
    // Mixed: one label in each form.
    assert_eq!(
        normalize_email("ahmed@مثال.xn--wgbh1c").unwrap().key,
        letters.key
    );
}

/// The disposable list writes a few domains in their `xn--` form; typed in letters they are
/// still found (and typed as listed, still found).
#[test]
fn disposable_domain_listed_in_ascii_form_found_in_letters() {
    use codguard::normalize::FakeEmailReason::DisposableDomain;
    let listed = "xn--yaho-sqa.com";
    let (letters, checked) = idna::domain_to_unicode(listed);
    checked.unwrap();
    assert_ne!(letters, listed);
    for domain in [listed, letters.as_str()] {
        let e = normalize_email(&format!("karim@{domain}")).unwrap();
        assert_eq!(e.fake, Some(DisposableDomain), "{domain}");
        assert_eq!(e.key, format!("karim@{letters}"));
    }
}
