//! Replays the flow scenarios of `tests/vectors/flow/*.json`, and checks the flow's invariants
//! over random event sequences.

use codguard::assessment::Action;
use codguard::confirm::{
    issue_token, CallResult, CancelReason, Channel, ConfirmationFlow, DeliveryFailure, Event,
    FlowAction, FlowPolicy, FlowSnapshot, FlowState, QuietHours,
};
use codguard::{ErrorKind, Order, Outcome};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
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
    // The binding's way: the name through `FromStr` (a name that is not the contract's is
    // `invalid_config`, as the vectors say).
    let action: Action = s["action"].as_str().expect("action").parse()?;
    let policy: FlowPolicy = match &s["policy"] {
        Value::Null => FlowPolicy::default(),
        p => serde_json::from_value(p.clone()).expect("policy"),
    };
    let secret = s["secret"].as_str().expect("secret");
    let nonce = s["nonce"].as_str().expect("nonce");
    ConfirmationFlow::new(&order, action, policy, secret.as_bytes(), nonce.as_bytes())
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
            // An event serde refuses (an unknown slot, a stray field) is `invalid_event` in
            // every binding.
            let got = match serde_json::from_value::<Event>(step["event"].clone()) {
                Ok(event) => flow.handle(event),
                Err(e) => Err(codguard::Error::new(ErrorKind::InvalidEvent, e.to_string())),
            };
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
fn bad_configs_orders_and_snapshots_are_errors() {
    let order = Order {
        order_id: "o-1".into(),
        placed_at: 1_767_225_600,
        phone: "+212612345678".into(),
        country: "MA".into(),
        ..Order::default()
    };
    let code = |r: Result<ConfirmationFlow, codguard::Error>| r.unwrap_err().kind().code();
    let new = |o: &Order, p: FlowPolicy, secret: &[u8], nonce: &[u8]| {
        ConfirmationFlow::new(o, Action::Confirm, p, secret, nonce)
    };
    let p = FlowPolicy::default;
    assert_eq!(code(new(&order, p(), b"", NONCE)), "invalid_config");
    assert_eq!(code(new(&order, p(), b"k", b"short")), "invalid_config");
    assert_eq!(code(new(&order, p(), b"k", &[7; 65])), "invalid_config");
    let bad = FlowPolicy {
        email_after: 60,
        ..FlowPolicy::default()
    };
    assert_eq!(code(new(&order, bad, b"k", NONCE)), "invalid_config");
    let no_id = Order {
        order_id: " ".into(),
        ..order.clone()
    };
    assert_eq!(code(new(&no_id, p(), b"k", NONCE)), "invalid_record");
    // A total that is not an amount would be stored as null and lose the flow: refused.
    for total in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 1e13] {
        let o = Order {
            total,
            ..order.clone()
        };
        assert_eq!(code(new(&o, p(), b"k", NONCE)), "invalid_record", "{total}");
    }

    let mut flow = new(&order, p(), b"k", NONCE).unwrap();
    flow.handle(Event::Placed { at: 1_767_225_600 }).unwrap();
    let v = serde_json::to_value(flow.snapshot()).unwrap();
    assert_eq!(v["version"], 2);
    let restore = |v: &Value, secret: &[u8]| {
        let snap: FlowSnapshot = serde_json::from_value(v.clone()).unwrap();
        ConfirmationFlow::restore(snap, secret)
    };
    assert!(restore(&v, b"k").is_ok());
    assert_eq!(code(restore(&v, b"another secret")), "snapshot_corrupt");
    let mut other = v.clone();
    other["version"] = 1.into();
    assert_eq!(code(restore(&other, b"k")), "snapshot_version");
    // A row edited in the shop's database, even to something plausible, is refused.
    let state = v["state"].as_str().unwrap();
    for (from, to) in [
        (r#""order_id":"o-1""#, r#""order_id":"o-2""#),
        (r#""pos":0"#, r#""pos":1"#),
        ("https://shop.example/c/", "ittps://shop.example/c/"),
        (r#""now":1767225600"#, r#""noW":1767225600"#),
    ] {
        assert!(state.contains(from), "{from} in {state}");
        let mut edited = v.clone();
        edited["state"] = state.replace(from, to).into();
        assert_eq!(code(restore(&edited, b"k")), "snapshot_corrupt", "{to}");
    }
    // Unknown keys around the state are refused too.
    let mut extra = v.clone();
    extra["note"] = "x".into();
    assert!(serde_json::from_value::<FlowSnapshot>(extra).is_err());
}

#[test]
fn a_flow_accepts_only_the_latest_link_it_sent() {
    let t0 = 1_767_225_600;
    let order = Order {
        order_id: "o-1".into(),
        placed_at: t0,
        phone: "+212612345678".into(),
        address: "12 rue Ibn Battouta".into(),
        country: "MA".into(),
        ..Order::default()
    };
    let token = |actions: &[FlowAction]| match actions.first() {
        Some(FlowAction::Send { link: Some(l), .. }) => l.rsplit('/').next().unwrap().to_owned(),
        other => panic!("no link in {other:?}"),
    };
    let kind =
        |f: &ConfirmationFlow, t: &str, now| f.verify_link(t, now).unwrap_err().kind().code();
    let mut flow =
        ConfirmationFlow::new(&order, Action::Confirm, FlowPolicy::default(), b"k", NONCE).unwrap();
    let genuine_order_token = issue_token(b"k", "o-1", t0 + 3600).unwrap();
    // Before it sends anything, a flow accepts nothing.
    assert_eq!(kind(&flow, &genuine_order_token, t0), "token_wrong_order");
    let first = token(&flow.handle(Event::Placed { at: t0 }).unwrap());
    assert!(flow.verify_link(&first, t0).is_ok());
    assert_eq!(kind(&flow, &first, t0 + 72 * 3600 + 1), "token_expired");
    assert_eq!(kind(&flow, &genuine_order_token, t0), "token_wrong_order");
    assert_eq!(kind(&flow, "short", t0), "token_malformed");
    let mut forged = first.clone().into_bytes();
    forged[20] = if forged[20] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        kind(&flow, std::str::from_utf8(&forged).unwrap(), t0),
        "token_forged"
    );

    // A review flow for the same order never sent a link: the genuine link of the confirm flow
    // and a genuine order token are both refused, and clicking them does nothing.
    let mut review = ConfirmationFlow::new(
        &order,
        Action::Review,
        FlowPolicy::default(),
        b"k",
        b"another-nonce!!",
    )
    .unwrap();
    assert_eq!(
        review.handle(Event::Placed { at: t0 }).unwrap(),
        vec![FlowAction::FlagForCall]
    );
    for t in [&first, &genuine_order_token] {
        assert_eq!(kind(&review, t, t0 + 60), "token_wrong_order");
        let click: Event = serde_json::from_value(serde_json::json!(
            {"type": "link_clicked", "at": t0 + 60, "token": t}))
        .unwrap();
        assert_eq!(review.handle(click).unwrap(), vec![]);
    }
    assert_eq!(review.state(), FlowState::AwaitingCall);

    // The flow restarted for a reused order id (same order, same secret, a new nonce): the old
    // link does not confirm it.
    let mut restarted = ConfirmationFlow::new(
        &order,
        Action::Confirm,
        FlowPolicy::default(),
        b"k",
        b"restart-nonce-01",
    )
    .unwrap();
    let second = token(&restarted.handle(Event::Placed { at: t0 + 60 }).unwrap());
    assert_ne!(first, second);
    assert_eq!(kind(&restarted, &first, t0 + 120), "token_wrong_order");
    let click: Event = serde_json::from_value(serde_json::json!(
        {"type": "link_clicked", "at": t0 + 120, "token": first}))
    .unwrap();
    assert_eq!(restarted.handle(click).unwrap(), vec![]);
    assert_eq!(restarted.state(), FlowState::AwaitingSms);

    // A new number replaces the link: the old one no longer works.
    let reply: Event = serde_json::from_value(serde_json::json!({"type": "reply", "at": t0 + 600,
        "channel": "sms", "intent": "new_phone", "phone": "+212698765432"}))
    .unwrap();
    let third = token(&flow.handle(reply).unwrap());
    assert_ne!(first, third);
    assert_eq!(kind(&flow, &first, t0 + 700), "token_expired");
    assert!(flow.verify_link(&third, t0 + 700).is_ok());
}

// ---- Property tests over random event sequences ----

const T0: i64 = 1_767_225_600;
const SECRET: &[u8] = b"prop-secret";
const NONCE: &[u8] = b"prop-flow-nonce1";

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
        0u32..3,
    )
        .prop_map(|(opt, quiet, start, end, attempts, reschedules)| {
            let mut p = FlowPolicy {
                max_reschedules: reschedules,
                ..FlowPolicy::default()
            };
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

/// One random event before it meets the flow: (kind, time step, flag, pick).
type Raw = (u8, i64, bool, u8);

/// Raw events with times mostly moving forward (sometimes back, to exercise out-of-order
/// handling), after a `placed`.
fn arb_events() -> impl Strategy<Value = Vec<Raw>> {
    let one = (0u8..16, -3_600i64..30_000, any::<bool>(), any::<u8>());
    prop::collection::vec(one, 1..30)
}

/// Turns raw events into events as a host would send them: a link click carries the token of
/// the latest link the flow sent (or a bogus one), a window for the day after the click.
struct Driver {
    t: i64,
    token: String,
    started: bool,
}

/// One event of a run, what the flow answered, and where it stood afterwards.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    event: Event,
    actions: Vec<FlowAction>,
    state: FlowState,
    deadline: Option<i64>,
}

impl Driver {
    fn new() -> Driver {
        Driver {
            t: T0 - 100,
            token: "A".repeat(32),
            started: false,
        }
    }

    fn event(&mut self, (kind, dt, flag, pick): Raw) -> Event {
        let t = (self.t + dt).max(0);
        self.t = t;
        let channel = if flag { "sms" } else { "whatsapp" };
        let tomorrow = jiff::Timestamp::from_second(t)
            .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date())
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .map(|d| d.to_string())
            .unwrap_or_default();
        let slot = ["morning", "afternoon", "evening"][usize::from(pick % 3)];
        let window = (pick % 2 == 0).then(|| serde_json::json!({"day": tomorrow, "slot": slot}));
        let address = (pick % 4 == 1).then_some("7 rue de Fes, Agdal");
        let v = match kind {
            0..=3 => serde_json::json!({"type": "tick", "at": t}),
            4 => serde_json::json!({"type": "link_clicked", "at": t,
                "token": if flag { self.token.clone() } else { "A".repeat(32) },
                "choice": (["confirm", "cancel", "reschedule"][usize::from(pick % 3)]),
                "delivery_window": window, "address": address}),
            5 => serde_json::json!({"type": "reply", "at": t, "channel": channel,
                "intent": if flag { "confirm" } else { "unknown" }}),
            6 => serde_json::json!({"type": "reply", "at": t, "channel": channel,
                "intent": "new_phone", "phone": if flag { "+212698765432" } else { "+212612345678" }}),
            7 => serde_json::json!({"type": "call_result", "at": t,
                "result": if flag { "no_answer" } else { "wrong_number" }}),
            8 => serde_json::json!({"type": "send_failed", "at": t, "channel": channel}),
            9 => serde_json::json!({"type": "send_failed", "at": t, "channel": "email"}),
            10 => serde_json::json!({"type": "delivered", "at": t}),
            11 => serde_json::json!({"type": "reply", "at": t, "channel": "email",
                "intent": if flag { "cancel" } else { "confirm" }}),
            12 => serde_json::json!({"type": "delivery_failed", "at": t,
                "reason": (["unreachable", "refused", "postponed", "address_problem"][usize::from(pick % 4)])}),
            13 => serde_json::json!({"type": "send_denied", "at": t, "channel": channel,
                "reason": (["country_not_allowed", "number_daily_limit", "daily_budget"][usize::from(pick % 3)])}),
            14 => serde_json::json!({"type": "returned", "at": t}),
            _ => serde_json::json!({"type": "call_result", "at": t,
                "result": if flag { "confirmed" } else { "cancelled" },
                "delivery_window": window, "address": address}),
        };
        // `null` fields stand for absent ones.
        let v: serde_json::Map<String, Value> = v
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        serde_json::from_value(Value::Object(v)).expect("event")
    }

    /// Feeds `raw` to `flow` (after a `placed` the first time), remembering the token of every
    /// link it sends.
    fn run(&mut self, flow: &mut ConfirmationFlow, raw: &[Raw]) -> Vec<Record> {
        let mut out = Vec::new();
        let placed = (!self.started).then_some(Event::Placed { at: T0 });
        self.started = true;
        for r in placed.into_iter().map(Ok).chain(raw.iter().map(Err)) {
            let event = r.unwrap_or_else(|&raw| self.event(raw));
            let actions = flow
                .handle(event.clone())
                .expect("well-formed events never fail");
            for a in &actions {
                if let FlowAction::Send {
                    link: Some(link), ..
                } = a
                {
                    self.token = link.rsplit('/').next().unwrap_or_default().to_owned();
                }
            }
            out.push(Record {
                event,
                actions,
                state: flow.state(),
                deadline: flow.next_deadline(),
            });
        }
        out
    }
}

fn order(with_address: bool) -> Order {
    Order {
        order_id: "o-p".into(),
        placed_at: T0,
        name: "Salma".into(),
        phone: "+212612345678".into(),
        email: "s@example.com".into(),
        address: if with_address {
            "12 rue Ibn Battouta".into()
        } else {
            String::new()
        },
        country: "MA".into(),
        total: 100.0,
        currency: "MAD".into(),
        ..Order::default()
    }
}

/// What a run may never do, whatever the events.
fn check_invariants(log: &[Record], max_reschedules: u32) -> Result<(), TestCaseError> {
    let mut last_deadline: Option<i64> = None;
    let mut was_terminal = false;
    let (mut confirms, mut returns, mut reschedules) = (0, 0, 0);
    let mut latest = i64::MIN;
    // The failure being rescheduled, as the flow's actions reveal it.
    let mut failure: Option<&str> = None;
    for Record {
        event: e,
        actions,
        state,
        deadline: dl,
    } in log
    {
        let (state, dl) = (*state, *dl);
        if was_terminal {
            prop_assert!(
                actions.is_empty(),
                "action after terminal state: {:?}",
                actions
            );
        }
        for a in actions {
            match a {
                FlowAction::Confirm { .. } => confirms += 1,
                FlowAction::RescheduleDelivery { .. } => {
                    reschedules += 1;
                    prop_assert!(
                        failure.take().is_some(),
                        "reschedule without a failed delivery"
                    );
                }
                FlowAction::ReturnToSender { outcome } => {
                    returns += 1;
                    let refused = failure == Some("refused");
                    prop_assert_eq!(*outcome == Outcome::Refused, refused);
                    prop_assert_eq!(state, FlowState::Returned);
                }
                FlowAction::Send { template, link, .. } if template == "reschedule" => {
                    prop_assert!(link.is_some());
                    prop_assert!(
                        state == FlowState::AwaitingReschedule
                            || state.is_terminal()
                            || state == FlowState::Confirmed
                    );
                }
                _ => {}
            }
        }
        if let Event::DeliveryFailed { reason, .. } = e {
            if state == FlowState::AwaitingReschedule && failure.is_none() {
                failure = Some(match reason {
                    DeliveryFailure::Refused => "refused",
                    _ => "other",
                });
            }
        }
        if state != FlowState::AwaitingReschedule && state != FlowState::Returned {
            failure = None;
        }
        let cancels = actions
            .iter()
            .filter(|a| matches!(a, FlowAction::Cancel { .. }))
            .count();
        prop_assert!(cancels <= 1);
        // One pending step at most: a single deadline, none once nothing is pending.
        if state.is_terminal() || state == FlowState::Confirmed {
            prop_assert_eq!(dl, None);
        }
        // The next deadline always lies ahead of the latest event, and passing time alone
        // never moves it back (a failure or a new number may bring a step forward).
        if let Some(d) = dl {
            prop_assert!(
                d > e.at().max(latest),
                "deadline {} not ahead of {}",
                d,
                e.at()
            );
        }
        if let (Some(prev), Some(now), Event::Tick { .. }) = (last_deadline, dl, e) {
            prop_assert!(now >= prev, "deadline went back: {} -> {}", prev, now);
        }
        latest = latest.max(e.at());
        last_deadline = dl;
        was_terminal = state.is_terminal();
    }
    prop_assert!(confirms <= 1, "confirmed twice");
    prop_assert!(returns <= 1, "returned twice");
    prop_assert!(reschedules <= max_reschedules);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn flow_invariants(
        action in arb_action(), policy in arb_policy(), raw in arb_events(), addr in any::<bool>(),
    ) {
        let max = policy.max_reschedules;
        let mut flow = ConfirmationFlow::new(&order(addr), action, policy, SECRET, NONCE).unwrap();
        check_invariants(&Driver::new().run(&mut flow, &raw), max)?;
    }

    #[test]
    fn a_flipped_bit_in_a_flow_snapshot_is_refused(
        action in arb_action(), raw in arb_events(), bit in any::<prop::sample::Index>(),
    ) {
        let mut flow =
            ConfirmationFlow::new(&order(true), action, FlowPolicy::default(), SECRET, NONCE).unwrap();
        Driver::new().run(&mut flow, &raw);
        let bytes = serde_json::to_vec(&flow.snapshot()).unwrap();
        let i = bit.index(bytes.len() * 8);
        prop_assert!(
            restore_flipped(&bytes, i).is_err(),
            "bit {} of {} flipped and accepted", i, String::from_utf8_lossy(&bytes)
        );
    }

    #[test]
    fn snapshot_restore_replays_identically(
        action in arb_action(), policy in arb_policy(), raw in arb_events(), cut in 0usize..30,
        addr in any::<bool>(),
    ) {
        let cut = cut.min(raw.len());
        let mut whole = ConfirmationFlow::new(&order(addr), action, policy.clone(), SECRET, NONCE).unwrap();
        let expected = Driver::new().run(&mut whole, &raw);

        let mut first = ConfirmationFlow::new(&order(addr), action, policy, SECRET, NONCE).unwrap();
        let mut driver = Driver::new();
        let mut got = driver.run(&mut first, &raw[..cut]);
        let stored = serde_json::to_string(&first.snapshot()).unwrap();
        let mut second =
            ConfirmationFlow::restore(serde_json::from_str(&stored).unwrap(), SECRET).unwrap();
        got.extend(driver.run(&mut second, &raw[cut..]));
        prop_assert_eq!(got, expected);
        prop_assert_eq!(second.state(), whole.state());
        prop_assert_eq!(second.next_deadline(), whole.next_deadline());
        prop_assert_eq!(second.needs_address(), whole.needs_address());
    }
}

/// The random runs above are only worth their invariants if they reach every kind of action:
/// count them over 2,000 runs (a fixed seed, so the count repeats).
#[test]
fn the_random_runs_reach_every_action() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(Config::default().rng_algorithm),
    );
    let strategy = (arb_action(), arb_policy(), arb_events(), any::<bool>());
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..2000 {
        let (action, policy, raw, addr) = strategy.new_tree(&mut runner).expect("tree").current();
        let mut flow = ConfirmationFlow::new(&order(addr), action, policy, SECRET, NONCE).unwrap();
        for r in Driver::new().run(&mut flow, &raw) {
            for a in r.actions {
                let v = serde_json::to_value(&a).unwrap();
                let detail = ["template", "reason", "outcome"]
                    .iter()
                    .find_map(|k| v[k].as_str())
                    .unwrap_or("");
                *seen
                    .entry(format!("{} {detail}", v["type"].as_str().unwrap_or("")))
                    .or_default() += 1;
            }
        }
    }
    for want in [
        "confirm ",
        "reschedule_delivery ",
        "return_to_sender refused",
        "return_to_sender returned",
        "send reschedule",
        "notify_customer_service delivery_failed_no_answer",
        "notify_customer_service address_missing",
        "notify_customer_service reschedule_reply",
        "notify_customer_service delivery_failed_again",
        "send followup",
        "cancel unconfirmed",
    ] {
        assert!(
            seen.get(want).is_some_and(|&n| n > 0),
            "never reached {want:?}: {seen:?}"
        );
    }
}

/// Restores `bytes` with bit `i` flipped: the kind of the refusal.
fn restore_flipped(bytes: &[u8], i: usize) -> Result<ConfirmationFlow, ErrorKind> {
    let mut flipped = bytes.to_vec();
    flipped[i / 8] ^= 1 << (i % 8);
    let snapshot: FlowSnapshot =
        serde_json::from_slice(&flipped).map_err(|_| ErrorKind::SnapshotCorrupt)?;
    ConfirmationFlow::restore(snapshot, SECRET).map_err(|e| e.kind())
}

/// Every single-bit change of one rich snapshot (a flow rescheduled after a failed delivery,
/// with quiet hours and a shop template) is refused: all of its bits, not a sample.
#[test]
fn every_single_bit_flip_of_a_flow_snapshot_is_refused() {
    let policy: FlowPolicy = serde_json::from_value(serde_json::json!({
        "quiet_hours": {"start_minute": 1320, "end_minute": 480, "utc_offset_minutes": 60},
        "shop_name": "Souk Atlas",
        "templates": {"followup": {"fr": "Merci {name} ({shop})"}},
    }))
    .unwrap();
    let mut flow =
        ConfirmationFlow::new(&order(false), Action::Confirm, policy, SECRET, NONCE).unwrap();
    for e in [
        serde_json::json!({"type": "placed", "at": T0 + 9 * 3600}),
        serde_json::json!({"type": "reply", "at": T0 + 10 * 3600, "channel": "sms", "intent": "confirm"}),
        serde_json::json!({"type": "delivery_failed", "at": T0 + 30 * 3600, "reason": "refused"}),
    ] {
        flow.handle(serde_json::from_value(e).unwrap()).unwrap();
    }
    assert_eq!(flow.state(), FlowState::AwaitingReschedule);
    let bytes = serde_json::to_vec(&flow.snapshot()).unwrap();
    let mut kinds = std::collections::BTreeMap::new();
    for i in 0..bytes.len() * 8 {
        match restore_flipped(&bytes, i) {
            Ok(_) => panic!("bit {i} flipped and accepted"),
            Err(kind) => *kinds.entry(kind.code()).or_insert(0) += 1,
        }
    }
    assert_eq!(kinds.values().sum::<usize>(), bytes.len() * 8, "{kinds:?}");
}

/// The `review` timeline (contract section 2: a person calls first; section 3, step 5: the call
/// attempts or +48 h cancel): the call at once, then nothing on the clock until +48 h, even with
/// an email on the order; the email (no link) only after a wrong number.
#[test]
fn the_review_timeline_is_the_call_then_the_cancellation() {
    const H: i64 = 3600;
    let new = || {
        let mut f = ConfirmationFlow::new(
            &order(true),
            Action::Review,
            FlowPolicy::default(),
            b"k",
            NONCE,
        )
        .unwrap();
        assert_eq!(
            f.handle(Event::Placed { at: T0 }).unwrap(),
            vec![FlowAction::FlagForCall]
        );
        assert_eq!(f.state(), FlowState::AwaitingCall);
        assert_eq!(f.next_deadline(), Some(T0 + 48 * H));
        f
    };
    let tick = |f: &mut ConfirmationFlow, h: i64| f.handle(Event::Tick { at: T0 + h * H }).unwrap();
    let call = |f: &mut ConfirmationFlow, h: i64, result: CallResult| {
        f.handle(Event::CallResult {
            at: T0 + h * H,
            result,
            delivery_window: None,
            address: None,
        })
        .unwrap()
    };
    let cancelled = vec![FlowAction::Cancel {
        reason: CancelReason::Unconfirmed,
    }];

    // Nobody answers the clock but the cancellation: no SMS, WhatsApp or email at +4/+8/+24 h.
    let mut f = new();
    for h in [4, 8, 24, 47] {
        assert_eq!(tick(&mut f, h), vec![], "+{h} h");
        assert_eq!(f.state(), FlowState::AwaitingCall, "+{h} h");
    }
    assert_eq!(tick(&mut f, 48), cancelled);
    assert_eq!((f.state(), f.next_deadline()), (FlowState::Cancelled, None));

    // The call attempts (default 2) cancel before +48 h; one alone does not.
    let mut f = new();
    assert_eq!(call(&mut f, 1, CallResult::NoAnswer), vec![]);
    assert_eq!(tick(&mut f, 24), vec![]);
    assert_eq!(call(&mut f, 25, CallResult::NoAnswer), cancelled);
    assert_eq!(f.state(), FlowState::Cancelled);

    // A wrong number: the email without a link asks for a new number; +48 h still cancels.
    let mut f = new();
    let sent = call(&mut f, 1, CallResult::WrongNumber);
    assert!(
        matches!(sent.as_slice(), [FlowAction::Send { channel: Channel::Email, template, link: None, .. }] if template == "email_no_link"),
        "{sent:?}"
    );
    assert_eq!(f.state(), FlowState::AwaitingEmail);
    assert_eq!(tick(&mut f, 24), vec![]);
    assert_eq!(tick(&mut f, 48), cancelled);

    // An answer stops it.
    let mut f = new();
    assert_eq!(
        call(&mut f, 2, CallResult::Confirmed),
        vec![FlowAction::Confirm {
            delivery_window: None,
            address: None
        }]
    );
    assert_eq!(tick(&mut f, 48), vec![]);
    assert_eq!(f.state(), FlowState::Confirmed);
}

/// Whether the flow's actions ask customer service for the address.
fn asks_for_address(actions: &[FlowAction]) -> bool {
    actions
        .iter()
        .any(|a| serde_json::to_value(a).unwrap()["reason"].as_str() == Some("address_missing"))
}

/// An address no courier can use (keyboard mash, "test", a lone word) is treated as none: the
/// link's page asks for it, and a confirmation tells customer service, also the immediate one of
/// a good customer (whose order would otherwise ship to "asdfgh"). A real address, in either
/// script and whatever its form, asks for nothing.
#[test]
fn an_address_no_courier_can_use_is_asked_for_as_a_missing_one() {
    let cases = [
        ("asdfgh", true),
        ("qsdqsdqsd", true),
        ("test", true),
        ("xxx", true),
        ("Casablanca", true),
        ("12", true),
        ("   ", true),
        ("12 rue Ibn Battouta", false),
        ("Résidence Al Amal, Imm 3, Appt 12", false),
        ("إقامة الأمل عمارة 3 شقة 12", false),
        ("Douar Ouled Ali", false),
        ("حي النصر زنقة 5 رقم 12", false),
    ];
    for (address, unusable) in cases {
        let mut o = order(true);
        o.address = address.into();
        let mut good = ConfirmationFlow::new(
            &o,
            Action::AutoConfirm,
            FlowPolicy::default(),
            SECRET,
            NONCE,
        )
        .unwrap();
        assert_eq!(good.needs_address(), unusable, "{address:?}");
        let placed = good.handle(Event::Placed { at: T0 }).unwrap();
        assert!(
            matches!(placed.first(), Some(FlowAction::Confirm { .. })),
            "{placed:?}"
        );
        assert_eq!(
            asks_for_address(&placed),
            unusable,
            "{address:?}: {placed:?}"
        );
        let new = ConfirmationFlow::new(&o, Action::Confirm, FlowPolicy::default(), SECRET, NONCE)
            .unwrap();
        assert_eq!(new.needs_address(), unusable, "{address:?}");
    }
}

/// An address the customer types on the link's page counts only when a courier can use it.
#[test]
fn an_unusable_address_given_on_the_page_is_still_asked_for() {
    for (given, still_needed) in [("azerty", true), ("12 rue Ibn Battouta, Maarif", false)] {
        let mut flow = ConfirmationFlow::new(
            &order(false),
            Action::Confirm,
            FlowPolicy::default(),
            SECRET,
            NONCE,
        )
        .unwrap();
        let sent = flow.handle(Event::Placed { at: T0 }).unwrap();
        let Some(FlowAction::Send {
            link: Some(link), ..
        }) = sent.first()
        else {
            panic!("no link in {sent:?}");
        };
        let token = link.rsplit('/').next().unwrap();
        let click: Event = serde_json::from_value(serde_json::json!({
            "type": "link_clicked", "at": T0 + 60, "token": token,
            "choice": "confirm", "address": given}))
        .unwrap();
        let actions = flow.handle(click).unwrap();
        assert!(
            matches!(actions.first(), Some(FlowAction::Confirm { .. })),
            "{actions:?}"
        );
        assert_eq!(
            asks_for_address(&actions),
            still_needed,
            "{given:?}: {actions:?}"
        );
        assert_eq!(flow.needs_address(), still_needed, "{given:?}");
    }
}
