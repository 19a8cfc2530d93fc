//! Python values to core records and back, by hand.
//!
//! Orders arrive as plain dicts. Reading the known keys one by one is several times faster than
//! a `json.dumps` + serde round trip (see `benches/python_bench.py`), and it lets wrong types
//! fail as `TypeError` naming the field.

use codguard::{ErrorKind, HistoryRecord, Order, OrderId, Outcome};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyType};
use pyo3::{intern, IntoPyObjectExt};
use serde_json::Value;

use crate::error::{py_err, type_error, ToPyResult};

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

/// A text field: `str`, or `None`/missing for "".
fn text(d: &Bound<'_, PyDict>, key: &Bound<'_, PyString>, what: &str) -> PyResult<String> {
    match d.get_item(key)? {
        None => Ok(String::new()),
        Some(v) if v.is_none() => Ok(String::new()),
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => Ok(s.to_str()?.to_owned()),
            Err(_) => Err(type_error(
                &format!("{what} field '{key}'"),
                "str or None",
                &v,
            )),
        },
    }
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

/// An `Order` from a dict with the contract's keys; unknown keys are ignored.
pub fn order(obj: &Bound<'_, PyAny>) -> PyResult<Order> {
    let d = as_dict(obj, "order")?;
    order_of_dict(&d, "order")
}

fn order_of_dict(d: &Bound<'_, PyDict>, what: &str) -> PyResult<Order> {
    let py = d.py();
    let order_id = match d.get_item(intern!(py, "order_id"))? {
        None => {
            return Err(py_err(
                ErrorKind::InvalidRecord,
                format!("{what} has no order_id"),
            ))
        }
        Some(v) if v.is_none() => {
            return Err(py_err(
                ErrorKind::InvalidRecord,
                format!("{what} has no order_id"),
            ))
        }
        Some(v) => match v.cast::<PyString>() {
            Ok(s) => s.to_str()?.to_owned(),
            Err(_) => return Err(type_error(&format!("{what} field 'order_id'"), "str", &v)),
        },
    };
    let placed_at = match d.get_item(intern!(py, "placed_at"))? {
        None => {
            return Err(py_err(
                ErrorKind::InvalidRecord,
                format!("{what} has no placed_at"),
            ))
        }
        Some(v) if v.is_none() => {
            return Err(py_err(
                ErrorKind::InvalidRecord,
                format!("{what} has no placed_at"),
            ))
        }
        Some(v) => unix_seconds(
            &v,
            &format!("{what} field 'placed_at'"),
            ErrorKind::InvalidRecord,
        )?,
    };
    let total = match d.get_item(intern!(py, "total"))? {
        None => 0.0,
        Some(v) if v.is_none() => 0.0,
        Some(v)
            if v.is_instance_of::<PyFloat>()
                || (v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>()) =>
        {
            v.extract::<f64>()?
        }
        Some(v) => return Err(type_error(&format!("{what} field 'total'"), "a number", &v)),
    };
    Ok(Order {
        order_id: OrderId(order_id),
        placed_at,
        name: text(d, intern!(py, "name"), what)?,
        phone: text(d, intern!(py, "phone"), what)?,
        email: text(d, intern!(py, "email"), what)?,
        address: text(d, intern!(py, "address"), what)?,
        city: text(d, intern!(py, "city"), what)?,
        country: text(d, intern!(py, "country"), what)?,
        total,
        currency: text(d, intern!(py, "currency"), what)?,
    })
}

/// An outcome from its contract name.
pub fn outcome(v: &Bound<'_, PyAny>) -> PyResult<Outcome> {
    match v.cast::<PyString>() {
        Ok(s) => s.to_str()?.parse::<Outcome>().py(),
        Err(_) => Err(type_error("outcome", "str", v)),
    }
}

/// A `HistoryRecord`: an order dict plus `outcome` (required) and `negotiated` (default false).
pub fn history_record(obj: &Bound<'_, PyAny>) -> PyResult<HistoryRecord> {
    let d = as_dict(obj, "history record")?;
    let py = d.py();
    let order = order_of_dict(&d, "history record")?;
    let outcome = match d.get_item(intern!(py, "outcome"))? {
        Some(v) if !v.is_none() => outcome(&v)?,
        _ => {
            return Err(py_err(
                ErrorKind::InvalidRecord,
                "history record has no outcome",
            ))
        }
    };
    let negotiated = match d.get_item(intern!(py, "negotiated"))? {
        None => false,
        Some(v) if v.is_none() => false,
        Some(v) => match v.cast::<PyBool>() {
            Ok(b) => b.is_true(),
            Err(_) => return Err(type_error("history record field 'negotiated'", "bool", &v)),
        },
    };
    Ok(HistoryRecord {
        order,
        outcome,
        negotiated,
    })
}

/// A JSON value from plain Python data (dict with str keys, list, tuple, str, int, float, bool,
/// None); aware datetimes become Unix seconds.
pub fn to_json(v: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    to_json_as(v, what, ErrorKind::InvalidRecord)
}

/// As [`to_json`], with `kind` for values out of range and naive datetimes.
pub fn to_json_as(v: &Bound<'_, PyAny>, what: &str, kind: ErrorKind) -> PyResult<Value> {
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
            ErrorKind::InvalidRecord,
            format!("{what}: an integer is out of range"),
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
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for item in v.try_iter()? {
            out.push(to_json_as(&item?, what, kind)?);
        }
        return Ok(Value::Array(out));
    }
    if v.cast::<PyDict>().is_ok() || v.cast::<PyMapping>().is_ok() {
        let d = as_dict(v, what)?;
        let mut out = serde_json::Map::with_capacity(d.len());
        for (k, item) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => s.to_str()?.to_owned(),
                Err(_) => return Err(type_error(&format!("{what} key"), "str", &k)),
            };
            out.insert(key, to_json_as(&item, what, kind)?);
        }
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
