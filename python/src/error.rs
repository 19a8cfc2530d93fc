//! The one place where a `codguard::Error` becomes a Python exception.
//!
//! Every exception class extends `codguard.Error`, itself a `ValueError`, and carries the core's
//! stable snake_case code as `.code`. Errors raised by the binding itself (a missing field, a
//! naive datetime) are built as core errors first, so they go through the same mapping.

use codguard::{Error as CoreError, ErrorKind};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::{create_exception, intern, PyTypeInfo};

create_exception!(
    codguard,
    Error,
    PyValueError,
    "Base of every codguard error; `.code` is the stable snake_case error code."
);
create_exception!(
    codguard,
    InvalidInput,
    Error,
    "An input is unusable: too long, an unknown country, or a malformed record or event."
);
create_exception!(
    codguard,
    InvalidPhone,
    InvalidInput,
    "A phone number does not normalize (`phone_*` codes)."
);
create_exception!(
    codguard,
    InvalidEmail,
    InvalidInput,
    "An email does not normalize (`email_*` codes)."
);
create_exception!(
    codguard,
    InvalidOrder,
    InvalidInput,
    "An order or history record is malformed or misses a required field (`invalid_record`)."
);
create_exception!(
    codguard,
    InvalidEvent,
    InvalidInput,
    "A flow event is malformed or for another order (`invalid_event`)."
);
create_exception!(
    codguard,
    InvalidConfig,
    Error,
    "A policy or flow configuration is inconsistent (`invalid_config`)."
);
create_exception!(
    codguard,
    UnknownOrder,
    Error,
    "No order with that id is known (`unknown_order`)."
);
create_exception!(
    codguard,
    DuplicateOrder,
    Error,
    "An order with that id is already known (`duplicate_order`)."
);
create_exception!(
    codguard,
    InvalidToken,
    Error,
    "A confirmation token is malformed, forged, expired or for another order (`token_*`)."
);
create_exception!(
    codguard,
    SnapshotError,
    Error,
    "Snapshot bytes are truncated, corrupt or of an unknown version (`snapshot_*`)."
);

/// `InvalidOrderType`: an order or history record, or one of its fields, of the wrong Python
/// type. Both an `InvalidOrder` (code `invalid_record`, as the contract says of every binding)
/// and a `TypeError` (as Python code expects of a wrong type). Two bases need `type()`, which
/// pyo3's `create_exception!` cannot call, so it is built once here.
static INVALID_ORDER_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn invalid_order_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_ORDER_TYPE
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [InvalidOrder::type_object(py), PyTypeError::type_object(py)],
            )?;
            let attrs = PyDict::new(py);
            attrs.set_item(
                "__doc__",
                "An order or history record, or one of its fields, has the wrong Python type: \
                 an InvalidOrder (code `invalid_record`) that is also a TypeError.",
            )?;
            attrs.set_item("__module__", "codguard")?;
            attrs.set_item("code", ErrorKind::InvalidRecord.code())?;
            let class = py.import("builtins")?.getattr("type")?.call1((
                "InvalidOrderType",
                bases,
                attrs,
            ))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })
        .map(|class| class.bind(py))
}

/// A record field of the wrong Python type, as `InvalidOrderType` with code `invalid_record`.
pub fn record_type_error(message: String) -> PyErr {
    Python::attach(|py| {
        let raised = invalid_order_type(py).and_then(|class| {
            let value = class.call1((message,))?;
            value.setattr(intern!(py, "code"), ErrorKind::InvalidRecord.code())?;
            Ok(PyErr::from_value(value))
        });
        raised.unwrap_or_else(|e| e)
    })
}

/// The exception class of a core error kind.
fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, PyType> {
    match kind {
        k if k.is_invalid_phone() => InvalidPhone::type_object(py),
        k if k.is_invalid_token() => InvalidToken::type_object(py),
        k if k.is_invalid_snapshot() => SnapshotError::type_object(py),
        ErrorKind::InputTooLong
        | ErrorKind::InvalidCountry
        | ErrorKind::InvalidUtf8
        | ErrorKind::InvalidJson => InvalidInput::type_object(py),
        ErrorKind::EmailEmpty | ErrorKind::EmailInvalid => InvalidEmail::type_object(py),
        ErrorKind::InvalidRecord => InvalidOrder::type_object(py),
        ErrorKind::InvalidEvent => InvalidEvent::type_object(py),
        ErrorKind::InvalidConfig => InvalidConfig::type_object(py),
        ErrorKind::UnknownOrder => UnknownOrder::type_object(py),
        ErrorKind::DuplicateOrder => DuplicateOrder::type_object(py),
        _ => Error::type_object(py),
    }
}

/// Converts a core error into the matching Python exception, with `.code` set, and `.record`
/// when the error is about one record of a batch.
pub fn to_py_err(err: CoreError) -> PyErr {
    Python::attach(|py| {
        let class = class_of(py, err.kind());
        match class.call1((err.message().to_owned(),)) {
            Ok(value) => {
                if let Err(e) = value.setattr(intern!(py, "code"), err.kind().code()) {
                    return e;
                }
                if let Some(record) = err.record() {
                    if let Err(e) = value.setattr(intern!(py, "record"), record) {
                        return e;
                    }
                }
                PyErr::from_value(value)
            }
            Err(e) => e,
        }
    })
}

/// Shorthand: a core error of `kind`, already converted.
pub fn py_err(kind: ErrorKind, message: impl Into<String>) -> PyErr {
    to_py_err(CoreError::new(kind, message))
}

/// `Result<T, codguard::Error>` into `PyResult<T>`.
pub trait ToPyResult<T> {
    /// Converts the error, if any, through [`to_py_err`].
    fn py(self) -> PyResult<T>;
}

impl<T> ToPyResult<T> for Result<T, CoreError> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py_err)
    }
}

/// A `TypeError` naming what was expected and what came.
pub fn type_error(what: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    PyTypeError::new_err(format!("{what} must be {expected}, not {got}"))
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("InvalidInput", py.get_type::<InvalidInput>())?;
    m.add("InvalidPhone", py.get_type::<InvalidPhone>())?;
    m.add("InvalidEmail", py.get_type::<InvalidEmail>())?;
    m.add("InvalidOrder", py.get_type::<InvalidOrder>())?;
    m.add("InvalidOrderType", invalid_order_type(py)?)?;
    m.add("InvalidEvent", py.get_type::<InvalidEvent>())?;
    m.add("InvalidConfig", py.get_type::<InvalidConfig>())?;
    m.add("UnknownOrder", py.get_type::<UnknownOrder>())?;
    m.add("DuplicateOrder", py.get_type::<DuplicateOrder>())?;
    m.add("InvalidToken", py.get_type::<InvalidToken>())?;
    m.add("SnapshotError", py.get_type::<SnapshotError>())?;
    // Class-level codes, so that an exception raised from Python code (or unpickled without its
    // instance dict) still has one; instances raised by the library carry their precise code.
    let codes = [
        (py.get_type::<Error>(), "error"),
        (
            py.get_type::<InvalidOrder>(),
            ErrorKind::InvalidRecord.code(),
        ),
        (
            py.get_type::<InvalidEvent>(),
            ErrorKind::InvalidEvent.code(),
        ),
        (
            py.get_type::<InvalidConfig>(),
            ErrorKind::InvalidConfig.code(),
        ),
        (
            py.get_type::<UnknownOrder>(),
            ErrorKind::UnknownOrder.code(),
        ),
        (
            py.get_type::<DuplicateOrder>(),
            ErrorKind::DuplicateOrder.code(),
        ),
    ];
    for (class, code) in codes {
        class.setattr("code", code)?;
    }
    // Which record of a batch (`add_history`, `fit_risk_model`) the error is about, counted
    // from 0 as the message's "record N" is: None at class level, for every error not about one.
    py.get_type::<Error>().setattr("record", py.None())?;
    Ok(())
}
