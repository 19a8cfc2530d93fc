//! The send guard: its limits hold over random message streams, its snapshot replays, and a
//! snapshot with any single bit flipped, or opened under another secret, is refused.

use std::collections::BTreeMap;

use codguard::confirm::{Channel, Event, FlowAction, GuardPolicy, GuardSnapshot, Lang, SendGuard};
use codguard::ErrorKind;
use proptest::prelude::*;

const T0: i64 = 1_767_225_600;
const SECRET: &[u8] = b"guard-secret";

/// Numbers a stream draws from: a block of Moroccan mobiles sharing a prefix, other Moroccan
/// numbers, a French, a British and an Egyptian mobile, a national form, and junk.
const NUMBERS: [&str; 10] = [
    "+212612345601",
    "+212612345602",
    "+212612345603",
    "+212698765432",
    "+212661234567",
    "+33612345678",
    "+447400123456",
    "+201012345678",
    "0612345604",
    "12",
];

fn send(channel: Channel, to: &str, segments: u32) -> FlowAction {
    FlowAction::Send {
        channel,
        template: "sms_confirm".into(),
        to: to.into(),
        link: None,
        segments: (channel == Channel::Sms).then_some(segments),
        lang: Lang::Fr,
        body: "Bonjour".into(),
    }
}

fn arb_policy() -> impl Strategy<Value = GuardPolicy> {
    (
        1u32..4,
        1u32..6,
        1u32..4,
        prop::option::of(1u32..12),
        any::<bool>(),
        -120i32..120,
    )
        .prop_map(
            |(per_number, per_prefix, hidden, budget, list, offset)| GuardPolicy {
                countries: if list {
                    vec!["ma".into(), "FR".into()]
                } else {
                    Vec::new()
                },
                per_number_per_day: per_number,
                per_prefix_per_hour: per_prefix,
                prefix_hidden_digits: hidden,
                daily_budget: budget,
                utc_offset_minutes: offset,
                ..GuardPolicy::default()
            },
        )
}

/// (number index, channel, SMS parts, seconds since the previous message).
type Msg = (usize, u8, u32, i64);

fn arb_stream() -> impl Strategy<Value = Vec<Msg>> {
    prop::collection::vec((0..NUMBERS.len(), 0u8..3, 1u32..4, 0i64..7_200), 1..60)
}

fn channel(c: u8) -> Channel {
    [Channel::Sms, Channel::Whatsapp, Channel::Email][usize::from(c % 3)]
}

/// Runs a stream; returns each message's time and verdict.
fn run(guard: &mut SendGuard, stream: &[Msg], start: i64) -> Vec<(i64, Option<Event>)> {
    let mut t = start;
    stream
        .iter()
        .map(|&(n, c, parts, dt)| {
            t += dt;
            let verdict = guard
                .admit(&send(channel(c), NUMBERS[n], parts), "MA", t)
                .expect("well-formed sends never fail");
            (t, verdict)
        })
        .collect()
}

fn e164(i: usize) -> Option<&'static str> {
    match NUMBERS[i] {
        "0612345604" => Some("+212612345604"),
        "12" => None,
        n => Some(n),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn limits_hold(policy in arb_policy(), stream in arb_stream()) {
        let mut guard = SendGuard::new(policy.clone(), SECRET).unwrap();
        let verdicts = run(&mut guard, &stream, T0);
        let offset = i64::from(policy.utc_offset_minutes) * 60;
        let mut per_number: BTreeMap<(i64, &str), u32> = BTreeMap::new();
        let mut per_prefix: BTreeMap<(i64, String), u32> = BTreeMap::new();
        let mut spent: BTreeMap<i64, u32> = BTreeMap::new();
        for (&(n, c, parts, _), (t, verdict)) in stream.iter().zip(&verdicts) {
            let ch = channel(c);
            if ch == Channel::Email {
                prop_assert!(verdict.is_none(), "email is never guarded");
                continue;
            }
            let Some(number) = e164(n) else {
                prop_assert!(verdict.is_some(), "an invalid number is denied");
                continue;
            };
            let foreign = !(number.starts_with("+212")
                || (number.starts_with("+33") && !policy.countries.is_empty()));
            if foreign {
                prop_assert!(verdict.is_some(), "{} is not an allowed country", number);
                continue;
            }
            if verdict.is_some() {
                continue;
            }
            let day = (t + offset).div_euclid(86_400);
            let hidden = policy.prefix_hidden_digits as usize;
            let prefix = number[..number.len() - hidden].to_owned();
            *per_number.entry((day, number)).or_default() += 1;
            *per_prefix.entry((t.div_euclid(3_600), prefix)).or_default() += 1;
            *spent.entry(day).or_default() += if ch == Channel::Sms { parts } else { 1 };
        }
        prop_assert!(per_number.values().all(|&k| k <= policy.per_number_per_day));
        prop_assert!(per_prefix.values().all(|&k| k <= policy.per_prefix_per_hour));
        if let Some(budget) = policy.daily_budget {
            prop_assert!(spent.values().all(|&k| k <= budget), "{:?}", spent);
        }
        // A denial says why, on the message's channel and at its time.
        for ((t, verdict), &(_, c, _, _)) in verdicts.iter().zip(&stream) {
            if let Some(Event::SendDenied { at, channel: ch, .. }) = verdict {
                prop_assert_eq!((*at, *ch), (*t, channel(c)));
            } else {
                prop_assert!(verdict.is_none());
            }
        }
    }

    #[test]
    fn a_restored_guard_answers_the_same(policy in arb_policy(), stream in arb_stream(), cut in 0usize..60) {
        let cut = cut.min(stream.len());
        let mut whole = SendGuard::new(policy.clone(), SECRET).unwrap();
        let expected = run(&mut whole, &stream, T0);
        let mut first = SendGuard::new(policy.clone(), SECRET).unwrap();
        let mut got = run(&mut first, &stream[..cut], T0);
        let stored = serde_json::to_string(&first.snapshot()).unwrap();
        let snapshot: GuardSnapshot = serde_json::from_str(&stored).unwrap();
        let mut second = SendGuard::restore(&snapshot, policy, SECRET).unwrap();
        let resume = got.last().map_or(T0, |(t, _)| *t);
        got.extend(run(&mut second, &stream[cut..], resume));
        prop_assert_eq!(got, expected);
        prop_assert_eq!(second.snapshot(), whole.snapshot());
    }

    #[test]
    fn every_single_bit_flip_of_a_snapshot_is_refused(stream in arb_stream(), bit in any::<prop::sample::Index>()) {
        let mut guard = SendGuard::new(GuardPolicy::default(), SECRET).unwrap();
        run(&mut guard, &stream, T0);
        let bytes = serde_json::to_vec(&guard.snapshot()).unwrap();
        let mut flipped = bytes.clone();
        let i = bit.index(bytes.len() * 8);
        flipped[i / 8] ^= 1 << (i % 8);
        let restored = serde_json::from_slice::<GuardSnapshot>(&flipped)
            .map_err(|_| ErrorKind::SnapshotCorrupt)
            .and_then(|s| SendGuard::restore(&s, GuardPolicy::default(), SECRET).map_err(|e| e.kind()));
        prop_assert!(
            matches!(restored, Err(ErrorKind::SnapshotCorrupt | ErrorKind::SnapshotVersion)),
            "bit {} of {:?} flipped and accepted", i, String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn another_secret_or_an_edited_count_is_refused() {
    let mut guard = SendGuard::new(GuardPolicy::default(), SECRET).unwrap();
    let sms = send(Channel::Sms, "+212612345678", 1);
    for i in 0..5 {
        assert_eq!(guard.admit(&sms, "MA", T0 + i).unwrap(), None);
    }
    assert!(guard.admit(&sms, "MA", T0 + 10).unwrap().is_some());
    let snap = guard.snapshot();
    let err = SendGuard::restore(&snap, GuardPolicy::default(), b"other").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SnapshotCorrupt);
    // An operator resets the number's count in the database row: refused.
    let text = serde_json::to_string(&snap).unwrap();
    assert!(text.contains(r#"\"+212612345678\":5"#), "{text}");
    let edited = text.replace(r#"\"+212612345678\":5"#, r#"\"+212612345678\":0"#);
    let snap: GuardSnapshot = serde_json::from_str(&edited).unwrap();
    let err = SendGuard::restore(&snap, GuardPolicy::default(), SECRET).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SnapshotCorrupt);
    // Another version is named as such.
    let v2 = text.replace(r#""version":1"#, r#""version":2"#);
    let snap: GuardSnapshot = serde_json::from_str(&v2).unwrap();
    let err = SendGuard::restore(&snap, GuardPolicy::default(), SECRET).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SnapshotVersion);
}

#[test]
fn a_new_day_and_a_new_hour_restart_the_counters() {
    let policy = GuardPolicy {
        per_number_per_day: 1,
        per_prefix_per_hour: 2,
        utc_offset_minutes: 60,
        ..GuardPolicy::default()
    };
    let mut guard = SendGuard::new(policy, SECRET).unwrap();
    let to = |n: &str| send(Channel::Whatsapp, n, 1);
    // 2026-01-01 22:30 UTC is 23:30 in the shop; its next day starts at 23:00 UTC.
    let t = T0 + 22 * 3600 + 1800;
    assert_eq!(guard.admit(&to("+212612345601"), "MA", t).unwrap(), None);
    assert!(guard
        .admit(&to("+212612345601"), "MA", t + 60)
        .unwrap()
        .is_some());
    assert_eq!(
        guard.admit(&to("+212612345602"), "MA", t + 120).unwrap(),
        None
    );
    // Same prefix, same hour: the block has had its two.
    let denied = guard.admit(&to("+212612345603"), "MA", t + 180).unwrap();
    let reason = serde_json::to_value(denied).unwrap()["reason"].clone();
    assert_eq!(reason, "prefix_hourly_limit");
    // 23:00 UTC: a new hour and, in the shop, a new day.
    assert_eq!(
        guard
            .admit(&to("+212612345601"), "MA", T0 + 23 * 3600)
            .unwrap(),
        None
    );
    // A late call from another worker counts in the current day.
    assert!(guard
        .admit(&to("+212612345601"), "MA", t)
        .unwrap()
        .is_some());
}

#[test]
fn bad_inputs_are_errors() {
    let mut guard = SendGuard::new(GuardPolicy::default(), SECRET).unwrap();
    let kind = |r: Result<Option<Event>, codguard::Error>| r.unwrap_err().kind();
    let sms = send(Channel::Sms, "+212612345678", 1);
    assert_eq!(
        kind(guard.admit(&FlowAction::FlagForCall, "MA", T0)),
        ErrorKind::InvalidRecord
    );
    assert_eq!(kind(guard.admit(&sms, "MA", -1)), ErrorKind::InvalidEvent);
    assert_eq!(
        kind(guard.admit(&sms, "Morocco", T0)),
        ErrorKind::InvalidCountry
    );
    let new = |p: GuardPolicy| SendGuard::new(p, SECRET).unwrap_err().kind();
    for bad in [
        GuardPolicy {
            countries: vec!["MAR".into()],
            ..GuardPolicy::default()
        },
        GuardPolicy {
            per_number_per_day: 0,
            ..GuardPolicy::default()
        },
        GuardPolicy {
            prefix_hidden_digits: 0,
            ..GuardPolicy::default()
        },
        GuardPolicy {
            channels: vec![Channel::Call],
            ..GuardPolicy::default()
        },
    ] {
        assert_eq!(new(bad), ErrorKind::InvalidConfig);
    }
    assert_eq!(
        SendGuard::new(GuardPolicy::default(), b"")
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidConfig
    );
    assert!(serde_json::from_str::<GuardPolicy>(r#"{"per_number_per_dya": 3}"#).is_err());
}

/// Replays `tests/vectors/send_guard.json`, restoring the guard from its snapshot before every
/// step as a host would, beside one kept live.
#[test]
fn send_guard_vectors() {
    use serde_json::Value;
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/send_guard.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 8);
    let mut steps_run = 0;
    for case in cases {
        let note = case["note"].as_str().unwrap_or("");
        let secret = case["secret"].as_str().expect("secret").as_bytes();
        let policy: Result<GuardPolicy, codguard::Error> = match &case["policy"] {
            Value::Null => Ok(GuardPolicy::default()),
            p => serde_json::from_value(p.clone())
                .map_err(|e| codguard::Error::new(ErrorKind::InvalidConfig, e.to_string())),
        };
        let built = policy.clone().and_then(|p| SendGuard::new(p, secret));
        if let Some(code) = case.get("error") {
            assert_eq!(
                built.unwrap_err().kind().code(),
                code.as_str().unwrap(),
                "{note}"
            );
            continue;
        }
        let policy = policy.unwrap();
        let mut live = built.unwrap_or_else(|e| panic!("{note}: {e}"));
        let mut stored = live.snapshot();
        let country = case["country"].as_str().expect("country");
        for (i, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
            let action: FlowAction =
                serde_json::from_value(step["action"].clone()).expect("action");
            let at = step["at"].as_i64().expect("at");
            let mut restored =
                SendGuard::restore(&stored, policy.clone(), secret).expect("restore");
            for guard in [&mut live, &mut restored] {
                let got = guard.admit(&action, country, at);
                match step.get("error") {
                    Some(code) => assert_eq!(
                        got.unwrap_err().kind().code(),
                        code.as_str().unwrap(),
                        "{note} step {i}"
                    ),
                    None => assert_eq!(
                        serde_json::to_value(
                            got.unwrap_or_else(|e| panic!("{note} step {i}: {e}"))
                        )
                        .unwrap(),
                        step["denied"],
                        "{note} step {i}"
                    ),
                }
            }
            stored = restored.snapshot();
            assert_eq!(stored, live.snapshot(), "{note} step {i}");
            steps_run += 1;
        }
    }
    assert!(steps_run >= 30);
}
