//! Replays the inputs of email-validator's own tests (`tests/data/email_validator_cases.json`,
//! written by `scripts/gen_email_peer_cases.py`) and compares codguard's verdict with the
//! peer's. An address is accepted by codguard when it normalizes and is not on a junk domain
//! (special-use names such as `.arpa`, `.onion`, `.test` are junk domains; the peer rejects
//! them). Every disagreement must be one of the deliberate differences below; the counts are
//! printed (`cargo test --test email_peer -- --nocapture`).

use codguard::normalize::{normalize_email, FakeEmailReason};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

#[derive(Deserialize)]
struct Case {
    input: String,
    peer: Option<String>,
}

#[derive(Deserialize)]
struct Cases {
    peer: String,
    cases: Vec<Case>,
}

/// Why codguard deliberately differs from the peer on an input, if it does.
fn deliberate(input: &str, ours: bool) -> Option<&'static str> {
    let trimmed = input.trim_matches(|c: char| c.is_whitespace());
    if ours && (trimmed != input || trimmed.ends_with('.') || trimmed.ends_with('．')) {
        // A checkout field's surrounding blanks, line breaks and final dot are not part of
        // the address the customer means.
        return Some("trimmed");
    }
    let local = input.split('@').next().unwrap_or("");
    if !ours && local.nfkc().count() > 64 {
        // RFC 5321's limit, after NFKC; the peer applies it only in its strict mode.
        return Some("local part over 64 characters");
    }
    if !ours && input.starts_with('＠') {
        // A fullwidth at sign is an at sign (NFKC); the peer takes it for a local part.
        return Some("fullwidth at sign");
    }
    if ours && input.len() > 254 && input.nfc().map(char::len_utf8).sum::<usize>() <= 254 {
        // 254 octets once composed (NFC): the limit applies to the address mail is sent to.
        return Some("254 octets after composition");
    }
    None
}

#[test]
fn agreement_with_email_validator() {
    let data: Cases =
        serde_json::from_str(include_str!("../../tests/data/email_validator_cases.json")).unwrap();
    assert!(data.cases.len() >= 290, "{} inputs", data.cases.len());
    let (mut both, mut neither, mut explained, mut unexplained) = (0, 0, Vec::new(), Vec::new());
    for case in &data.cases {
        let ours =
            normalize_email(&case.input).is_ok_and(|e| e.fake != Some(FakeEmailReason::JunkDomain));
        let peer = case.peer.is_some();
        match (ours, peer) {
            (true, true) => both += 1,
            (false, false) => neither += 1,
            _ => match deliberate(&case.input, ours) {
                Some(why) => explained.push(why),
                None => unexplained.push(format!(
                    "{:?}: codguard {}, {} {}",
                    case.input,
                    if ours { "accepts" } else { "rejects" },
                    data.peer,
                    if peer { "accepts" } else { "rejects" }
                )),
            },
        }
    }
    explained.sort_unstable();
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for why in explained {
        match reasons.last_mut() {
            Some((last, n)) if *last == why => *n += 1,
            _ => reasons.push((why, 1)),
        }
    }
    let total = data.cases.len();
    println!(
        "email-validator's {total} test inputs ({}): both accept {both}, both reject {neither} \
         (agreement {:.1}%); deliberate differences {reasons:?}; unexplained {}",
        data.peer,
        100.0 * f64::from(both + neither) / total as f64,
        unexplained.len()
    );
    assert!(
        unexplained.is_empty(),
        "disagreements with the peer:\n{}",
        unexplained.join("\n")
    );
}
