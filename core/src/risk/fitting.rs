//! Fitting a model on examples, in passes over blocks of them: the counts, the customer prior,
//! then Newton's method for the coefficients.
//!
//! Every sum of a fit is taken block by block: each block of [`FitOptions::block`] consecutive
//! examples (in time order) summed in order, then the blocks' sums added in block order. A fit whose
//! blocks are summed on many machines (codguard.spark's: each block's sums computed where the
//! block lives, only the sums sent back) therefore adds the same numbers in the same order as
//! [`fit_examples`] in one process, and writes the same file to the last bit. [`Fitting`] is
//! the driver both use: it says which pass it wants next and takes the blocks' sums.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

use super::{
    logit, sigmoid, x_of, zone_rate, Coefficients, Counts, Example, FitOptions, FittedOn,
    RiskModel, FORMAT, MAX_ZONE_KEY, MODEL_VERSION,
};

/// Examples per block of a fit's sums by default ([`FitOptions::block`]; see the module's doc).
pub const FIT_BLOCK: usize = 16_384;

/// The fewest shipped orders a fit accepts ([`FitCounts::enough`]).
pub const MIN_SHIPPED: u64 = 200;

/// The fewest failed deliveries a fit accepts: below it the regression separates the few
/// failures perfectly and its probabilities mean nothing (12 shipped orders, 3 failed, fit an
/// intercept of -29.8). The least a fit takes, not what a reliable one wants (hundreds).
pub const MIN_FAILED: u64 = 20;

/// The prior strengths tried for a customer, in pseudo-orders.
const CUSTOMER_PRIORS: [f64; 8] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

/// Coefficients of the regression: the intercept and one per input.
const N: usize = 11;

/// The length of one block's Newton sums: the gradient's 11, then the Hessian's 121 row by row.
pub const NEWTON_SUMS: usize = N + N * N;

/// At most this many Newton steps (it converges in under ten on real histories).
const NEWTON_STEPS: u32 = 50;

/// The counts a fit learns first: the shop's and each zone's failed and shipped orders. Exact
/// integers, so they may be counted in any order and anywhere (on Spark: a group-by per zone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitCounts {
    /// The shop's failed and shipped orders: every example counts once.
    pub shop: Counts,
    /// Per zone key (as in [`super::RiskInputs::zones`]), the examples that name it.
    pub zones: HashMap<String, Counts>,
}

impl FitCounts {
    /// Whether the history is large enough to fit a model: at least [`MIN_SHIPPED`] shipped
    /// orders and [`MIN_FAILED`] failed deliveries.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] naming both counts, when it is not.
    pub fn enough(&self) -> Result<(), Error> {
        if self.shop.shipped >= MIN_SHIPPED && self.shop.failed >= MIN_FAILED {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::InvalidConfig,
            format!(
                "too little history to fit a risk model: {} shipped orders and {} failed \
                 deliveries; a fit needs at least {MIN_SHIPPED} and {MIN_FAILED}",
                self.shop.shipped, self.shop.failed
            ),
        ))
    }

    /// The counts of `examples`.
    pub fn of(examples: &[Example]) -> FitCounts {
        let mut counts = FitCounts::default();
        for e in examples {
            counts.shop.add(e.failed);
            for k in &e.inputs.zones {
                counts.zones.entry(k.clone()).or_default().add(e.failed);
            }
        }
        counts
    }

    /// The example's zone rate without its own outcome (leave-one-out).
    fn zone_rate_of(&self, e: &Example, options: &FitOptions) -> f64 {
        zone_rate(
            &e.inputs.zones,
            self.shop.without(e.failed),
            options.min_volume,
            options.zone_prior,
            |k| self.zones.get(k).map(|c| c.without(e.failed)),
        )
        .rate
    }
}

/// The state of Newton's method: the current coefficients and how far it got.
#[derive(Debug, Clone)]
struct Newton {
    w: [f64; N],
    /// The ridge penalty for the whole set (per example times examples).
    lambda: f64,
    steps: u32,
    done: bool,
}

/// A fit in passes (see the module's doc):
///
/// 1. [`Fitting::new`] with the [`FitCounts`] of all examples;
/// 2. [`Fitting::prior_sums`] of each block, handed back in block order to
///    [`Fitting::supply_prior_sums`], which chooses the customer prior;
/// 3. each block's design rows, [`Fitting::design`] (under that prior), kept where the block is;
/// 4. while [`Fitting::newton_weights`] gives coefficients: each block's [`newton_block`] at
///    them, handed back in block order to [`Fitting::supply_newton_sums`];
/// 5. [`Fitting::model`].
#[derive(Debug, Clone)]
pub struct Fitting {
    counts: FitCounts,
    options: FitOptions,
    customer_prior: Option<f64>,
    newton: Option<Newton>,
}

impl Fitting {
    /// A fit of examples whose counts are `counts` (blocks of `options.block` examples are the
    /// caller's to cut: [`Fitting::block`]).
    pub fn new(counts: FitCounts, options: FitOptions) -> Fitting {
        Fitting {
            counts,
            options,
            customer_prior: None,
            newton: None,
        }
    }

    /// One block's log-likelihood of each tried prior strength: how well the customers' smoothed
    /// rates predict each next outcome (empirical Bayes), summed over the block's examples of
    /// customers with shipped orders.
    pub fn prior_sums(&self, block: &[Example]) -> [f64; CUSTOMER_PRIORS.len()] {
        let zone_rates: Vec<f64> = block
            .iter()
            .map(|e| self.counts.zone_rate_of(e, &self.options))
            .collect();
        CUSTOMER_PRIORS.map(|m| {
            block
                .iter()
                .zip(&zone_rates)
                .filter(|(e, _)| e.inputs.shipped > 0)
                .map(|(e, &z)| {
                    let p =
                        (f64::from(e.inputs.failed) + m * z) / (f64::from(e.inputs.shipped) + m);
                    let p = p.clamp(1e-6, 1.0 - 1e-6);
                    if e.failed {
                        p.ln()
                    } else {
                        (1.0 - p).ln()
                    }
                })
                .sum()
        })
    }

    /// Takes every block's [`Fitting::prior_sums`], in block order: chooses the prior whose
    /// total is the highest and starts Newton's method from the shop's rate.
    pub fn supply_prior_sums(&mut self, blocks: &[[f64; CUSTOMER_PRIORS.len()]]) {
        let mut totals = [0.0; CUSTOMER_PRIORS.len()];
        for block in blocks {
            for (t, s) in totals.iter_mut().zip(block) {
                *t += s;
            }
        }
        let mut customer_prior = CUSTOMER_PRIORS[3];
        let mut best = f64::NEG_INFINITY;
        for (m, ll) in CUSTOMER_PRIORS.into_iter().zip(totals) {
            if ll > best {
                best = ll;
                customer_prior = m;
            }
        }
        self.customer_prior = Some(customer_prior);
        let examples = self.counts.shop.shipped;
        let mut w = [0.0; N];
        w[0] = logit(self.counts.shop.rate());
        self.newton = Some(Newton {
            w,
            lambda: self.options.ridge.max(0.0) * examples as f64 + 1e-9,
            steps: 0,
            done: examples == 0,
        });
    }

    /// Examples per block (at least 1): the caller cuts the examples in time order into blocks
    /// of this many, the last one shorter.
    pub fn block(&self) -> usize {
        self.options.block.max(1)
    }

    /// The customer prior chosen by [`Fitting::supply_prior_sums`].
    pub fn customer_prior(&self) -> Option<f64> {
        self.customer_prior
    }

    /// One block's design rows under the prior `customer_prior`: per example its 11 inputs
    /// (the intercept's 1 first) and whether it failed (1 or 0), what [`newton_block`] reads.
    pub fn design(&self, block: &[Example], customer_prior: f64) -> Vec<[f64; N + 1]> {
        block
            .iter()
            .map(|e| {
                let z = self.counts.zone_rate_of(e, &self.options);
                let x = x_of(&e.inputs, z, customer_prior, self.options.utc_offset_secs);
                let mut row = [0.0; N + 1];
                row[..N].copy_from_slice(&x);
                row[N] = f64::from(u8::from(e.failed));
                row
            })
            .collect()
    }

    /// The coefficients at which the next Newton step wants every block's [`newton_block`];
    /// `None` before [`Fitting::supply_prior_sums`] and once the method has converged.
    pub fn newton_weights(&self) -> Option<[f64; N]> {
        self.newton.as_ref().filter(|n| !n.done).map(|n| n.w)
    }

    /// Takes every block's [`newton_block`] at [`Fitting::newton_weights`], in block order: one
    /// Newton step of the ridge-penalized logistic regression (the intercept unpenalized).
    #[allow(clippy::needless_range_loop)] // matrix code reads best with indices
    pub fn supply_newton_sums(&mut self, blocks: &[[f64; NEWTON_SUMS]]) {
        let Some(newton) = self.newton.as_mut().filter(|n| !n.done) else {
            return;
        };
        let mut grad = [0.0; N];
        let mut hess = [[0.0; N]; N];
        for block in blocks {
            for i in 0..N {
                grad[i] += block[i];
                for j in 0..N {
                    hess[i][j] += block[N + i * N + j];
                }
            }
        }
        let w = &mut newton.w;
        for i in 1..N {
            grad[i] += newton.lambda * w[i];
            hess[i][i] += newton.lambda;
        }
        hess[0][0] += 1e-9;
        newton.steps += 1;
        let Some(step) = solve(hess, grad) else {
            newton.done = true;
            return;
        };
        let mut size = 0.0f64;
        for i in 0..N {
            w[i] -= step[i];
            size = size.max(step[i].abs());
        }
        newton.done = size < 1e-9 || newton.steps >= NEWTON_STEPS;
    }

    /// The model (its `fitted_on` left empty for the caller): the zones with the volume to
    /// decide a rate, the prior, the coefficients where Newton's method stopped.
    pub fn model(&self) -> RiskModel {
        let w = self.newton.as_ref().map_or_else(
            || {
                let mut w = [0.0; N];
                w[0] = logit(self.counts.shop.rate());
                w
            },
            |n| n.w,
        );
        let min_volume = self.options.min_volume.max(1);
        // Zones below the volume never decide a rate; the file keeps only the ones that can,
        // and none whose key a file may not hold (a place typed 600 bytes long is no zone).
        let zones: BTreeMap<String, Counts> = self
            .counts
            .zones
            .iter()
            .filter(|(k, c)| c.shipped >= min_volume && k.len() <= MAX_ZONE_KEY)
            .map(|(k, c)| (k.clone(), *c))
            .collect();
        RiskModel {
            format: FORMAT.to_owned(),
            version: MODEL_VERSION,
            fitted_on: FittedOn::default(),
            shop: self.counts.shop,
            min_volume,
            zone_prior: self.options.zone_prior.max(0.0),
            customer_prior: self.customer_prior.unwrap_or(CUSTOMER_PRIORS[3]),
            utc_offset_secs: self.options.utc_offset_secs,
            zones,
            coefficients: Coefficients::from_vec(&w),
        }
    }
}

/// One block's Newton sums at the coefficients `w`: the gradient and the Hessian of the
/// log-loss over the block's design rows ([`Fitting::design`]), summed in order.
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
pub fn newton_block(rows: &[[f64; N + 1]], w: &[f64; N]) -> [f64; NEWTON_SUMS] {
    let mut grad = [0.0; N];
    let mut hess = [[0.0; N]; N];
    for row in rows {
        let x = &row[..N];
        let y = row[N];
        let p = sigmoid(w.iter().zip(x).map(|(w, x)| w * x).sum());
        let s = (p * (1.0 - p)).max(1e-9);
        for i in 0..N {
            grad[i] += (p - y) * x[i];
            for j in 0..N {
                hess[i][j] += s * x[i] * x[j];
            }
        }
    }
    let mut out = [0.0; NEWTON_SUMS];
    out[..N].copy_from_slice(&grad);
    for i in 0..N {
        out[N + i * N..N + (i + 1) * N].copy_from_slice(&hess[i]);
    }
    out
}

/// Fits a model on examples in time order (from [`super::examples`], or the same inputs
/// computed elsewhere, as on Spark): [`Fitting`]'s passes over blocks of
/// [`FitOptions::block`] examples, in one process. Deterministic: the same examples give the same model.
pub fn fit_examples(examples: &[Example], options: &FitOptions) -> RiskModel {
    let mut fitting = Fitting::new(FitCounts::of(examples), options.clone());
    let blocks: Vec<&[Example]> = examples.chunks(fitting.block()).collect();
    let prior_sums: Vec<_> = blocks.iter().map(|b| fitting.prior_sums(b)).collect();
    fitting.supply_prior_sums(&prior_sums);
    let prior = fitting.customer_prior().unwrap_or(CUSTOMER_PRIORS[3]);
    let design: Vec<_> = blocks.iter().map(|b| fitting.design(b, prior)).collect();
    while let Some(w) = fitting.newton_weights() {
        let sums: Vec<_> = design.iter().map(|rows| newton_block(rows, &w)).collect();
        fitting.supply_newton_sums(&sums);
    }
    fitting.model()
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` when singular.
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
fn solve<const M: usize>(mut a: [[f64; M]; M], mut b: [f64; M]) -> Option<[f64; M]> {
    for col in 0..M {
        let pivot = (col..M).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..M {
            let f = a[row][col] / a[col][col];
            for k in col..M {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; M];
    for row in (0..M).rev() {
        let s: f64 = (row + 1..M).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::RiskInputs;

    #[test]
    fn too_little_history_is_refused_with_both_counts() {
        let counts = |shipped, failed| FitCounts {
            shop: Counts { failed, shipped },
            zones: HashMap::new(),
        };
        assert!(counts(MIN_SHIPPED, MIN_FAILED).enough().is_ok());
        for (shipped, failed) in [(12, 3), (MIN_SHIPPED - 1, 150), (50_000, MIN_FAILED - 1)] {
            let e = counts(shipped, failed).enough().expect_err("too little");
            assert_eq!(e.kind(), ErrorKind::InvalidConfig);
            let text = e.to_string();
            assert!(
                text.contains(&format!("{shipped} shipped orders and {failed} failed")),
                "{text}"
            );
        }
    }

    /// Examples of two cities failing at different rates, customers who failed failing again.
    fn examples(n: u32) -> Vec<Example> {
        let mut next = crate::risk::tests::uniform(99);
        (0..n)
            .map(|i| {
                let city = if i % 3 == 0 { "MA|fes" } else { "MA|tanger" };
                let shipped = i % 5;
                let failed = if next() < 0.2 { shipped } else { 0 };
                let p = if failed > 0 {
                    0.7
                } else if i % 3 == 0 {
                    0.3
                } else {
                    0.05
                };
                Example {
                    inputs: RiskInputs {
                        zones: vec!["MA".to_owned(), city.to_owned()],
                        shipped,
                        failed,
                        placed_at: 1_700_000_000 + i64::from(i) * 3_600,
                        total: 100.0 + f64::from(i % 7) * 50.0,
                        email_present: i % 4 == 0,
                        ..RiskInputs::default()
                    },
                    failed: next() < p,
                }
            })
            .collect()
    }

    #[test]
    fn blocks_change_only_the_order_of_the_sums() {
        let examples = examples(3_000);
        let one = fit_examples(&examples, &FitOptions::default());
        for block in [1, 7, 1_000, 2_999] {
            let options = FitOptions {
                block,
                ..FitOptions::default()
            };
            let many = fit_examples(&examples, &options);
            assert_eq!(
                (&many.zones, many.shop, many.customer_prior),
                (&one.zones, one.shop, one.customer_prior)
            );
            let (a, b) = (many.coefficients.to_vec(), one.coefficients.to_vec());
            assert!(
                a.iter().zip(&b).all(|(a, b)| (a - b).abs() <= 1e-9),
                "block {block}: {a:?} vs {b:?}"
            );
            assert_eq!(many.to_json(), fit_examples(&examples, &options).to_json());
        }
    }

    #[test]
    fn a_fit_driven_block_by_block_elsewhere_is_fit_examples() {
        let examples = examples(2_000);
        let options = FitOptions {
            block: 300,
            ..FitOptions::default()
        };
        // The passes as a cluster runs them: the counts merged from parts in any order, each
        // block's sums computed apart (here in reverse), handed back in block order.
        let mut counts = FitCounts::default();
        for part in examples.chunks(700).rev() {
            let c = FitCounts::of(part);
            counts.shop.failed += c.shop.failed;
            counts.shop.shipped += c.shop.shipped;
            for (k, v) in c.zones {
                let e = counts.zones.entry(k).or_default();
                e.failed += v.failed;
                e.shipped += v.shipped;
            }
        }
        let mut fitting = Fitting::new(counts, options.clone());
        let blocks: Vec<&[Example]> = examples.chunks(fitting.block()).collect();
        let mut prior: Vec<_> = blocks.iter().rev().map(|b| fitting.prior_sums(b)).collect();
        prior.reverse();
        fitting.supply_prior_sums(&prior);
        let m = fitting.customer_prior().unwrap();
        let design: Vec<_> = blocks.iter().map(|b| fitting.design(b, m)).collect();
        let mut steps = 0;
        while let Some(w) = fitting.newton_weights() {
            let mut sums: Vec<_> = design.iter().rev().map(|d| newton_block(d, &w)).collect();
            sums.reverse();
            fitting.supply_newton_sums(&sums);
            steps += 1;
        }
        assert!((2..NEWTON_STEPS).contains(&steps), "{steps}");
        assert_eq!(
            fitting.model().to_json(),
            fit_examples(&examples, &options).to_json()
        );
    }
}
