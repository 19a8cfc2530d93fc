//! `Engine` and `Assessment`.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use codguard::assessment::{Assessment as CoreAssessment, Match, Normalized, Profile, Reason};
use codguard::engine::Engine as CoreEngine;
use codguard::policy::PolicyConfig;
use codguard::risk::{Example, RiskModel, FIT_BLOCK};
use codguard::{ErrorKind, HistoryRecord, Order};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple, PyType};
use pyo3::{intern, IntoPyObjectExt};

use crate::convert;
use crate::convert::Text;
use crate::error::{py_err, to_py_err, type_error, ToPyResult};

/// A shop's order history and policy: assesses new orders and learns their outcomes.
///
/// `Engine(config=None)` takes a dict with the keys of the Rust `PolicyConfig` (missing keys
/// keep their defaults). Thread-safe: assessments run in parallel without the GIL; writers wait
/// for readers. Engines pickle (through their snapshot bytes), so they can be sent to worker
/// processes.
#[pyclass(frozen, module = "codguard._codguard")]
pub struct Engine {
    inner: RwLock<CoreEngine>,
}

impl Engine {
    fn read(&self) -> RwLockReadGuard<'_, CoreEngine> {
        // A panic inside the core cannot leave the engine half-written: writers validate first.
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, CoreEngine> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

pub(crate) fn config_of(config: Option<&Bound<'_, PyAny>>) -> PyResult<PolicyConfig> {
    match config {
        None => Ok(PolicyConfig::default()),
        Some(c) if c.is_none() => Ok(PolicyConfig::default()),
        Some(c) => {
            if convert::as_dict(c, "config").is_err() {
                return Err(type_error("config", "a dict or None", c));
            }
            // Values that are not plain data are a bad config; a lone surrogate stays what it
            // is everywhere (`invalid_utf8`).
            let value =
                convert::to_json_as(c, "config", ErrorKind::InvalidConfig).map_err(|e| {
                    Python::attach(|py| {
                        if e.is_instance_of::<pyo3::exceptions::PyTypeError>(py) {
                            py_err(
                                ErrorKind::InvalidConfig,
                                "config holds values that are not plain data",
                            )
                        } else {
                            e
                        }
                    })
                })?;
            let config: PolicyConfig = serde_json::from_value(value)
                .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("policy config: {e}")))?;
            config.validate().py()?;
            Ok(config)
        }
    }
}

/// A fitted risk model from its JSON text (str) or the parsed file (a dict); `None` for None.
///
/// Raises InvalidConfig for a file that does not check (`codguard::risk::RiskModel::from_json`).
pub(crate) fn risk_model_of(model: Option<&Bound<'_, PyAny>>) -> PyResult<Option<RiskModel>> {
    let Some(model) = model.filter(|m| !m.is_none()) else {
        return Ok(None);
    };
    let text = if let Ok(s) = model.cast::<pyo3::types::PyString>() {
        s.to_str()
            .map_err(|_| py_err(ErrorKind::InvalidUtf8, "risk_model is not valid Unicode"))?
            .to_owned()
    } else if model.cast::<PyDict>().is_ok() {
        convert::to_json_as(model, "risk_model", ErrorKind::InvalidConfig)?.to_string()
    } else {
        return Err(type_error(
            "risk_model",
            "a str (the file's JSON), a dict or None",
            model,
        ));
    };
    RiskModel::from_json(&text).map(Some).py()
}

/// Reads history records from an iterable of dicts (`add_history`'s argument).
pub(crate) fn records_of(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
) -> PyResult<Vec<HistoryRecord>> {
    if records.cast::<pyo3::types::PyString>().is_ok() || records.cast::<PyDict>().is_ok() {
        return Err(type_error("records", "an iterable of dicts", records));
    }
    let iter = records
        .try_iter()
        .map_err(|_| type_error("records", "an iterable of dicts", records))?;
    let mut batch: Vec<HistoryRecord> = Vec::new();
    for (i, r) in iter.enumerate() {
        let r = r?;
        batch.push(convert::history_record(&r).map_err(|e| with_index(py, e, i))?);
    }
    Ok(batch)
}

/// Fits a risk model on a history (an iterable of history dicts), replayed in time order under
/// the policy `config`; returns the model file's JSON text (see docs/risk.md), for
/// `Engine(risk_model=...)`, `Engine.set_risk_model` and `Store(risk_model=...)`. `block`:
/// examples per block of the fit's sums (`RiskFit`; the default is codguard.spark's).
///
/// Raises InvalidOrder for a malformed record, DuplicateOrder for a repeated id.
#[pyfunction]
#[pyo3(signature = (records, config=None, *, min_volume=30, zone_prior=10.0, utc_offset_secs=0, block=16384))]
pub(crate) fn fit_risk_model(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
    min_volume: u64,
    zone_prior: f64,
    utc_offset_secs: i64,
    block: usize,
) -> PyResult<String> {
    let config = config_of(config)?;
    let records = records_of(py, records)?;
    let options = crate::fit::fit_options(min_volume, zone_prior, utc_offset_secs, block);
    let model = py
        .detach(|| codguard::risk::fit(&records, &config, &options))
        .py()?;
    // A model fitted from odd options must still read back.
    model.validate().py()?;
    Ok(model.to_json())
}

/// The risk model's example of one replayed order: `order` (a dict), its `assessment` (the
/// contract's JSON, made against the orders placed before it) and what became of it (an
/// outcome name). The example's JSON for a shipped order (delivered or failed), else None.
/// What a replay elsewhere (codguard.spark's fit) hands to `fit_risk_model_examples`.
///
/// Raises InvalidOrder for a malformed order or outcome, InvalidConfig for an assessment that
/// is not the contract's JSON.
#[pyfunction]
pub(crate) fn risk_example(
    order: &Bound<'_, PyAny>,
    assessment: &str,
    outcome: &str,
) -> PyResult<Option<String>> {
    let order = convert::order(order)?;
    let outcome: codguard::Outcome = outcome.parse().py()?;
    if !(outcome == codguard::Outcome::Delivered || outcome.is_failed_delivery()) {
        return Ok(None);
    }
    let a: CoreAssessment = serde_json::from_str(assessment)
        .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("assessment: {e}")))?;
    let inputs = codguard::risk::RiskInputs::from_assessment(&order, &a).py()?;
    let example = Example {
        inputs,
        failed: outcome.is_failed_delivery(),
    };
    serde_json::to_string(&example)
        .map(Some)
        .map_err(|e| py_err(ErrorKind::InvalidConfig, e.to_string()))
}

/// Fits a risk model on examples (`risk_example`'s JSON texts, in time order: the order of a
/// replay sorted by placed_at then order id); returns the model file's JSON, the same as
/// `fit_risk_model` on the history they come from. `orders`, `first` and `last` fill the file's
/// `fitted_on` (the history's order count and first and last `placed_at`).
///
/// Raises InvalidConfig for an example that is not one.
#[pyfunction]
#[pyo3(signature = (examples, *, min_volume=30, zone_prior=10.0, utc_offset_secs=0, orders=0, first=None, last=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_risk_model_examples(
    py: Python<'_>,
    examples: Vec<String>,
    min_volume: u64,
    zone_prior: f64,
    utc_offset_secs: i64,
    orders: u64,
    first: Option<i64>,
    last: Option<i64>,
) -> PyResult<String> {
    let examples: Vec<Example> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::from_str(e)
                .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("example {i}: {e}")))
        })
        .collect::<PyResult<_>>()?;
    codguard::risk::FitCounts::of(&examples).enough().py()?;
    let options = crate::fit::fit_options(min_volume, zone_prior, utc_offset_secs, FIT_BLOCK);
    let mut model = py.detach(|| codguard::risk::fit_examples(&examples, &options));
    model.fitted_on = codguard::risk::FittedOn {
        orders,
        shipped: examples.len() as u64,
        from: first,
        to: last,
    };
    model.validate().py()?;
    Ok(model.to_json())
}

#[pymethods]
impl Engine {
    #[new]
    #[pyo3(signature = (config=None, *, risk_model=None))]
    fn new(
        config: Option<&Bound<'_, PyAny>>,
        risk_model: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Engine> {
        let mut engine = CoreEngine::new(config_of(config)?);
        engine.set_risk_model(risk_model_of(risk_model)?);
        Ok(Engine {
            inner: RwLock::new(engine),
        })
    }

    /// Loads a fitted risk model (its JSON text or the parsed dict; None unloads it): `risk`
    /// becomes the probability that the order fails delivery, and reason `zone_failure_rate`
    /// names a zone whose deliveries fail often. Raises InvalidConfig for a bad file.
    #[pyo3(signature = (model))]
    fn set_risk_model(&self, model: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let model = risk_model_of(model)?;
        self.write().set_risk_model(model);
        Ok(())
    }

    /// The risk model in force as its JSON text, or None.
    #[getter]
    fn risk_model(&self) -> Option<String> {
        self.read().risk_model().map(RiskModel::to_json)
    }

    /// The policy in force, as a dict (every key, defaults included).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(self.read().config())
            .map_err(|e| py_err(ErrorKind::InvalidConfig, e.to_string()))?;
        convert::from_json(py, &value)
    }

    /// Adds past orders (an iterable of history dicts: an order plus `outcome` and optional
    /// `negotiated`). All or nothing. Returns how many were added.
    ///
    /// Raises InvalidOrder for a malformed record, DuplicateOrder for an id already held.
    fn add_history(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<usize> {
        let batch = records_of(py, records)?;
        py.detach(|| self.write().add_history(batch)).py()
    }

    /// Adds a new order as pending history, so the next order of the same customer sees it.
    fn add_order(&self, py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<()> {
        let order = convert::order(order)?;
        py.detach(|| self.write().add_order(&order)).py()
    }

    /// Assesses a new order (a dict) and adds it as pending history, in one step: the answer
    /// of `assess`, the history of `add_order` after it, the order normalized once. Raises as
    /// `add_order` (DuplicateOrder for an id already held), and then adds nothing.
    fn assess_and_add(&self, py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<Assessment> {
        let a = convert::with_order(order, |order| {
            py.detach(|| self.write().assess_and_add(order)).py()
        })?;
        Ok(Assessment { inner: a })
    }

    /// Records what became of an order: one of the contract's outcome names.
    ///
    /// Raises UnknownOrder when no order has that id, InvalidOrder for an unknown outcome name.
    fn record_outcome(
        &self,
        py: Python<'_>,
        order_id: Text<'_>,
        outcome: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let outcome = convert::outcome(outcome)?;
        py.detach(|| self.write().record_outcome(&order_id, outcome))
            .py()
    }

    /// Records whether the customer negotiated on an order.
    fn record_negotiated(
        &self,
        py: Python<'_>,
        order_id: Text<'_>,
        negotiated: bool,
    ) -> PyResult<()> {
        py.detach(|| self.write().record_negotiated(&order_id, negotiated))
            .py()
    }

    /// Assesses a new order (a dict) against the history.
    fn assess(&self, py: Python<'_>, order: &Bound<'_, PyAny>) -> PyResult<Assessment> {
        // The core validates the order (convert::with_order).
        let a = convert::with_order(order, |order| py.detach(|| self.read().assess(order)).py())?;
        Ok(Assessment { inner: a })
    }

    /// Assesses many orders on every core, without the GIL. Returns one element per order, in
    /// order: its Assessment, or the codguard.Error that order raises in `assess` (an
    /// InvalidOrder, an InvalidOrderType, a lone surrogate's InvalidInput), not raised, so one
    /// bad row does not lose the batch, as in C. Raises only when `orders` is no iterable of
    /// orders at all (a str, a dict, an int) or iterating it raises.
    fn assess_many(&self, py: Python<'_>, orders: &Bound<'_, PyAny>) -> PyResult<Vec<Py<PyAny>>> {
        if orders.cast::<pyo3::types::PyString>().is_ok() || orders.cast::<PyDict>().is_ok() {
            return Err(type_error("orders", "an iterable of dicts", orders));
        }
        let iter = orders
            .try_iter()
            .map_err(|_| type_error("orders", "an iterable of dicts", orders))?;
        let mut batch: Vec<Order> = Vec::new();
        // Per order: None when it was read (its answer is the next of `results`), else its error.
        let mut read: Vec<Option<PyErr>> = Vec::new();
        for o in iter {
            match convert::order(&o?) {
                Ok(order) => {
                    batch.push(order);
                    read.push(None);
                }
                Err(e) => read.push(Some(e)),
            }
        }
        let mut results = py.detach(|| self.read().assess_many(&batch)).into_iter();
        read.into_iter()
            .map(|r| {
                let answer = match r {
                    Some(e) => Err(e),
                    None => match results.next() {
                        Some(r) => r.map_err(to_py_err),
                        // The core answers every order; this only keeps a slot from going
                        // missing if it ever did not.
                        None => Err(py_err(
                            ErrorKind::InvalidRecord,
                            "order: no answer from the engine",
                        )),
                    },
                };
                match answer {
                    Ok(inner) => Assessment { inner }.into_py_any(py),
                    Err(e) => Ok(e.into_value(py).into_any()),
                }
            })
            .collect()
    }

    /// Erases every order of the customer(s) who used this phone (and the orders linked to
    /// them). Returns how many were erased. Raises InvalidPhone when the phone does not normalize.
    /// `default_country` as in `normalize_phone` (None is no country).
    #[pyo3(signature = (phone, default_country))]
    fn erase_by_phone(
        &self,
        py: Python<'_>,
        phone: Text<'_>,
        default_country: Option<Text<'_>>,
    ) -> PyResult<usize> {
        let country = convert::country_or_none(&default_country);
        py.detach(|| self.write().erase_by_phone(&phone, country))
            .py()
    }

    /// Erases every order of the customer(s) who used this email, as `erase_by_phone`.
    fn erase_by_email(&self, py: Python<'_>, email: Text<'_>) -> PyResult<usize> {
        py.detach(|| self.write().erase_by_email(&email)).py()
    }

    /// The whole engine (history, policy and risk model) as versioned, checksummed snapshot
    /// bytes; with
    /// `key` (bytes or str), sealed with an HMAC-SHA256 under it, for snapshots kept where
    /// others could write (load them with the same key).
    #[pyo3(signature = (*, key=None))]
    fn save<'py>(
        &self,
        py: Python<'py>,
        key: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = match key {
            None => py.detach(|| self.read().save()),
            Some(k) => {
                let k = crate::flow::secret_bytes(k)?;
                py.detach(|| self.read().save_sealed(&k)).py()?
            }
        };
        Ok(PyBytes::new(py, &bytes))
    }

    /// An engine from `save()` bytes (with the `key` they were sealed with, if any), with the
    /// risk model it had. Raises SnapshotError for bytes that are not a snapshot, or whose seal
    /// does not verify.
    #[classmethod]
    #[pyo3(signature = (data, *, key=None))]
    fn load(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        data: &[u8],
        key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Engine> {
        let engine = match key {
            None => py.detach(|| CoreEngine::load(data)).py()?,
            Some(k) => {
                let k = crate::flow::secret_bytes(k)?;
                py.detach(|| CoreEngine::load_sealed(data, &k)).py()?
            }
        };
        Ok(Engine {
            inner: RwLock::new(engine),
        })
    }

    /// What a pickle of an earlier build calls (snapshot bytes and the risk model's JSON text,
    /// or None): kept so that such a pickle raises SnapshotError (code `snapshot_version`)
    /// naming the snapshot's format (those snapshots keyed places the old way) rather than
    /// AttributeError. Pickles of this build are snapshot bytes alone, model included (`load`).
    #[classmethod]
    fn _unpickle(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        data: &[u8],
        risk_model: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Engine> {
        let mut engine = py.detach(|| CoreEngine::load(data)).py()?;
        engine.set_risk_model(risk_model_of(risk_model)?);
        Ok(Engine {
            inner: RwLock::new(engine),
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let bytes = slf.get().save(py, None)?;
        let load = slf.get_type().getattr(intern!(py, "load"))?;
        PyTuple::new(py, [load, PyTuple::new(py, [bytes])?.into_any()])
    }

    fn __len__(&self) -> usize {
        self.read().len()
    }

    fn __repr__(&self) -> String {
        format!("<codguard.Engine with {} past orders>", self.read().len())
    }
}

/// Prefixes an error's message with the record's position ("record 1: ", as the core says
/// of a repeated id) and sets its `.record`, keeping its class and `.code`.
fn with_index(py: Python<'_>, e: PyErr, i: usize) -> PyErr {
    let value = e.value(py);
    if let Ok(args) = value.getattr(intern!(py, "args")) {
        if let Ok((msg,)) = args.extract::<(String,)>() {
            let _ = value.setattr(intern!(py, "args"), (format!("record {i}: {msg}"),));
        }
    }
    let _ = value.setattr(intern!(py, "record"), i);
    e
}

/// The engine's answer for one order. Attributes mirror the contract's Assessment fields;
/// `to_dict()` gives the contract JSON as plain Python data.
#[pyclass(frozen, module = "codguard._codguard")]
pub struct Assessment {
    inner: CoreAssessment,
}

fn reason_dict<'py>(py: Python<'py>, r: &Reason) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "code"), r.code.as_str())?;
    d.set_item(intern!(py, "detail"), &r.detail)?;
    let ids: Vec<&str> = r.order_ids.iter().map(|o| o.as_str()).collect();
    d.set_item(intern!(py, "order_ids"), ids)?;
    Ok(d)
}

fn match_dict<'py>(py: Python<'py>, m: &Match) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "order_id"), m.order_id.as_str())?;
    d.set_item(intern!(py, "score"), m.score)?;
    let evidence = PyList::empty(py);
    for e in &m.evidence {
        let name = match e {
            codguard::assessment::Evidence::Phone => intern!(py, "phone"),
            codguard::assessment::Evidence::Email => intern!(py, "email"),
            codguard::assessment::Evidence::Address => intern!(py, "address"),
            codguard::assessment::Evidence::Name => intern!(py, "name"),
        };
        evidence.append(name)?;
    }
    d.set_item(intern!(py, "evidence"), evidence)?;
    Ok(d)
}

fn profile_dict<'py>(py: Python<'py>, p: &Profile) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "orders"), p.orders)?;
    d.set_item(intern!(py, "delivered"), p.delivered)?;
    d.set_item(intern!(py, "failed"), p.failed)?;
    d.set_item(intern!(py, "cancelled"), p.cancelled)?;
    d.set_item(intern!(py, "unconfirmed"), p.unconfirmed)?;
    d.set_item(intern!(py, "negotiated"), p.negotiated)?;
    d.set_item(intern!(py, "delivered_value"), p.delivered_value)?;
    d.set_item(intern!(py, "first_seen"), p.first_seen)?;
    d.set_item(intern!(py, "last_seen"), p.last_seen)?;
    Ok(d)
}

fn normalized_dict<'py>(py: Python<'py>, n: &Normalized) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "phone"), n.phone.as_deref())?;
    d.set_item(intern!(py, "email"), n.email.as_deref())?;
    d.set_item(intern!(py, "address"), &n.address)?;
    d.set_item(intern!(py, "city"), &n.city)?;
    Ok(d)
}

impl Assessment {
    /// Wraps a core assessment (the store binding builds them too).
    pub(crate) fn from_core(inner: CoreAssessment) -> Assessment {
        Assessment { inner }
    }

    /// The core assessment.
    pub fn core(&self) -> &CoreAssessment {
        &self.inner
    }
}

#[pymethods]
impl Assessment {
    /// The order assessed.
    #[getter]
    fn order_id(&self) -> &str {
        self.inner.order_id.as_str()
    }

    /// `new`, `good`, `negotiator`, `risky` or `ghost`.
    #[getter]
    fn customer_class(&self) -> &'static str {
        self.inner.customer_class.as_str()
    }

    /// `auto_confirm`, `confirm`, `review`, `require_prepayment` or `reject`.
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.action.as_str()
    }

    /// Risk of a failed or fake order, 0 to 1.
    #[getter]
    fn risk(&self) -> f64 {
        self.inner.risk
    }

    /// Why: a list of `{"code", "detail", "order_ids"}` dicts.
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in &self.inner.reasons {
            list.append(reason_dict(py, r)?)?;
        }
        Ok(list)
    }

    /// Past orders of the same customer, best first: `{"order_id", "score", "evidence"}` dicts.
    #[getter]
    fn matches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for m in &self.inner.matches {
            list.append(match_dict(py, m)?)?;
        }
        Ok(list)
    }

    /// The matched history in numbers.
    #[getter]
    fn profile<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        profile_dict(py, &self.inner.profile)
    }

    /// The order's fields as the engine understood them.
    #[getter]
    fn normalized<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        normalized_dict(py, &self.inner.normalized)
    }

    /// Whether customer service should hear of this order (good customers, negotiators).
    #[getter]
    fn notify_customer_service(&self) -> bool {
        self.inner.notify_customer_service
    }

    /// The contract's Assessment JSON as plain Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item(intern!(py, "order_id"), self.order_id())?;
        d.set_item(intern!(py, "customer_class"), self.customer_class())?;
        d.set_item(intern!(py, "action"), self.action())?;
        d.set_item(intern!(py, "risk"), self.inner.risk)?;
        d.set_item(intern!(py, "reasons"), self.reasons(py)?)?;
        d.set_item(intern!(py, "matches"), self.matches(py)?)?;
        d.set_item(intern!(py, "profile"), self.profile(py)?)?;
        d.set_item(intern!(py, "normalized"), self.normalized(py)?)?;
        d.set_item(
            intern!(py, "notify_customer_service"),
            self.inner.notify_customer_service,
        )?;
        Ok(d)
    }

    /// The contract's Assessment JSON as a string (serde, byte-for-byte what Rust and C give).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner)
            .map_err(|e| py_err(ErrorKind::InvalidRecord, e.to_string()))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = other.py();
        match other.cast::<Assessment>() {
            Ok(o) => (self.inner == o.get().inner).into_py_any(py),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<codguard.Assessment order_id={:?} customer_class={} action={} risk={}>",
            self.inner.order_id.as_str(),
            self.customer_class(),
            self.action(),
            self.inner.risk
        )
    }
}
