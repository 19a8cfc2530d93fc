//! `reply_intent` on the hand-labelled replies of `tests/data/replies_labelled.tsv`: prints the
//! accuracy of the part the word lists were tuned on and of the held-out part, and fails on any
//! wrong confirm or wrong cancel (a parcel shipped or an order lost, where `unknown` would only
//! have cost a person a glance).
//!
//! `cargo test -p codguard --test reply_accuracy -- --nocapture` shows the figures and every
//! reply read differently from its label.

use codguard::confirm::{reply_intent, Intent};

struct Case {
    line: usize,
    split: String,
    country: String,
    intent: Intent,
    phone: Option<String>,
    text: String,
}

fn cases() -> Vec<Case> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/replies_labelled.tsv");
    let data = std::fs::read_to_string(&path).expect("read the labelled replies");
    let mut out = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "line {}: six tab-separated fields", i + 1);
        let intent = match f[2] {
            "confirm" => Intent::Confirm,
            "cancel" => Intent::Cancel,
            "new_phone" => Intent::NewPhone,
            "unknown" => Intent::Unknown,
            other => panic!("line {}: unknown intent {other:?}", i + 1),
        };
        assert!(matches!(f[0], "tune" | "held"), "line {}: split", i + 1);
        assert_eq!(
            intent == Intent::NewPhone,
            f[3] != "-",
            "line {}: phone",
            i + 1
        );
        out.push(Case {
            line: i + 1,
            split: f[0].to_owned(),
            country: if f[1] == "-" {
                String::new()
            } else {
                f[1].to_owned()
            },
            intent,
            phone: (f[3] != "-").then(|| f[3].to_owned()),
            text: f[4].to_owned(),
        });
    }
    out
}

#[derive(Default)]
struct Score {
    total: usize,
    right: usize,
    wrong_confirm: usize,
    wrong_cancel: usize,
}

#[test]
fn labelled_replies() {
    let cases = cases();
    assert!(cases.len() >= 300, "{} labelled replies", cases.len());
    let mut scores: Vec<(&str, Score)> =
        vec![("tune", Score::default()), ("held", Score::default())];
    let mut dangerous = Vec::new();
    for c in &cases {
        let got = reply_intent(&c.text, &c.country).expect("valid country");
        let phone = got.phone.as_ref().map(|p| p.as_str().to_owned());
        let right = got.intent == c.intent && phone == c.phone;
        let score = &mut scores
            .iter_mut()
            .find(|(name, _)| *name == c.split)
            .expect("split")
            .1;
        score.total += 1;
        score.right += usize::from(right);
        let wrong_confirm = got.intent == Intent::Confirm && c.intent != Intent::Confirm;
        let wrong_cancel = got.intent == Intent::Cancel && c.intent != Intent::Cancel;
        score.wrong_confirm += usize::from(wrong_confirm);
        score.wrong_cancel += usize::from(wrong_cancel);
        if !right {
            let mark = if wrong_confirm || wrong_cancel {
                "WRONG"
            } else {
                "miss "
            };
            let line = format!(
                "{} {mark} line {:3} {:2} want {:?} {:?}, got {:?} {:?}: {}",
                c.split, c.line, c.country, c.intent, c.phone, got.intent, phone, c.text
            );
            println!("{line}");
            if wrong_confirm || wrong_cancel {
                dangerous.push(line);
            }
        }
    }
    for (name, s) in &scores {
        println!(
            "{name}: {}/{} right ({:.1}%), wrong confirms {}, wrong cancels {}",
            s.right,
            s.total,
            100.0 * s.right as f64 / s.total.max(1) as f64,
            s.wrong_confirm,
            s.wrong_cancel
        );
    }
    assert!(
        dangerous.is_empty(),
        "replies read as confirm or cancel against their label:\n{}",
        dangerous.join("\n")
    );
}
