//! Typed normalizers: one text in, one text (or JSON) out.

use std::os::raw::c_char;

use codguard::normalize;

use crate::guard::{cleared, give_json, give_string, out_pair, text, text_out};
use crate::status::cg_status;

/// Normalizes a phone as typed at a checkout to E.164 (`"+212612345678"`), reading national
/// forms with `country` (ISO 3166-1 alpha-2; empty is no country, with which only a number with
/// its `+` code reads). `*out_str` receives the E.164 text (release with `cg_string_free`),
/// `*out_len` its length.
///
/// Errors: `CG_PHONE_EMPTY`, `CG_PHONE_TOO_SHORT`, `CG_PHONE_TOO_LONG`,
/// `CG_PHONE_INVALID_FOR_REGION`, `CG_PHONE_NOT_A_NUMBER`, `CG_PHONE_JUNK` (a valid number nobody
/// can have: all digits equal, a fictitious range), `CG_INVALID_COUNTRY`, `CG_INPUT_TOO_LONG`
/// (over 1024 bytes). A valid number whose digits merely look made up normalizes.
///
/// # Safety
/// The texts are NULL or valid for their lengths; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_normalize_phone(
    raw: *const c_char,
    raw_len: usize,
    country: *const c_char,
    country_len: usize,
    out_str: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_str, out_len) = out_pair(out_str, "out_str", out_len)?;
        let raw = text(raw, raw_len, "phone")?;
        let country = text(country, country_len, "country")?;
        let phone = normalize::normalize_phone(raw, country)?;
        give_string(phone.as_str(), out_str, out_len);
        Ok(())
    })
}

/// Parses a phone like `cg_normalize_phone`, but a junk number is not an error: `*out_json`
/// receives `{"e164": "+2126...", "country": "MA", "number_type": "mobile", "looks_fake": false,
/// "junk": false}` (`looks_fake`: valid, digits look made up, a weak signal; `junk`: all digits
/// equal or a fictitious range, refused by `cg_normalize_phone`).
///
/// Errors: as `cg_normalize_phone`, without `CG_PHONE_JUNK`.
///
/// # Safety
/// As `cg_normalize_phone`.
#[no_mangle]
pub unsafe extern "C" fn cg_parse_phone(
    raw: *const c_char,
    raw_len: usize,
    country: *const c_char,
    country_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let raw = text(raw, raw_len, "phone")?;
        let country = text(country, country_len, "country")?;
        give_json(&normalize::parse_phone(raw, country)?, out_json, out_len)
    })
}

/// Finds the first valid phone number inside free text (a customer's reply). `*out_str`
/// receives its E.164 text, or stays NULL (with `*out_len` 0) when there is none: not finding
/// one is not an error.
///
/// # Safety
/// As `cg_normalize_phone`.
#[no_mangle]
pub unsafe extern "C" fn cg_find_phone(
    text_ptr: *const c_char,
    text_len: usize,
    country: *const c_char,
    country_len: usize,
    out_str: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_str, out_len) = out_pair(out_str, "out_str", out_len)?;
        let t = text(text_ptr, text_len, "text")?;
        let country = text(country, country_len, "country")?;
        if let Some(phone) = normalize::find_phone(t, country) {
            give_string(phone.as_str(), out_str, out_len);
        }
        Ok(())
    })
}

/// Normalizes an email: `*out_str` receives the trimmed, lower-cased address to show and send
/// to (release with `cg_string_free`).
///
/// Errors: `CG_EMAIL_EMPTY`, `CG_EMAIL_INVALID`, `CG_INPUT_TOO_LONG`.
///
/// # Safety
/// `raw` is NULL or valid for `raw_len` bytes; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_normalize_email(
    raw: *const c_char,
    raw_len: usize,
    out_str: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_str, out_len) = out_pair(out_str, "out_str", out_len)?;
        let email = normalize::normalize_email(text(raw, raw_len, "email")?)?;
        give_string(&email.address, out_str, out_len);
        Ok(())
    })
}

/// Normalizes an email with everything known about it: `*out_json` receives
/// `{"address": ..., "key": ..., "fake": null | "junk_local" | ..., "suggestion": null | ...}`.
///
/// Errors: as `cg_normalize_email`.
///
/// # Safety
/// As `cg_normalize_email`.
#[no_mangle]
pub unsafe extern "C" fn cg_parse_email(
    raw: *const c_char,
    raw_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let email = normalize::normalize_email(text(raw, raw_len, "email")?)?;
        give_json(&email, out_json, out_len)
    })
}

/// Normalizes a delivery address typed as `raw`, with the order's `city` and `country` (either
/// may be empty): `*out_str` receives the folded address text with abbreviations expanded.
///
/// Errors: `CG_INVALID_COUNTRY` when `country` is neither empty nor an ISO 3166-1 alpha-2 code
/// the library knows (`Morocco`, `MAR`); `CG_INPUT_TOO_LONG`.
///
/// # Safety
/// The texts are NULL or valid for their lengths; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_normalize_address(
    raw: *const c_char,
    raw_len: usize,
    city: *const c_char,
    city_len: usize,
    country: *const c_char,
    country_len: usize,
    out_str: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_str, out_len) = out_pair(out_str, "out_str", out_len)?;
        let raw = text(raw, raw_len, "address")?;
        let city = text(city, city_len, "city")?;
        let country = text(country, country_len, "country")?;
        let address = normalize::normalize_address(raw, city, country)?;
        give_string(&address.text, out_str, out_len);
        Ok(())
    })
}

/// Takes an address apart: `*out_json` receives `{"text", "street", "house_number", "unit",
/// "district", "district_numbers", "landmark", "city", "city_name", "nonsense"}` (`city` is the gazetteer id and
/// `city_name` its canonical name, or null when the city is not resolved).
///
/// Errors: as `cg_normalize_address`.
///
/// # Safety
/// As `cg_normalize_address`.
#[no_mangle]
pub unsafe extern "C" fn cg_parse_address(
    raw: *const c_char,
    raw_len: usize,
    city: *const c_char,
    city_len: usize,
    country: *const c_char,
    country_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let raw = text(raw, raw_len, "address")?;
        let city = text(city, city_len, "city")?;
        let country = text(country, country_len, "country")?;
        let address = normalize::normalize_address(raw, city, country)?;
        let city_name = address.city.and_then(normalize::city::city_name);
        let mut value = serde_json::to_value(&address)
            .map_err(|e| crate::guard::Failure::new(cg_status::CG_PANIC, e.to_string()))?;
        if let Some(object) = value.as_object_mut() {
            object.insert("city_name".to_owned(), city_name.into());
        }
        give_json(&value, out_json, out_len)
    })
}

/// Parses a customer's name: `*out_json` receives `{"tokens": [...], "keys": [...],
/// "nonsense": false}` (release with `cg_string_free`): the folded tokens, the
/// transliteration-insensitive keys (the same for محمد and Mohamed), and whether it is junk.
///
/// Errors: `CG_INPUT_TOO_LONG` (over 1024 bytes), `CG_INVALID_UTF8`, `CG_NULL_PARAMETER`.
///
/// # Safety
/// `raw` is NULL or valid for `raw_len` bytes; the out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_parse_name(
    raw: *const c_char,
    raw_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> cg_status {
    ffi_guard!({
        let (out_json, out_len) = text_out(out_json, out_len)?;
        let name = normalize::normalize_name(text(raw, raw_len, "name")?)?;
        give_json(&name, out_json, out_len)
    })
}

/// How alike two names are, from 0 (unrelated) to 1 (the same keys), whatever their script,
/// transliteration or word order: `*out_score` receives it. The engine takes 0.8 and above as
/// the same person's name.
///
/// Errors: `CG_INPUT_TOO_LONG`, `CG_INVALID_UTF8`, `CG_NULL_PARAMETER`.
///
/// # Safety
/// The texts are NULL or valid for their lengths; `out_score` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn cg_name_similarity(
    a: *const c_char,
    a_len: usize,
    b: *const c_char,
    b_len: usize,
    out_score: *mut f64,
) -> cg_status {
    ffi_guard!({
        let out_score = cleared(out_score, "out_score")?;
        let a = normalize::normalize_name(text(a, a_len, "a")?)?;
        let b = normalize::normalize_name(text(b, b_len, "b")?)?;
        *out_score = normalize::name::name_similarity(&a, &b);
        Ok(())
    })
}
