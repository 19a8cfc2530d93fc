//! Emails: a customer's mailbox, the ways they type it, and the fake ones typed to get past a
//! form.

use super::names::{PersonName, FIRST, LAST};
use super::pick;

const PROVIDERS: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "hotmail.com",
    "hotmail.fr",
    "yahoo.fr",
    "yahoo.com",
    "outlook.com",
    "live.fr",
];

/// A mailbox built from the customer's name, unique in the shop: `taken` holds the match keys
/// (lower case, no dots for Gmail) of every mailbox handed out so far.
pub fn mailbox(
    rng: &mut fastrand::Rng,
    name: &PersonName,
    taken: &mut std::collections::HashSet<String>,
) -> String {
    let ascii = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    let first = ascii(FIRST[name.first].0[0]);
    let last = ascii(LAST[name.last].0[0]);
    let domain = pick(rng, PROVIDERS);
    loop {
        let n = rng.u32(1..1000);
        let local = match rng.u8(0..5) {
            0 => format!("{first}.{last}"),
            1 => format!("{first}{last}{n}"),
            2 => format!("{}.{last}{n}", &first[..1]),
            3 => format!("{first}_{n}"),
            _ => format!("{first}.{last}{}", n % 100),
        };
        let key = if *domain == "gmail.com" {
            local.replace('.', "")
        } else {
            local.clone()
        };
        if taken.insert(format!("{key}@{domain}")) {
            return format!("{local}@{domain}");
        }
    }
}

/// The email as typed on one order: as given, capitalized, in capitals, with blanks around it,
/// or (Gmail) without its dots or with a `+shop` tag: the same mailbox every time.
pub fn email_form(rng: &mut fastrand::Rng, mailbox: &str) -> String {
    let gmail = mailbox.ends_with("@gmail.com");
    match rng.u8(0..20) {
        12 | 13 => {
            let mut c = mailbox.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        14 => mailbox.to_uppercase(),
        15 | 16 => format!(" {mailbox} "),
        17 if gmail => {
            let (local, domain) = mailbox.split_once('@').unwrap_or((mailbox, ""));
            format!("{}@{domain}", local.replace('.', ""))
        }
        18 if gmail => mailbox.replacen('@', "+shop@", 1),
        // Most of the time (12 in 20, and the Gmail-only cases elsewhere): as given.
        _ => mailbox.to_string(),
    }
}

/// An email no customer reads: a test address, a throw-away provider, a keyboard mash.
pub fn fake_email(rng: &mut fastrand::Rng) -> String {
    let n = rng.u32(1..100);
    match rng.u8(0..5) {
        0 => "test@test.com".to_string(),
        1 => format!("test{n}@yopmail.com"),
        2 => format!("aa{n}@mailinator.com"),
        3 => format!("asdf{n}@gmail.com"),
        _ => format!("{n}{n}@guerrillamail.com"),
    }
}
