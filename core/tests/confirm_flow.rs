//! Replays the flow scenarios of `tests/vectors/flow/*.json`, and checks the flow's invariants
//! over random event sequences.

use codguard::assessment::Action;
use codguard::confirm::{
    issue_token, ConfirmationFlow, Event, FlowAction, FlowPolicy, FlowSnapshot, FlowState,
    QuietHours,
};
use codguard::Order;
use proptest::prelude::*;
use serde_json::Value;

fn vector_files() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/flow");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/vectors/flow exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn build(s: &Value) -> Result<ConfirmationFlow, codguard::Error> {
    let order: Order = serde_json::from_value(s["order"].clone()).expect("order");
    let action: Action = serde_json::from_value(s["action"].clone()).expect("action");
    let policy: FlowPolicy = match &s["policy"] {
        Value::Null => FlowPolicy::default(),
        p => serde_json::from_value(p.clone()).expect("policy"),
    };
    let secret = s["secret"].as_str().expect("secret");
    ConfirmationFlow::new(&order, action, policy, secret.as_bytes())
}

fn state_name(f: &ConfirmationFlow) -> Value {
    serde_json::to_value(f.state()).expect("state")
}

#[test]
fn flow_vectors() {
    let files = vector_files();
    assert!(files.len() >= 20, "expected the flow scenarios");
    let mut steps_run = 0;
    for path in files {
        let name = path.display().to_string();
        let s: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        let secret = s["secret"].as_str().expect("secret").as_bytes().to_vec();
        if let Some(kind) = s.get("error") {
            // The flow cannot be created (a bad policy, say): nothing to replay.
            let err = build(&s).expect_err(&format!("{name}: expected an error"));
            assert_eq!(err.kind().code(), kind.as_str().unwrap(), "{name}");
            assert_eq!(s["steps"], serde_json::json!([]), "{name}");
            continue;
        }
        let mut flow = build(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(state_name(&flow), "not_started", "{name}");
        for (i, step) in s["steps"].as_array().expect("steps").iter().enumerate() {
            let event: Event = serde_json::from_value(step["event"].clone()).expect("event");
            let got = flow.handle(event);
            match step.get("error") {
                Some(kind) => {
                    let err = got.expect_err(&format!("{name} step {i}: expected an error"));
                    assert_eq!(err.kind().code(), kind.as_str().unwrap(), "{name} step {i}");
                }
                None => {
                    let actions = got.unwrap_or_else(|e| panic!("{name} step {i}: {e}"));
                    let actions = serde_json::to_value(&actions).expect("actions");
                    assert_eq!(actions, step["actions"], "{name} step {i}: actions");
                }
            }
            assert_eq!(state_name(&flow), step["state"], "{name} step {i}: state");
            assert_eq!(
                serde_json::to_value(flow.next_deadline()).unwrap(),
                step["next_deadline"],
                "{name} step {i}: next_deadline"
            );
            // The host stores the flow between events: continue from the stored copy.
            let stored = serde_json::to_string(&flow.snapshot()).expect("snapshot");
            let snap: FlowSnapshot = serde_json::from_str(&stored).expect("snapshot back");
            flow = ConfirmationFlow::restore(snap, &secret).expect("restore");
            steps_run += 1;
        }
    }
    assert!(steps_run > 100);
}

#[test]
fn actions_json_spelling_matches_the_contract() {
    let a = serde_json::to_value(FlowAction::FlagForCall).unwrap();
    assert_eq!(a, serde_json::json!({"type": "flag_for_call"}));
    let e: Event = serde_json::from_str(
        r#"{"type": "reply", "at": 5, "channel": "whatsapp", "intent": "new_phone", "phone": "+212612345678"}"#,
    )
    .unwrap();
    assert_eq!(e.at(), 5);
    assert!(serde_json::from_str::<Event>(r#"{"type": "reply", "at": 5}"#).is_err());
    assert!(serde_json::from_str::<Event>(r#"{"type": "teleport", "at": 5}"#).is_err());
    assert!(serde_json::from_str::<FlowPolicy>(r#"{"cancel_afterr": 5}"#).is_err());
}

#[test]
fn bad_configs_and_snapshots_are_errors() {
    let order = Order {
        order_id: "o-1".into(),
        placed_at: 1_767_225_600,
        phone: "+212612345678".into(),
        country: "MA".into(),
        ..Order::default()
    };
    let code = |r: Result<ConfirmationFlow, codguard::Error>| r.unwrap_err().kind().code();
    assert_eq!(
        code(ConfirmationFlow::new(
            &order,
            Action::Confirm,
            FlowPolicy::default(),
            b""
        )),
        "invalid_config"
    );
    let bad = FlowPolicy {
        email_after: 60,
        ..FlowPolicy::default()
    };
    assert_eq!(
        code(ConfirmationFlow::new(&order, Action::Confirm, bad, b"k")),
        "invalid_config"
    );
    let no_id = Order {
        order_id: " ".into(),
        ..order.clone()
    };
    assert_eq!(
        code(ConfirmationFlow::new(
            &no_id,
            Action::Confirm,
            FlowPolicy::default(),
            b"k"
        )),
        "invalid_record"
    );
    let flow = ConfirmationFlow::new(&order, Action::Confirm, FlowPolicy::default(), b"k").unwrap();
    let mut v = serde_json::to_value(flow.snapshot()).unwrap();
    v["version"] = 2.into();
    let snap: FlowSnapshot = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        code(ConfirmationFlow::restore(snap, b"k")),
        "snapshot_version"
    );
    v["version"] = 1.into();
    v["data"]["pos"] = 99.into();
    let snap: FlowSnapshot = serde_json::from_value(v).unwrap();
    assert_eq!(
        code(ConfirmationFlow::restore(snap, b"k")),
        "snapshot_corrupt"
    );
}

#[test]
fn verify_link_tells_why() {
    let order = Order {
        order_id: "o-1".into(),
        placed_at: 1_767_225_600,
        phone: "+212612345678".into(),
        ..Order::default()
    };
    let flow = ConfirmationFlow::new(&order, Action::Confirm, FlowPolicy::default(), b"k").unwrap();
    let t = issue_token(b"k", "o-1", 1_767_225_600 + 100).unwrap();
    assert!(flow.verify_link(&t, 1_767_225_600).is_ok());
    let kind = |t: &str, now| flow.verify_link(t, now).unwrap_err().kind().code();
    assert_eq!(kind(&t, 1_767_225_600 + 101), "token_expired");
    assert_eq!(
        kind(&issue_token(b"k", "o-2", 2_000_000_000).unwrap(), 0),
        "token_wrong_order"
    );
    assert_eq!(
        kind(&issue_token(b"x", "o-1", 2_000_000_000).unwrap(), 0),
        "token_forged"
    );
    assert_eq!(kind("short", 0), "token_malformed");
}

// ---- Property tests over random event sequences ----

const T0: i64 = 1_767_225_600;
const SECRET: &[u8] = b"prop-secret";

fn arb_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Confirm),
        Just(Action::Confirm),
        Just(Action::Review),
        Just(Action::RequirePrepayment),
        Just(Action::AutoConfirm),
        Just(Action::Reject),
    ]
}

fn arb_policy() -> impl Strategy<Value = FlowPolicy> {
    (
        any::<[bool; 3]>(),
        any::<bool>(),
        0u16..1440,
        0u16..1440,
        1u32..4,
    )
        .prop_map(|(opt, quiet, start, end, attempts)| {
            let mut p = FlowPolicy::default();
            p.opt_out.sms = opt[0];
            p.opt_out.whatsapp = opt[1];
            p.opt_out.email = opt[2];
            p.call_attempts = attempts;
            if quiet {
                p.quiet_hours = Some(QuietHours {
                    start_minute: start,
                    end_minute: end,
                    utc_offset_minutes: 60,
                });
            }
            p
        })
}

/// Events with times mostly moving forward (sometimes back, to exercise out-of-order handling).
fn arb_events() -> impl Strategy<Value = Vec<Event>> {
    let one = (0u8..12, -3_600i64..30_000, any::<bool>());
    prop::collection::vec(one, 1..30).prop_map(|raw| {
        let mut t = T0 - 100;
        let good = issue_token(SECRET, "o-p", T0 + 72 * 3600).unwrap_or_default();
        let mut out = vec![Event::Placed { at: T0 }];
        for (kind, dt, flag) in raw {
            t = (t + dt).max(0);
            let channel = if flag { "sms" } else { "whatsapp" };
            let v = match kind {
                0..=3 => serde_json::json!({"type": "tick", "at": t}),
                4 => serde_json::json!({"type": "link_clicked", "at": t,
                    "token": if flag { good.clone() } else { "A".repeat(32) }}),
                5 => serde_json::json!({"type": "reply", "at": t, "channel": channel,
                    "intent": if flag { "confirm" } else { "unknown" }}),
                6 => serde_json::json!({"type": "reply", "at": t, "channel": channel,
                    "intent": "new_phone", "phone": if flag { "+212698765432" } else { "+212612345678" }}),
                7 => serde_json::json!({"type": "call_result", "at": t,
                    "result": if flag { "no_answer" } else { "wrong_number" }}),
                8 => serde_json::json!({"type": "send_failed", "at": t, "channel": channel}),
                9 => serde_json::json!({"type": "send_failed", "at": t, "channel": "email"}),
                10 => serde_json::json!({"type": "delivered", "at": t}),
                _ => serde_json::json!({"type": "reply", "at": t, "channel": "email",
                    "intent": if flag { "cancel" } else { "confirm" }}),
            };
            out.push(serde_json::from_value(v).expect("event"));
        }
        out
    })
}

fn order() -> Order {
    Order {
        order_id: "o-p".into(),
        placed_at: T0,
        name: "Salma".into(),
        phone: "+212612345678".into(),
        email: "s@example.com".into(),
        country: "MA".into(),
        total: 100.0,
        currency: "MAD".into(),
        ..Order::default()
    }
}

fn run(flow: &mut ConfirmationFlow, events: &[Event]) -> Vec<Vec<FlowAction>> {
    events
        .iter()
        .map(|e| {
            flow.handle(e.clone())
                .expect("well-formed events never fail")
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn flow_invariants(action in arb_action(), policy in arb_policy(), events in arb_events()) {
        let mut flow = ConfirmationFlow::new(&order(), action, policy, SECRET).unwrap();
        let mut last_deadline: Option<i64> = None;
        let mut was_terminal = false;
        let mut confirms = 0;
        let mut latest = i64::MIN;
        for e in &events {
            let actions = flow.handle(e.clone()).unwrap();
            if was_terminal {
                prop_assert!(actions.is_empty(), "action after terminal state: {:?}", actions);
            }
            confirms += actions.iter().filter(|a| matches!(a, FlowAction::Confirm)).count();
            let cancels = actions.iter().filter(|a| matches!(a, FlowAction::Cancel { .. })).count();
            prop_assert!(cancels <= 1);
            // One pending step at most: a single deadline, none once nothing is pending.
            let dl = flow.next_deadline();
            if flow.state().is_terminal() || flow.state() == FlowState::Confirmed {
                prop_assert_eq!(dl, None);
            }
            // The next deadline always lies ahead of the latest event, and passing time alone
            // never moves it back (a failure or a new number may bring a step forward).
            if let Some(d) = dl {
                prop_assert!(d > e.at().max(latest), "deadline {} not ahead of {}", d, e.at());
            }
            if let (Some(prev), Some(now), Event::Tick { .. }) = (last_deadline, dl, e) {
                prop_assert!(now >= prev, "deadline went back: {} -> {}", prev, now);
            }
            latest = latest.max(e.at());
            // A flow without a deadline has nothing pending; the follow-up after delivery
            // starts a new schedule.
            last_deadline = dl;
            was_terminal = flow.state().is_terminal();
        }
        prop_assert!(confirms <= 1, "confirmed twice");
    }

    #[test]
    fn snapshot_restore_replays_identically(
        action in arb_action(), policy in arb_policy(), events in arb_events(), cut in 0usize..30,
    ) {
        let cut = cut.min(events.len());
        let mut whole = ConfirmationFlow::new(&order(), action, policy.clone(), SECRET).unwrap();
        let expected = run(&mut whole, &events);

        let mut first = ConfirmationFlow::new(&order(), action, policy, SECRET).unwrap();
        let mut got = run(&mut first, &events[..cut]);
        let stored = serde_json::to_string(&first.snapshot()).unwrap();
        let mut second =
            ConfirmationFlow::restore(serde_json::from_str(&stored).unwrap(), SECRET).unwrap();
        got.extend(run(&mut second, &events[cut..]));
        prop_assert_eq!(got, expected);
        prop_assert_eq!(second.state(), whole.state());
        prop_assert_eq!(second.next_deadline(), whole.next_deadline());
    }
}
