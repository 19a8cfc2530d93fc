//! `SendGuard`: the shop's check before each paid message (SMS pumping).

use codguard::confirm::{FlowAction, GuardPolicy, GuardSnapshot, SendGuard as CoreGuard};
use codguard::ErrorKind;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString, PyType};

use crate::convert::{self, Text};
use crate::error::{py_err, type_error, ToPyResult};
use crate::flow::secret_bytes;

fn policy_of(policy: Option<&Bound<'_, PyAny>>) -> PyResult<GuardPolicy> {
    let Some(p) = policy.filter(|p| !p.is_none()) else {
        return Ok(GuardPolicy::default());
    };
    if convert::as_dict(p, "policy").is_err() {
        return Err(type_error("policy", "a dict or None", p));
    }
    let value = convert::to_json_as(p, "policy", ErrorKind::InvalidConfig)?;
    let policy: GuardPolicy = serde_json::from_value(value)
        .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("send guard policy: {e}")))?;
    policy.validate().py()?;
    Ok(policy)
}

/// The shop's send guard against SMS pumping: a country allow-list, at most N messages per
/// number per day and per number prefix per hour, and a daily budget of paid messages.
///
/// `SendGuard(policy=None, *, secret)`: `policy` a dict with the keys of the Rust
/// `GuardPolicy` (`countries`, `per_number_per_day`, `per_prefix_per_hour`,
/// `prefix_hidden_digits`, `daily_budget`, `channels`, `utc_offset_minutes`). Call
/// `admit(action, at, country)` before each `send` a flow returns; store `snapshot()` between
/// calls and rebuild with `SendGuard.restore(data, policy, secret=...)`.
#[pyclass(module = "codguard._codguard")]
pub struct SendGuard {
    inner: CoreGuard,
}

#[pymethods]
impl SendGuard {
    #[new]
    #[pyo3(signature = (policy=None, *, secret))]
    fn new(policy: Option<&Bound<'_, PyAny>>, secret: &Bound<'_, PyAny>) -> PyResult<SendGuard> {
        let inner = CoreGuard::new(policy_of(policy)?, &secret_bytes(secret)?).py()?;
        Ok(SendGuard { inner })
    }

    /// Decides whether a flow's `send` action (a dict) may go out at `at` (int or aware
    /// datetime); `country` is the order's country. Returns None (send it; it is counted) or
    /// the `send_denied` event (a dict) to feed to the order's flow instead of sending.
    fn admit<'py>(
        &mut self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
        country: Text<'_>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        if convert::as_dict(action, "action").is_err() {
            return Err(type_error("action", "a dict", action));
        }
        let value = convert::to_json_as(action, "action", ErrorKind::InvalidRecord)?;
        let action: FlowAction = serde_json::from_value(value)
            .map_err(|e| py_err(ErrorKind::InvalidRecord, format!("action: {e}")))?;
        let at = convert::unix_seconds(at, "at", ErrorKind::InvalidEvent)?;
        match self.inner.admit(&action, &country, at).py()? {
            None => Ok(None),
            Some(event) => {
                let v = serde_json::to_value(&event)
                    .map_err(|e| py_err(ErrorKind::InvalidEvent, e.to_string()))?;
                Ok(Some(convert::from_json(py, &v)?))
            }
        }
    }

    /// The counters as bytes (JSON sealed under the secret) to store between calls.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = serde_json::to_vec(&self.inner.snapshot())
            .map_err(|e| py_err(ErrorKind::SnapshotCorrupt, e.to_string()))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// A guard from `snapshot()` bytes, the shop's current policy and its secret. Raises
    /// SnapshotError when the snapshot was changed, damaged or sealed with another secret.
    #[classmethod]
    #[pyo3(signature = (data, policy=None, *, secret))]
    fn restore(
        _cls: &Bound<'_, PyType>,
        data: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        secret: &Bound<'_, PyAny>,
    ) -> PyResult<SendGuard> {
        let snapshot: GuardSnapshot = if let Ok(b) = data.cast::<PyBytes>() {
            serde_json::from_slice(b.as_bytes())
        } else if let Ok(s) = data.cast::<PyString>() {
            serde_json::from_str(convert::utf8(s, "data")?)
        } else {
            return Err(type_error("data", "bytes or str", data));
        }
        .map_err(|_| py_err(ErrorKind::SnapshotCorrupt, "not a send guard snapshot"))?;
        let inner =
            CoreGuard::restore(&snapshot, policy_of(policy)?, &secret_bytes(secret)?).py()?;
        Ok(SendGuard { inner })
    }

    fn __repr__(&self) -> String {
        "<codguard.SendGuard>".to_owned()
    }
}
