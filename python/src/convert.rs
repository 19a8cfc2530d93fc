//! Python values to core records and back, by hand.
//!
//! Orders arrive as plain dicts. Reading the known keys one by one is several times faster than
//! a `json.dumps` + serde round trip (see `benches/python_bench.py`). The rules are the
//! contract's, as over JSON: unknown keys, missing required fields and a country that is not
//! an ISO 3166-1 alpha-2 code are `InvalidOrder` naming the field; a value of the wrong Python
//! type is `InvalidOrderType` (an `InvalidOrder` and a `TypeError`); a lone surrogate is
//! `InvalidInput` with code `invalid_utf8`.

use codguard::record::{HISTORY_FIELDS, ORDER_FIELDS};
use codguard::{ErrorKind, HistoryRecord, Order, OrderId, Outcome};
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

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

/// Reads a record's fields out of its dict, counting the keys it finds so that a key it does
/// not know is found without looking at every key of every record.
struct Fields<'a, 'py> {
    d: &'a Bound<'py, PyDict>,
    names: &'static [&'static str],
    found: usize,
}

impl<'py> Fields<'_, 'py> {
    /// The value of `key`; `None` both when missing and when `None` (the same: absent).
    fn get(&mut self, key: &Bound<'py, PyString>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let v = self.d.get_item(key)?;
        self.found += usize::from(v.is_some());
        Ok(v.filter(|v| !v.is_none()))
    }

    /// A text field: `str`, or `None`/missing for "".
    fn text(&mut self, key: &Bound<'py, PyString>) -> PyResult<String> {
        match self.get(key)? {
            None => Ok(String::new()),
            Some(v) => string(&v, key, "str or None"),
        }
    }

    /// A required field's value.
    fn required(&mut self, key: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        self.get(key)?
            .ok_or_else(|| py_err(ErrorKind::InvalidRecord, format!("missing field `{key}`")))
    }

    /// Refuses the first key that is none of the record's fields.
    fn no_other_keys(&self) -> PyResult<()> {
        if self.found == self.d.len() {
            return Ok(());
        }
        let expected: Vec<String> = self.names.iter().map(|n| format!("`{n}`")).collect();
        let expected = expected.join(", ");
        for key in self.d.keys() {
            let known = match key.cast::<PyString>() {
                Ok(k) => self.names.contains(&utf8(k, "a field name")?),
                Err(_) => false,
            };
            if !known {
                let shown = key.str().map_or_else(|_| "?".to_owned(), |k| k.to_string());
                return Err(py_err(
                    ErrorKind::InvalidRecord,
                    format!("unknown field `{shown}`, expected one of {expected}"),
                ));
            }
        }
        Ok(())
    }
}

/// A record field of the wrong Python type: `codguard.InvalidOrderType`, both an `InvalidOrder`
/// (code `invalid_record`) and a `TypeError`, naming the field and the type it must have.
fn wrong_type(key: &Bound<'_, PyString>, must: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    record_type_error(format!("field `{key}` must be {must}, not {got}"))
}

/// `v` as a `str` field's text. (The field's name is only formatted for an error: this runs for
/// every field of every order.)
fn string(v: &Bound<'_, PyAny>, key: &Bound<'_, PyString>, must: &str) -> PyResult<String> {
    match v.cast::<PyString>() {
        Ok(s) => match s.to_str() {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(not_unicode(&format!("field `{key}`"))),
        },
        Err(_) => Err(wrong_type(key, must, v)),
    }
}

/// An `Order` from a dict with the contract's keys (see `Order`'s docs for the rules).
pub fn order(obj: &Bound<'_, PyAny>) -> PyResult<Order> {
    let order = order_read(obj)?;
    // The rules the core checks for every binding: a non-empty id, a known country, a finite
    // total.
    order.validate().py()?;
    Ok(order)
}

/// [`order`] without [`Order::validate`], for a caller whose core call validates the order
/// first thing and fails with the same error (`Engine::assess`): validating twice cost every
/// assessment through Python a few hundred instructions.
pub fn order_read(obj: &Bound<'_, PyAny>) -> PyResult<Order> {
    let d = record_dict(obj, "order")?;
    let mut fields = Fields {
        d: &d,
        names: ORDER_FIELDS,
        found: 0,
    };
    let order = order_fields(&mut fields);
    // A misspelled key is the likelier mistake (and explains a missing field): it comes first.
    fields.no_other_keys()?;
    order
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

fn order_fields(f: &mut Fields<'_, '_>) -> PyResult<Order> {
    let py = f.d.py();
    let key = intern!(py, "order_id");
    let order_id = string(&f.required(key)?, key, "str")?;
    let key = intern!(py, "placed_at");
    let placed_at = f.required(key)?;
    let placed_at = unix_seconds(&placed_at, "field `placed_at`", ErrorKind::InvalidRecord)
        .map_err(|e| {
            if e.is_instance_of::<PyTypeError>(py) {
                wrong_type(
                    key,
                    "an int (Unix seconds) or an aware datetime",
                    &placed_at,
                )
            } else {
                e
            }
        })?;
    let key = intern!(py, "country");
    let country = string(&f.required(key)?, key, "str")?;
    let country = match codguard::record::country_code(&country) {
        Some(code) => code.to_owned(),
        // The core says why, in the same words as over JSON.
        None => country,
    };
    let key = intern!(py, "total");
    let total = match f.get(key)? {
        None => 0.0,
        Some(v)
            if v.is_instance_of::<PyFloat>()
                || (v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>()) =>
        {
            v.extract::<f64>()?
        }
        Some(v) => return Err(wrong_type(key, "a number or None", &v)),
    };
    let order = Order {
        order_id: OrderId(order_id),
        placed_at,
        name: f.text(intern!(py, "name"))?,
        phone: f.text(intern!(py, "phone"))?,
        email: f.text(intern!(py, "email"))?,
        address: f.text(intern!(py, "address"))?,
        city: f.text(intern!(py, "city"))?,
        country,
        total,
        currency: f.text(intern!(py, "currency"))?,
    };
    Ok(order)
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
    let mut fields = Fields {
        d: &d,
        names: &HISTORY_FIELDS,
        found: 0,
    };
    let record = history_fields(&mut fields);
    fields.no_other_keys()?;
    record
}

fn history_fields(f: &mut Fields<'_, '_>) -> PyResult<HistoryRecord> {
    let py = f.d.py();
    let order = order_fields(f)?;
    let key = intern!(py, "outcome");
    let name = string(&f.required(key)?, key, "str")?;
    let outcome = name.parse::<Outcome>().map_err(|_| {
        let names = Outcome::ALL.map(Outcome::as_str).join(", ");
        py_err(
            ErrorKind::InvalidRecord,
            format!("field `outcome` must be one of {names}"),
        )
    })?;
    let key = intern!(py, "negotiated");
    let negotiated = match f.get(key)? {
        None => false,
        Some(v) => match v.cast::<PyBool>() {
            Ok(b) => b.is_true(),
            Err(_) => return Err(wrong_type(key, "bool or None", &v)),
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
}

impl Walk<'_> {
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
            return Err(py_err(kind, format!("{what}: an integer is out of range")));
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
                out.insert(key, self.value(&item)?);
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
            what,
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
