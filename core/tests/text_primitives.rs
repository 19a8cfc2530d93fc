//! One set of invisible characters, one table of Unicode digits and one keyboard-mash detector
//! serve every normalizer: phones, emails, names, addresses and replies read them alike.

use codguard::confirm::reply_intent;
use codguard::normalize::address::normalize_address;
use codguard::normalize::text::fold;
use codguard::normalize::{
    find_phone, normalize_email, normalize_name, parse_phone, FakeEmailReason,
};

/// The zeros of every decimal-digit run, read straight from the data file the library embeds.
fn digit_zeros() -> Vec<char> {
    include_str!("../data/unicode_digit_zeros.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| u32::from_str_radix(l.trim(), 16).expect("hex code point"))
        .map(|cp| char::from_u32(cp).expect("a scalar value"))
        .collect()
}

/// `ascii` (digits and anything else) with its digits written in the run starting at `zero`.
fn in_script(ascii: &str, zero: char) -> String {
    ascii
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(zero as u32 + d).expect("digit"),
            None => c,
        })
        .collect()
}

#[test]
fn the_digit_table_is_the_unicode_one() {
    let zeros = digit_zeros();
    // Unicode 17 has 71 decimal-digit runs (ASCII included); a shorter table lost some.
    assert!(zeros.len() >= 71, "{} runs", zeros.len());
    assert!(
        zeros.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    // Every run of ten is numeric to the standard library too (when its Unicode knows them).
    if char::UNICODE_VERSION >= (17, 0, 0) {
        for &zero in &zeros {
            for d in 0..10 {
                let c = char::from_u32(zero as u32 + d).expect("digit");
                assert!(c.is_numeric(), "U+{:04X}", c as u32);
            }
        }
    }
    // The runs the old name and address table lacked (Kawi, Nag Mundari, Unicode 16 and 17).
    for zero in [
        0x11F50, 0x1E4F0, 0x10D40, 0x116D0, 0x116DA, 0x11BF0, 0x16130, 0x11DE0,
    ] {
        assert!(
            zeros.contains(&char::from_u32(zero).expect("zero")),
            "{zero:X}"
        );
    }
}

#[test]
fn every_unicode_digit_reads_the_same_in_phones_addresses_names_and_replies() {
    let ascii_address =
        normalize_address("N° 12 Rue Ibn Sina, Appt 3", "Casablanca", "MA").unwrap();
    let ascii_name = normalize_name("Karim 2").unwrap();
    assert_eq!(ascii_address.house_number.as_deref(), Some("12"));
    for zero in digit_zeros() {
        let label = format!("U+{:04X}", zero as u32);
        let phone = in_script("0696030620", zero);
        assert_eq!(
            parse_phone(&phone, "MA").map(|i| i.e164.as_str().to_string()),
            Ok("+212696030620".to_string()),
            "{label}"
        );
        let reply = format!("رقمي الجديد {phone}");
        assert_eq!(
            find_phone(&reply, "MA").map(|p| p.as_str().to_string()),
            Some("+212696030620".to_string()),
            "{label}"
        );
        assert_eq!(
            reply_intent(&reply, "MA")
                .expect("a known country")
                .phone
                .map(|p| p.as_str().to_string()),
            Some("+212696030620".to_string()),
            "{label}"
        );
        assert_eq!(fold(&in_script("app 19", zero)), "app 19", "{label}");
        let address = in_script("N° 12 Rue Ibn Sina, Appt 3", zero);
        assert_eq!(
            normalize_address(&address, "Casablanca", "MA").unwrap(),
            ascii_address,
            "{label}"
        );
        assert_eq!(
            normalize_name(&in_script("Karim 2", zero)).unwrap(),
            ascii_name,
            "{label}"
        );
    }
}

/// The invisible characters: the union of what the phone cleaner and the text folding each
/// dropped before they shared one set, plus the tatweel.
const INVISIBLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x0640, 0x0640),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0xE0000, 0xE007F),
];

fn invisible_chars() -> impl Iterator<Item = char> {
    INVISIBLE
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .filter_map(char::from_u32)
}

#[test]
fn invisible_characters_vanish_from_every_field() {
    let email = normalize_email("karim.b@gmail.com").unwrap();
    let name = normalize_name("Mohamed Alaoui").unwrap();
    let address = normalize_address("12 Rue Ibn Sina", "Casablanca", "MA").unwrap();
    for c in invisible_chars() {
        let label = format!("U+{:04X}", c as u32);
        let phone = format!("{c}06 96{c}03 06 20{c}");
        assert_eq!(
            parse_phone(&phone, "MA").map(|i| i.e164.as_str().to_string()),
            Ok("+212696030620".to_string()),
            "{label}"
        );
        // Inside a number, too: not a letter glued between digits.
        assert_eq!(
            parse_phone(&format!("069603{c}0620"), "MA").map(|i| i.e164.as_str().to_string()),
            Ok("+212696030620".to_string()),
            "{label}"
        );
        let e = normalize_email(&format!("{c}karim{c}.b@gmail.com{c}")).unwrap();
        assert_eq!(e, email, "{label}");
        assert_eq!(fold(&format!("mo{c}hamed")), "mohamed", "{label}");
        assert_eq!(fold(&format!("مح{c}مد")), "محمد", "{label}");
        assert_eq!(
            normalize_name(&format!("Moh{c}amed {c}Alaoui")).unwrap(),
            name,
            "{label}"
        );
        assert_eq!(
            normalize_address(&format!("12 Ru{c}e Ibn{c} Sina"), "Casablanca", "MA").unwrap(),
            address,
            "{label}"
        );
        // A name made only of invisible characters (the "blank name" trick) is empty.
        assert!(
            normalize_name(&format!("{c}{c}{c}"))
                .unwrap()
                .tokens
                .is_empty(),
            "{label}"
        );
    }
}

#[test]
fn visible_neighbours_of_the_invisible_set_stay() {
    // Letters and digits next to the ranges are not swallowed.
    assert_eq!(fold("a\u{0641}b"), "aفb");
    assert_eq!(fold("x\u{2070}"), "x0");
    assert!(
        !fold("\u{3165}").is_empty(),
        "a Hangul letter next to the filler"
    );
}

#[test]
fn keyboard_mash_is_one_rule_for_names_addresses_and_emails() {
    let mashes = [
        "sdfsdf",
        "qsdqsd",
        "qsdfqsdf",
        "asdfgh",
        "lkjhgf",
        "azerty",
        "poiuyt",
        "xxxx",
        "hahaha",
        "ضصثقف",
        "ههههه",
    ];
    for m in mashes {
        assert!(
            normalize_name(&format!("{m} {m}")).unwrap().nonsense,
            "name {m}"
        );
        assert!(
            normalize_address(&format!("{m} {m} {m}"), "Casablanca", "MA")
                .unwrap()
                .nonsense,
            "address {m}"
        );
        assert_eq!(
            normalize_email(&format!("{m}@gmail.com")).unwrap().fake,
            Some(FakeEmailReason::JunkLocal),
            "email {m}"
        );
    }
    for real in [
        "mohamed",
        "yassine",
        "tazi",
        "lalla",
        "bennani",
        "fatima",
        "anna",
        "pierre",
        "ali",
        "خديجة",
        "youssef",
    ] {
        assert!(
            !normalize_name(&format!("{real} {real}")).unwrap().nonsense,
            "name {real}"
        );
        assert_eq!(
            normalize_email(&format!("{real}@gmail.com")).unwrap().fake,
            None,
            "email {real}"
        );
    }
    // A local part without vowels is an abbreviation, not mash; a name token like it is junk.
    assert_eq!(normalize_email("mhmd.krm@gmail.com").unwrap().fake, None);
    assert!(normalize_name("sdfgh jklmn").unwrap().nonsense);
}
