//! Python values to core records and back, by hand.
//!
//! Orders arrive as plain dicts. Reading the known keys one by one is several times faster than
//! a `json.dumps` + serde round trip (see `benches/python_bench.py`). The rules are the
//! contract's, as over JSON: unknown keys, missing required fields and a country that is not
//! an ISO 3166-1 alpha-2 code are `InvalidOrder` naming the field; a value of the wrong Python
//! type is `InvalidOrderType` (an `InvalidOrder` and a `TypeError`); a lone surrogate is
//! `InvalidInput` with code `invalid_utf8`.

use std::cell::RefCell;

use codguard::record::{self, Field, HISTORY_FIELDS, MAX_TEXT_BYTES, ORDER_FIELDS};
use codguard::{ErrorKind, HistoryRecord, Order, Outcome};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType};
use pyo3::Borrowed;
use pyo3::{intern, IntoPyObjectExt};
use serde_json::Value;

use crate::error::{py_err, record_type_error, type_error, ToPyResult};

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `obj` as a dict: a `dict` as is, any other mapping copied into one.
pub fn as_dict<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyDict>> {
    if let Ok(d) = obj.cast::<PyDict>() {
        return Ok(d.clone());
    }
    if obj.cast::<PyMapping>().is_ok() {
        let d = PyDict::new(obj.py());
        d.update(obj.cast::<PyMapping>()?)?;
        return Ok(d);
    }
    Err(type_error(what, "a dict", obj))
}

/// Unix seconds from an `int` or an aware `datetime`; a naive datetime is `kind`.
pub fn unix_seconds(v: &Bound<'_, PyAny>, what: &str, kind: ErrorKind) -> PyResult<i64> {
    if v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        return v
            .extract::<i64>()
            .map_err(|_| py_err(kind, format!("{what} is out of range for Unix seconds")));
    }
    let py = v.py();
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    if v.is_instance(datetime)? {
        let offset = v.call_method0(intern!(py, "utcoffset"))?;
        if offset.is_none() {
            return Err(py_err(
                kind,
                format!(
                    "{what} is a naive datetime; give it a timezone (e.g. datetime.timezone.utc)"
                ),
            ));
        }
        let ts: f64 = v.call_method0(intern!(py, "timestamp"))?.extract()?;
        return Ok(ts.floor() as i64);
    }
    Err(type_error(
        what,
        "an int (Unix seconds) or an aware datetime",
        v,
    ))
}

/// `s` as UTF-8; a lone surrogate (which UTF-8 cannot hold) is `invalid_utf8`, naming `what`.
pub fn utf8<'a>(s: &'a Bound<'_, PyString>, what: &str) -> PyResult<&'a str> {
    s.to_str().map_err(|_| not_unicode(what))
}

fn not_unicode(what: &str) -> PyErr {
    py_err(
        ErrorKind::InvalidUtf8,
        format!("{what} is not valid Unicode text (it holds a lone surrogate)"),
    )
}

/// A `str` argument, borrowed as UTF-8. Python's own `&str` conversion raises
/// `UnicodeEncodeError` for a lone surrogate; this raises `codguard.InvalidInput` (code
/// `invalid_utf8`) instead, and Python notes which argument it was. Other types stay a
/// `TypeError`, as for any Python function.
pub struct Text<'a>(pub &'a str);

impl<'a> FromPyObject<'a, '_> for Text<'a> {
    type Error = PyErr;

    fn extract(ob: Borrowed<'a, '_, PyAny>) -> PyResult<Text<'a>> {
        match <&'a str as FromPyObject<'a, '_>>::extract(ob) {
            Ok(s) => Ok(Text(s)),
            // A `str` that does not encode: it holds a lone surrogate.
            Err(_) if ob.is_instance_of::<PyString>() => Err(not_unicode("a text argument")),
            Err(e) => Err(e),
        }
    }
}

/// The country of a phone argument: `None` is no country, as `""` is (only a number with its
/// `+` code reads then), so that a shop's `order.get("country")` can be passed as it is.
pub fn country_or_none<'a>(country: &'a Option<Text<'_>>) -> &'a str {
    country.as_deref().unwrap_or("")
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

// The fields' indices in [`HISTORY_FIELDS`], by which a record's values are kept.
const ORDER_ID: usize = Field::OrderId as usize;
const PLACED_AT: usize = Field::PlacedAt as usize;
const NAME: usize = Field::Name as usize;
const PHONE: usize = Field::Phone as usize;
const EMAIL: usize = Field::Email as usize;
const ADDRESS: usize = Field::Address as usize;
const CITY: usize = Field::City as usize;
const COUNTRY: usize = Field::Country as usize;
const TOTAL: usize = Field::Total as usize;
const CURRENCY: usize = Field::Currency as usize;
const OUTCOME: usize = Field::Outcome as usize;
const NEGOTIATED: usize = Field::Negotiated as usize;

/// A record's values by field (index in [`HISTORY_FIELDS`]); `Some` for a key that is there,
/// `None` included.
type Values<'py> = [Option<Bound<'py, PyAny>>; HISTORY_FIELDS.len()];

/// Reads a record's fields out of its dict.
///
/// An exact dict whose keys are all exact `str` is read in one pass (`PyDict_Next`), each key
/// matched to its field by its text, and a key that is no field is refused there: ten hash
/// look-ups cost every assessment through Python about 1,800 instructions. Any other dict (a
/// subclass, a key that is not an exact `str`, whose hash and equality may be its own) is read
/// the general way, one look-up per field, counting the keys found so that a key it does not
/// know is found without looking at every key of every record. Either way the answer and the
/// error are the same: the first key (in the dict's order) that is no field, else the first
/// field (in the contract's order) at fault.
struct Fields<'a, 'py> {
    d: &'a Bound<'py, PyDict>,
    names: &'static [&'static str],
    /// The fields' values: read in one pass, or as each is looked up.
    values: Values<'py>,
    /// Whether `values` holds the one-pass read (else each field is looked up when read).
    scanned: bool,
    found: usize,
}

impl<'a, 'py> Fields<'a, 'py> {
    /// The fields `names` of `d`; a key that is none of them is refused here when the dict is
    /// read in one pass (else by [`Fields::no_other_keys`]).
    fn of(d: &'a Bound<'py, PyDict>, names: &'static [&'static str]) -> PyResult<Self> {
        let mut fields = Fields {
            d,
            names,
            values: Default::default(),
            scanned: false,
            found: 0,
        };
        if d.is_exact_instance_of::<PyDict>() {
            fields.scanned = one_pass(d, names, &mut fields.values)?;
        }
        Ok(fields)
    }

    /// The value of field `i`; `None` both when missing and when `None` (the same: absent).
    #[inline]
    fn get(&mut self, i: usize) -> PyResult<Option<&Bound<'py, PyAny>>> {
        if !self.scanned {
            let key = interned_names(self.d.py())[i].bind(self.d.py());
            self.values[i] = self.d.get_item(key)?;
            self.found += usize::from(self.values[i].is_some());
        }
        Ok(self.values[i].as_ref().filter(|v| !v.is_none()))
    }

    /// A text field into `out`: `str`, or `None`/missing for "".
    #[inline]
    fn text(&mut self, i: usize, out: &mut String) -> PyResult<()> {
        out.clear();
        let name = self.names[i];
        if let Some(v) = self.get(i)? {
            out.push_str(string(v, name, "str or None")?);
        }
        Ok(())
    }

    /// A required field's value.
    fn required(&mut self, i: usize) -> PyResult<&Bound<'py, PyAny>> {
        let name = self.names[i];
        self.get(i)?
            .ok_or_else(|| py_err(ErrorKind::InvalidRecord, format!("missing field `{name}`")))
    }

    /// Refuses the first key that is none of the record's fields (the one-pass read has).
    fn no_other_keys(&self) -> PyResult<()> {
        if self.scanned || self.found == self.d.len() {
            return Ok(());
        }
        for key in self.d.keys() {
            let known = match key.cast::<PyString>() {
                Ok(k) => self.names.contains(&utf8(k, "a field name")?),
                Err(_) => false,
            };
            if !known {
                // A key that is not a str (a number, a tuple) is shown as Python prints it, and
                // only when that reads as a field name.
                let shown = key.str().map_or_else(|_| "?".to_owned(), |k| k.to_string());
                return Err(unknown_field(&shown, self.names));
            }
        }
        Ok(())
    }
}

/// Reads the values of an exact dict's fields into `values` in one pass; false when a key is
/// not an exact `str` (the caller looks the fields up instead). Refuses the first key that is
/// none of `names`.
fn one_pass<'py>(
    d: &Bound<'py, PyDict>,
    names: &'static [&'static str],
    values: &mut Values<'py>,
) -> PyResult<bool> {
    let py = d.py();
    let interned = interned_names(py);
    // Records mostly list their keys in the contract's order: the search for a key's field
    // starts at the one after the previous key's.
    let mut next = 0;
    let (mut pos, mut key, mut value) = (0, std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: `d` is a dict, alive and attached to `py` for the whole loop. `PyDict_Next`
    // hands out borrowed references, valid while the dict holds them, and it cannot change
    // here: nothing in the loop runs Python code (an exact `str`'s UTF-8 is read without any)
    // and the GIL is held. A value kept is a new reference (`to_owned`).
    while unsafe { pyo3::ffi::PyDict_Next(d.as_ptr(), &mut pos, &mut key, &mut value) } != 0 {
        // A dict written in code (`{"order_id": ...}`, `dict(order_id=...)`) has the interned
        // names themselves as keys: no text to compare.
        let i = match interned.get(next) {
            Some(name) if next < names.len() && name.as_ptr() == key => next,
            _ => {
                let key = unsafe { Borrowed::from_ptr(py, key) };
                if !key.is_exact_instance_of::<PyString>() {
                    *values = Default::default();
                    return Ok(false);
                }
                let Some(text) = exact_str(&key) else {
                    return Err(not_unicode("a field name"));
                };
                match names.get(next) {
                    Some(&name) if name == text => next,
                    _ => match names.iter().position(|&name| name == text) {
                        Some(i) => i,
                        None => return Err(unknown_field(text, names)),
                    },
                }
            }
        };
        values[i] = Some(unsafe { Borrowed::from_ptr(py, value) }.to_owned());
        next = i + 1;
    }
    Ok(true)
}

/// An exact `str`'s text, or `None`: not an exact `str`, or one holding a lone surrogate (no
/// Python error is left set; the general path says what is wrong).
#[inline]
fn exact_str<'a>(v: &'a Bound<'_, PyAny>) -> Option<&'a str> {
    if !v.is_exact_instance_of::<PyString>() {
        return None;
    }
    let mut size = 0;
    // SAFETY: `v` is a `str`, alive for 'a; the UTF-8 CPython hands out is kept in the object
    // as long as it lives, and is valid UTF-8 of `size` bytes when not null.
    unsafe {
        let data = pyo3::ffi::PyUnicode_AsUTF8AndSize(v.as_ptr(), &mut size);
        if data.is_null() {
            pyo3::ffi::PyErr_Clear();
            return None;
        }
        Some(std::str::from_utf8_unchecked(std::slice::from_raw_parts(
            data.cast(),
            size as usize,
        )))
    }
}

/// [`HISTORY_FIELDS`] as interned Python strings: the keys of a dict written in code.
fn interned_names(py: Python<'_>) -> &[Py<PyString>; HISTORY_FIELDS.len()] {
    static NAMES: PyOnceLock<[Py<PyString>; HISTORY_FIELDS.len()]> = PyOnceLock::new();
    NAMES.get_or_init(py, || {
        HISTORY_FIELDS.map(|name| PyString::intern(py, name).unbind())
    })
}

/// The core's words for an unknown key (which name the key only when it is written as a field
/// name, never customer data), as `InvalidOrder`.
fn unknown_field(key: &str, names: &[&str]) -> PyErr {
    py_err(ErrorKind::InvalidRecord, record::unknown_field(key, names))
}

/// A record field of the wrong Python type: `codguard.InvalidOrderType`, both an `InvalidOrder`
/// (code `invalid_record`) and a `TypeError`, naming the field and the type it must have.
fn wrong_type(key: &str, must: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    record_type_error(format!("field `{key}` must be {must}, not {got}"))
}

/// `v` as a `str` field's text, borrowed. (The field's name is only formatted for an error:
/// this runs for every field of every order.)
#[inline]
fn string<'a>(v: &'a Bound<'_, PyAny>, key: &str, must: &str) -> PyResult<&'a str> {
    match v.cast::<PyString>() {
        Ok(s) => s
            .to_str()
            .map_err(|_| not_unicode(&format!("field `{key}`"))),
        Err(_) => Err(wrong_type(key, must, v)),
    }
}

/// An `Order` from a dict with the contract's keys (see `Order`'s docs for the rules).
pub fn order(obj: &Bound<'_, PyAny>) -> PyResult<Order> {
    let mut order = Order::default();
    order_read(obj, &mut order)?;
    // The rules the core checks for every binding: a non-empty id, a known country, a finite
    // total.
    order.validate().py()?;
    Ok(order)
}

/// Reads the order `obj` into a reused `Order` and hands it to `then`, for a caller whose core
/// call validates the order first thing and fails with the same error as [`order`]
/// (`Engine::assess`): validating twice cost every assessment through Python a few hundred
/// instructions.
///
/// The `Order` is this thread's, its strings kept from call to call: allocating and freeing
/// eight of them cost every assessment about 1,500 instructions. A call made while the
/// thread's `Order` is in use (Python code run by the read, e.g. a `tzinfo`, that assesses
/// again) gets a fresh one. A string longer than [`MAX_TEXT_BYTES`] (which the core refuses)
/// is not kept; whatever is kept is emptied after the call.
pub fn with_order<R>(
    obj: &Bound<'_, PyAny>,
    then: impl FnOnce(&Order) -> PyResult<R>,
) -> PyResult<R> {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut order) => {
            let result = order_read(obj, &mut order).and_then(|()| then(&order));
            recycle(&mut order);
            result
        }
        Err(_) => {
            let mut order = Order::default();
            order_read(obj, &mut order)?;
            then(&order)
        }
    })
}

thread_local! {
    static SCRATCH: RefCell<Order> = RefCell::new(Order::default());
}

/// Empties the strings of `order`, dropping those grown past what the core accepts.
fn recycle(order: &mut Order) {
    for s in [
        &mut order.order_id.0,
        &mut order.name,
        &mut order.phone,
        &mut order.email,
        &mut order.address,
        &mut order.city,
        &mut order.country,
        &mut order.currency,
    ] {
        if s.capacity() > MAX_TEXT_BYTES {
            *s = String::new();
        } else {
            s.clear();
        }
    }
}

/// Reads an order dict into `out` (every field written), without [`Order::validate`].
fn order_read(obj: &Bound<'_, PyAny>, out: &mut Order) -> PyResult<()> {
    let d = record_dict(obj, "order")?;
    // A misspelled key is the likelier mistake (and explains a missing field): it comes first.
    let mut fields = Fields::of(&d, ORDER_FIELDS)?;
    let read = order_fields(&mut fields, out);
    fields.no_other_keys()?;
    read
}

/// The dict of a record; any other type is `InvalidOrderType`.
fn record_dict<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyDict>> {
    as_dict(obj, what).map_err(|_| {
        let got = obj
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string());
        record_type_error(format!("{what} must be a dict, not {got}"))
    })
}

/// The order's fields into `out` (every field written).
fn order_fields(f: &mut Fields<'_, '_>, out: &mut Order) -> PyResult<()> {
    if f.scanned && plain_order(&f.values, out) {
        return Ok(());
    }
    order_fields_checked(f, out)
}

/// The order's fields into `out` when every value is of the plain kind a checkout sends (exact
/// `str`, `int`, `float` or `None`, each as the field wants): the same answer as
/// [`order_fields_checked`] without its questions. False for anything else (then `out` is
/// half written and the caller reads the record the general way, which says what is wrong).
fn plain_order(values: &Values<'_>, out: &mut Order) -> bool {
    let present = |i: usize| values[i].as_ref().filter(|v| !v.is_none());
    let text = |i: usize, out: &mut String| {
        out.clear();
        match present(i) {
            None => true,
            Some(v) => exact_str(v).map(|t| out.push_str(t)).is_some(),
        }
    };
    let (Some(id), Some(placed_at), Some(country)) = (
        present(ORDER_ID).and_then(exact_str),
        present(PLACED_AT).filter(|v| v.is_exact_instance_of::<PyInt>()),
        present(COUNTRY).and_then(exact_str),
    ) else {
        return false;
    };
    let Ok(placed_at) = placed_at.extract::<i64>() else {
        return false;
    };
    out.total = match present(TOTAL) {
        None => 0.0,
        Some(v) if v.is_exact_instance_of::<PyFloat>() || v.is_exact_instance_of::<PyInt>() => {
            match v.extract::<f64>() {
                Ok(total) => total,
                Err(_) => return false,
            }
        }
        Some(_) => return false,
    };
    out.placed_at = placed_at;
    out.order_id.0.clear();
    out.order_id.0.push_str(id);
    out.country.clear();
    out.country
        .push_str(codguard::record::country_code(country).unwrap_or(country));
    text(NAME, &mut out.name)
        && text(PHONE, &mut out.phone)
        && text(EMAIL, &mut out.email)
        && text(ADDRESS, &mut out.address)
        && text(CITY, &mut out.city)
        && text(CURRENCY, &mut out.currency)
}

/// The order's fields into `out`, in the contract's order of checks: the required ones first.
fn order_fields_checked(f: &mut Fields<'_, '_>, out: &mut Order) -> PyResult<()> {
    let py = f.d.py();
    let key = HISTORY_FIELDS[ORDER_ID];
    let id = f.required(ORDER_ID)?;
    out.order_id.0.clear();
    out.order_id.0.push_str(string(id, key, "str")?);
    let key = HISTORY_FIELDS[PLACED_AT];
    let placed_at = f.required(PLACED_AT)?;
    out.placed_at = unix_seconds(placed_at, "field `placed_at`", ErrorKind::InvalidRecord)
        .map_err(|e| {
            if e.is_instance_of::<PyTypeError>(py) {
                wrong_type(key, "an int (Unix seconds) or an aware datetime", placed_at)
            } else {
                e
            }
        })?;
    let key = HISTORY_FIELDS[COUNTRY];
    let country = f.required(COUNTRY)?;
    let country = string(country, key, "str")?;
    out.country.clear();
    // Not a code: the core says why, in the same words as over JSON.
    out.country
        .push_str(codguard::record::country_code(country).unwrap_or(country));
    let key = HISTORY_FIELDS[TOTAL];
    out.total = match f.get(TOTAL)? {
        None => 0.0,
        Some(v)
            if v.is_instance_of::<PyFloat>()
                || (v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>()) =>
        {
            v.extract::<f64>()?
        }
        Some(v) => return Err(wrong_type(key, "a number or None", v)),
    };
    f.text(NAME, &mut out.name)?;
    f.text(PHONE, &mut out.phone)?;
    f.text(EMAIL, &mut out.email)?;
    f.text(ADDRESS, &mut out.address)?;
    f.text(CITY, &mut out.city)?;
    f.text(CURRENCY, &mut out.currency)?;
    Ok(())
}

/// An outcome from its contract name.
pub fn outcome(v: &Bound<'_, PyAny>) -> PyResult<Outcome> {
    match v.cast::<PyString>() {
        Ok(s) => utf8(s, "outcome")?.parse::<Outcome>().py(),
        Err(_) => Err(type_error("outcome", "str", v)),
    }
}

/// A `HistoryRecord`: an order dict plus `outcome` (required) and `negotiated` (default false).
pub fn history_record(obj: &Bound<'_, PyAny>) -> PyResult<HistoryRecord> {
    let d = record_dict(obj, "history record")?;
    let mut fields = Fields::of(&d, &HISTORY_FIELDS)?;
    let record = history_fields(&mut fields);
    fields.no_other_keys()?;
    record
}

fn history_fields(f: &mut Fields<'_, '_>) -> PyResult<HistoryRecord> {
    let mut order = Order::default();
    order_fields(f, &mut order)?;
    let key = HISTORY_FIELDS[OUTCOME];
    let name = f.required(OUTCOME)?;
    let outcome = string(name, key, "str")?.parse::<Outcome>().map_err(|_| {
        let names = Outcome::ALL.map(Outcome::as_str).join(", ");
        py_err(
            ErrorKind::InvalidRecord,
            format!("field `outcome` must be one of {names}"),
        )
    })?;
    let key = HISTORY_FIELDS[NEGOTIATED];
    let negotiated = match f.get(NEGOTIATED)? {
        None => false,
        Some(v) => match v.cast::<PyBool>() {
            Ok(b) => b.is_true(),
            Err(_) => return Err(wrong_type(key, "bool or None", v)),
        },
    };
    Ok(HistoryRecord {
        order,
        outcome,
        negotiated,
    })
}

/// How deep plain data given to the binding (a config, a policy, an event) may nest. The
/// contract's deepest value is a flow policy's per-language templates, 4 levels; 64 leaves room
/// and keeps the conversion (and the core's own recursive reading and dropping of the value)
/// far from the end of a 512 KB thread stack. It matches nothing else by design: the C binding's
/// JSON parser stops at serde_json's 128, a bound of its own.
pub const MAX_DEPTH: usize = 64;

/// A JSON value from plain Python data (dict with str keys, list, tuple, str, int, float, bool,
/// None); aware datetimes become Unix seconds. `kind` is the error for values out of range,
/// naive datetimes, values nested deeper than [`MAX_DEPTH`] and containers that hold
/// themselves; a lone surrogate is `invalid_utf8`.
pub fn to_json_as(v: &Bound<'_, PyAny>, what: &str, kind: ErrorKind) -> PyResult<Value> {
    let mut walk = Walk {
        what,
        kind,
        path: Vec::new(),
        keys: Vec::new(),
    };
    walk.value(v)
}

/// One conversion: the containers on the path from the root to the value being read, by
/// address. The path is at most [`MAX_DEPTH`] long, so looking a container up in it is cheap,
/// and a container met again on its own path is a cycle (found at its first repeat, not after
/// `MAX_DEPTH` levels).
struct Walk<'w> {
    what: &'w str,
    kind: ErrorKind,
    path: Vec<usize>,
    /// The dict keys from the root to the value being read, so that an error names the field
    /// (`delivery_window.day`), as the core's readers do, and never the value.
    keys: Vec<String>,
}

impl Walk<'_> {
    /// Where the value being read is: `what`, with its field when it is inside a dict.
    fn place(&self) -> String {
        if self.keys.is_empty() {
            self.what.to_owned()
        } else {
            format!("{}: field `{}`", self.what, self.keys.join("."))
        }
    }

    fn value(&mut self, v: &Bound<'_, PyAny>) -> PyResult<Value> {
        let (what, kind) = (self.what, self.kind);
        if v.is_none() {
            return Ok(Value::Null);
        }
        if let Ok(b) = v.cast::<PyBool>() {
            return Ok(Value::Bool(b.is_true()));
        }
        if v.is_instance_of::<PyInt>() {
            if let Ok(i) = v.extract::<i64>() {
                return Ok(Value::from(i));
            }
            if let Ok(u) = v.extract::<u64>() {
                return Ok(Value::from(u));
            }
            return Err(py_err(
                kind,
                format!("{} is an integer out of range", self.place()),
            ));
        }
        if let Ok(f) = v.cast::<PyFloat>() {
            let x = f.value();
            return serde_json::Number::from_f64(x)
                .map(Value::Number)
                .ok_or_else(|| {
                    PyTypeError::new_err(format!("{what}: NaN and infinities are not JSON"))
                });
        }
        if let Ok(s) = v.cast::<PyString>() {
            return Ok(Value::String(utf8(s, what)?.to_owned()));
        }
        if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
            self.enter(v)?;
            let mut out = Vec::new();
            for item in v.try_iter()? {
                out.push(self.value(&item?)?);
            }
            self.path.pop();
            return Ok(Value::Array(out));
        }
        if v.cast::<PyDict>().is_ok() || v.cast::<PyMapping>().is_ok() {
            self.enter(v)?;
            let d = as_dict(v, what)?;
            let mut out = serde_json::Map::with_capacity(d.len());
            for (k, item) in d.iter() {
                let key = match k.cast::<PyString>() {
                    Ok(s) => utf8(s, what)?.to_owned(),
                    Err(_) => return Err(type_error(&format!("{what} key"), "str", &k)),
                };
                self.keys.push(key);
                let value = self.value(&item);
                let key = self.keys.pop().unwrap_or_default();
                out.insert(key, value?);
            }
            self.path.pop();
            return Ok(Value::Object(out));
        }
        let py = v.py();
        let datetime = DATETIME.import(py, "datetime", "datetime")?;
        if v.is_instance(datetime)? {
            return unix_seconds(v, what, kind).map(Value::from);
        }
        Err(type_error(
            &self.place(),
            "plain data (dict, list, str, int, float, bool, None)",
            v,
        ))
    }

    /// Steps into the container `v`: refused when it is already on the path (it holds itself)
    /// or when the path is [`MAX_DEPTH`] long.
    fn enter(&mut self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let (what, kind) = (self.what, self.kind);
        let at = v.as_ptr() as usize;
        if self.path.contains(&at) {
            return Err(py_err(
                kind,
                format!("{what} contains itself (a dict or list that refers to itself)"),
            ));
        }
        if self.path.len() >= MAX_DEPTH {
            return Err(py_err(
                kind,
                format!("{what} is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.path.push(at);
        Ok(())
    }
}

/// Plain Python data from a JSON value.
pub fn from_json<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    match v {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)
            }
        }
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for item in a {
                list.append(from_json(py, item)?)?;
            }
            Ok(list.into_any())
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, item) in o {
                d.set_item(k, from_json(py, item)?)?;
            }
            Ok(d.into_any())
        }
    }
}
