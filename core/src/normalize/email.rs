//! Emails: syntax, canonical match key, fake detection, typo suggestion.
//!
//! The syntax check is pragmatic, not RFC 5322: it accepts what real mailboxes look like
//! (one `@`, a local part of at most 64 characters, a domain with a dot whose labels are
//! letters, digits and hyphens, internationalized letters allowed) and rejects what a checkout
//! field gets by mistake (spaces, two `@`, quoted local parts, a missing domain).
//!
//! The domain must also survive IDNA (UTS #46, through the `idna` crate, the URL standard's
//! implementation): its ASCII form (`xn--` labels) has at most 63 octets a label and 253 in
//! all, an `xn--` label typed as such must decode, and the whole address is at most 254 octets
//! both as typed (UTF-8) and with the ASCII domain (RFC 5321 section 4.5.3.1.3).
//!
//! Provider rules (dots, sub-address tags, domain aliases, typo targets) live in
//! `core/data/email_providers.tsv`; junk names in `core/data/email_junk_*.txt`; the disposable
//! domain list in `core/data/disposable_domains.txt` is generated from the community list by
//! `scripts/gen_disposable_domains.py`.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::data;
use crate::error::{check_len, Error, ErrorKind};
use crate::normalize::text::{is_invisible, is_keyboard_mash};
use crate::normalize::MAX_INPUT_BYTES;

/// Why an email looks fake.
///
/// When several reasons hold, the one reported is the first of: [`JunkDomain`] (nothing is
/// delivered there), [`DisposableDomain`] (delivered, but thrown away), [`JunkLocal`] (a real
/// mailbox, but not the customer's), [`DigitOnlyLocal`] (weakest: some people use their phone
/// number).
///
/// [`JunkDomain`]: FakeEmailReason::JunkDomain
/// [`DisposableDomain`]: FakeEmailReason::DisposableDomain
/// [`JunkLocal`]: FakeEmailReason::JunkLocal
/// [`DigitOnlyLocal`]: FakeEmailReason::DigitOnlyLocal
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FakeEmailReason {
    /// A junk local part (`test`, `asdf`, `a`, keyboard mash).
    JunkLocal,
    /// A junk domain (`test.com`, `example.com`, `a.com`).
    JunkDomain,
    /// A disposable (throw-away) email provider.
    DisposableDomain,
    /// A local part made only of digits.
    DigitOnlyLocal,
}

contract_names!(FakeEmailReason, "fake email reason", {
    JunkLocal => "junk_local",
    JunkDomain => "junk_domain",
    DisposableDomain => "disposable_domain",
    DigitOnlyLocal => "digit_only_local",
});

/// A normalized email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedEmail {
    /// Trimmed, NFKC, lower-cased address: what to show and send to.
    pub address: String,
    /// Canonical match key: provider rules applied (gmail dots and +tags, ...), the domain in
    /// its one Unicode form (an `xn--` label decoded), so a mailbox has one key however its
    /// domain was typed.
    pub key: String,
    /// Why it looks fake, if it does.
    pub fake: Option<FakeEmailReason>,
    /// A corrected address when the domain looks like a typo of a known provider.
    pub suggestion: Option<String>,
}

/// Normalizes an email.
///
/// Invisible marks are removed, blanks and a `mailto:` prefix trimmed, the text put in NFKC
/// and lower case. Normalizing the returned `address` again gives the same result.
///
/// # Errors
///
/// [`ErrorKind::InputTooLong`] over [`MAX_INPUT_BYTES`], [`ErrorKind::EmailEmpty`] when
/// nothing is left after trimming, [`ErrorKind::EmailInvalid`] when it is not a usable address.
///
/// # Example
/// ```
/// use codguard::normalize::{normalize_email, FakeEmailReason};
/// let e = normalize_email(" M.Alaoui+shop@GoogleMail.com\u{200f}").unwrap();
/// assert_eq!(e.address, "m.alaoui+shop@googlemail.com");
/// assert_eq!(e.key, "malaoui@gmail.com");
/// assert_eq!(e.fake, None);
///
/// let typo = normalize_email("m.alaoui@gmial.com").unwrap();
/// assert_eq!(typo.suggestion.as_deref(), Some("m.alaoui@gmail.com"));
///
/// assert_eq!(normalize_email("test@gmail.com").unwrap().fake, Some(FakeEmailReason::JunkLocal));
/// assert_eq!(normalize_email("x@yopmail.com").unwrap().fake, Some(FakeEmailReason::DisposableDomain));
/// ```
pub fn normalize_email(raw: &str) -> Result<NormalizedEmail, Error> {
    check_len("email", raw, MAX_INPUT_BYTES)?;
    let invalid = || Error::new(ErrorKind::EmailInvalid, "the email is not a usable address");
    let address = clean(raw);
    if address.is_empty() {
        return Err(Error::new(ErrorKind::EmailEmpty, "the email is empty"));
    }
    if !raw.is_ascii() && raw.chars().any(hides_separator) {
        return Err(invalid());
    }
    let Some((local, typed)) = split_valid(&address).filter(|&(l, d)| fits_limits(l, d)) else {
        return Err(invalid());
    };
    let domain = &*unicode_form(typed);
    let tables = tables();
    // A typo of a known provider (gmial.com) is the customer's slip, not a fake: judge and key
    // the address as the provider it was meant for, so it still ties to their other orders.
    // (Typo domains are often registered by squatters and listed as disposable; that is the
    // squatter's doing, not the customer's.)
    let known = tables.providers.get(domain);
    let fixed = if known.is_some() {
        None
    } else {
        suggest(tables, domain)
    };
    let (meant, provider) = match fixed {
        Some(fixed) => (fixed, tables.providers.get(fixed)),
        None => (domain, known),
    };
    let key = match_key(provider, local, meant);
    let fake = fake_reason(tables, provider.is_some(), local, meant);
    let suggestion = fixed.map(|fixed| format!("{local}@{fixed}"));
    Ok(NormalizedEmail {
        address,
        key,
        fake,
        suggestion,
    })
}

/// Trim, drop invisible marks, NFKC, lower case (twice, so the result is a fixed point).
fn clean(raw: &str) -> String {
    let visible = |c: &char| !is_invisible(*c);
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    let mut text: String = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        let once: String = trimmed.chars().filter(visible).nfkc().collect();
        let lower = once.to_lowercase();
        lower.nfkc().collect::<String>().to_lowercase()
    };
    if let Some(rest) = text.strip_prefix("mailto:") {
        text = rest.trim().to_string();
    }
    if text.ends_with('.') && text.contains('@') {
        text.pop();
    }
    text
}

/// A character whose compatibility form holds a `.` or `@` among other characters (`⒈` is
/// `1.`): NFKC would make a label boundary the customer never typed.
fn hides_separator(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    let (mut chars, mut separator) = (0, false);
    for e in std::iter::once(c).nfkc() {
        chars += 1;
        separator |= e == '.' || e == '@';
    }
    separator && chars > 1
}

/// `(local, domain)` when `address` passes the pragmatic syntax check.
fn split_valid(address: &str) -> Option<(&str, &str)> {
    let (local, domain) = address.split_once('@')?;
    if domain.contains('@') || local.is_empty() || local.chars().count() > 64 {
        return None;
    }
    // Letters may carry combining marks (the virama of `परीक्ष`), never start with one.
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || is_combining_mark(c) || is_local_symbol(c))
        && !local.starts_with(is_combining_mark)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok || domain.len() > 253 || !domain.contains('.') {
        return None;
    }
    let mut labels = domain.split('.').peekable();
    while let Some(label) = labels.next() {
        let label_ok = !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || is_combining_mark(c) || c == '-');
        if !label_ok {
            return None;
        }
        // Every top-level domain is letters (`.ma`, `.مصر`, `.भारत`) or their ASCII form.
        let is_tld = labels.peek().is_none();
        let tld_ok = label.chars().count() >= 2
            && (label.starts_with("xn--")
                || label
                    .chars()
                    .all(|c| c.is_alphabetic() || is_combining_mark(c)));
        if is_tld && !tld_ok {
            return None;
        }
    }
    Some((local, domain))
}

/// The symbols a local part may hold besides letters and digits: ``!#$%&'*+-/=?^_`{|}~.``
fn is_local_symbol(c: char) -> bool {
    matches!(
        c,
        '!' | '#'
            | '$'
            | '%'
            | '&'
            | '\''
            | '*'
            | '+'
            | '-'
            | '/'
            | '='
            | '?'
            | '^'
            | '_'
            | '`'
            | '{'
            | '|'
            | '}'
            | '~'
            | '.'
    )
}

/// The most octets an address may have (RFC 5321 section 4.5.3.1.3: a 256-octet path minus
/// its angle brackets).
const MAX_ADDRESS_OCTETS: usize = 254;

/// The domain's IDNA form is valid (every `xn--` label decodes, no `--` in the third and
/// fourth places of another label, labels of 1 to 63 octets, 253 in all) and the address fits
/// [`MAX_ADDRESS_OCTETS`] both as normalized (UTF-8) and with that form.
fn fits_limits(local: &str, domain: &str) -> bool {
    if local.len() + 1 + domain.len() > MAX_ADDRESS_OCTETS {
        return false;
    }
    let Ok(ascii) = idna::uts46::Uts46::new().to_ascii(
        domain.as_bytes(),
        idna::uts46::AsciiDenyList::STD3,
        idna::uts46::Hyphens::Check,
        idna::uts46::DnsLength::Verify,
    ) else {
        return false;
    };
    ascii.len() <= 253
        && ascii.split('.').all(|label| label.len() <= 63)
        && local.len() + 1 + ascii.len() <= MAX_ADDRESS_OCTETS
}

/// The domain's one Unicode form (UTS #46 ToUnicode): `xn--` labels decoded, so that
/// `مثال.مصر` and `xn--mgbh0fb.xn--wgbh1c`, one mailbox's domain typed two ways, are judged
/// and keyed alike. Unicode rather than ASCII because that is how the customer typed it and
/// how the key was already written for every domain typed in letters. `domain` has passed
/// [`fits_limits`], so the conversion finds no error; an ASCII domain without an `xn--` label
/// is its own form and is returned without a pass.
fn unicode_form(domain: &str) -> std::borrow::Cow<'_, str> {
    if domain.is_ascii() && !domain.contains("xn--") {
        return domain.into();
    }
    idna::uts46::Uts46::new()
        .to_unicode(
            domain.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::Check,
        )
        .0
}

// ---------------------------------------------------------------------------------------------
// Tables.

struct Provider {
    canonical: &'static str,
    ignore_dots: bool,
    tag: Option<char>,
    suggest: bool,
}

struct Tables {
    providers: FxHashMap<&'static str, Provider>,
    /// Suggestion targets, in the data file's order.
    targets: Vec<&'static str>,
    /// In each domain's [`unicode_form`]: the list writes a few in their `xn--` form.
    disposable: FxHashSet<std::borrow::Cow<'static, str>>,
    junk_locals: FxHashSet<&'static str>,
    junk_domains: FxHashSet<&'static str>,
    junk_suffixes: Vec<&'static str>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut providers = FxHashMap::default();
        let mut targets = Vec::new();
        for [domain, canonical, dots, tag, suggest] in
            data::rows(include_str!("../../data/email_providers.tsv"))
        {
            let provider = Provider {
                canonical,
                ignore_dots: dots == "ignore",
                tag: tag.chars().next().filter(|_| tag.len() == 1),
                suggest: suggest == "yes",
            };
            if provider.suggest {
                targets.push(domain);
            }
            providers.insert(domain, provider);
        }
        let mut junk_domains = FxHashSet::default();
        let mut junk_suffixes = Vec::new();
        for line in data::entries(include_str!("../../data/email_junk_domains.txt")) {
            if line.starts_with('.') {
                junk_suffixes.push(line);
            } else {
                junk_domains.insert(line);
            }
        }
        Tables {
            providers,
            targets,
            disposable: data::entries(include_str!("../../data/disposable_domains.txt"))
                .map(unicode_form)
                .collect(),
            junk_locals: data::entries(include_str!("../../data/email_junk_locals.txt")).collect(),
            junk_domains,
            junk_suffixes,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Match key.

/// The match key of `local` at `domain`, whose entry in the provider table is `provider`.
fn match_key(provider: Option<&Provider>, local: &str, domain: &str) -> String {
    let Some(provider) = provider else {
        return joined(local, false, domain);
    };
    let mut base = local;
    if let Some(tag) = provider.tag {
        if let Some((head, _)) = local.split_once(tag) {
            // "+news@gmail.com" is not an address Gmail hands out: keep it whole.
            if !head.is_empty() {
                base = head;
            }
        }
    }
    joined(base, provider.ignore_dots, provider.canonical)
}

/// `local@domain` in one allocation, the dots of `local` left out when `drop_dots`.
fn joined(local: &str, drop_dots: bool, domain: &str) -> String {
    let mut key = String::with_capacity(local.len() + 1 + domain.len());
    if drop_dots {
        key.extend(local.chars().filter(|&c| c != '.'));
    } else {
        key.push_str(local);
    }
    key.push('@');
    key.push_str(domain);
    key
}

// ---------------------------------------------------------------------------------------------
// Fake detection.

/// Why `local` at `domain` looks fake; `provider` says whether `domain` is a known provider.
fn fake_reason(
    tables: &Tables,
    provider: bool,
    local: &str,
    domain: &str,
) -> Option<FakeEmailReason> {
    if !provider && is_junk_domain(tables, domain) {
        return Some(FakeEmailReason::JunkDomain);
    }
    if !provider && is_disposable(tables, domain) {
        return Some(FakeEmailReason::DisposableDomain);
    }
    if is_junk_local(tables, local) {
        return Some(FakeEmailReason::JunkLocal);
    }
    if local.chars().all(|c| c.is_ascii_digit()) {
        return Some(FakeEmailReason::DigitOnlyLocal);
    }
    None
}

/// `domain`, not a known provider, is junk.
fn is_junk_domain(tables: &Tables, domain: &str) -> bool {
    tables.junk_domains.contains(domain)
        || tables
            .junk_suffixes
            .iter()
            .any(|suffix| domain.ends_with(suffix))
}

/// The domain (not a known provider) or any parent of it (`x.mailinator.com`) on the
/// disposable list.
fn is_disposable(tables: &Tables, domain: &str) -> bool {
    let mut rest = domain;
    loop {
        if tables.disposable.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

fn is_junk_local(tables: &Tables, local: &str) -> bool {
    // Without its separators (ASCII bytes: what is left is still UTF-8), on the stack.
    let bytes: SmallVec<[u8; 64]> = local
        .bytes()
        .filter(|b| !matches!(b, b'.' | b'_' | b'-'))
        .collect();
    let Ok(squeezed) = std::str::from_utf8(&bytes) else {
        return false;
    };
    let stem = squeezed.trim_end_matches(|c: char| c.is_ascii_digit());
    let words = [squeezed, stem];
    words
        .iter()
        .any(|w| !w.is_empty() && (tables.junk_locals.contains(w) || is_keyboard_mash(w)))
}

// ---------------------------------------------------------------------------------------------
// Typo suggestion.

/// A known provider one typo away (two for long domains) from `domain`, which is none (the
/// caller looked it up), never on a tie between two providers.
fn suggest(tables: &Tables, domain: &str) -> Option<&'static str> {
    if !domain.is_ascii() {
        return None;
    }
    let max = if domain.len() >= 12 { 2 } else { 1 };
    let mut best: Option<(&'static str, usize)> = None;
    let mut tie = false;
    for &target in &tables.targets {
        if target.len().abs_diff(domain.len()) > max || bag_distance(domain, target) > max {
            continue;
        }
        let distance = strsim::osa_distance(domain, target);
        if distance == 0 || distance > max {
            continue;
        }
        match best {
            Some((_, d)) if d < distance => {}
            Some((_, d)) if d == distance => tie = true,
            _ => {
                best = Some((target, distance));
                tie = false;
            }
        }
    }
    if tie {
        return None;
    }
    best.map(|(target, _)| target)
}

/// A lower bound of the OSA distance of two ASCII strings: the bytes of the longer that the
/// other lacks (counted with repeats). An edit adds or removes at most one such byte; a
/// transposition none. Most targets are ruled out by it without the distance's matrix.
fn bag_distance(a: &str, b: &str) -> usize {
    let mut counts = [0i32; 128];
    for byte in a.bytes() {
        if let Some(c) = counts.get_mut(usize::from(byte)) {
            *c += 1;
        }
    }
    for byte in b.bytes() {
        if let Some(c) = counts.get_mut(usize::from(byte)) {
            *c -= 1;
        }
    }
    let (surplus, deficit) = counts.iter().fold((0, 0), |(s, d), &c| {
        (s + c.max(0) as usize, d + (-c).max(0) as usize)
    });
    surplus.max(deficit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_distance_bounds_osa() {
        for (a, b) in [
            ("gmial.com", "gmail.com"),
            ("yopmail.com", "ymail.com"),
            ("hotmail.fr", "hotmail.com"),
            ("gmail.co", "gmail.com"),
            ("test.com", "gmx.com"),
            ("", "a.ma"),
        ] {
            assert!(bag_distance(a, b) <= strsim::osa_distance(a, b), "{a} {b}");
        }
        assert_eq!(bag_distance("gmial.com", "gmail.com"), 0);
        assert_eq!(bag_distance("test.com", "gmail.com"), 5);
    }

    proptest::proptest! {
        #[test]
        fn bag_distance_never_exceeds_osa(a in "[a-e.]{0,10}", b in "[a-e.]{0,10}") {
            proptest::prop_assert!(bag_distance(&a, &b) <= strsim::osa_distance(&a, &b));
        }
    }

    #[test]
    fn tables_parse() {
        let t = tables();
        assert!(t.disposable.len() > 5000);
        assert!(t.providers.len() > 40);
        assert!(t.targets.contains(&"gmail.com"));
        for domain in t.providers.keys() {
            assert!(!t.disposable.contains(*domain), "{domain} is a provider");
            assert!(!t.junk_domains.contains(domain), "{domain} is a provider");
        }
    }
}
