//! Phone numbers: a customer's mobile number, the ways people type it at checkout, and the
//! junk typed by people who do not mean to be called.

use super::countries::Country;
use super::pick;

/// A mobile number of `country`: its national significant number (no trunk prefix), valid by
/// the phone metadata and not a digit run that looks made up.
pub fn mobile_number(rng: &mut fastrand::Rng, country: &Country) -> String {
    let (prefixes, digits) = country.mobile;
    // Most draws are valid; the metadata leaves some ranges unallocated, so draw again.
    for _ in 0..1000 {
        let mut nsn = pick(rng, prefixes).to_string();
        for _ in 0..digits {
            nsn.push(char::from(b'0' + rng.u8(0..10)));
        }
        let e164 = format!("+{}{nsn}", country.dialling);
        if codguard::normalize::normalize_phone(&e164, country.code).is_ok() {
            return nsn;
        }
    }
    panic!("{}: no valid mobile number in 1000 draws", country.code)
}

/// How a number was typed: the family name (the `family` column of `phones.tsv`) and the
/// function that writes it from the national significant number.
type Form = (
    &'static str,
    fn(&mut fastrand::Rng, &Country, &str) -> String,
);

const FORMS: &[Form] = &[
    ("national", |_, c, n| format!("{}{n}", c.trunk)),
    ("national_spaced", |rng, c, n| {
        grouped(rng, &format!("{}{n}", c.trunk), " ")
    }),
    ("national_dotted", |rng, c, n| {
        grouped(rng, &format!("{}{n}", c.trunk), ".")
    }),
    ("national_dashed", |rng, c, n| {
        grouped(rng, &format!("{}{n}", c.trunk), "-")
    }),
    ("plus", |_, c, n| format!("+{}{n}", c.dialling)),
    ("plus_spaced", |rng, c, n| {
        format!("+{} {}", c.dialling, grouped(rng, n, " "))
    }),
    ("double_zero", |_, c, n| format!("00{}{n}", c.dialling)),
    ("plus_paren", |_, c, n| format!("(+{}) {n}", c.dialling)),
    ("plus_trunk_paren", |_, c, n| {
        format!("+{} ({}){n}", c.dialling, c.trunk)
    }),
    ("no_trunk", |_, _, n| n.to_string()),
];

/// One way the customer types their number on this order, and the form's family name. One
/// order in eight writes it in Arabic-Indic digits (Eastern Arabic-Indic in the Gulf); now and
/// then a label comes before it, or a text editor's direction marks around it.
pub fn phone_form(rng: &mut fastrand::Rng, country: &Country, nsn: &str) -> (String, String) {
    let (family, write) = loop {
        let form = pick(rng, FORMS);
        // "+212 (0)6…" exists only where a trunk prefix does.
        if form.0 != "plus_trunk_paren" || !country.trunk.is_empty() {
            break form;
        }
    };
    let mut text = write(rng, country, nsn);
    let mut family = family.to_string();
    if rng.u8(0..8) == 0 {
        let zero = if matches!(country.code, "SA" | "AE") && rng.bool() {
            '۰'
        } else {
            '٠'
        };
        text = with_digits(&text, zero);
        family.push_str("_arabic_digits");
    }
    match rng.u8(0..40) {
        0 => {
            text = format!(
                "{}{text}",
                pick(rng, &["Tel: ", "tél ", "هاتف: ", "Mobile "])
            );
            family.push_str("_labelled");
        }
        1 => {
            text = format!("\u{200f}{text}\u{200e}");
            family.push_str("_direction_marks");
        }
        _ => {}
    }
    (text, family)
}

/// A phone field no customer can be reached at, and its family: too short, too long, zeros,
/// or words. Never a number the phone metadata of `country` accepts (random digits can make
/// a real number: "00" and a valid foreign one).
pub fn junk_phone(rng: &mut fastrand::Rng, country: &Country) -> (String, String) {
    loop {
        let (text, family) = junk_phone_text(rng);
        if codguard::normalize::normalize_phone(&text, country.code).is_err() {
            return (text, family.to_string());
        }
    }
}

fn junk_phone_text(rng: &mut fastrand::Rng) -> (String, &'static str) {
    let digits = |rng: &mut fastrand::Rng, lengths: std::ops::Range<usize>| -> String {
        let n = rng.usize(lengths);
        (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
    };
    match rng.u8(0..5) {
        0 => (format!("06{}", digits(rng, 1..4)), "junk_short"),
        1 => (digits(rng, 3..6), "junk_short"),
        2 => (format!("06{}", digits(rng, 11..14)), "junk_long"),
        3 => ("0".repeat(rng.usize(6..11)), "junk_zeros"),
        _ => (
            pick(rng, &["none", "-", "x", "pas de tel"]).to_string(),
            "junk_words",
        ),
    }
}

/// `digits` split into groups of two or three joined by `sep`, as people group them.
fn grouped(rng: &mut fastrand::Rng, digits: &str, sep: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let take = rng.usize(2..=3).min(chars.len() - i);
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.extend(&chars[i..i + take]);
        i += take;
    }
    out
}

/// `text` with its ASCII digits written from `zero` on (`'٠'` or `'۰'`).
fn with_digits(text: &str, zero: char) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(zero as u32 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}
