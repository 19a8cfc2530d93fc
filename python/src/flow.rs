//! `ConfirmationFlow`, `reply_intent` and the link tokens.
//!
//! Events and actions are rare (a handful per order), so they cross as JSON values through
//! serde: the shapes are exactly those of the contract, with no second copy to keep in step.

use codguard::assessment::Action;
use codguard::confirm::{self, ConfirmationFlow as CoreFlow, Event, FlowPolicy, FlowSnapshot};
use codguard::ErrorKind;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyType};

use crate::convert;
use crate::convert::Text;
use crate::engine::Assessment;
use crate::error::{py_err, type_error, ToPyResult};

/// Secret bytes from `bytes` or `str` (UTF-8).
pub(crate) fn secret_bytes(secret: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = secret.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = secret.cast::<PyString>() {
        return Ok(convert::utf8(s, "secret")?.as_bytes().to_vec());
    }
    Err(type_error("secret", "bytes or str", secret))
}

/// Nonce bytes from `bytes` or `str` (UTF-8).
fn nonce_bytes(nonce: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = nonce.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(s) = nonce.cast::<PyString>() {
        return Ok(convert::utf8(s, "nonce")?.as_bytes().to_vec());
    }
    Err(type_error("nonce", "bytes, str or None", nonce))
}

fn action_of(action: &Bound<'_, PyAny>) -> PyResult<Action> {
    if let Ok(a) = action.cast::<Assessment>() {
        return Ok(a.get().core().action);
    }
    match action.cast::<PyString>() {
        Ok(s) => convert::utf8(s, "action")?.parse::<Action>().py(),
        Err(_) => Err(type_error(
            "action",
            "an action name or an Assessment",
            action,
        )),
    }
}

fn policy_of(policy: Option<&Bound<'_, PyAny>>) -> PyResult<FlowPolicy> {
    let Some(p) = policy.filter(|p| !p.is_none()) else {
        return Ok(FlowPolicy::default());
    };
    if convert::as_dict(p, "policy").is_err() {
        return Err(type_error("policy", "a dict or None", p));
    }
    let value = convert::to_json_as(p, "policy", ErrorKind::InvalidConfig)?;
    let policy: FlowPolicy = serde_json::from_value(value)
        .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("flow policy: {e}")))?;
    policy.validate().py()?;
    Ok(policy)
}

fn state_name(state: confirm::FlowState) -> String {
    state.as_str().to_owned()
}

/// The confirmation flow of one order: a state machine the host drives with events.
///
/// `ConfirmationFlow(order, policy=None, *, secret, action="confirm", nonce=None)`: `order` is
/// an order dict, `policy` a dict with the keys of the Rust `FlowPolicy` (delays, link base,
/// quiet hours, templates...), `secret` the shop's key for signing links and sealing
/// snapshots, `action` the assessment's action (a name, or the `Assessment` itself), `nonce`
/// 8 to 64 bytes that tell this flow from any other for the same order id (None: 16 random
/// bytes from `os.urandom`; give fixed ones only to replay a test). The flow never sends anything nor reads a
/// clock: `handle(event)` returns the actions to carry out; `next_deadline` says when to send
/// the next `{"type": "tick", "at": ...}`. Store it between events with `snapshot()` and
/// `ConfirmationFlow.restore(data, secret)`.
#[pyclass(module = "codguard._codguard")]
pub struct ConfirmationFlow {
    inner: CoreFlow,
}

#[pymethods]
impl ConfirmationFlow {
    #[new]
    #[pyo3(signature = (order, policy=None, *, secret, action=None, nonce=None))]
    fn new(
        py: Python<'_>,
        order: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        secret: &Bound<'_, PyAny>,
        action: Option<&Bound<'_, PyAny>>,
        nonce: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ConfirmationFlow> {
        let order = convert::order(order)?;
        let action = match action.filter(|a| !a.is_none()) {
            Some(a) => action_of(a)?,
            None => Action::Confirm,
        };
        let policy = policy_of(policy)?;
        let secret = secret_bytes(secret)?;
        let nonce = match nonce.filter(|n| !n.is_none()) {
            Some(n) => nonce_bytes(n)?,
            // Randomness is the host's, like time: the binding draws it for the core.
            None => py
                .import(intern!(py, "os"))?
                .call_method1(intern!(py, "urandom"), (16,))?
                .extract::<Vec<u8>>()?,
        };
        let inner = CoreFlow::new(&order, action, policy, &secret, &nonce).py()?;
        Ok(ConfirmationFlow { inner })
    }

    /// Feeds one event (a dict: `{"type": "placed" | "tick" | "link_clicked" | "reply" |
    /// "call_result" | "send_failed" | "send_denied" | "delivered" | "delivery_failed" |
    /// "returned", "at": int or aware datetime, ...}`) and returns the actions to carry out, in
    /// order. Raises InvalidEvent for a malformed event (the flow is unchanged then).
    fn handle<'py>(
        &mut self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        if convert::as_dict(event, "event").is_err() {
            return Err(type_error("event", "a dict", event));
        }
        let value = convert::to_json_as(event, "event", ErrorKind::InvalidEvent)?;
        let event: Event = serde_json::from_value(value)
            .map_err(|e| py_err(ErrorKind::InvalidEvent, format!("event: {e}")))?;
        let actions = self.inner.handle(event).py()?;
        let list = PyList::empty(py);
        for a in &actions {
            let v = serde_json::to_value(a)
                .map_err(|e| py_err(ErrorKind::InvalidEvent, e.to_string()))?;
            list.append(convert::from_json(py, &v)?)?;
        }
        Ok(list)
    }

    /// Where the flow stands: `not_started`, `awaiting_sms`, `awaiting_whatsapp`,
    /// `awaiting_email`, `awaiting_call`, `awaiting_payment`, `confirmed`, `auto_confirmed`,
    /// `cancelled`, `awaiting_followup`, `completed`, `awaiting_reschedule` or `returned`.
    #[getter]
    fn state(&self) -> String {
        state_name(self.inner.state())
    }

    /// When to send the next tick (Unix seconds), or None when nothing is time-driven any more.
    #[getter]
    fn next_deadline(&self) -> Option<i64> {
        self.inner.next_deadline()
    }

    /// The phone the flow uses now (E.164), if any.
    #[getter]
    fn phone(&self) -> Option<String> {
        self.inner.phone().map(str::to_owned)
    }

    /// True when the link's page must ask for a delivery address (the order had none a courier
    /// can use, blank or nonsense, or the courier reported an address problem, and none was
    /// given since).
    #[getter]
    fn needs_address(&self) -> bool {
        self.inner.needs_address()
    }

    /// Checks a link token at `now` (int or aware datetime): only the latest link this flow
    /// sent passes. Raises InvalidToken with the reason (`token_wrong_order`: another flow's;
    /// `token_expired`: replaced or past its time; `token_forged`...).
    fn verify_link(&self, token: Text<'_>, now: &Bound<'_, PyAny>) -> PyResult<()> {
        let now = convert::unix_seconds(now, "now", ErrorKind::InvalidEvent)?;
        self.inner.verify_link(&token, now).py()
    }

    /// The flow's whole state as bytes (versioned JSON sealed under the secret: a changed byte
    /// is refused on restore) to store between events. The secret is not in it.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = serde_json::to_vec(&self.inner.snapshot())
            .map_err(|e| py_err(ErrorKind::SnapshotCorrupt, e.to_string()))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// A flow from `snapshot()` bytes and the shop's secret. Raises SnapshotError.
    #[classmethod]
    fn restore(
        _cls: &Bound<'_, PyType>,
        data: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
    ) -> PyResult<ConfirmationFlow> {
        let text: Vec<u8> = if let Ok(b) = data.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(s) = data.cast::<PyString>() {
            convert::utf8(s, "snapshot")?.as_bytes().to_vec()
        } else {
            return Err(type_error("data", "bytes or str", data));
        };
        let snapshot: FlowSnapshot = serde_json::from_slice(&text)
            .map_err(|_| py_err(ErrorKind::SnapshotCorrupt, "not a flow snapshot"))?;
        let inner = CoreFlow::restore(snapshot, &secret_bytes(secret)?).py()?;
        Ok(ConfirmationFlow { inner })
    }

    fn __repr__(&self) -> String {
        format!(
            "<codguard.ConfirmationFlow state={} next_deadline={}>",
            self.state(),
            self.inner
                .next_deadline()
                .map_or_else(|| "None".to_owned(), |t| t.to_string())
        )
    }
}

/// Reads a customer's free-text reply: `{"intent": "confirm" | "cancel" | "new_phone" |
/// "unknown", "phone": E.164 or None}`. `country` (ISO alpha-2, or None) picks the words'
/// meanings where they differ by country and reads a national new number; an unknown code
/// raises InvalidInput. Unclear text is "unknown", never a guess.
#[pyfunction]
#[pyo3(signature = (text, country=None))]
pub fn reply_intent<'py>(
    py: Python<'py>,
    text: Text<'_>,
    country: Option<Text<'_>>,
) -> PyResult<Bound<'py, PyDict>> {
    let r = confirm::reply_intent(&text, country.as_deref().unwrap_or("")).py()?;
    let intent = r.intent.as_str();
    let d = PyDict::new(py);
    d.set_item(intern!(py, "intent"), intent)?;
    d.set_item(intern!(py, "phone"), r.phone.as_ref().map(|p| p.as_str()))?;
    Ok(d)
}

/// A signed link token for `order_id`, valid until `expires_at` (int or aware datetime).
#[pyfunction]
pub fn issue_token(
    secret: &Bound<'_, PyAny>,
    order_id: Text<'_>,
    expires_at: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let expires_at = convert::unix_seconds(expires_at, "expires_at", ErrorKind::InvalidRecord)?;
    confirm::issue_token(&secret_bytes(secret)?, &order_id, expires_at).py()
}

/// Checks a link token for `order_id` at `now`. Raises InvalidToken with the reason.
#[pyfunction]
pub fn verify_token(
    secret: &Bound<'_, PyAny>,
    token: Text<'_>,
    order_id: Text<'_>,
    now: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let now = convert::unix_seconds(now, "now", ErrorKind::InvalidRecord)?;
    confirm::verify_token(&secret_bytes(secret)?, &token, &order_id, now).py()
}
