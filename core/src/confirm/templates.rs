//! The flow's messages: default texts in Arabic, French and English (from
//! `core/data/templates_default.json`), shop overrides, language choice and rendering.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

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
pub fn template_text<'a>(overrides: &'a TemplateOverrides, name: &str, lang: Lang) -> &'a str {
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

/// The values the placeholders stand for.
#[derive(Debug, Clone, Default)]
pub struct MessageVars<'a> {
    /// `{name}`: the customer's name (a polite "dear customer" when empty).
    pub name: &'a str,
    /// `{order_id}`.
    pub order_id: &'a str,
    /// `{total}`: already formatted.
    pub total: &'a str,
    /// `{currency}`.
    pub currency: &'a str,
    /// `{link}`: the confirmation or payment link, empty when none.
    pub link: &'a str,
    /// `{shop}`: the shop's name from the policy.
    pub shop: &'a str,
}

/// Replaces `{placeholders}` in `text`; unknown ones stay as written.
///
/// # Example
/// ```
/// use codguard::confirm::{render, Lang, MessageVars};
/// let v = MessageVars { name: "", order_id: "o-1", ..MessageVars::default() };
/// assert_eq!(render("Hi {name}, {order_id} {x}", &v, Lang::En), "Hi dear customer, o-1 {x}");
/// ```
pub fn render(text: &str, vars: &MessageVars<'_>, lang: Lang) -> String {
    let name = vars.name.trim();
    let name = if name.is_empty() {
        defaults()
            .customer_word
            .get(&lang)
            .map(String::as_str)
            .unwrap_or("")
    } else {
        name
    };
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let value = match &after[..close] {
            "name" => Some(name),
            "order_id" => Some(vars.order_id),
            "total" => Some(vars.total),
            "currency" => Some(vars.currency),
            "link" => Some(vars.link),
            "shop" => Some(vars.shop),
            _ => None,
        };
        match value {
            Some(v) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Formats an amount as customers read it: no decimals when whole, else two.
pub fn format_total(total: f64) -> String {
    if !total.is_finite() {
        return String::new();
    }
    if total.fract() == 0.0 && total.abs() < 1e15 {
        format!("{total:.0}")
    } else {
        format!("{total:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_template_exists_in_every_language_and_renders_fully() {
        let all = [
            names::SMS_CONFIRM,
            names::WHATSAPP_CONFIRM,
            names::EMAIL_NO_LINK,
            names::FOLLOWUP,
            names::PREPAYMENT_OFFER,
        ];
        let v = MessageVars {
            name: "Salma",
            order_id: "o-1",
            total: "349",
            currency: "MAD",
            link: "https://s/c/x",
            shop: "S",
        };
        for n in all {
            for lang in [Lang::Ar, Lang::Fr, Lang::En] {
                let t = default_template(n, lang).unwrap_or_else(|| panic!("{n} {lang:?}"));
                let r = render(t, &v, lang);
                assert!(!r.contains('{'), "{n} {lang:?}: {r}");
                assert!(r.contains("o-1"));
                let wants_link = n != names::EMAIL_NO_LINK && n != names::FOLLOWUP;
                assert_eq!(r.contains("https://s/c/x"), wants_link, "{n}");
            }
        }
        assert_eq!(defaults().customer_word.len(), 3);
    }

    #[test]
    fn render_edge_cases() {
        let v = MessageVars {
            name: "A",
            ..MessageVars::default()
        };
        assert_eq!(render("{", &v, Lang::En), "{");
        assert_eq!(render("{{name}}", &v, Lang::En), "{A}");
        assert_eq!(render("x {name", &v, Lang::En), "x {name");
        assert_eq!(format_total(349.0), "349");
        assert_eq!(format_total(349.5), "349.50");
        assert_eq!(format_total(f64::NAN), "");
    }
}
