//! Replays `tests/vectors/phone.json` (shared with the C and Python bindings) and checks the
//! phone normalizer's properties: no panic on any input, E.164 output is a fixed point.

use codguard::normalize::{find_phone, normalize_phone, parse_phone};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    note: String,
    raw: String,
    country: String,
    expected: Option<String>,
    error: Option<String>,
    looks_fake: bool,
    junk: bool,
}

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[test]
fn phone_vectors() {
    let vectors: Vectors =
        serde_json::from_str(include_str!("../../tests/vectors/phone.json")).unwrap();
    assert!(vectors.cases.len() >= 60);
    let mut failures = Vec::new();
    for case in &vectors.cases {
        let parsed = parse_phone(&case.raw, &case.country);
        let got_expected = parsed.as_ref().ok().map(|i| i.e164.as_str().to_string());
        let got_fake = parsed.as_ref().is_ok_and(|i| i.looks_fake);
        let got_junk = parsed.as_ref().is_ok_and(|i| i.junk);
        let normalized = normalize_phone(&case.raw, &case.country);
        let got_error = normalized
            .as_ref()
            .err()
            .map(|e| e.kind().code().to_string());
        let normalized_ok = normalized.as_ref().ok().map(|p| p.as_str().to_string());
        let want_normalized = if case.error.is_none() {
            case.expected.clone()
        } else {
            None
        };
        if got_expected != case.expected
            || got_error != case.error
            || got_fake != case.looks_fake
            || got_junk != case.junk
            || normalized_ok != want_normalized
        {
            failures.push(format!(
                "{} ({:?} {}): parse {:?} fake {} junk {} normalize {:?}",
                case.note, case.raw, case.country, got_expected, got_fake, got_junk, normalized
            ));
        }
        // Wherever the whole field parses, the same text inside a reply is found too.
        if let Some(want) = &case.expected {
            let reply = format!("salam, {} merci", case.raw);
            if reply.len() <= 1024 {
                let found = find_phone(&reply, &case.country).map(|p| p.as_str().to_string());
                if found.as_ref() != Some(want) {
                    failures.push(format!("{}: find_phone in reply gave {found:?}", case.note));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
}

#[test]
fn find_phone_in_replies() {
    let cases = [
        ("رقمي الجديد 0696030620", "MA", Some("+212696030620")),
        (
            "new number: +212 6 96 03 06 20",
            "MA",
            Some("+212696030620"),
        ),
        (
            "نمرتي الجديدة ٠٦٩٦٠٣٠٦٢٠ عافاك",
            "MA",
            Some("+212696030620"),
        ),
        (
            "commande 45, appelez le 07 81 64 44 74 svp",
            "FR",
            Some("+33781644474"),
        ),
        (
            "\u{200f}رقمي\u{200f} ۰۶۹۶۰۳۰۶۲۰",
            "MA",
            Some("+212696030620"),
        ),
        ("le 12/05 à 14h", "MA", None),
        ("wakha, safi", "MA", None),
        ("", "MA", None),
    ];
    for (text, country, want) in cases {
        let found = find_phone(text, country);
        assert_eq!(found.as_ref().map(|p| p.as_str()), want, "{text:?}");
    }
    let long = format!("{} 0696030620", "x".repeat(2000));
    assert_eq!(find_phone(&long, "MA"), None);
}

#[test]
fn phone_info_fields() {
    let info = parse_phone("+33 1 42 68 53 00", "MA").unwrap();
    assert_eq!(info.country, "FR");
    assert_eq!(info.number_type, codguard::normalize::PhoneType::FixedLine);
    let info = parse_phone("0551234987", "SA").unwrap();
    assert_eq!(info.country, "SA");
    assert_eq!(info.number_type, codguard::normalize::PhoneType::Mobile);
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["e164"], "+966551234987");
    assert_eq!(json["number_type"], "mobile");
}

/// Numbers of several countries and lengths, as a customer types them.
const TYPED: [(&str, &str); 12] = [
    ("0696030620", "MA"),
    ("+212 6 96 03 06 20", "FR"),
    ("0555 98 20 47", "DZ"),
    ("21 706 690", "TN"),
    ("010 2709 6050", "EG"),
    ("055 198 4723", "SA"),
    ("07 81 64 44 74", "FR"),
    ("0900 332 6005", "NL"),
    ("06 2940 7315", "NL"),
    ("030 2275 8193", "DE"),
    ("0151 2896 4073", "DE"),
    ("020 8367 2914", "GB"),
];

fn arabic_indic(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x660 + d).unwrap(),
            None => c,
        })
        .collect()
}

fn e164(raw: &str, country: &str) -> Option<String> {
    parse_phone(raw, country)
        .ok()
        .map(|info| info.e164.as_str().to_string())
}

/// A letter glued between two digits (`07x90069689`) gives no number or the number meant, never
/// another valid number (the digits before or after it alone): every letter of a sample, Latin
/// and Arabic, at every place between two digits, in ASCII and Arabic-Indic writings.
#[test]
fn a_glued_letter_never_makes_another_number() {
    let letters = ['x', 'a', 'k', 'e', 't', 'z', 'é', 'ت', 'ه', 'ب', 'X', 'A'];
    let (mut writings, mut none, mut meant) = (0, 0, 0);
    let mut wrong = Vec::new();
    for (typed, country) in TYPED {
        let want = e164(typed, country).unwrap_or_else(|| panic!("{typed} {country} is valid"));
        for raw in [typed.to_string(), arabic_indic(typed)] {
            let chars: Vec<char> = raw.chars().collect();
            for at in 1..chars.len() {
                let glued = chars[at - 1].is_numeric() && chars[at].is_numeric();
                if !glued {
                    continue;
                }
                for letter in letters {
                    let mut mutated = chars.clone();
                    mutated.insert(at, letter);
                    let mutated: String = mutated.into_iter().collect();
                    writings += 1;
                    let got = e164(&mutated, country);
                    let found = find_phone(&format!("salam {mutated} merci"), country)
                        .map(|p| p.as_str().to_string());
                    match got {
                        None => none += 1,
                        Some(ref g) if *g == want => meant += 1,
                        Some(_) => wrong.push(format!("{mutated:?} {country}: {got:?}")),
                    }
                    if found.as_ref().is_some_and(|f| *f != want) {
                        wrong.push(format!("find_phone in {mutated:?} {country}: {found:?}"));
                    }
                }
            }
        }
    }
    println!("{writings} writings with a glued letter: {none} no number, {meant} the number meant");
    assert!(writings > 1500, "{writings}");
    assert!(wrong.is_empty(), "another number:\n{}", wrong.join("\n"));
}

/// `O` typed for 0 and `l`/`I` for 1, at every place where the digit stands, give the number
/// itself.
#[test]
fn lookalike_letters_read_as_their_digits() {
    let mut checked = 0;
    for (typed, country) in TYPED {
        let want = e164(typed, country);
        for (at, c) in typed.char_indices() {
            let stand_ins: &[char] = match c {
                '0' => &['O', 'o'],
                '1' => &['l', 'I'],
                _ => continue,
            };
            for &stand_in in stand_ins {
                let mut raw = typed.to_string();
                raw.replace_range(at..=at, &stand_in.to_string());
                assert_eq!(e164(&raw, country), want, "{raw:?} {country}");
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked}");
}

const COUNTRIES: [&str; 10] = ["MA", "EG", "SA", "DZ", "TN", "AE", "JO", "FR", "ZZ", ""];

fn phone_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('0', '9'),
            2 => prop::char::range('\u{660}', '\u{669}'),
            1 => prop::char::range('\u{6F0}', '\u{6F9}'),
            1 => prop::sample::select(vec![
                '+', ' ', '-', '.', '(', ')', '/', ',', 'O', 'o', '\u{200f}', '\u{61c}',
                '\u{a0}', '\u{64e}', '\u{651}', 'ت', ':', '\u{feff}', '\u{2066}',
            ]),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_any_string(raw in any::<String>(), c in 0usize..10) {
        let country = COUNTRIES[c];
        let _ = parse_phone(&raw, country);
        let _ = normalize_phone(&raw, country);
        let _ = find_phone(&raw, country);
    }

    #[test]
    fn never_panics_on_phone_like_text(raw in phone_like(), c in 0usize..10) {
        let country = COUNTRIES[c];
        let _ = parse_phone(&raw, country);
        let _ = find_phone(&raw, country);
    }

    #[test]
    fn e164_is_a_fixed_point(raw in phone_like(), c in 0usize..10, d in 0usize..10) {
        if let Ok(info) = parse_phone(&raw, COUNTRIES[c]) {
            // "ZZ" is no code the library knows: refused whatever the number.
            let d = if COUNTRIES[d] == "ZZ" { "" } else { COUNTRIES[d] };
            let again = parse_phone(info.e164.as_str(), d).unwrap();
            prop_assert_eq!(&again, &info);
            if let Ok(e164) = normalize_phone(&raw, COUNTRIES[c]) {
                prop_assert_eq!(normalize_phone(e164.as_str(), d).unwrap(), e164);
            }
        }
    }

    #[test]
    fn national_mobiles_round_trip(n in 600_000_000u64..799_999_999) {
        let raw = format!("0{n}");
        if let Ok(e164) = normalize_phone(&raw, "MA") {
            prop_assert_eq!(e164.as_str(), format!("+212{n}"));
            prop_assert_eq!(normalize_phone(e164.as_str(), "EG").unwrap(), e164);
        }
    }
}

/// Every country parameter follows one rule and says one sentence: blank is no country,
/// anything else must be a code the library knows, checked before the text is read.
#[test]
fn one_rule_and_one_sentence_for_every_country_parameter() {
    use codguard::confirm::reply_intent;
    use codguard::normalize::normalize_address;
    use codguard::ErrorKind;
    for country in ["ZZ", "Morocco", "MAR", " M"] {
        let errors = [
            normalize_phone("0661472983", country).unwrap_err(),
            normalize_phone("+212661472983", country).unwrap_err(),
            parse_phone("x", country).unwrap_err(),
            parse_phone("", country).unwrap_err(),
            normalize_address("12 rue de Fes", "", country).unwrap_err(),
            reply_intent("wakha", country).unwrap_err(),
        ];
        for e in &errors {
            assert_eq!(e.kind(), ErrorKind::InvalidCountry, "{country}: {e}");
            assert_eq!(e.message(), errors[0].message(), "{country}");
        }
        assert_eq!(find_phone("+212661472983", country), None);
    }
    // Blank is no country: a number with its code reads, a national one is no number of any
    // region (not the country's error), text without digits is not a number.
    for blank in ["", "  "] {
        assert_eq!(
            normalize_phone("+212661472983", blank).unwrap().as_str(),
            "+212661472983"
        );
        let national = normalize_phone("0661472983", blank).unwrap_err();
        assert_eq!(national.kind(), ErrorKind::PhoneInvalidForRegion);
        assert!(national.message().contains("no country"), "{national}");
        assert_eq!(
            parse_phone("x", blank).unwrap_err().kind(),
            ErrorKind::PhoneNotANumber
        );
    }
}
