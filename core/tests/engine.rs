//! The engine's behaviour on the repository's example shop and on hand-made histories.

use codguard::assessment::{Assessment, CustomerClass, Evidence, ReasonCode};
use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::{ErrorKind, HistoryRecord, Order, Outcome};
use proptest::prelude::*;

const HISTORY: &str = include_str!("../../examples/data/history.jsonl");
const QUERIES: &str = include_str!("../../examples/data/queries.jsonl");

fn history() -> Vec<HistoryRecord> {
    Engine::parse_jsonl(HISTORY).unwrap()
}

fn queries() -> Vec<Order> {
    Engine::parse_jsonl(QUERIES).unwrap()
}

fn example_engine() -> Engine {
    let mut e = Engine::new(PolicyConfig::default());
    e.add_history(history()).unwrap();
    e
}

fn assess(e: &Engine, id: &str) -> Assessment {
    let q = queries()
        .into_iter()
        .find(|q| q.order_id.as_str() == id)
        .unwrap();
    e.assess(&q).unwrap()
}

fn ids(a: &Assessment) -> Vec<&str> {
    let mut v: Vec<&str> = a.matches.iter().map(|m| m.order_id.as_str()).collect();
    v.sort_unstable();
    v
}

fn has(a: &Assessment, code: ReasonCode) -> bool {
    a.reasons.iter().any(|r| r.code == code)
}

#[test]
fn example_shop_classes_match_its_readme() {
    let e = example_engine();
    let want = [
        ("q-0101", "good", "auto_confirm"),
        ("q-0102", "risky", "review"),
        ("q-0103", "negotiator", "auto_confirm"),
        ("q-0104", "ghost", "review"),
        ("q-0105", "ghost", "reject"),
        ("q-0106", "new", "confirm"),
        ("q-0107", "good", "auto_confirm"),
        ("q-0108", "new", "confirm"),
        ("q-0109", "good", "review"),
        ("q-0110", "new", "confirm"),
        ("q-0111", "new", "confirm"),
    ];
    for (id, class, action) in want {
        let a = assess(&e, id);
        assert_eq!(
            (a.customer_class.as_str(), a.action.as_str()),
            (class, action),
            "{id}: {a:#?}"
        );
    }
}

#[test]
fn matches_carry_their_evidence_across_scripts_and_formats() {
    let e = example_engine();
    let salma = assess(&e, "q-0101");
    assert_eq!(ids(&salma), ["h-0001", "h-0002", "h-0003"]);
    assert!(salma.notify_customer_service);
    assert_eq!(salma.profile.delivered, 3);
    assert_eq!(salma.profile.delivered_value, 668.5);
    assert_eq!(salma.normalized.phone.as_deref(), Some("+212661472983"));
    assert!(salma
        .matches
        .iter()
        .all(|m| m.evidence.contains(&Evidence::Phone)));

    // New phone, same email.
    let youssef = assess(&e, "q-0102");
    assert_eq!(ids(&youssef), ["h-0004", "h-0005"]);
    assert!(youssef
        .matches
        .iter()
        .all(|m| m.evidence.contains(&Evidence::Email)));
    let refused = youssef
        .reasons
        .iter()
        .find(|r| r.code == ReasonCode::PriorRefused)
        .unwrap();
    assert_eq!(refused.order_ids[0].as_str(), "h-0005");

    // New phone, no email: the door and the name, across Arabic and Latin script.
    let karim = assess(&e, "q-0107");
    assert_eq!(ids(&karim), ["h-0010", "h-0011"]);
    assert!(karim
        .matches
        .iter()
        .any(|m| m.evidence.contains(&Evidence::Address)));
}

#[test]
fn neighbours_namesakes_and_junk_do_not_link() {
    let e = example_engine();
    assert!(
        assess(&e, "q-0108").matches.is_empty(),
        "neighbour in the same building"
    );
    assert!(
        assess(&e, "q-0110").matches.is_empty(),
        "namesake in another city"
    );
    let junk = assess(&e, "q-0105");
    assert!(junk.matches.is_empty());
    for code in [
        ReasonCode::PhoneInvalid,
        ReasonCode::EmailFake,
        ReasonCode::AddressNonsense,
    ] {
        assert!(has(&junk, code), "{code:?} in {:#?}", junk.reasons);
    }
    // The city alone is no address either; the sentence says what to do, not "fake".
    let mut city_only = queries()
        .into_iter()
        .find(|q| q.order_id.as_str() == "q-0110")
        .unwrap();
    city_only.address = "الرباط".into();
    let a = e.assess(&city_only).unwrap();
    let reason = a
        .reasons
        .iter()
        .find(|r| r.code == ReasonCode::AddressNonsense)
        .expect("address_nonsense");
    assert!(reason.detail.contains("city alone"), "{}", reason.detail);
    assert!(
        reason.detail.contains("ask the customer"),
        "{}",
        reason.detail
    );
}

#[test]
fn recent_order_of_the_same_customer_is_flagged() {
    let e = example_engine();
    let nour = assess(&e, "q-0109");
    let dup = nour
        .reasons
        .iter()
        .find(|r| r.code == ReasonCode::DuplicateRecentOrder)
        .expect("duplicate_recent_order");
    assert_eq!(dup.order_ids.len(), 1);
    assert_eq!(dup.order_ids[0].as_str(), "h-0015");
    // Salma's last order was months ago.
    assert!(!has(
        &assess(&e, "q-0101"),
        ReasonCode::DuplicateRecentOrder
    ));
}

fn record(
    id: &str,
    t: i64,
    name: &str,
    phone: &str,
    email: &str,
    outcome: Outcome,
) -> HistoryRecord {
    HistoryRecord {
        order: Order {
            order_id: id.into(),
            placed_at: t,
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            address: String::new(),
            city: "Rabat".into(),
            country: "MA".into(),
            total: 100.0,
            currency: "MAD".into(),
        },
        outcome,
        negotiated: false,
    }
}

#[test]
fn links_are_transitive_phone_then_email() {
    let mut e = Engine::default();
    e.add_history([
        record("a", 1, "Omar Filali", "0661234590", "", Outcome::Delivered),
        record(
            "b",
            2,
            "Omar Filali",
            "0661234590",
            "omar.filali@gmail.com",
            Outcome::Delivered,
        ),
        record(
            "c",
            3,
            "Omar Filali",
            "0698715402",
            "omar.filali@gmail.com",
            Outcome::Refused,
        ),
    ])
    .unwrap();
    let q = record(
        "q",
        10,
        "Omar Filali",
        "06 61 23 45 90",
        "",
        Outcome::Pending,
    )
    .order;
    let a = e.assess(&q).unwrap();
    assert_eq!(ids(&a), ["a", "b", "c"]);
    assert_eq!(a.customer_class, CustomerClass::Risky);
    let c = a
        .matches
        .iter()
        .find(|m| m.order_id.as_str() == "c")
        .unwrap();
    assert!(
        c.score < a.matches[0].score,
        "a transitive match scores lower"
    );
}

/// A customer who gave a mobile and a landline in one field is found by either, after a
/// snapshot too, and forgotten by either: no key of the order stays.
#[test]
fn two_phones_in_one_field_find_the_customer_by_either_and_erase_by_either() {
    let both = record(
        "a",
        1,
        "Omar Filali",
        "0661472983 / 05 37 88 12 04",
        "",
        Outcome::Delivered,
    );
    let other = record("b", 2, "Nadia Amrani", "0698715402", "", Outcome::Refused);
    let mut e = Engine::default();
    e.add_history([both, other.clone()]).unwrap();
    let by = |e: &Engine, phone: &str| {
        let q = record("q", 10, "", phone, "", Outcome::Pending).order;
        e.assess(&q).unwrap()
    };
    for phone in ["0661472983", "+212537881204", "٠٥٣٧٨٨١٢٠٤"] {
        let a = by(&e, phone);
        assert_eq!(ids(&a), ["a"], "{phone}");
        assert_eq!(a.matches[0].evidence, [Evidence::Phone], "{phone}");
        assert_eq!(a.customer_class, CustomerClass::Good, "{phone}");
    }
    // The normalized phone is the first number: the one the flow calls.
    assert_eq!(
        e.assess(&record("q", 10, "", "0661472983 - 0537881204", "", Outcome::Pending).order)
            .unwrap()
            .normalized
            .phone
            .as_deref(),
        Some("+212661472983")
    );
    let loaded = Engine::load(&e.save()).unwrap();
    assert_eq!(ids(&by(&loaded, "0537881204")), ["a"]);
    // A batch refused whole (its second order repeats an id) leaves no second phone behind.
    let mut refused = Engine::load(&e.save()).unwrap();
    let landline = record(
        "c",
        3,
        "Ilham Berrada",
        "0698112233 / 0535443322",
        "",
        Outcome::Delivered,
    );
    let again = record("a", 4, "Omar Filali", "0661472983", "", Outcome::Delivered);
    assert!(refused.add_history([landline.clone(), again]).is_err());
    assert!(by(&refused, "0535443322").matches.is_empty());
    refused.add_history([landline]).unwrap();
    assert_eq!(ids(&by(&refused, "0535443322")), ["c"]);
    assert_eq!(ids(&by(&refused, "0537881204")), ["a"]);
    for phone in ["0537881204", "0661472983", "0666666666 / 0661472983"] {
        let mut e = Engine::load(&e.save()).unwrap();
        assert_eq!(e.erase_by_phone(phone, "MA").unwrap(), 1, "{phone}");
        assert!(by(&e, "0537881204").matches.is_empty());
        assert!(by(&e, "0661472983").matches.is_empty());
        let mut alone = Engine::default();
        alone.add_history([other.clone()]).unwrap();
        let mut left = e.history().key_hashes();
        let mut want = alone.history().key_hashes();
        left.sort_unstable();
        want.sort_unstable();
        assert_eq!(left, want, "{phone}");
    }
}

#[test]
fn a_phone_shared_by_many_names_links_nobody() {
    let names = [
        "Omar Filali",
        "Sara Bennani",
        "Hassan Tahiri",
        "Imane Chraibi",
        "Adil Lahlou",
    ];
    let mut e = Engine::default();
    let records: Vec<HistoryRecord> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            record(
                &format!("o{i}"),
                i as i64,
                n,
                "0661234590",
                "",
                Outcome::Refused,
            )
        })
        .collect();
    e.add_history(records).unwrap();
    let q = record("q", 10, "Nadia Kettani", "0661234590", "", Outcome::Pending).order;
    let a = e.assess(&q).unwrap();
    assert!(a.matches.is_empty(), "{:?}", ids(&a));
    assert_eq!(a.customer_class, CustomerClass::New);
}

#[test]
fn outcomes_arrive_later_and_change_the_class() {
    let mut e = example_engine();
    let q = queries()
        .into_iter()
        .find(|q| q.order_id.as_str() == "q-0106")
        .unwrap();
    e.add_order(&q).unwrap();
    let mut again = q.clone();
    again.order_id = "q-0106-bis".into();
    again.placed_at += 3600;
    let a = e.assess(&again).unwrap();
    assert_eq!(a.customer_class, CustomerClass::New);
    assert!(has(&a, ReasonCode::DuplicateRecentOrder));
    e.record_outcome("q-0106", Outcome::Refused).unwrap();
    assert_eq!(
        e.assess(&again).unwrap().customer_class,
        CustomerClass::Risky
    );
    let err = e.record_outcome("nope", Outcome::Refused).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownOrder);
    let err = e.add_order(&q).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateOrder);
    // About the one order given: no position in a list.
    assert_eq!(err.record(), None);
    assert!(
        err.message()
            .starts_with(&format!("order {} is already", q.order_id)),
        "{err}"
    );
}

#[test]
fn add_history_is_all_or_nothing() {
    let mut e = Engine::default();
    let mut records = history();
    records.push(records[0].clone());
    let repeat = records.len() - 1;
    let err = e.add_history(records.clone()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateOrder);
    assert_eq!(err.record(), Some(repeat));
    assert!(
        err.message().starts_with(&format!("record {repeat}: ")),
        "{err}"
    );
    // Without the position: what is wrong with the record itself.
    let id = records[0].order.order_id.as_str();
    assert_eq!(
        err.record_detail(),
        format!("order {id} is already in the history")
    );
    assert_eq!(e.len(), 0);
    // A record that does not validate names its position too; other errors none.
    records.pop();
    records[2].order.order_id = " ".into();
    let err = e.add_history(records).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRecord);
    assert_eq!(err.record(), Some(2));
    assert_eq!(err.record_detail(), "field `order_id` is empty");
    let other = e.record_outcome("nope", Outcome::Refused).unwrap_err();
    assert_eq!(other.record(), None);
    assert_eq!(other.record_detail(), other.message());
    assert_eq!(e.len(), 0);
}

/// A negative `placed_at` or a `total` that is no amount (negative, NaN, infinite) is refused
/// as `invalid_record` naming the field, in a history record (all or nothing, naming its
/// position) as in a new order, never quoting the customer's data; the engine is unchanged.
#[test]
fn a_negative_time_or_a_total_that_is_no_amount_is_refused() {
    let phone = "0661472983";
    let good = |id: &str| {
        record(
            id,
            1_767_225_600,
            "Salma Khalil",
            phone,
            "",
            Outcome::Delivered,
        )
    };
    let mut e = Engine::default();
    type Spoil = fn(&mut Order);
    let spoils: [(Spoil, &str); 5] = [
        (
            |o| o.placed_at = -1,
            "field `placed_at` must not be negative",
        ),
        (
            |o| o.placed_at = i64::MIN,
            "field `placed_at` must not be negative",
        ),
        (|o| o.total = -100.0, "field `total` must not be negative"),
        (
            |o| o.total = f64::NAN,
            "field `total` must be a finite number",
        ),
        (
            |o| o.total = f64::NEG_INFINITY,
            "field `total` must be a finite number",
        ),
    ];
    for (spoil, says) in spoils {
        let mut records = vec![good("h-1"), good("h-2")];
        spoil(&mut records[1].order);
        let err = e.add_history(records).unwrap_err();
        assert_eq!(
            (err.kind(), err.record()),
            (ErrorKind::InvalidRecord, Some(1))
        );
        assert!(
            err.message().starts_with(&format!("record 1: {says}")),
            "{err}"
        );
        assert!(!err.message().contains(phone), "{err}");
        assert_eq!(e.len(), 0);

        let mut order = good("o-1").order;
        spoil(&mut order);
        for err in [
            e.assess(&order).unwrap_err(),
            e.add_order(&order).unwrap_err(),
        ] {
            // One order, no list: no "record 0: " before the sentence, no position.
            assert_eq!((err.kind(), err.record()), (ErrorKind::InvalidRecord, None));
            assert!(err.message().starts_with(says), "{err}");
        }
        let many = e.assess_many(&[order]);
        assert!(matches!(&many[..], [Err(err)] if err.message().starts_with(says)));
    }
    // The edges are fine: the first second of 1970, a total of 0.
    let mut edge = good("h-1");
    edge.order.placed_at = 0;
    edge.order.total = 0.0;
    assert_eq!(e.add_history([edge]).unwrap(), 1);
}

#[test]
fn snapshot_round_trips_and_refuses_damage() {
    let e = example_engine();
    let bytes = e.save();
    let loaded = Engine::load(&bytes).unwrap();
    assert_eq!(loaded.len(), e.len());
    for q in queries() {
        assert_eq!(loaded.assess(&q).unwrap(), e.assess(&q).unwrap());
    }
    for cut in [0, 10, 24, bytes.len() / 2, bytes.len() - 1] {
        let err = Engine::load(&bytes[..cut]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SnapshotTruncated, "cut at {cut}");
    }
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    assert_eq!(
        Engine::load(&flipped).unwrap_err().kind(),
        ErrorKind::SnapshotCorrupt
    );
    let mut newer = bytes.clone();
    newer[8] = 99;
    assert_eq!(
        Engine::load(&newer).unwrap_err().kind(),
        ErrorKind::SnapshotVersion
    );
    let mut longer = bytes;
    longer.push(0);
    assert_eq!(
        Engine::load(&longer).unwrap_err().kind(),
        ErrorKind::SnapshotCorrupt
    );
}

#[test]
fn erasing_a_customer_leaves_no_key_and_no_trace_in_the_snapshot() {
    let mut e = example_engine();
    let before: std::collections::HashSet<u64> = e.history().key_hashes().into_iter().collect();
    let erased = e.erase_by_phone("0661472983", "MA").unwrap();
    assert_eq!(erased, 3);
    assert_eq!(e.len(), 13);
    let after: std::collections::HashSet<u64> = e.history().key_hashes().into_iter().collect();
    assert!(after.is_subset(&before));
    // Salma's phone, email and door keys are gone; nobody else shared them.
    let salma = assess(&e, "q-0101");
    assert!(salma.matches.is_empty());
    assert_eq!(salma.customer_class, CustomerClass::New);
    let snapshot = e.save();
    let text = String::from_utf8_lossy(&snapshot);
    for trace in ["h-0001", "h-0002", "h-0003", "battout", "بطوط"] {
        assert!(!text.contains(trace), "{trace} survived erasure");
    }
    assert_eq!(e.erase_by_email("youssef.benali@outlook.com").unwrap(), 2);
    assert!(assess(&e, "q-0102").matches.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whoever asks to be forgotten, by phone or by email: none of their orders' keys stays in
    /// the index, none of their order ids in a snapshot, and everyone else is untouched.
    #[test]
    fn erasing_any_customer_leaves_no_key_of_theirs(pick in 0usize..16, by_email in any::<bool>()) {
        let records = history();
        let r = &records[pick];
        let mut e = example_engine();
        let gone = if by_email && !r.order.email.is_empty() {
            e.erase_by_email(&r.order.email).unwrap()
        } else {
            e.erase_by_phone(&r.order.phone, &r.order.country).unwrap()
        };
        prop_assert!(gone >= 1);
        // Their orders: the ones the untouched engine links to this record's order.
        let reference = example_engine();
        let mut theirs: Vec<String> = vec![r.order.order_id.0.clone()];
        let a = reference.assess(&r.order).unwrap();
        theirs.extend(a.matches.iter().map(|m| m.order_id.0.clone()));
        prop_assert_eq!(e.len() + theirs.len(), reference.len());
        let snapshot = String::from_utf8_lossy(&e.save()).into_owned();
        for id in &theirs {
            prop_assert!(e.history().find(id).is_none());
            prop_assert!(!snapshot.contains(id.as_str()), "{} in the snapshot", id);
        }
        // Every key left belongs to an order left.
        let mut alone = Engine::default();
        let rest: Vec<HistoryRecord> =
            records.iter().filter(|o| !theirs.contains(&o.order.order_id.0)).cloned().collect();
        prop_assert_eq!(rest.len(), e.len());
        alone.add_history(rest).unwrap();
        let mut left = e.history().key_hashes();
        let mut want = alone.history().key_hashes();
        left.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(left, want);
    }

    /// The answer depends on the set of past orders, never on the order they were added in.
    #[test]
    fn assessing_is_independent_of_history_order(perm in Just(history()).prop_shuffle()) {
        let reference = example_engine();
        let mut e = Engine::default();
        e.add_history(perm).unwrap();
        for q in queries() {
            prop_assert_eq!(e.assess(&q).unwrap(), reference.assess(&q).unwrap());
        }
    }
}

#[test]
fn a_typo_in_the_email_domain_still_finds_the_customer() {
    let mut e = Engine::default();
    e.add_history([record(
        "a",
        1,
        "Omar Filali",
        "0661234590",
        "omar.filali@gmail.com",
        Outcome::Delivered,
    )])
    .unwrap();
    let q = record(
        "q",
        10,
        "Omar Filali",
        "0698715402",
        "OmarFilali@gmial.com",
        Outcome::Pending,
    )
    .order;
    let a = e.assess(&q).unwrap();
    assert_eq!(ids(&a), ["a"]);
    assert_eq!(a.matches[0].evidence, [Evidence::Email, Evidence::Name]);
    assert!(has(&a, ReasonCode::EmailTypo));
    assert!(!has(&a, ReasonCode::EmailFake));
}

/// A bad line is named once, with its column (serde reads one line at a time, so its own "at
/// line 1" was always 1 and said twice); a lone surrogate escape is invalid_utf8.
#[test]
fn parse_jsonl_names_the_line_once() {
    let ok = r#"{"order_id": "o-1", "placed_at": 1, "country": "MA"}"#;
    let e = Engine::parse_jsonl::<Order>(&format!(
        "{ok}\n\n{{\"order_id\": \"o-2\", \"placed_at\": \"x\"}}"
    ))
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRecord);
    // A record's own error names the field and the line: serde's column for it is mostly the
    // record's end, not the field, so none is given.
    assert!(
        e.message()
            .starts_with("line 3: field `placed_at` must be an integer"),
        "{}",
        e.message()
    );
    assert_eq!(e.message().matches("line").count(), 1, "{}", e.message());
    // A line that is not JSON has its column, in characters as an editor shows it: an Arabic id
    // two letters longer than "o-2" (six bytes more) moves it by two.
    for (line, column) in [
        (r#"{"order_id": "o-2" "placed_at": 1}"#, 20),
        (r#"{"order_id": "طلب-2" "placed_at": 1}"#, 22),
    ] {
        let e = Engine::parse_jsonl::<Order>(line).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidJson);
        let want = format!("line 1, column {column}: not JSON");
        assert!(e.message().starts_with(&want), "{}", e.message());
        assert_eq!(
            line.chars().nth(column - 1),
            Some('"'),
            "the fault is there"
        );
    }
    let e = Engine::parse_jsonl::<Order>(&format!("{ok}\n{{\"order_id\": ")).unwrap_err();
    assert!(
        e.message().starts_with("line 2, column "),
        "{}",
        e.message()
    );
    let e =
        Engine::parse_jsonl::<Order>(r#"{"order_id": "\ud800", "placed_at": 1, "country": "MA"}"#)
            .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidUtf8, "{}", e.message());
}

/// `parse_jsonl_each` reads every line: a malformed one is its own error (naming its line) and
/// the lines after it are still read, as the triage of new orders needs.
#[test]
fn parse_jsonl_each_keeps_reading_after_a_bad_line() {
    let text = concat!(
        r#"{"order_id": "o-1", "placed_at": 1, "country": "MA"}"#,
        "\n\n",
        r#"{"order_id": "o-2", "placed_at": "x", "country": "MA"}"#,
        "\n",
        r#"{"order_id": "o-3", "placed_at": 3, "country": "EG"}"#,
    );
    let got: Vec<Result<Order, _>> = Engine::parse_jsonl_each(text).collect();
    assert_eq!(got.len(), 3);
    assert_eq!(
        got[0].as_ref().map(|o| o.order_id.as_str()).ok(),
        Some("o-1")
    );
    let bad = got[1].as_ref().expect_err("line 3 is malformed");
    assert_eq!(bad.kind(), ErrorKind::InvalidRecord);
    assert!(
        bad.message().starts_with("line 3: field `placed_at`"),
        "{}",
        bad.message()
    );
    assert_eq!(
        got[2].as_ref().map(|o| o.order_id.as_str()).ok(),
        Some("o-3")
    );
    assert!(Engine::parse_jsonl::<Order>(text).is_err());
}

/// A phone whose digits look made up (a counting run up or down, a digit repeated) is a weak
/// signal whose sentence says so; when a parcel was delivered to that very phone, the sentence
/// says the history proves it real (the signal stays listed). A refusal on it proves nothing.
#[test]
fn a_looks_fake_phone_that_was_delivered_to_is_said_to_be_real() {
    let detail = |a: &Assessment| -> String {
        a.reasons
            .iter()
            .find(|r| r.code == ReasonCode::PhoneLooksFake)
            .map(|r| r.detail.clone())
            .unwrap_or_else(|| panic!("no phone_looks_fake: {a:?}"))
    };
    for (phone, again) in [
        ("0612345678", "06 12 34 56 78"),
        ("0677123456", "+212 677-123456"),
        ("0698765432", "٠٦٩٨٧٦٥٤٣٢"),
        ("0655555512", "00212 655 555 512"),
    ] {
        let order = |id: &str| Order {
            order_id: id.into(),
            placed_at: 1_767_225_600,
            name: "Khadija Bennani".into(),
            phone: again.into(),
            city: "Rabat".into(),
            country: "MA".into(),
            ..Order::default()
        };
        // Nobody known: the weak signal's sentence.
        let new = Engine::default().assess(&order("o-new")).unwrap();
        assert_eq!(new.customer_class, CustomerClass::New);
        assert!(detail(&new).contains("a weak signal"), "{new:?}");

        // The new order against one past order of hers on that phone, which ended as `outcome`.
        let after = |outcome: Outcome| {
            let mut e = Engine::default();
            let past = record("h-1", 1_760_000_000, "Khadija Bennani", phone, "", outcome);
            e.add_history([past]).unwrap();
            e.assess(&order("o-2")).unwrap()
        };
        // Delivered to on that phone: good, and the sentence says the phone is real.
        let good = after(Outcome::Delivered);
        assert_eq!(good.customer_class, CustomerClass::Good, "{good:?}");
        assert!(detail(&good).contains("delivered to it before"), "{good:?}");
        // Refused on it: no delivery proves the phone, the weak signal's sentence stays.
        let risky = after(Outcome::Refused);
        assert_eq!(risky.customer_class, CustomerClass::Risky, "{risky:?}");
        assert!(detail(&risky).contains("a weak signal"), "{risky:?}");
    }
}

/// `assess_and_add` answers as `assess` and leaves the history as `add_order` does, order after
/// order: the example shop's new orders, then each again an hour later under a new id (which
/// the first must be found by). An order it refuses leaves the history as it was.
#[test]
fn assess_and_add_is_assess_then_add_order() {
    let mut two_calls = example_engine();
    let mut one_call = example_engine();
    let again = queries().into_iter().map(|mut q| {
        q.order_id = format!("{}-bis", q.order_id).into();
        q.placed_at += 3600;
        q
    });
    let orders: Vec<Order> = queries().into_iter().chain(again).collect();
    let mut seen_earlier = 0;
    for q in orders {
        let want = two_calls.assess(&q).unwrap();
        two_calls.add_order(&q).unwrap();
        let got = one_call.assess_and_add(&q).unwrap();
        assert_eq!(got, want, "{}", q.order_id);
        seen_earlier += usize::from(
            got.matches
                .iter()
                .any(|m| m.order_id.as_str().starts_with("q-")),
        );
    }
    // The case the call is for: a new order's customer is found by an order of this run.
    assert!(seen_earlier >= 8, "{seen_earlier}");
    assert_eq!(one_call.len(), two_calls.len());
    assert_eq!(one_call.save(), two_calls.save());

    let before = one_call.save();
    let again = queries().swap_remove(0);
    let err = one_call.assess_and_add(&again).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DuplicateOrder);
    assert_eq!(err.record(), None);
    assert!(
        err.message()
            .starts_with(&format!("order {} is already", again.order_id)),
        "{err}"
    );
    let mut invalid = again.clone();
    invalid.order_id = "q-new".into();
    invalid.placed_at = -1;
    let err = one_call.assess_and_add(&invalid).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRecord);
    assert_eq!(one_call.save(), before);
}
