//! Names: the shared vectors, particles across scripts, properties.

use codguard::normalize::name::{name_similarity, normalize_name};
use codguard::normalize::MAX_INPUT_BYTES;
use codguard::ErrorKind;
use proptest::prelude::*;
use serde_json::Value;

fn sim(a: &str, b: &str) -> f64 {
    name_similarity(
        &normalize_name(a).expect("ok"),
        &normalize_name(b).expect("ok"),
    )
}

#[test]
fn vectors() {
    let file: Value =
        serde_json::from_str(include_str!("../../tests/vectors/name.json")).expect("valid JSON");
    let cases = file["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40);
    for case in cases {
        if let Some(close) = case["close"].as_bool() {
            let (a, b) = (
                case["a"].as_str().unwrap_or_default(),
                case["b"].as_str().unwrap_or_default(),
            );
            let s = sim(a, b);
            assert_eq!(s, sim(b, a), "{a} / {b} not symmetric");
            if close {
                assert!(s >= 0.8, "{a} / {b}: {s}");
            } else {
                assert!(s < 0.5, "{a} / {b}: {s}");
            }
        } else {
            let raw = case["raw"].as_str().unwrap_or_default();
            let n = normalize_name(raw).expect("ok");
            assert_eq!(
                n.nonsense,
                case["nonsense"].as_bool().unwrap_or_default(),
                "{raw}"
            );
        }
    }
}

#[test]
fn keys_are_sorted_and_tokens_folded() {
    let n = normalize_name("Mohammed  EL-Alaoui\u{200F}").expect("ok");
    assert_eq!(n.tokens, vec!["mohammed", "el", "alaoui"]);
    let mut sorted = n.keys.clone();
    sorted.sort();
    assert_eq!(n.keys, sorted);
    assert_eq!(normalize_name("").expect("ok").keys, Vec::<String>::new());
}

#[test]
fn too_long() {
    let err = normalize_name(&"م".repeat(MAX_INPUT_BYTES)).expect_err("too long");
    assert_eq!(err.kind(), ErrorKind::InputTooLong);
}

proptest! {
    #[test]
    fn never_panics(raw in any::<String>(), other in any::<String>()) {
        if let (Ok(a), Ok(b)) = (normalize_name(&raw), normalize_name(&other)) {
            let s = name_similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&s));
        }
    }

    #[test]
    fn idempotent_on_tokens(raw in "[a-zA-Z\\u{0621}-\\u{064A} \\-]{0,40}") {
        let once = normalize_name(&raw).expect("short");
        let twice = normalize_name(&once.tokens.join(" ")).expect("short");
        prop_assert_eq!(&twice.keys, &once.keys);
        prop_assert_eq!(&twice.tokens, &once.tokens);
    }

    #[test]
    fn same_name_is_identical(raw in "[a-zA-Z\\u{0621}-\\u{064A} ]{1,30}") {
        let n = normalize_name(&raw).expect("short");
        if !n.keys.is_empty() {
            prop_assert_eq!(name_similarity(&n, &n), 1.0);
        }
    }
}
