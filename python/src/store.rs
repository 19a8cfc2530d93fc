//! `StoreCore` and `Lookup`: the sans-IO store mode (`codguard::store`) for database hosts.
//!
//! No logic: the host (`codguard.sql`) runs the queries; this converts rows and records. Rows
//! cross as the tuples a DB-API cursor returns, in the column order `order_id, placed_at,
//! total, outcome, negotiated, signature`, so no dict is built per row.

use std::sync::Arc;

use codguard::store::{Lookup as CoreLookup, OrderRow, Store, KEY_FORMAT};
use codguard::{ErrorKind, Outcome};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::convert;
use crate::convert::Text;
use crate::engine::{config_of, Assessment};
use crate::error::{py_err, type_error, ToPyResult};
use crate::flow::secret_bytes;

/// The store-mode core of one shop: its policy and key secret. Builds the rows to write and
/// starts lookups; holds no data. Cheap: make one per process.
#[pyclass(frozen, module = "codguard._codguard")]
pub struct StoreCore {
    inner: Arc<Store>,
}

/// One assessment or erasure in progress: ask `wanted()`, fetch those keys, `supply()` each
/// (also the keys with no rows), until `wanted()` is empty; then `assessment()` or
/// `erase_ids()`.
#[pyclass(module = "codguard._codguard")]
pub struct Lookup {
    inner: CoreLookup,
}

/// The schema migrations of each dialect, in order: the files of the repository's `sql/`
/// folder, compiled in so the package needs no data files (one source; a test checks the list
/// against the folder).
const MIGRATIONS: [(&str, &[(&str, &str)]); 2] = [
    (
        "postgres",
        &[(
            "001_init.sql",
            include_str!("../../sql/postgres/001_init.sql"),
        )],
    ),
    (
        "mysql",
        &[("001_init.sql", include_str!("../../sql/mysql/001_init.sql"))],
    ),
];

fn row_dict<'py>(py: Python<'py>, row: &OrderRow) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "order_id"), &row.order_id)?;
    d.set_item(intern!(py, "placed_at"), row.placed_at)?;
    d.set_item(intern!(py, "total"), row.total)?;
    d.set_item(intern!(py, "outcome"), row.outcome.as_str())?;
    d.set_item(intern!(py, "negotiated"), row.negotiated)?;
    d.set_item(intern!(py, "signature"), &row.signature)?;
    Ok(d)
}

#[pymethods]
impl StoreCore {
    /// The version of the key format the rows are written in (`cg_meta.key_format`).
    #[classattr]
    const KEY_FORMAT: u32 = KEY_FORMAT;

    #[new]
    #[pyo3(signature = (config=None, *, secret, risk_model=None))]
    fn new(
        config: Option<&Bound<'_, PyAny>>,
        secret: &Bound<'_, PyAny>,
        risk_model: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<StoreCore> {
        let config = config_of(config)?;
        let secret = secret_bytes(secret)?;
        let mut store = Store::new(config, &secret);
        store.set_risk_model(crate::engine::risk_model_of(risk_model)?);
        Ok(StoreCore {
            inner: Arc::new(store),
        })
    }

    /// The risk model in force as its JSON text, or None.
    #[getter]
    fn risk_model(&self) -> Option<String> {
        self.inner
            .risk_model()
            .map(codguard::risk::RiskModel::to_json)
    }

    /// The policy in force, as a dict (every key, defaults included).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(self.inner.config())
            .map_err(|e| py_err(ErrorKind::InvalidConfig, e.to_string()))?;
        convert::from_json(py, &value)
    }

    /// How many rows to fetch per key at most: `max_orders_per_key + 1` (one more than a key
    /// may link, so the lookup learns the key is too common).
    #[getter]
    fn rows_per_key(&self) -> usize {
        self.inner.config().max_orders_per_key.saturating_add(1)
    }

    /// The rows to write for a history record (an order dict plus `outcome`, optional
    /// `negotiated`): `(row, keys)`, `row` a dict of the `cg_orders` columns (`outcome` as its
    /// name), `keys` the `cg_keys` keys of the order.
    ///
    /// Raises InvalidOrder for a malformed record.
    fn write<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyDict>, Vec<i64>)> {
        let record = convert::history_record(record)?;
        let w = self.inner.write(&record).py()?;
        Ok((row_dict(py, &w.order)?, w.keys))
    }

    /// As `write`, with the row as a tuple in column order (`order_id, placed_at, total,
    /// outcome, negotiated, signature`), ready for `executemany` or COPY.
    fn write_tuple<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyTuple>, Vec<i64>)> {
        let record = convert::history_record(record)?;
        let w = self.inner.write(&record).py()?;
        let o = &w.order;
        let row = (
            o.order_id.as_str(),
            o.placed_at,
            o.total,
            o.outcome.as_str(),
            o.negotiated,
            o.signature.as_str(),
        )
            .into_pyobject(py)?;
        Ok((row, w.keys))
    }

    /// Starts assessing a new order (a dict). Raises InvalidOrder for a malformed order.
    fn assess(&self, order: &Bound<'_, PyAny>) -> PyResult<Lookup> {
        let order = convert::order(order)?;
        Ok(Lookup {
            inner: self.inner.assess(&order).py()?,
        })
    }

    /// Starts finding every order of the customer(s) who used this phone. Raises InvalidPhone
    /// when the phone does not normalize. `default_country` as in `normalize_phone`.
    #[pyo3(signature = (phone, default_country))]
    fn erase_by_phone(
        &self,
        phone: Text<'_>,
        default_country: Option<Text<'_>>,
    ) -> PyResult<Lookup> {
        let country = convert::country_or_none(&default_country);
        Ok(Lookup {
            inner: self.inner.erase_by_phone(&phone, country).py()?,
        })
    }

    /// Starts finding every order of the customer(s) who used this email. Raises InvalidEmail
    /// when the email does not normalize.
    fn erase_by_email(&self, email: Text<'_>) -> PyResult<Lookup> {
        Ok(Lookup {
            inner: self.inner.erase_by_email(&email).py()?,
        })
    }

    /// The schema migrations of `dialect` (`"postgres"` or `"mysql"`): `(file name, SQL text)`
    /// pairs, in order. Raises InvalidConfig for another dialect.
    #[staticmethod]
    fn migrations(dialect: Text<'_>) -> PyResult<Vec<(&'static str, &'static str)>> {
        MIGRATIONS
            .iter()
            .find(|(d, _)| *d == &*dialect)
            .map(|(_, files)| files.to_vec())
            .ok_or_else(|| {
                py_err(
                    ErrorKind::InvalidConfig,
                    "dialect must be postgres or mysql",
                )
            })
    }

    /// Checks an outcome name and returns it. Raises InvalidOrder for an unknown name.
    #[staticmethod]
    fn outcome_name(outcome: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        convert::outcome(outcome).map(Outcome::as_str)
    }

    /// Checks an order id against the limits of a record's `order_id` (not blank, at most 191
    /// characters, no NUL character: what the `order_id` column holds) and returns it. Raises
    /// InvalidOrder, so that a database never sees an id it cannot hold.
    #[staticmethod]
    fn order_id(order_id: &Bound<'_, PyAny>) -> PyResult<String> {
        let id = match order_id.cast::<PyString>() {
            Ok(s) => convert::utf8(s, "order_id")?,
            Err(_) => return Err(type_error("order_id", "str", order_id)),
        };
        codguard::record::validate_order_id(id).py()?;
        Ok(id.to_owned())
    }
}

/// A `cg_orders` row from a cursor tuple (or list) in column order, or from a dict.
fn order_row<'py>(row: &Bound<'py, PyAny>) -> PyResult<OrderRow> {
    let py = row.py();
    let fields: [Bound<'py, PyAny>; 6] = if let Ok(d) = row.cast::<PyDict>() {
        let names = [
            intern!(py, "order_id"),
            intern!(py, "placed_at"),
            intern!(py, "total"),
            intern!(py, "outcome"),
            intern!(py, "negotiated"),
            intern!(py, "signature"),
        ];
        let get = |name: &Bound<'py, PyString>| -> PyResult<Bound<'py, PyAny>> {
            d.get_item(name)?
                .ok_or_else(|| py_err(ErrorKind::InvalidRecord, format!("store row has no {name}")))
        };
        [
            get(names[0])?,
            get(names[1])?,
            get(names[2])?,
            get(names[3])?,
            get(names[4])?,
            get(names[5])?,
        ]
    } else if row.is_instance_of::<PyTuple>() || row.is_instance_of::<PyList>() {
        row.extract::<(
            Bound<'py, PyAny>,
            Bound<'py, PyAny>,
            Bound<'py, PyAny>,
            Bound<'py, PyAny>,
            Bound<'py, PyAny>,
            Bound<'py, PyAny>,
        )>()
        .map(|(a, b, c, d, e, f)| [a, b, c, d, e, f])
        .map_err(|_| type_error("store row", "a 6-tuple in column order or a dict", row))?
    } else {
        return Err(type_error("store row", "a tuple or a dict", row));
    };
    let [order_id, placed_at, total, outcome, negotiated, signature] = fields;
    let total = if total.is_instance_of::<PyFloat>() || total.is_instance_of::<PyInt>() {
        total.extract::<f64>()?
    } else {
        // A DECIMAL column arrives as decimal.Decimal.
        total
            .call_method0(intern!(py, "__float__"))
            .and_then(|f| f.extract::<f64>())
            .map_err(|_| type_error("store row field 'total'", "a number", &total))?
    };
    // MySQL's BOOLEAN is TINYINT(1): drivers give 0/1.
    let negotiated = if let Ok(b) = negotiated.cast::<PyBool>() {
        b.is_true()
    } else if negotiated.is_instance_of::<PyInt>() {
        negotiated.extract::<i64>()? != 0
    } else {
        return Err(type_error(
            "store row field 'negotiated'",
            "a bool or int",
            &negotiated,
        ));
    };
    Ok(OrderRow {
        order_id: order_id
            .extract::<String>()
            .map_err(|_| type_error("store row field 'order_id'", "str", &order_id))?,
        placed_at: placed_at
            .extract::<i64>()
            .map_err(|_| type_error("store row field 'placed_at'", "int", &placed_at))?,
        total,
        outcome: convert::outcome(&outcome)?,
        negotiated,
        signature: signature
            .extract::<String>()
            .map_err(|_| type_error("store row field 'signature'", "str", &signature))?,
    })
}

#[pymethods]
impl Lookup {
    /// The keys to fetch next; empty when the lookup has all it needs.
    fn wanted(&self, py: Python<'_>) -> Vec<i64> {
        py.detach(|| self.inner.wanted())
    }

    /// Supplies the rows filed under `key`: every row, or at least `rows_per_key` of them.
    /// Supply every wanted key, also those with no rows.
    ///
    /// Raises InvalidOrder when a row's signature does not parse.
    fn supply(&mut self, py: Python<'_>, key: i64, rows: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut batch = Vec::new();
        for row in rows
            .try_iter()
            .map_err(|_| type_error("rows", "an iterable of rows", rows))?
        {
            batch.push(order_row(&row?)?);
        }
        py.detach(|| self.inner.supply(key, batch)).py()
    }

    /// The assessment, once `wanted()` is empty.
    fn assessment(&self, py: Python<'_>) -> Assessment {
        Assessment::from_core(py.detach(|| self.inner.assessment()))
    }

    /// For an erase lookup: the order ids to delete; empty for an assess lookup.
    fn erase_ids(&self) -> Vec<String> {
        self.inner.erase_ids()
    }
}
