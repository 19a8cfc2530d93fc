//! The flow's messages: default texts in Arabic, French and English (from
//! `core/data/templates_default.json`), shop overrides, language choice and rendering.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::normalize::text::{is_blank, is_invisible};
use crate::record::Order;

/// A message language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Arabic.
    Ar,
    /// French.
    Fr,
    /// English.
    En,
}

contract_names!(Lang, "language", {
    Ar => "ar",
    Fr => "fr",
    En => "en",
});

/// Template names used by the flow.
pub mod names {
    /// Step 1: SMS with the link.
    pub const SMS_CONFIRM: &str = "sms_confirm";
    /// Step 2: WhatsApp with the same link.
    pub const WHATSAPP_CONFIRM: &str = "whatsapp_confirm";
    /// Step 3: email without a link, asking for a new number or a cancellation.
    pub const EMAIL_NO_LINK: &str = "email_no_link";
    /// After delivery: asks for feedback.
    pub const FOLLOWUP: &str = "followup";
    /// `require_prepayment` orders: asks to pay online first.
    pub const PREPAYMENT_OFFER: &str = "prepayment_offer";
    /// After a failed delivery: asks for a new window (or a cancellation) on the link's page.
    pub const RESCHEDULE: &str = "reschedule";

    /// Every template the flow sends.
    pub const ALL: [&str; 6] = [
        SMS_CONFIRM,
        WHATSAPP_CONFIRM,
        EMAIL_NO_LINK,
        FOLLOWUP,
        PREPAYMENT_OFFER,
        RESCHEDULE,
    ];

    /// True for the templates whose message carries the flow's link.
    pub fn carries_link(name: &str) -> bool {
        matches!(
            name,
            SMS_CONFIRM | WHATSAPP_CONFIRM | PREPAYMENT_OFFER | RESCHEDULE
        )
    }
}

/// A shop's own texts: template name -> language -> text with `{placeholders}`.
pub type TemplateOverrides = BTreeMap<String, BTreeMap<Lang, String>>;

#[derive(Deserialize)]
struct Defaults {
    customer_word: BTreeMap<Lang, String>,
    french_countries: Vec<String>,
    templates: TemplateOverrides,
}

fn defaults() -> &'static Defaults {
    static DEFAULTS: OnceLock<Defaults> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        // The file is part of the crate and checked by the tests, so a parse failure is a
        // build defect; an empty table keeps the library panic-free regardless.
        serde_json::from_str(include_str!("../../data/templates_default.json")).unwrap_or(
            Defaults {
                customer_word: BTreeMap::new(),
                french_countries: Vec::new(),
                templates: BTreeMap::new(),
            },
        )
    })
}

/// The default text of template `name` in `lang`, if there is one.
///
/// # Example
/// ```
/// use codguard::confirm::{default_template, Lang};
/// assert!(default_template("sms_confirm", Lang::Ar).unwrap().contains("{link}"));
/// assert!(default_template("nope", Lang::En).is_none());
/// ```
pub fn default_template(name: &str, lang: Lang) -> Option<&'static str> {
    defaults()
        .templates
        .get(name)
        .and_then(|m| m.get(&lang))
        .map(String::as_str)
}

/// The text of `name` in `lang`: the shop's override when it has one, else the default.
pub(crate) fn template_text<'a>(
    overrides: &'a TemplateOverrides,
    name: &str,
    lang: Lang,
) -> &'a str {
    overrides
        .get(name)
        .and_then(|m| m.get(&lang))
        .map(String::as_str)
        .or_else(|| default_template(name, lang))
        .unwrap_or("")
}

/// Picks the language for an order's messages.
///
/// A fixed `policy_lang` wins. Otherwise: a name written in Arabic script -> Arabic; a country
/// where shops write to customers in French (France, Belgium, Switzerland, the Maghreb, ...;
/// the list is in the data file) -> French; anything else -> English.
///
/// # Example
/// ```
/// use codguard::{confirm::{choose_lang, Lang}, Order};
/// let mut o = Order { name: "محمد العلوي".into(), country: "MA".into(), ..Order::default() };
/// assert_eq!(choose_lang(&o, None), Lang::Ar);
/// o.name = "Mohamed Alaoui".into();
/// assert_eq!(choose_lang(&o, None), Lang::Fr);
/// assert_eq!(choose_lang(&o, Some(Lang::En)), Lang::En);
/// ```
pub fn choose_lang(order: &Order, policy_lang: Option<Lang>) -> Lang {
    if let Some(lang) = policy_lang {
        return lang;
    }
    if order.name.chars().any(is_arabic_letter) {
        return Lang::Ar;
    }
    let country = order.country.trim().to_ascii_uppercase();
    if defaults().french_countries.contains(&country) {
        return Lang::Fr;
    }
    Lang::En
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{0750}'..='\u{077F}')
}

/// The values the placeholders stand for. An empty text is an absent value.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageVars<'a> {
    /// `{name}`: the customer's name (a polite "dear customer" when absent).
    pub name: &'a str,
    /// `{order_id}`.
    pub order_id: &'a str,
    /// `{total}`: already formatted; absent when the order has none.
    pub total: &'a str,
    /// `{currency}`.
    pub currency: &'a str,
    /// `{link}`: the confirmation or payment link, empty when none.
    pub link: &'a str,
    /// `{shop}`: the shop's name from the policy.
    pub shop: &'a str,
}

/// The placeholders a template may use. `{amount}` is the total followed by the currency when
/// there is one (`349 MAD`, or `349`), absent without a total.
pub(crate) const PLACEHOLDERS: [&str; 7] = [
    "name", "order_id", "total", "currency", "amount", "link", "shop",
];

/// The most characters a message shows of a name a customer typed, so that a 1 MB name cannot
/// turn one SMS into thousands of paid parts, nor a name carry a second message of its own.
/// Names and shop names are cut at a word when one is near.
pub const NAME_MAX_CHARS: usize = 32;
/// The most characters a message shows of an order id (the customer still recognises it).
pub const ORDER_ID_MAX_CHARS: usize = 32;
/// The most characters a message shows of the shop's name.
pub const SHOP_MAX_CHARS: usize = 32;
/// The most characters a message shows of a currency (codes are 3 letters, symbols a few more).
pub const CURRENCY_MAX_CHARS: usize = 8;
/// A formatted total is short; the cap only stops a caller's odd text.
const TOTAL_MAX_CHARS: usize = 24;

/// A field as a message shows it: on one line (line breaks, controls and invisible marks
/// dropped, runs of spaces as one), at most `max` characters; `None` when nothing is left or it
/// is a null word a host may have stringified (`None`, `null`, `undefined`, `NaN`).
fn present(text: &str, max: usize) -> Option<Cow<'_, str>> {
    let t = text.trim();
    let null_word = ["none", "null", "undefined", "nan"]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w));
    if null_word || is_blank(t) {
        return None;
    }
    let odd = |c: char| c.is_control() || is_invisible(c) || (c.is_whitespace() && c != ' ');
    if !t.chars().any(odd) && !t.contains("  ") && t.chars().count() <= max {
        return Some(Cow::Borrowed(t));
    }
    let mut one_line = String::with_capacity(t.len().min(max * 4));
    for c in t.chars() {
        if c.is_whitespace() {
            if !one_line.ends_with(' ') {
                one_line.push(' ');
            }
        } else if !(c.is_control() || is_invisible(c)) {
            one_line.push(c);
        }
    }
    Some(Cow::Owned(cut(one_line.trim(), max).to_owned()))
}

/// The first `max` characters of `text`, at the last space in their second half when the cut
/// falls inside a word.
fn cut(text: &str, max: usize) -> &str {
    let Some((end, next)) = text.char_indices().nth(max) else {
        return text;
    };
    let kept = &text[..end];
    if next == ' ' {
        return kept.trim_end();
    }
    match kept.rfind(' ') {
        Some(space) if kept[..space].chars().count() >= max / 2 => kept[..space].trim_end(),
        _ => kept,
    }
}

/// The values of one message, resolved once: `None` is an absent value.
struct Values<'a> {
    name: Cow<'a, str>,
    order_id: Option<Cow<'a, str>>,
    total: Option<Cow<'a, str>>,
    currency: Option<Cow<'a, str>>,
    amount: Option<String>,
    link: Option<&'a str>,
    shop: Option<Cow<'a, str>>,
}

impl<'a> Values<'a> {
    fn new(vars: &MessageVars<'a>, lang: Lang) -> Values<'a> {
        let customer = defaults()
            .customer_word
            .get(&lang)
            .map_or("", String::as_str);
        let total = present(vars.total, TOTAL_MAX_CHARS);
        let currency = present(vars.currency, CURRENCY_MAX_CHARS);
        Values {
            name: present(vars.name, NAME_MAX_CHARS).unwrap_or(Cow::Borrowed(customer)),
            order_id: present(vars.order_id, ORDER_ID_MAX_CHARS),
            amount: total.as_ref().map(|t| match &currency {
                Some(c) => format!("{t} {c}"),
                None => t.to_string(),
            }),
            total,
            currency,
            link: Some(vars.link.trim()).filter(|l| !l.is_empty()),
            shop: present(vars.shop, SHOP_MAX_CHARS),
        }
    }

    /// `None` for a name that is no placeholder; `Some(None)` for an absent value.
    fn get(&self, placeholder: &str) -> Option<Option<&str>> {
        Some(match placeholder {
            "name" => Some(&*self.name),
            "order_id" => self.order_id.as_deref(),
            "total" => self.total.as_deref(),
            "currency" => self.currency.as_deref(),
            "amount" => self.amount.as_deref(),
            "link" => self.link,
            "shop" => self.shop.as_deref(),
            _ => return None,
        })
    }
}

/// A piece of template text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    /// Text as written.
    Text(&'a str),
    /// `{name}`.
    Value(&'a str),
    /// `{#name}` (shown when `name` has a value: `true`) or `{^name}` (when it has none).
    Open(&'a str, bool),
    /// `{/name}`.
    Close(&'a str),
}

/// Splits a template into [`Piece`]s. A brace that does not open a tag (`{x y}`, `{`) is text.
fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let open = rest.find('{').unwrap_or(rest.len());
        if open > 0 {
            let (text, tail) = rest.split_at(open);
            rest = tail;
            return Some(Piece::Text(text));
        }
        if let Some(close) = rest[1..].find('}') {
            if let Some(piece) = tag(&rest[1..=close]) {
                rest = &rest[close + 2..];
                return Some(piece);
            }
        }
        let (brace, tail) = rest.split_at(1);
        rest = tail;
        Some(Piece::Text(brace))
    })
}

fn tag(inner: &str) -> Option<Piece<'_>> {
    let (sigil, name) = match inner.as_bytes().first()? {
        b'#' | b'^' | b'/' => inner.split_at(1),
        _ => ("", inner),
    };
    let is_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !is_name {
        return None;
    }
    Some(match sigil {
        "#" => Piece::Open(name, true),
        "^" => Piece::Open(name, false),
        "/" => Piece::Close(name),
        _ => Piece::Value(name),
    })
}

/// Fills a template.
///
/// `{placeholder}` is replaced by its value (`{name}`, `{order_id}`, `{total}`, `{currency}`,
/// `{amount}`: the total and its currency, `{link}`, `{shop}`); an absent name becomes a
/// polite "dear customer" in `lang`. `{#total}…{/total}` keeps its text only when the total has
/// a value, `{^total}…{/total}` only when it has none, so a message never shows an absent value
/// ("of 0", "None"). Names that are no placeholder stay as written; stray closing tags vanish.
pub(crate) fn render(text: &str, vars: &MessageVars<'_>, lang: Lang) -> String {
    let values = Values::new(vars, lang);
    let mut out = String::with_capacity(text.len() + 64);
    let mut shown = true;
    // Open sections, with whether the text before each was shown.
    let mut open: Vec<(&str, bool)> = Vec::new();
    for piece in pieces(text) {
        match piece {
            Piece::Open(name, when_present) => {
                open.push((name, shown));
                let has = values.get(name).is_some_and(|v| v.is_some());
                shown = shown && has == when_present;
            }
            Piece::Close(name) => {
                if let Some(&(_, before)) = open.last().filter(|(top, _)| *top == name) {
                    open.pop();
                    shown = before;
                }
            }
            _ if !shown => {}
            Piece::Text(text) => out.push_str(text),
            Piece::Value(name) => match values.get(name) {
                Some(value) => out.push_str(value.unwrap_or("")),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// What is known of a message's values before any order: whether it carries a link, whether
/// the shop has a name. The rest may be absent in some order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Always {
    pub(crate) link: bool,
    pub(crate) shop: bool,
}

/// Checks a shop's template so that it can never show an absent value: only known
/// placeholders, sections closed in order, and every value that may be absent inside a section
/// that requires it (`{#amount}… {total} …{/amount}` guards the total; the currency needs its
/// own `{#currency}`).
///
/// # Errors
/// A sentence saying what is wrong, for an [`ErrorKind::InvalidConfig`](crate::ErrorKind).
pub(crate) fn check_template(text: &str, always: Always) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the text is empty".to_owned());
    }
    let mut open: Vec<(&str, bool)> = Vec::new();
    for piece in pieces(text) {
        match piece {
            Piece::Text(_) => {}
            Piece::Value(name) | Piece::Open(name, _) if !PLACEHOLDERS.contains(&name) => {
                return Err(format!("{{{name}}} is not a placeholder"));
            }
            Piece::Open(name, when_present) => {
                if open.iter().any(|&(o, _)| o == name) {
                    return Err(format!("{{{name}}} sections are nested"));
                }
                open.push((name, when_present));
            }
            Piece::Close(name) => {
                if open.pop().map(|(o, _)| o) != Some(name) {
                    return Err(format!("{{/{name}}} closes no open section"));
                }
            }
            Piece::Value(name) => {
                let guarded = open
                    .iter()
                    .any(|&(o, when_present)| when_present && guards(o, name));
                if !guarded && !always_present(name, always) {
                    return Err(format!(
                        "{{{name}}} may be absent: write it inside {{#{name}}}...{{/{name}}}"
                    ));
                }
            }
        }
    }
    match open.last() {
        Some((name, _)) => Err(format!("the {{{name}}} section is not closed")),
        None => Ok(()),
    }
}

fn always_present(name: &str, always: Always) -> bool {
    match name {
        "name" | "order_id" => true,
        "link" => always.link,
        "shop" => always.shop,
        _ => false,
    }
}

/// True when a section shown for `section` makes `value` present.
fn guards(section: &str, value: &str) -> bool {
    section == value || matches!((section, value), ("amount", "total") | ("total", "amount"))
}

/// Formats an amount as customers read it: no decimals when whole, else two; empty (absent)
/// when there is no amount to collect (zero, negative or not a number).
pub fn format_total(total: f64) -> String {
    if !total.is_finite() || total <= 0.0 {
        return String::new();
    }
    if total.fract() == 0.0 && total < 1e15 {
        format!("{total:.0}")
    } else {
        format!("{total:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_placeholders_and_sections() {
        let v = MessageVars {
            name: "",
            order_id: "o-1",
            ..MessageVars::default()
        };
        assert_eq!(
            render("Hi {name}, {order_id} {x}", &v, Lang::En),
            "Hi dear customer, o-1 {x}"
        );
        let text = "Order {order_id}{#amount} of {amount}{/amount}.";
        assert_eq!(render(text, &v, Lang::En), "Order o-1.");
        let v = MessageVars {
            total: "349",
            currency: "MAD",
            ..v
        };
        assert_eq!(render(text, &v, Lang::En), "Order o-1 of 349 MAD.");
    }

    const LANGS: [Lang; 3] = [Lang::Ar, Lang::Fr, Lang::En];

    #[test]
    fn every_default_template_exists_in_every_language_and_renders_fully() {
        let v = MessageVars {
            name: "Salma",
            order_id: "o-1",
            total: "349",
            currency: "MAD",
            link: "https://s/c/x",
            shop: "S",
        };
        for n in names::ALL {
            for lang in LANGS {
                let t = default_template(n, lang).unwrap_or_else(|| panic!("{n} {lang:?}"));
                let always = Always {
                    link: names::carries_link(n),
                    shop: false,
                };
                assert_eq!(check_template(t, always), Ok(()), "{n} {lang:?}");
                let r = render(t, &v, lang);
                assert!(!r.contains('{'), "{n} {lang:?}: {r}");
                assert!(r.contains("o-1"));
                assert_eq!(r.contains("https://s/c/x"), names::carries_link(n), "{n}");
            }
        }
        assert_eq!(defaults().customer_word.len(), 3);
    }

    /// Every default message, with each value present or absent in turn (and the null words a
    /// host may send for "none"), shows no absent value and no gap where one was left out.
    #[test]
    fn no_default_message_shows_an_absent_value() {
        let zero = format_total(0.0);
        let totals = ["349", "1299.50", "", "None", zero.as_str(), "NaN"];
        let names_ = ["Salma Bennani", "سلمى بناني", "", "null", "  "];
        let currencies = ["MAD", "", "undefined"];
        for n in names::ALL {
            // The messages after shipping do not repeat the amount.
            let shows_amount = ![names::FOLLOWUP, names::RESCHEDULE].contains(&n);
            for lang in LANGS {
                let t = default_template(n, lang).unwrap_or_default();
                for total in totals {
                    for name in names_ {
                        for currency in currencies {
                            let v = MessageVars {
                                name,
                                order_id: "o-1",
                                total,
                                currency,
                                link: "https://s/c/x",
                                shop: "",
                            };
                            let r = render(t, &v, lang);
                            let ctx = format!("{n} {lang:?} {total:?} {name:?} {currency:?}: {r}");
                            for absent in ["None", "null", "undefined", "NaN", "{", "}"] {
                                assert!(!r.contains(absent), "{ctx}");
                            }
                            for gap in ["  ", " ,", " .", " ،", "  (", "de  ", "of  "] {
                                assert!(!r.contains(gap), "{gap:?} in {ctx}");
                            }
                            let has_total = present(total, TOTAL_MAX_CHARS).is_some();
                            assert_eq!(
                                r.contains("349") || r.contains("1299.50"),
                                has_total && shows_amount,
                                "{ctx}"
                            );
                            let has_currency =
                                has_total && present(currency, CURRENCY_MAX_CHARS).is_some();
                            assert_eq!(r.contains("MAD"), has_currency && shows_amount, "{ctx}");
                            let word = defaults()
                                .customer_word
                                .get(&lang)
                                .map_or("", String::as_str);
                            assert_eq!(
                                r.contains(word),
                                present(name, NAME_MAX_CHARS).is_none(),
                                "{ctx}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_french_and_english_sms_without_a_total_read_naturally() {
        let v = MessageVars {
            name: "",
            order_id: "o-7",
            link: "https://s/c/x",
            ..MessageVars::default()
        };
        let fr = default_template(names::SMS_CONFIRM, Lang::Fr).unwrap_or_default();
        assert_eq!(
            render(fr, &v, Lang::Fr),
            "Bonjour cher client, merci de confirmer votre commande o-7 (paiement à la livraison) : https://s/c/x"
        );
        let en = default_template(names::SMS_CONFIRM, Lang::En).unwrap_or_default();
        assert_eq!(
            render(en, &v, Lang::En),
            "Hello dear customer, please confirm your order o-7 (cash on delivery): https://s/c/x"
        );
        let ar = default_template(names::SMS_CONFIRM, Lang::Ar).unwrap_or_default();
        assert_eq!(
            render(ar, &v, Lang::Ar),
            "مرحبا عميلنا العزيز، يرجى تأكيد طلبك o-7 (الدفع عند الاستلام): https://s/c/x"
        );
    }

    #[test]
    fn render_edge_cases() {
        let v = MessageVars {
            name: "A",
            total: "5",
            ..MessageVars::default()
        };
        assert_eq!(render("{", &v, Lang::En), "{");
        assert_eq!(render("{{name}}", &v, Lang::En), "{A}");
        assert_eq!(render("x {name", &v, Lang::En), "x {name");
        assert_eq!(render("{first name} {X}", &v, Lang::En), "{first name} {X}");
        assert_eq!(
            render("{#currency}in {currency}{/currency}.", &v, Lang::En),
            "."
        );
        assert_eq!(
            render("{^currency}no currency{/currency}", &v, Lang::En),
            "no currency"
        );
        assert_eq!(
            render(
                "{#total}{total}{#currency} {currency}{/currency}{/total}",
                &v,
                Lang::En
            ),
            "5"
        );
        assert_eq!(render("a{/total}b{#nope}c{/nope}d", &v, Lang::En), "abd");
        assert_eq!(
            render("{#total}unclosed {total}", &v, Lang::En),
            "unclosed 5"
        );
        assert_eq!(format_total(349.0), "349");
        assert_eq!(format_total(349.5), "349.50");
        assert_eq!(format_total(f64::NAN), "");
        assert_eq!(format_total(0.0), "");
        assert_eq!(format_total(-3.0), "");
        assert_eq!(format_total(f64::INFINITY), "");
    }

    #[test]
    fn shop_templates_that_could_show_an_absent_value_are_refused() {
        let link = Always {
            link: true,
            shop: false,
        };
        let no_link = Always {
            link: false,
            shop: false,
        };
        let ok = |t: &str, a| check_template(t, a).is_ok();
        assert!(ok(
            "Hi {name}, {order_id}{#amount} ({amount}){/amount}: {link}",
            link
        ));
        assert!(ok(
            "{#total}{total}{#currency} {currency}{/currency}{/total}",
            link
        ));
        assert!(ok(
            "{^total}Total on the page.{/total} {#amount}{total}{/amount}",
            no_link
        ));
        assert!(ok("Literal braces {like this} and { stay.", no_link));
        assert!(!ok("Order of {total} {currency}", link));
        assert!(!ok("{#amount}{currency}{/amount}", link));
        assert!(!ok("{^total}{total}{/total}", link));
        assert!(!ok("No link here: {link}", no_link));
        assert!(!ok("From {shop}", link));
        assert!(ok(
            "From {shop}",
            Always {
                link: false,
                shop: true
            }
        ));
        assert!(!ok("Hello {nmae}", link));
        assert!(!ok("{#total}open", link));
        assert!(!ok("{#total}{#amount}{/total}{/amount}", link));
        assert!(!ok("{#total}{#total}{/total}{/total}", link));
        assert!(!ok("   ", link));
    }

    #[test]
    fn typed_fields_are_capped_and_kept_on_one_line() {
        let huge = "Salma ".repeat(200_000);
        let v = MessageVars {
            name: &huge,
            order_id: "o-1",
            ..MessageVars::default()
        };
        let r = render("{name}|{order_id}", &v, Lang::Fr);
        assert_eq!(r, "Salma Salma Salma Salma Salma|o-1");
        // A name cannot carry a message of its own.
        let v = MessageVars {
            name: "Salma\n\nVotre commande est annulée, appelez le +44 7400 123456",
            ..v
        };
        let r = render("{name}", &v, Lang::Fr);
        assert!(!r.contains('\n'), "{r}");
        assert_eq!(r, "Salma Votre commande est");
        // Invisible marks and bidi overrides go; a word longer than the cap is cut in it.
        let v = MessageVars {
            name: "\u{202e}Salma\u{200f}",
            shop: &"x".repeat(100),
            currency: "MAD MAD MAD MAD",
            total: "5",
            ..v
        };
        assert_eq!(render("{name}", &v, Lang::En), "Salma");
        assert_eq!(render("{shop}", &v, Lang::En), "x".repeat(SHOP_MAX_CHARS));
        assert_eq!(render("{amount}", &v, Lang::En), "5 MAD MAD");
        // Only invisible marks: no name.
        let v = MessageVars {
            name: "\u{200b}\u{3164}",
            ..v
        };
        assert_eq!(render("{name}", &v, Lang::En), "dear customer");
    }

    /// Whatever the order's fields, a default SMS stays within its segment budget: 2 parts in
    /// GSM-7, 5 in UCS-2 (Arabic), with the default link.
    #[test]
    fn default_sms_stay_within_their_segment_budget() {
        let link = format!("https://shop.example/c/{}", "A".repeat(32));
        let worst = [
            ("€".repeat(1000), "€".repeat(1000)),
            ("ب".repeat(1000), "ب".repeat(1000)),
            ("😀".repeat(1000), "😀".repeat(1000)),
        ];
        let mut most = (0, 0);
        for (name, id) in &worst {
            let v = MessageVars {
                name,
                order_id: id,
                total: "999999999999",
                currency: "€€€€€€€€€€",
                link: &link,
                shop: name,
            };
            for n in [
                names::SMS_CONFIRM,
                names::PREPAYMENT_OFFER,
                names::RESCHEDULE,
                names::FOLLOWUP,
            ] {
                for lang in LANGS {
                    let body = render(default_template(n, lang).unwrap_or_default(), &v, lang);
                    let parts = crate::confirm::sms_segments(&body);
                    match crate::confirm::sms_encoding(&body) {
                        crate::confirm::SmsEncoding::Gsm7 => most.0 = most.0.max(parts),
                        crate::confirm::SmsEncoding::Ucs2 => most.1 = most.1.max(parts),
                    }
                }
            }
        }
        assert!(
            most.0 <= 2 && most.1 <= 5,
            "most parts (GSM-7, UCS-2): {most:?}"
        );
        assert!(
            most.0 >= 2 && most.1 >= 4,
            "the worst cases are real ones: {most:?}"
        );
    }
}
