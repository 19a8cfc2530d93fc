//! Replays `tests/vectors/reply_intent.json` and `tests/vectors/token.json`.

use codguard::confirm::{issue_token, reply_intent, verify_token, Intent, TokenKey};
use proptest::prelude::*;
use serde_json::Value;

fn cases(file: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(file);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    v["cases"].as_array().expect("cases").clone()
}

#[test]
fn reply_intent_vectors() {
    let cases = cases("reply_intent.json");
    assert!(cases.len() >= 200);
    let mut failures = Vec::new();
    for c in &cases {
        let text = c["text"].as_str().expect("text");
        // null and "" both mean "no country".
        let country = c["country"].as_str().unwrap_or("");
        let got = match reply_intent(text, country) {
            Ok(r) => (serde_json::to_value(r).expect("json"), Value::Null),
            Err(e) => (Value::Null, Value::from(e.kind().code())),
        };
        if got != (c["expected"].clone(), c["error"].clone()) {
            failures.push(format!(
                "{text:?} ({country}, {}): got {} / {}, want {} / {}",
                c["note"], got.0, got.1, c["expected"], c["error"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn token_vectors() {
    for c in cases("token.json") {
        let secret = c["secret"].as_str().unwrap().as_bytes();
        let order = c["order_id"].as_str().unwrap();
        let token = c["token"].as_str().unwrap();
        match c["op"].as_str().unwrap() {
            "issue" => {
                let t = issue_token(secret, order, c["expires_at"].as_i64().unwrap()).unwrap();
                assert_eq!(t, token, "{}", c["note"]);
                assert_eq!(t.len(), 32);
            }
            _ => {
                let got = verify_token(secret, token, order, c["now"].as_i64().unwrap())
                    .err()
                    .map(|e| e.kind().code().to_owned());
                assert_eq!(got.as_deref(), c["error"].as_str(), "{}", c["note"]);
            }
        }
    }
}

/// The countries and texts of `tests/data/replies_labelled.tsv`, read once.
fn labelled_replies() -> &'static [(String, String)] {
    static REPLIES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    REPLIES.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/replies_labelled.tsv");
        std::fs::read_to_string(path)
            .expect("labelled replies")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let country = if f[1] == "-" { "" } else { f[1] };
                (country.to_owned(), f[4].to_owned())
            })
            .collect()
    })
}

fn decides(text: &str, country: &str) -> bool {
    let intent = reply_intent(text, country).expect("known country").intent;
    matches!(intent, Intent::Confirm | Intent::Cancel)
}

proptest! {
    /// "Unknown rather than a guess": whatever a reply says, a question, a condition, a "but"
    /// or a word the lists do not know makes it unknown, never a confirm or a cancel.
    #[test]
    fn doubt_never_confirms_or_cancels(
        i in 0usize..100_000,
        doubt in prop::sample::select(vec![
            " ?", "؟", " if it comes today", " si possible", " إذا وصل", " ila kan",
            " mais", " but", " ولكن", " بس", " maybe", " peut-être", " ربما", " later",
            " من بعد", " blorp", " zqxw", " 😂",
        ]),
    ) {
        let replies = labelled_replies();
        let (country, text) = &replies[i % replies.len()];
        let doubtful = format!("{text}{doubt}");
        prop_assert!(!decides(&doubtful, country), "{doubtful:?} ({country})");
        let doubtful = format!("{} {text}", doubt.trim());
        prop_assert!(!decides(&doubtful, country), "{doubtful:?} ({country})");
    }

    /// Latin `ma` before a "want" is the Gulf and Maghrebi "not", whatever "no" comes first
    /// and whatever the country: a refusal, never the French "my" (which made `ma abi`,
    /// "I don't want", a confirm).
    #[test]
    fn ma_before_a_want_refuses(
        no in prop::sample::select(vec!["", "la ", "laa ", "no ", "No "]),
        verb in prop::sample::select(vec![
            "abi", "abih", "abiha", "abgha", "abghah", "abeeh", "abee", "bghit", "bghitha",
        ]),
        country in prop::sample::select(vec!["AE", "SA", "KW", "QA", "MA", ""]),
    ) {
        let text = format!("{no}ma {verb}");
        let intent = reply_intent(&text, country).expect("known country").intent;
        prop_assert_eq!(intent, Intent::Cancel, "{:?} ({})", text, country);
    }

    /// A single `لا`/`la` before a dialect verb (whose own negation is `ما`) may be "no, I want
    /// it": never a cancel.
    #[test]
    fn a_no_before_a_dialect_verb_never_cancels(
        no in prop::sample::select(vec!["la ", "لا ", "laa "]),
        verb in prop::sample::select(vec![
            "بغيتها", "ابيه", "أبغاه", "ابغاها", "bghitha", "bghit", "abih", "abgha", "عايزه",
            "نحبها", "بدي",
        ]),
        country in prop::sample::select(vec!["MA", "DZ", "TN", "AE", "SA", "EG", "LB", ""]),
    ) {
        let text = format!("{no}{verb}");
        let intent = reply_intent(&text, country).expect("known country").intent;
        prop_assert_ne!(intent, Intent::Cancel, "{:?} ({})", text, country);
    }

    /// Expatriate English "no" before "want" or "need" is "not": a refusal, never a confirm.
    #[test]
    fn broken_english_no_want_refuses(
        who in prop::sample::select(vec!["", "me ", "i ", "I "]),
        verb in prop::sample::select(vec!["want", "need", "wanna", "interested"]),
        tail in prop::sample::select(vec!["", " sir", " this", " thanks", " it", " madam"]),
    ) {
        let text = format!("{who}no {verb}{tail}");
        let intent = reply_intent(&text, "AE").expect("known country").intent;
        prop_assert_eq!(intent, Intent::Cancel, "{:?}", text);
    }

    #[test]
    fn reply_intent_never_panics(text in ".{0,200}", country in "(|MA|EG|FR|SA|TN)") {
        let r = reply_intent(&text, &country).expect("a known country never fails");
        // A phone only ever comes with new_phone.
        prop_assert_eq!(r.phone.is_some(), r.intent == Intent::NewPhone);
    }

    #[test]
    fn any_single_character_change_is_rejected(
        id in "[a-z0-9-]{1,20}", exp in 0i64..4_000_000_000, i in 0usize..32, c in "[A-Za-z0-9_-]",
    ) {
        let key = TokenKey::new(b"secret").unwrap();
        let t = key.issue(&id, exp);
        let mut chars: Vec<char> = t.chars().collect();
        let c = c.chars().next().unwrap();
        prop_assume!(chars[i] != c);
        chars[i] = c;
        let tampered: String = chars.into_iter().collect();
        prop_assert!(key.verify(&tampered, &id, 0).is_err());
        prop_assert!(key.verify(&t, &id, 0).is_ok() || exp < 0);
    }

    #[test]
    fn verify_never_panics(t in ".{0,64}", id in ".{0,30}", now in any::<i64>()) {
        let _ = verify_token(b"k", &t, &id, now);
    }
}
