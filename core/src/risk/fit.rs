//! Fitting a model on a history: the replay in time order through an engine, and the
//! time-ordered split that measures it.

use crate::error::Error;
use crate::policy::PolicyConfig;
use crate::record::{HistoryRecord, Outcome};

use super::{brier, fit_examples, Example, FitCounts, FitOptions, FittedOn, RiskModel};

/// The examples of a history: each order, in time order, assessed against the orders placed
/// before it (with their outcomes), under `config`; the shipped ones (delivered or failed).
///
/// # Errors
/// As [`crate::engine::Engine::add_history`] (an invalid record, a repeated id).
pub fn examples(records: &[HistoryRecord], config: &PolicyConfig) -> Result<Vec<Example>, Error> {
    let mut order: Vec<&HistoryRecord> = records.iter().collect();
    order.sort_by(|a, b| {
        (a.order.placed_at, &a.order.order_id).cmp(&(b.order.placed_at, &b.order.order_id))
    });
    let mut engine = crate::engine::Engine::new(config.clone());
    let mut out = Vec::new();
    for r in order {
        let shipped = r.outcome == Outcome::Delivered || r.outcome.is_failed_delivery();
        if shipped {
            let inputs = engine.risk_inputs(&r.order)?;
            out.push(Example {
                inputs,
                failed: r.outcome.is_failed_delivery(),
            });
        }
        engine.add_history([r.clone()])?;
    }
    Ok(out)
}

/// Fits a model on a history (see the module's doc): [`examples`], then [`fit_examples`].
///
/// # Errors
/// As [`examples`]; [`InvalidConfig`](crate::error::ErrorKind::InvalidConfig) when the history
/// is too small to fit
/// ([`FitCounts::enough`]).
pub fn fit(
    records: &[HistoryRecord],
    config: &PolicyConfig,
    options: &FitOptions,
) -> Result<RiskModel, Error> {
    let examples = examples(records, config)?;
    FitCounts::of(&examples).enough()?;
    let mut model = fit_examples(&examples, options);
    model.fitted_on = FittedOn {
        orders: records.len() as u64,
        shipped: examples.len() as u64,
        from: records.iter().map(|r| r.order.placed_at).min(),
        to: records.iter().map(|r| r.order.placed_at).max(),
    };
    Ok(model)
}

/// A time-ordered split's scores: the model fitted on the orders placed before `split_at`,
/// then every later shipped order scored by it and by the heuristic, each assessed against
/// every order placed before it (the earlier months and the later ones alike).
#[derive(Debug, Clone)]
pub struct Split {
    /// The model fitted on the earlier orders.
    pub model: RiskModel,
    /// Per later shipped order: (the heuristic's risk, the model's, whether it failed).
    pub scored: Vec<(f64, f64, bool)>,
}

impl Split {
    /// (heuristic, fitted, the earlier orders' failure rate as a constant) Brier scores.
    pub fn briers(&self) -> (f64, f64, f64) {
        let heuristic: Vec<(f64, bool)> = self.scored.iter().map(|&(h, _, y)| (h, y)).collect();
        let fitted: Vec<(f64, bool)> = self.scored.iter().map(|&(_, p, y)| (p, y)).collect();
        let rate = self.model.shop.rate();
        let constant: Vec<(f64, bool)> = self.scored.iter().map(|&(_, _, y)| (rate, y)).collect();
        (brier(&heuristic), brier(&fitted), brier(&constant))
    }
}

/// Fits on the orders placed before `split_at` and scores the later shipped ones (see
/// [`Split`]).
///
/// # Errors
/// As [`examples`].
pub fn split(
    records: &[HistoryRecord],
    config: &PolicyConfig,
    options: &FitOptions,
    split_at: i64,
) -> Result<Split, Error> {
    let earlier: Vec<HistoryRecord> = records
        .iter()
        .filter(|r| r.order.placed_at < split_at)
        .cloned()
        .collect();
    let model = fit(&earlier, config, options)?;
    let mut order: Vec<&HistoryRecord> = records.iter().collect();
    order.sort_by(|a, b| {
        (a.order.placed_at, &a.order.order_id).cmp(&(b.order.placed_at, &b.order.order_id))
    });
    let mut engine = crate::engine::Engine::new(config.clone());
    let mut scored = Vec::new();
    for r in order {
        let shipped = r.outcome == Outcome::Delivered || r.outcome.is_failed_delivery();
        if shipped && r.order.placed_at >= split_at {
            let heuristic = engine.assess(&r.order)?.risk;
            let (fitted, _) = model.predict(&engine.risk_inputs(&r.order)?);
            scored.push((heuristic, fitted, r.outcome.is_failed_delivery()));
        }
        engine.add_history([r.clone()])?;
    }
    Ok(Split { model, scored })
}
