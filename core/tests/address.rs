//! Addresses: the shared vectors, the same address typed differently, neighbours, properties.

use codguard::normalize::{address::normalize_address, city::city_name, MAX_INPUT_BYTES};
use codguard::ErrorKind;
use proptest::prelude::*;
use serde_json::Value;

#[test]
fn vectors() {
    let file: Value =
        serde_json::from_str(include_str!("../../tests/vectors/address.json")).expect("valid JSON");
    let cases = file["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40);
    for case in cases {
        let raw = case["raw"].as_str().unwrap_or_default();
        let a = normalize_address(
            raw,
            case["city"].as_str().unwrap_or_default(),
            case["country"].as_str().unwrap_or_default(),
        )
        .expect("normalizes");
        let got = serde_json::json!({
            "text": a.text, "street": a.street, "house_number": a.house_number, "unit": a.unit,
            "district": a.district, "landmark": a.landmark,
            "city_name": a.city.and_then(city_name), "nonsense": a.nonsense,
        });
        assert_eq!(got, case["expected"], "{raw}");
    }
}

fn key(raw: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let a = normalize_address(raw, "", "").expect("normalizes");
    (a.street, a.house_number, a.unit)
}

#[test]
fn same_address_typed_differently() {
    let groups: &[&[&str]] = &[
        &[
            "40 Rue Palestine Hay Riad",
            "rue palestine n 40, quartier riad",
        ],
        &[
            "Rue Palestine N 103 ، Deira",
            "R. PALESTINE N°103 ، HAY DEIRA",
            "103, RUE PALESTINE ، HYA DEIRA",
        ],
        &[
            "rue nasr n°39, hay riad",
            "Rue En Nasr n°39 - Ha yRiad",
            "39 R. Nasr Hay Riad",
        ],
        &[
            "87 شارع ديدوش مراد, الشقة رقم 10",
            "87 ش ديدوش مراد ، شقة 10",
            "87 شارع ديدوش مراد - شقة 10",
            "87 شارع ديدوش مراد, ش 10",
            "٨٧ شارع ديدوش مراد\u{200F}، شقة ١٠",
        ],
        &[
            "Bd Al Qods N 38, Quartier Bab El Oued",
            "boulevard qods n 38",
            "38 bd el qods",
        ],
        &[
            "B dSheikh Zayed N 179 ، Quartier Agdal",
            "179 Bd Sheikh Zayed",
        ],
        &[
            "121 Avenue Hassan II, Appt 19, Heliopolis",
            "Av. Hassan 2 N°121 App.19",
        ],
        &[
            "3 Boulevar Mohammed V",
            "AVENUE MOHAMMED V N°3",
            "Boulevard Mohammed V N 3",
        ],
        &[
            "197 زن العليا - الشقة رقم 29",
            "197 زنقة العليا ش 29",
            "197 زنقة العليا ، ش 29",
        ],
        &[
            "248 شارع القدس - الشقة رقم 22",
            "248 ش القدس شقة 22",
            "248 شارع القدس, ش 22",
        ],
        &[
            "221, AVENUE YASMINE ، APPARTEMNT 20 ، HAY EL MENZAH",
            "Boulevard Yasmine N 221, App.20, El Menzah",
        ],
    ];
    for group in groups {
        let first = key(group[0]);
        assert!(!first.0.is_empty() && first.1.is_some(), "{}", group[0]);
        for raw in &group[1..] {
            assert_eq!(key(raw), first, "{raw} vs {}", group[0]);
        }
    }
}

#[test]
fn neighbours_stay_apart() {
    assert_ne!(
        key("87 شارع ديدوش مراد, الشقة رقم 10"),
        key("87 شارع ديدوش مراد, الشقة رقم 11")
    );
    assert_ne!(
        key("87 شارع ديدوش مراد, الشقة رقم 10"),
        key("89 شارع ديدوش مراد, الشقة رقم 10")
    );
    assert_ne!(
        key("40 Rue Palestine Hay Riad"),
        key("42 Rue Palestine Hay Riad")
    );
    assert_ne!(
        key("40 Rue Palestine, appt 3"),
        key("40 Rue Palestine, appt 4")
    );
    assert_ne!(key("12 rue nasr"), key("12 rue qods"));
}

#[test]
fn nonsense_and_real_short_addresses() {
    for junk in [
        "test",
        "azerty",
        "ddd",
        "ههههه",
        "....",
        "aaaaaa",
        "qsdqsd",
        "123",
        "xxxx",
        "sdfsdf",
        "no address",
        "Casablanca",
    ] {
        assert!(
            normalize_address(junk, "", "MA").expect("ok").nonsense,
            "{junk}"
        );
    }
    // A blank address is absent, which is not nonsense.
    for blank in ["", "   ", "\u{200f} \t"] {
        let a = normalize_address(blank, "", "MA").expect("ok");
        assert!(!a.nonsense && a.text.is_empty(), "{blank:?}");
    }
    for real in [
        "حي السلام",
        "6  التحرير",
        "7  شالأندلس",
        "درب السلطان 12",
        "زنقة 5 رقم 10 حي النهضة",
    ] {
        assert!(
            !normalize_address(real, "", "MA").expect("ok").nonsense,
            "{real}"
        );
    }
}

#[test]
fn city_from_field_or_text() {
    let a = normalize_address("12 rue x, maarif, casablanca", "", "MA").expect("ok");
    assert_eq!(a.city.and_then(city_name), Some("Casablanca"));
    let b = normalize_address("12 rue x", "الدار البيضاء", "MA").expect("ok");
    assert_eq!(a.city, b.city);
}

#[test]
fn too_long() {
    let long = "ش".repeat(MAX_INPUT_BYTES);
    let err = normalize_address(&long, "", "MA").expect_err("too long");
    assert_eq!(err.kind(), ErrorKind::InputTooLong);
    assert!(!err.message().contains('ش'));
    let err = normalize_address("12 rue x", &"a".repeat(MAX_INPUT_BYTES + 1), "MA")
        .expect_err("too long");
    assert_eq!(err.kind(), ErrorKind::InputTooLong);
    assert!(normalize_address(&"a ".repeat(MAX_INPUT_BYTES / 2), "", "").is_ok());
}

proptest! {
    #[test]
    fn never_panics(raw in any::<String>(), city in any::<String>()) {
        let _ = normalize_address(&raw, &city, "MA");
    }

    #[test]
    fn text_is_idempotent(raw in "[0-9a-zA-Z\\u{0621}-\\u{064A}٠-٩ ,.°،\\-]{0,60}") {
        let once = normalize_address(&raw, "", "").expect("short input");
        let twice = normalize_address(&once.text, "", "").expect("short input");
        prop_assert_eq!(&twice.text, &once.text);
    }

    #[test]
    fn text_is_idempotent_on_address_words(
        words in proptest::collection::vec(
            prop::sample::select(vec!["12", "n", "n°", "rue", "bd", "ش", "شارع", "زن", "شقة", "app", "appt", "hay", "حي",
                "quartier", "الشقة", "رقم", "palestine", "النصر", "el", "al", "قرب", "المسجد", "en", "face", "de", ",", "-", "،", "19", "etage", "ii"]),
            0..12)
    ) {
        let raw = words.join(" ");
        let once = normalize_address(&raw, "", "").expect("short input");
        let twice = normalize_address(&once.text, "", "").expect("short input");
        prop_assert_eq!(&twice.text, &once.text);
    }
}
