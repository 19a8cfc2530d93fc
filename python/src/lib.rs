//! Python binding of codguard: the compiled module `codguard._codguard`.
//!
//! Normalizers run with the GIL held: they take microseconds, less than releasing it costs.
//! Engine work that can take longer releases it.
//!
//! Holds no logic: it converts Python values to core records (`convert`), core errors to Python
//! exceptions (`error`, the one mapping point) and exposes the core's functions and types.

/// The extension's Rust allocations (an assessment's strings and lists, the history's index)
/// go through mimalloc, as pydantic-core's do: an assessment makes about 54 of them, and with
/// mimalloc's v2 line it costs 5 to 8% fewer instructions than with glibc's allocator (v3 gave
/// back a third of that; docs/measurements.md). Python's own objects keep Python's allocator.
/// Local-dynamic TLS, because the module is loaded with `dlopen`, where the initial-exec model
/// can run out of static TLS space.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod convert;
mod engine;
mod error;
mod fit;
mod flow;
mod send_guard;
mod store;

use codguard::normalize;
use codguard::ErrorKind;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{country_or_none, Text};
use crate::error::{to_py_err, ToPyResult};

/// Whether a normalizer error means "this customer input is unusable" (answered with `None`)
/// rather than a caller's mistake (raised).
fn is_bad_input(kind: ErrorKind) -> bool {
    kind.is_invalid_phone()
        || matches!(
            kind,
            ErrorKind::InputTooLong | ErrorKind::EmailEmpty | ErrorKind::EmailInvalid
        )
}

/// Normalizes a phone as typed at a checkout to E.164 (`"+212612345678"`), reading national
/// forms in `default_country` (ISO 3166-1 alpha-2; "" or None is no country, with which only a
/// number with its `+` code reads). Returns None when the phone is invalid or junk. Raises
/// InvalidInput for a country that is neither blank nor a code the library knows, whatever the
/// phone.
#[pyfunction]
#[pyo3(signature = (raw, default_country))]
fn normalize_phone(raw: Text<'_>, default_country: Option<Text<'_>>) -> PyResult<Option<String>> {
    match normalize::normalize_phone(&raw, country_or_none(&default_country)) {
        Ok(p) => Ok(Some(p.as_str().to_owned())),
        Err(e) if is_bad_input(e.kind()) => Ok(None),
        Err(e) => Err(to_py_err(e)),
    }
}

/// Parses a phone: `{"e164", "country", "number_type", "looks_fake", "junk"}`. Unlike
/// `normalize_phone`, junk numbers parse (with `junk` true) and failures raise InvalidPhone
/// whose `.code` says why (`phone_too_short`, ...). `looks_fake` marks a valid number whose
/// digits look made up: a weak signal, and `normalize_phone` still returns it.
#[pyfunction]
#[pyo3(signature = (raw, default_country))]
fn parse_phone<'py>(
    py: Python<'py>,
    raw: Text<'_>,
    default_country: Option<Text<'_>>,
) -> PyResult<Bound<'py, PyDict>> {
    let info = normalize::parse_phone(&raw, country_or_none(&default_country)).py()?;
    let d = PyDict::new(py);
    d.set_item(intern!(py, "e164"), info.e164.as_str())?;
    d.set_item(intern!(py, "country"), &info.country)?;
    let number_type = match info.number_type {
        normalize::PhoneType::Mobile => "mobile",
        normalize::PhoneType::FixedLine => "fixed_line",
        normalize::PhoneType::FixedLineOrMobile => "fixed_line_or_mobile",
        normalize::PhoneType::Other => "other",
    };
    d.set_item(intern!(py, "number_type"), number_type)?;
    d.set_item(intern!(py, "looks_fake"), info.looks_fake)?;
    d.set_item(intern!(py, "junk"), info.junk)?;
    Ok(d)
}

/// Finds the first valid phone number inside free text (a customer's reply), as E.164.
/// `default_country` as in `normalize_phone`.
#[pyfunction]
#[pyo3(signature = (text, default_country))]
fn find_phone(text: Text<'_>, default_country: Option<Text<'_>>) -> Option<String> {
    normalize::find_phone(&text, country_or_none(&default_country)).map(|p| p.as_str().to_owned())
}

/// Normalizes an email (trimmed, NFKC, lower-cased). Returns None when it is not a usable
/// address. A fake-looking but well-formed address is returned: see `parse_email`.
#[pyfunction]
fn normalize_email(raw: Text<'_>) -> PyResult<Option<String>> {
    match normalize::normalize_email(&raw) {
        Ok(e) => Ok(Some(e.address)),
        Err(e) if is_bad_input(e.kind()) => Ok(None),
        Err(e) => Err(to_py_err(e)),
    }
}

/// Parses an email: `{"address", "key", "fake", "suggestion"}`. `key` is the canonical match
/// key (gmail dots and +tags removed...), `fake` why it looks fake (or None), `suggestion` a
/// corrected address for a domain typo (or None). Raises InvalidEmail.
#[pyfunction]
fn parse_email<'py>(py: Python<'py>, raw: Text<'_>) -> PyResult<Bound<'py, PyDict>> {
    let e = normalize::normalize_email(&raw).py()?;
    let fake = e.fake.map(normalize::FakeEmailReason::as_str);
    let d = PyDict::new(py);
    d.set_item(intern!(py, "address"), &e.address)?;
    d.set_item(intern!(py, "key"), &e.key)?;
    d.set_item(intern!(py, "fake"), fake)?;
    d.set_item(intern!(py, "suggestion"), e.suggestion)?;
    Ok(d)
}

/// Normalizes a delivery address: folded, abbreviations expanded. `country` (ISO alpha-2, or
/// None) and `city` (as typed) help resolve it. Raises InvalidInput for an over-long input
/// (`input_too_long`) or a country that is not a region code (`invalid_country`: "Morocco").
#[pyfunction]
#[pyo3(signature = (raw, country=None, *, city=None))]
fn normalize_address(
    raw: Text<'_>,
    country: Option<Text<'_>>,
    city: Option<Text<'_>>,
) -> PyResult<String> {
    let a = normalize::normalize_address(
        &raw,
        city.as_deref().unwrap_or(""),
        country.as_deref().unwrap_or(""),
    )
    .py()?;
    Ok(a.text)
}

/// Takes an address apart: `{"text", "street", "house_number", "unit", "district",
/// "district_numbers", "landmark", "city_name", "nonsense"}` (`city_name` is the canonical city name, or None). Raises as
/// `normalize_address`.
#[pyfunction]
#[pyo3(signature = (raw, country=None, *, city=None))]
fn parse_address<'py>(
    py: Python<'py>,
    raw: Text<'_>,
    country: Option<Text<'_>>,
    city: Option<Text<'_>>,
) -> PyResult<Bound<'py, PyDict>> {
    let a = normalize::normalize_address(
        &raw,
        city.as_deref().unwrap_or(""),
        country.as_deref().unwrap_or(""),
    )
    .py()?;
    let city_name = a.city.and_then(normalize::city::city_name);
    let d = PyDict::new(py);
    d.set_item(intern!(py, "text"), &a.text)?;
    d.set_item(intern!(py, "street"), &a.street)?;
    d.set_item(intern!(py, "house_number"), &a.house_number)?;
    d.set_item(intern!(py, "unit"), &a.unit)?;
    d.set_item(intern!(py, "district"), &a.district)?;
    d.set_item(intern!(py, "district_numbers"), &a.district_numbers)?;
    d.set_item(intern!(py, "landmark"), &a.landmark)?;
    d.set_item(intern!(py, "city_name"), city_name)?;
    d.set_item(intern!(py, "nonsense"), a.nonsense)?;
    Ok(d)
}

/// Normalizes a person's name: `{"tokens", "keys", "nonsense"}` (keys match across scripts and
/// spellings). Raises InvalidInput for an over-long input.
#[pyfunction]
fn parse_name<'py>(py: Python<'py>, raw: Text<'_>) -> PyResult<Bound<'py, PyDict>> {
    let n = normalize::normalize_name(&raw).py()?;
    let d = PyDict::new(py);
    d.set_item(intern!(py, "tokens"), &n.tokens)?;
    d.set_item(intern!(py, "keys"), &n.keys)?;
    d.set_item(intern!(py, "nonsense"), n.nonsense)?;
    Ok(d)
}

/// How similar two names are, 0 to 1, across scripts and spellings (0.8 and above: the same
/// person's name under the default policy).
#[pyfunction]
fn name_similarity(a: Text<'_>, b: Text<'_>) -> PyResult<f64> {
    let a = normalize::normalize_name(&a).py()?;
    let b = normalize::normalize_name(&b).py()?;
    Ok(normalize::name::name_similarity(&a, &b))
}

/// The compiled module.
#[pymodule]
fn _codguard(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MAX_INPUT_BYTES", normalize::MAX_INPUT_BYTES)?;
    error::register(m)?;
    m.add_function(wrap_pyfunction!(normalize_phone, m)?)?;
    m.add_function(wrap_pyfunction!(parse_phone, m)?)?;
    m.add_function(wrap_pyfunction!(find_phone, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_email, m)?)?;
    m.add_function(wrap_pyfunction!(parse_email, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_address, m)?)?;
    m.add_function(wrap_pyfunction!(parse_address, m)?)?;
    m.add_function(wrap_pyfunction!(parse_name, m)?)?;
    m.add_function(wrap_pyfunction!(name_similarity, m)?)?;
    m.add_class::<engine::Engine>()?;
    m.add_function(wrap_pyfunction!(engine::fit_risk_model, m)?)?;
    m.add_function(wrap_pyfunction!(engine::fit_risk_model_examples, m)?)?;
    m.add_function(wrap_pyfunction!(engine::risk_example, m)?)?;
    m.add_class::<fit::RiskFit>()?;
    m.add_class::<engine::Assessment>()?;
    m.add_class::<flow::ConfirmationFlow>()?;
    m.add_function(wrap_pyfunction!(flow::reply_intent, m)?)?;
    m.add_function(wrap_pyfunction!(flow::issue_token, m)?)?;
    m.add_function(wrap_pyfunction!(flow::verify_token, m)?)?;
    m.add_class::<send_guard::SendGuard>()?;
    m.add_class::<store::StoreCore>()?;
    m.add_class::<store::Lookup>()?;
    Ok(())
}
