//! `docs/contract.md`, the page a shop engineer integrates from, names every code the library
//! can answer with: every class, action, outcome, reason and error code, and every policy
//! setting with its default. A new code or setting without its line there fails here.

use codguard::assessment::{Action, CustomerClass, ReasonCode};
use codguard::policy::PolicyConfig;
use codguard::{ErrorKind, Outcome};

fn page() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/contract.md");
    std::fs::read_to_string(&path).expect("docs/contract.md")
}

/// `name` as the page writes a code: in backticks.
fn missing<'a>(page: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    names
        .into_iter()
        .filter(|n| !page.contains(&format!("`{n}`")))
        .collect()
}

#[test]
fn every_code_is_on_the_page() {
    let page = page();
    let codes: Vec<&str> = ReasonCode::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(ErrorKind::ALL.iter().map(|k| k.code()))
        .chain(CustomerClass::ALL.iter().map(|c| c.as_str()))
        .chain(Outcome::ALL.iter().map(|o| o.as_str()))
        .chain(
            [
                Action::AutoConfirm,
                Action::Confirm,
                Action::Review,
                Action::RequirePrepayment,
                Action::Reject,
            ]
            .iter()
            .map(|a| a.as_str()),
        )
        .collect();
    assert_eq!(missing(&page, codes), Vec::<&str>::new());
}

#[test]
fn every_policy_setting_is_on_the_page_with_its_default() {
    let page = page();
    let defaults = serde_json::to_value(PolicyConfig::default()).unwrap();
    let mut rows = Vec::new();
    for (key, value) in defaults.as_object().unwrap() {
        match value.as_object() {
            Some(nested) => {
                for (inner, v) in nested {
                    rows.push((format!("{key}.{inner}"), v.clone()));
                }
            }
            None => rows.push((key.clone(), value.clone())),
        }
    }
    let mut wrong = Vec::new();
    for (key, default) in rows {
        // The setting's row: `key` | default | ...
        let Some(row) = page
            .lines()
            .find(|l| l.starts_with(&format!("| `{key}` |")))
        else {
            wrong.push(format!("{key}: no row"));
            continue;
        };
        let shown = match &default {
            serde_json::Value::String(s) => format!("`{s}`"),
            serde_json::Value::Array(_) => format!("`{}`", default.to_string().replace(',', ", ")),
            other => other.to_string(),
        };
        if !row.contains(&format!("| {shown}")) {
            wrong.push(format!("{key}: default {shown} not in {row:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
