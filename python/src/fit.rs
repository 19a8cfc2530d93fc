//! `RiskFit`: a risk model fit whose passes run elsewhere (codguard.spark's fit).

use codguard::risk::{Example, FitCounts, FitOptions, Fitting, FIT_BLOCK, NEWTON_SUMS};
use codguard::ErrorKind;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{py_err, ToPyResult};

/// Coefficients of the regression, and the floats of one design row (with the outcome).
const WEIGHTS: usize = 11;
const ROW: usize = WEIGHTS + 1;

// The signatures' default `block=16384` is written as a number so that Python's signature (and
// the stub) shows it; it must be the core's default.
const _: () = assert!(FIT_BLOCK == 16384);

/// A risk model fit in passes over blocks of examples, each block's sums taken where the block
/// lives and handed back in block order (codguard.spark's fit: only the sums reach the driver).
/// The same driver as `fit_risk_model` in one process, so the same examples give the same
/// model file, to the last bit. See docs/risk.md, "Fitting on Spark".
///
/// `RiskFit(counts, *, min_volume=30, zone_prior=10.0, utc_offset_secs=0, block=BLOCK)`:
/// `counts` is the JSON of every example's counts, `{"shop": {"failed", "shipped"}, "zones":
/// {key: {"failed", "shipped"}}}`; `block` examples per block, as `fit_risk_model`'s.
#[pyclass(module = "codguard._codguard")]
pub struct RiskFit {
    inner: Fitting,
}

fn examples_of(examples: &[String]) -> PyResult<Vec<Example>> {
    examples
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::from_str(e)
                .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("example {i}: {e}")))
        })
        .collect()
}

fn blocks_of<const M: usize>(blocks: Vec<Vec<f64>>, what: &str) -> PyResult<Vec<[f64; M]>> {
    blocks
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            <[f64; M]>::try_from(b).map_err(|b| {
                let msg = format!("{what} {i}: {} numbers, not {M}", b.len());
                py_err(ErrorKind::InvalidConfig, msg)
            })
        })
        .collect()
}

#[pymethods]
impl RiskFit {
    /// Examples per block by default.
    #[classattr]
    const BLOCK: usize = FIT_BLOCK;

    /// Examples per block of this fit (at least 1): cut the examples in time order into blocks
    /// of this many, the last one shorter.
    #[getter]
    fn block(&self) -> usize {
        self.inner.block()
    }

    #[new]
    #[pyo3(signature = (counts, *, min_volume=30, zone_prior=10.0, utc_offset_secs=0, block=16384))]
    fn new(
        counts: &str,
        min_volume: u64,
        zone_prior: f64,
        utc_offset_secs: i64,
        block: usize,
    ) -> PyResult<RiskFit> {
        let counts: FitCounts = serde_json::from_str(counts)
            .map_err(|e| py_err(ErrorKind::InvalidConfig, format!("counts: {e}")))?;
        counts.enough().py()?;
        Ok(RiskFit {
            inner: Fitting::new(
                counts,
                fit_options(min_volume, zone_prior, utc_offset_secs, block),
            ),
        })
    }

    /// Pass 1, on a block of `risk_example` texts in time order: its log-likelihood per tried
    /// customer prior. Raises InvalidConfig for a text that is not an example.
    fn prior_sums(&self, py: Python<'_>, examples: Vec<String>) -> PyResult<Vec<f64>> {
        let block = examples_of(&examples)?;
        Ok(py.detach(|| self.inner.prior_sums(&block)).to_vec())
    }

    /// Takes every block's `prior_sums`, in block order, and chooses the customer prior.
    fn supply_prior_sums(&mut self, blocks: Vec<Vec<f64>>) -> PyResult<()> {
        let blocks = blocks_of(blocks, "prior sums of block")?;
        self.inner.supply_prior_sums(&blocks);
        Ok(())
    }

    /// The chosen customer prior (None before `supply_prior_sums`).
    #[getter]
    fn customer_prior(&self) -> Option<f64> {
        self.inner.customer_prior()
    }

    /// Pass 2, on a block of examples: its design rows under `customer_prior`, 12 little-endian
    /// float64 per example (the 11 inputs, then 1.0 when it failed, else 0.0), for `newton_block`.
    fn design<'py>(
        &self,
        py: Python<'py>,
        examples: Vec<String>,
        customer_prior: f64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let block = examples_of(&examples)?;
        let bytes: Vec<u8> = py.detach(|| {
            self.inner
                .design(&block, customer_prior)
                .iter()
                .flatten()
                .flat_map(|v| v.to_le_bytes())
                .collect()
        });
        Ok(PyBytes::new(py, &bytes))
    }

    /// The coefficients at which the next Newton step wants every block's `newton_block`
    /// (None before `supply_prior_sums` and once the fit has converged).
    fn newton_weights(&self) -> Option<Vec<f64>> {
        self.inner.newton_weights().map(|w| w.to_vec())
    }

    /// Pass 3 and after, on a block's `design` bytes: its Newton sums at `weights` (the
    /// gradient's 11 numbers, the Hessian's 121). Raises InvalidConfig for bytes that are not
    /// whole rows, or not 11 weights.
    #[staticmethod]
    fn newton_block(py: Python<'_>, design: &[u8], weights: Vec<f64>) -> PyResult<Vec<f64>> {
        let w = <[f64; WEIGHTS]>::try_from(weights).map_err(|w| {
            py_err(
                ErrorKind::InvalidConfig,
                format!("weights: {} numbers, not {WEIGHTS}", w.len()),
            )
        })?;
        if !design.len().is_multiple_of(ROW * 8) {
            return Err(py_err(
                ErrorKind::InvalidConfig,
                format!(
                    "design: {} bytes, not whole rows of {}",
                    design.len(),
                    ROW * 8
                ),
            ));
        }
        let rows: Vec<[f64; ROW]> = design
            .chunks_exact(ROW * 8)
            .map(|row| {
                let mut out = [0.0; ROW];
                for (v, b) in out.iter_mut().zip(row.chunks_exact(8)) {
                    let mut le = [0u8; 8];
                    le.copy_from_slice(b);
                    *v = f64::from_le_bytes(le);
                }
                out
            })
            .collect();
        Ok(py
            .detach(|| codguard::risk::newton_block(&rows, &w))
            .to_vec())
    }

    /// Takes every block's `newton_block` at `newton_weights()`, in block order: one step.
    fn supply_newton_sums(&mut self, blocks: Vec<Vec<f64>>) -> PyResult<()> {
        let blocks = blocks_of::<NEWTON_SUMS>(blocks, "Newton sums of block")?;
        self.inner.supply_newton_sums(&blocks);
        Ok(())
    }

    /// The model file's JSON; `orders`, `first` and `last` fill its `fitted_on` (the history's
    /// order count and first and last `placed_at`).
    #[pyo3(signature = (*, orders=0, first=None, last=None))]
    fn model(&self, orders: u64, first: Option<i64>, last: Option<i64>) -> PyResult<String> {
        let mut model = self.inner.model();
        model.fitted_on = codguard::risk::FittedOn {
            orders,
            shipped: model.shop.shipped,
            from: first,
            to: last,
        };
        model.validate().py()?;
        Ok(model.to_json())
    }
}

/// The fit's options from the keyword arguments every fitting function of the module takes (the
/// others keep the core's defaults).
pub(crate) fn fit_options(
    min_volume: u64,
    zone_prior: f64,
    utc_offset_secs: i64,
    block: usize,
) -> FitOptions {
    FitOptions {
        min_volume,
        zone_prior,
        utc_offset_secs,
        block,
        ..FitOptions::default()
    }
}
