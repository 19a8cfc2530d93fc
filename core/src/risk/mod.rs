//! A fitted risk model: `risk` as the probability that an order fails delivery (refused,
//! unreachable, returned) if it is shipped, learnt from the shop's own history.
//!
//! Without a model, `risk` is the policy's hand-set heuristic ([`crate::policy`]); with one
//! ([`crate::engine::Engine::set_risk_model`], [`crate::store::Store::set_risk_model`]) it is
//!
//! ```text
//! P(failed) = sigmoid(intercept + sum of coefficient * input)
//! ```
//!
//! over these inputs, each computed from the order and the customer's matched past orders, as
//! the assessment sees them:
//!
//! - `zone_logit`: the log-odds of the zone's failure rate. Zones nest: district within city
//!   within country; the narrowest zone with at least `min_volume` shipped orders counts, its
//!   rate pulled toward its wider area's by `zone_prior` pseudo-orders; the shop's rate when no
//!   zone has the volume.
//! - `customer_logit`: how far the customer's smoothed rate lies from the zone's, in log-odds:
//!   `(failed + m * zone_rate) / (shipped + m)` with the Beta prior's strength
//!   `m = customer_prior` chosen on the history (empirical Bayes: the strength whose smoothed
//!   rates predict the history's next outcomes best). 0 for a customer without shipped orders.
//! - `log_shipped`: `ln(1 + shipped orders)` of the customer.
//! - `unconfirmed`: past orders never confirmed (capped at 3).
//! - `night`: placed 22:00 to 06:00 in the model's `utc_offset_secs` (default UTC).
//! - `log_total`: `ln(1 + total)`, in the order's own currency.
//! - `new_phone`: the customer is known, but by no past order with this phone.
//! - `email_present`: the order has a usable email.
//! - `phone_unusable`: the order's phone is missing, invalid or junk.
//! - `made_up`: how many signals of a made-up order hold (fake email, nonsense address or
//!   name, a phone that looks made up).
//!
//! [`fit`] replays a history in time order, each order assessed against only the orders placed
//! before it (their outcomes taken as known by then), and learns from the orders that were
//! shipped (delivered or failed): the zone counts, the prior's strength, then the coefficients
//! by a logistic regression (Newton's method, a small ridge). The parameters are a small
//! versioned JSON file ([`RiskModel::to_json`], [`RiskModel::from_json`], checked: a hostile
//! file is an `invalid_config` error, never a panic).
//!
//! When the zone's rate is at least [`ZONE_REASON_RATIO`] times the shop's, the assessment
//! says so: reason `zone_failure_rate`, with the zone's level (district, city or country), its
//! rate and volume; never the place's name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assessment::{Profile, Reason, ReasonCode};
use crate::error::{Error, ErrorKind};
use crate::history::Features;
use crate::normalize::{city, text};
use crate::policy::{OrderSignals, GHOST_SIGNALS};
use crate::record::Order;

mod fit;
mod fitting;
pub use fit::{examples, fit, split, Split};
pub use fitting::{
    fit_examples, newton_block, FitCounts, Fitting, FIT_BLOCK, MIN_FAILED, MIN_SHIPPED, NEWTON_SUMS,
};

/// The `format` of a risk model file.
pub const FORMAT: &str = "codguard-risk";
/// The version of the file this build writes and reads.
pub const MODEL_VERSION: u32 = 1;
/// The zone's rate appears among the reasons when it is at least this many times the shop's.
pub const ZONE_REASON_RATIO: f64 = 1.5;
/// The most zones a model file may hold.
pub const MAX_ZONES: usize = 1_000_000;
/// The longest zone key a model file may hold, in bytes.
pub const MAX_ZONE_KEY: usize = 512;

/// The names of the inputs, in the order of the coefficients.
pub const INPUTS: [&str; 10] = [
    "zone_logit",
    "customer_logit",
    "log_shipped",
    "unconfirmed",
    "night",
    "log_total",
    "new_phone",
    "email_present",
    "phone_unusable",
    "made_up",
];

/// Failed and shipped orders of a zone (or of the shop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Shipped orders that failed delivery.
    pub failed: u64,
    /// Shipped orders (delivered or failed).
    pub shipped: u64,
}

impl Counts {
    fn add(&mut self, failed: bool) {
        self.shipped += 1;
        self.failed += u64::from(failed);
    }

    /// These counts without one order (leave-one-out while fitting).
    fn without(self, failed: bool) -> Counts {
        Counts {
            failed: self.failed.saturating_sub(u64::from(failed)),
            shipped: self.shipped.saturating_sub(1),
        }
    }

    fn rate(self) -> f64 {
        if self.shipped == 0 {
            0.0
        } else {
            self.failed as f64 / self.shipped as f64
        }
    }
}

/// The coefficients of the logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Coefficients {
    /// The intercept.
    pub intercept: f64,
    /// One per input, in the order of [`INPUTS`].
    pub zone_logit: f64,
    #[allow(missing_docs)]
    pub customer_logit: f64,
    #[allow(missing_docs)]
    pub log_shipped: f64,
    #[allow(missing_docs)]
    pub unconfirmed: f64,
    #[allow(missing_docs)]
    pub night: f64,
    #[allow(missing_docs)]
    pub log_total: f64,
    #[allow(missing_docs)]
    pub new_phone: f64,
    #[allow(missing_docs)]
    pub email_present: f64,
    #[allow(missing_docs)]
    pub phone_unusable: f64,
    #[allow(missing_docs)]
    pub made_up: f64,
}

impl Coefficients {
    fn to_vec(&self) -> [f64; 11] {
        [
            self.intercept,
            self.zone_logit,
            self.customer_logit,
            self.log_shipped,
            self.unconfirmed,
            self.night,
            self.log_total,
            self.new_phone,
            self.email_present,
            self.phone_unusable,
            self.made_up,
        ]
    }

    fn from_vec(w: &[f64; 11]) -> Coefficients {
        Coefficients {
            intercept: w[0],
            zone_logit: w[1],
            customer_logit: w[2],
            log_shipped: w[3],
            unconfirmed: w[4],
            night: w[5],
            log_total: w[6],
            new_phone: w[7],
            email_present: w[8],
            phone_unusable: w[9],
            made_up: w[10],
        }
    }
}

/// What the history a model was fitted on held (for people; the model does not use it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FittedOn {
    /// Orders replayed.
    pub orders: u64,
    /// Orders learnt from (shipped: delivered or failed).
    pub shipped: u64,
    /// The first and last order's time, Unix seconds (null for an empty history).
    pub from: Option<i64>,
    #[allow(missing_docs)]
    pub to: Option<i64>,
}

/// A fitted risk model: the parameters of the file, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`MODEL_VERSION`].
    pub version: u32,
    /// What the history held.
    pub fitted_on: FittedOn,
    /// The shop's failed and shipped orders.
    pub shop: Counts,
    /// Shipped orders a zone needs for its own rate (else its wider area's).
    pub min_volume: u64,
    /// Pseudo-orders pulling a zone's rate toward its wider area's.
    pub zone_prior: f64,
    /// The Beta prior's strength, in pseudo-orders, pulling a customer toward the zone.
    pub customer_prior: f64,
    /// Added to `placed_at` before the hour is read (the shop's time zone).
    pub utc_offset_secs: i64,
    /// Failed and shipped orders per zone key: `CC`, `CC|city`, `CC|city|district`.
    pub zones: BTreeMap<String, Counts>,
    /// The logistic regression.
    pub coefficients: Coefficients,
}

/// What the model reads of one assessment: the order's zone keys and inputs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskInputs {
    /// The zone keys, widest first: country, city, district (the ones the order names).
    pub zones: Vec<String>,
    /// The customer's shipped and failed past orders.
    pub shipped: u32,
    #[allow(missing_docs)]
    pub failed: u32,
    /// The customer's past orders never confirmed.
    pub unconfirmed: u32,
    /// Placed at, Unix seconds.
    pub placed_at: i64,
    /// The order's total.
    pub total: f64,
    /// Known customer, and no past order with this phone.
    pub new_phone: bool,
    /// A usable email.
    pub email_present: bool,
    /// The phone is missing, invalid or junk.
    pub phone_unusable: bool,
    /// Signals of a made-up order that hold.
    pub made_up: u32,
}

impl RiskInputs {
    /// The inputs of an assessment: `order`, its features, its signals, the profile of its
    /// matched past orders and whether any of them matched by phone.
    pub(crate) fn of(
        order: &Order,
        f: &Features,
        signals: &OrderSignals,
        profile: &Profile,
        phone_matched: bool,
    ) -> RiskInputs {
        RiskInputs {
            zones: zone_keys(order, f),
            shipped: profile.delivered + profile.failed,
            failed: profile.failed,
            unconfirmed: profile.unconfirmed,
            placed_at: order.placed_at,
            total: order.total,
            new_phone: profile.orders > 0 && !phone_matched && !signals.phone_unusable,
            email_present: f.email.is_some(),
            phone_unusable: signals.phone_unusable,
            made_up: signals.count(&GHOST_SIGNALS),
        }
    }
}

impl RiskInputs {
    /// The inputs of `order` from its assessment `a` (made without a risk model or with one:
    /// the inputs do not depend on it): what a replay elsewhere (on Spark) hands to
    /// [`fit_examples`]. The same as the engine computes while assessing.
    ///
    /// # Errors
    /// As [`Order::validate`].
    pub fn from_assessment(
        order: &Order,
        a: &crate::assessment::Assessment,
    ) -> Result<RiskInputs, Error> {
        order.validate()?;
        let f = Features::of(order);
        let signals = f.signals(false);
        let phone_matched = a
            .matches
            .iter()
            .any(|m| m.evidence.contains(&crate::assessment::Evidence::Phone));
        Ok(RiskInputs::of(
            order,
            &f,
            &signals,
            &a.profile,
            phone_matched,
        ))
    }
}

/// The zone keys of an order, widest first: `CC`, `CC|city`, `CC|city|district`.
fn zone_keys(order: &Order, f: &Features) -> Vec<String> {
    let country = order.country.to_ascii_uppercase();
    let mut keys = vec![country.clone()];
    let place = match &f.place {
        Some(city::PlaceKey::City(id)) => city::city_name(*id).map(str::to_owned),
        Some(city::PlaceKey::Sketch(s)) => Some(s.clone()),
        None => None,
    };
    let Some(place) = place.filter(|p| !p.is_empty()) else {
        return keys;
    };
    let city_key = format!("{country}|{place}");
    let district: Vec<String> = f
        .address
        .district
        .iter()
        .map(|t| text::skeleton(t))
        .filter(|k| !k.is_empty())
        .collect();
    if !district.is_empty() {
        keys.push(city_key.clone());
        keys.push(format!("{city_key}|{}", district.join(" ")));
    } else {
        keys.push(city_key);
    }
    keys
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Which zone decided an order's rate.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ZoneRate {
    /// The rate.
    rate: f64,
    /// The level of the zone that had the volume (0 country, 1 city, 2 district), `None` for
    /// the shop's rate.
    level: Option<usize>,
    /// Its counts.
    counts: Counts,
}

/// A zone's rate: the narrowest zone with `min_volume` shipped orders, pulled toward the rate
/// of the area around it. `count` gives a key's counts (leave-one-out while fitting).
fn zone_rate(
    keys: &[String],
    shop: Counts,
    min_volume: u64,
    prior: f64,
    count: impl Fn(&str) -> Option<Counts>,
) -> ZoneRate {
    let mut rate = shop.rate();
    let mut chosen = ZoneRate {
        rate,
        level: None,
        counts: shop,
    };
    for (level, key) in keys.iter().enumerate() {
        let Some(c) = count(key) else { break };
        if c.shipped < min_volume.max(1) {
            break;
        }
        rate = (c.failed as f64 + prior * rate) / (c.shipped as f64 + prior);
        chosen = ZoneRate {
            rate,
            level: Some(level),
            counts: c,
        };
    }
    chosen
}

fn x_of(inputs: &RiskInputs, zone: f64, customer_prior: f64, utc_offset: i64) -> [f64; 11] {
    let shipped = f64::from(inputs.shipped);
    let customer = if inputs.shipped == 0 {
        0.0
    } else {
        logit((f64::from(inputs.failed) + customer_prior * zone) / (shipped + customer_prior))
            - logit(zone)
    };
    let hour = inputs
        .placed_at
        .saturating_add(utc_offset)
        .rem_euclid(86_400)
        / 3600;
    let total = if inputs.total.is_finite() {
        inputs.total.max(0.0)
    } else {
        0.0
    };
    [
        1.0,
        logit(zone),
        customer,
        shipped.ln_1p(),
        f64::from(inputs.unconfirmed.min(3)),
        f64::from(u8::from(!(6..22).contains(&hour))),
        total.ln_1p(),
        f64::from(u8::from(inputs.new_phone)),
        f64::from(u8::from(inputs.email_present)),
        f64::from(u8::from(inputs.phone_unusable)),
        f64::from(inputs.made_up),
    ]
}

impl RiskModel {
    /// P(failed delivery) for an order with these inputs, rounded to 3 decimals as the
    /// heuristic's risk is, and the zone's reason when its rate stands out.
    pub fn predict(&self, inputs: &RiskInputs) -> (f64, Option<Reason>) {
        let zone = zone_rate(
            &inputs.zones,
            self.shop,
            self.min_volume,
            self.zone_prior,
            |k| self.zones.get(k).copied(),
        );
        let x = x_of(inputs, zone.rate, self.customer_prior, self.utc_offset_secs);
        let w = self.coefficients.to_vec();
        let z: f64 = w.iter().zip(&x).map(|(w, x)| w * x).sum();
        let p = (sigmoid(z) * 1000.0).round() / 1000.0;
        let shop_rate = self.shop.rate();
        let reason = match zone.level {
            Some(level) if shop_rate > 0.0 && zone.rate >= ZONE_REASON_RATIO * shop_rate => {
                let what = ["country", "city", "district"][level.min(2)];
                Some(Reason {
                    code: ReasonCode::ZoneFailureRate,
                    detail: format!(
                        "deliveries fail often in this {what}: {:.0}% of {} shipped orders \
                         (the shop: {:.0}%)",
                        100.0 * zone.counts.rate(),
                        zone.counts.shipped,
                        100.0 * shop_rate
                    ),
                    order_ids: Vec::new(),
                })
            }
            _ => None,
        };
        (p, reason)
    }

    /// The model as its JSON file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A model from its JSON file, checked.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] for malformed JSON, another format or version, unknown or
    /// missing keys, numbers out of range (not finite, failed above shipped, a negative prior),
    /// too many zones or too long a zone key.
    pub fn from_json(json: &str) -> Result<RiskModel, Error> {
        let model: RiskModel = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorKind::InvalidConfig, format!("risk model: {e}")))?;
        model.validate()?;
        Ok(model)
    }

    /// Checks what serde cannot.
    ///
    /// # Errors
    /// As [`RiskModel::from_json`].
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |what: String| {
            Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("risk model: {what}"),
            ))
        };
        if self.format != FORMAT {
            return bad(format!("format must be \"{FORMAT}\""));
        }
        if self.version != MODEL_VERSION {
            return bad(format!(
                "version {} is not supported (this build reads version {MODEL_VERSION})",
                self.version
            ));
        }
        if self.shop.failed > self.shop.shipped {
            return bad("shop: failed above shipped".into());
        }
        let priors_ok = self.zone_prior.is_finite()
            && self.zone_prior >= 0.0
            && self.customer_prior.is_finite()
            && self.customer_prior > 0.0;
        if !priors_ok {
            return bad("zone_prior must be >= 0 and customer_prior > 0, both finite".into());
        }
        if self.utc_offset_secs.abs() > 86_400 {
            return bad("utc_offset_secs must be within a day".into());
        }
        if self.zones.len() > MAX_ZONES {
            return bad(format!("more than {MAX_ZONES} zones"));
        }
        for (i, (key, c)) in self.zones.iter().enumerate() {
            if key.is_empty() || key.len() > MAX_ZONE_KEY {
                return bad(format!("zone {i}: a key of 1 to {MAX_ZONE_KEY} bytes"));
            }
            if c.failed > c.shipped {
                return bad(format!("zone {i}: failed above shipped"));
            }
        }
        let w = self.coefficients.to_vec();
        if let Some(i) = w.iter().position(|w| !w.is_finite() || w.abs() > 1e6) {
            let name = if i == 0 { "intercept" } else { INPUTS[i - 1] };
            return bad(format!("coefficient {name} must be finite, within 1e6"));
        }
        Ok(())
    }
}

/// How [`fit`] fits.
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// Shipped orders a zone needs for its own rate (default 30).
    pub min_volume: u64,
    /// Pseudo-orders pulling a zone toward its wider area (default 10).
    pub zone_prior: f64,
    /// Seconds added to `placed_at` before reading the hour (default 0: UTC).
    pub utc_offset_secs: i64,
    /// The ridge penalty of the logistic regression, per example (default 1e-4).
    pub ridge: f64,
    /// Examples per block of the fit's sums (default [`FIT_BLOCK`]): a fit in one process and
    /// one spread over machines give the same file when their blocks are the same (see
    /// [`Fitting`]); another block size may change the coefficients' last bits.
    pub block: usize,
}

impl Default for FitOptions {
    fn default() -> FitOptions {
        FitOptions {
            min_volume: 30,
            zone_prior: 10.0,
            utc_offset_secs: 0,
            ridge: 1e-4,
            block: FIT_BLOCK,
        }
    }
}

/// One shipped order of the history, as the assessment saw it then, and whether it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What the model reads.
    pub inputs: RiskInputs,
    /// It failed delivery.
    pub failed: bool,
}

/// The Brier score of predictions against outcomes: the mean of (p - y)^2.
pub fn brier(pairs: &[(f64, bool)]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let sum: f64 = pairs
        .iter()
        .map(|&(p, y)| (p - f64::from(u8::from(y))).powi(2))
        .sum();
    sum / pairs.len() as f64
}

/// One row of a calibration table: the predictions in `[low, high)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// The bin's bounds.
    pub low: f64,
    #[allow(missing_docs)]
    pub high: f64,
    /// Predictions in the bin.
    pub count: usize,
    /// Their mean.
    pub predicted: f64,
    /// The share that failed.
    pub observed: f64,
}

/// A calibration table in `bins` equal bins of predicted probability (the last one closed).
pub fn calibration(pairs: &[(f64, bool)], bins: usize) -> Vec<Bin> {
    let bins = bins.max(1);
    let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
    for &(p, y) in pairs {
        let i = ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        sums[i].0 += 1;
        sums[i].1 += p;
        sums[i].2 += usize::from(y);
    }
    sums.into_iter()
        .enumerate()
        .map(|(i, (n, p, y))| Bin {
            low: i as f64 / bins as f64,
            high: (i + 1) as f64 / bins as f64,
            count: n,
            predicted: if n == 0 { 0.0 } else { p / n as f64 },
            observed: if n == 0 { 0.0 } else { y as f64 / n as f64 },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uniform numbers in [0, 1) from `seed` (xorshift): the tests' shops, the same on every
    /// machine.
    pub(crate) fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut rng = seed;
        move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn inputs(zones: &[&str], shipped: u32, failed: u32) -> RiskInputs {
        RiskInputs {
            zones: zones.iter().map(|z| (*z).to_owned()).collect(),
            shipped,
            failed,
            placed_at: 1_700_000_000 + 12 * 3600,
            total: 300.0,
            ..RiskInputs::default()
        }
    }

    /// A shop where one city fails two times in five and another one time in fifty, and
    /// customers who failed before fail again more often.
    fn shop() -> Vec<Example> {
        let mut next = uniform(12345);
        let mut out = Vec::new();
        for i in 0..4000u32 {
            let (zones, base): (&[&str], f64) = if i % 2 == 0 {
                (&["MA", "MA|casablanca"], 0.4)
            } else {
                (&["MA", "MA|rabat"], 0.02)
            };
            let shipped = i % 4;
            let bad = next() < 0.1;
            let failed = if bad { shipped } else { 0 };
            let p = if bad && shipped > 0 { 0.9 } else { base };
            out.push(Example {
                inputs: inputs(zones, shipped, failed),
                failed: next() < p,
            });
        }
        out
    }

    #[test]
    fn the_fit_learns_zones_and_customers() {
        let model = fit_examples(&shop(), &FitOptions::default());
        let p = |z: &[&str], s, f| model.predict(&inputs(z, s, f)).0;
        let bad_city = p(&["MA", "MA|casablanca"], 0, 0);
        let good_city = p(&["MA", "MA|rabat"], 0, 0);
        assert!(bad_city > 0.3 && bad_city < 0.6, "{bad_city}");
        assert!(good_city < 0.12, "{good_city}");
        assert!(p(&["MA", "MA|rabat"], 3, 3) > good_city + 0.3);
        // An unknown city falls back to the country.
        let unknown = p(&["MA", "MA|nowhere"], 0, 0);
        assert!(unknown > good_city && unknown < bad_city, "{unknown}");
        let (_, reason) = model.predict(&inputs(&["MA", "MA|casablanca"], 0, 0));
        let reason = reason.expect("the bad city is a reason");
        assert_eq!(reason.code, ReasonCode::ZoneFailureRate);
        assert!(reason.detail.contains("city"), "{}", reason.detail);
        assert!(!reason.detail.contains("casablanca"));
        assert!(model
            .predict(&inputs(&["MA", "MA|rabat"], 0, 0))
            .1
            .is_none());
    }

    #[test]
    fn the_fitted_model_beats_a_constant_on_its_own_kind_of_data() {
        let train = shop();
        let model = fit_examples(&train, &FitOptions::default());
        let rate = train.iter().filter(|e| e.failed).count() as f64 / train.len() as f64;
        let fitted: Vec<(f64, bool)> = train
            .iter()
            .map(|e| (model.predict(&e.inputs).0, e.failed))
            .collect();
        let constant: Vec<(f64, bool)> = train.iter().map(|e| (rate, e.failed)).collect();
        assert!(brier(&fitted) < brier(&constant) - 0.02);
    }

    #[test]
    fn the_file_round_trips_and_hostile_files_are_errors() {
        let model = fit_examples(&shop(), &FitOptions::default());
        let json = model.to_json();
        // The same model, to the last bit or two of a float's text.
        let back = RiskModel::from_json(&json).unwrap();
        let (a, b) = (back.coefficients.to_vec(), model.coefficients.to_vec());
        assert!(a
            .iter()
            .zip(&b)
            .all(|(a, b)| (a - b).abs() <= 1e-12 * b.abs().max(1.0)));
        assert_eq!((&back.zones, back.shop), (&model.zones, model.shop));
        assert_eq!(
            back.to_json(),
            RiskModel::from_json(&back.to_json()).unwrap().to_json()
        );
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mutate = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = v.clone();
            f(&mut v);
            v.to_string()
        };
        let bad = [
            mutate(&|v| v["version"] = 2.into()),
            mutate(&|v| v["format"] = "other".into()),
            mutate(&|v| v["customer_prior"] = 0.into()),
            mutate(&|v| v["zone_prior"] = (-1).into()),
            mutate(&|v| v["shop"]["failed"] = 1_000_000.into()),
            mutate(&|v| v["zones"]["MA"] = serde_json::json!({"failed": 5, "shipped": 1})),
            mutate(&|v| {
                v["zones"]["x".repeat(600)] = serde_json::json!({"failed": 0, "shipped": 1})
            }),
            mutate(&|v| v["coefficients"]["night"] = 1e300.into()),
            mutate(&|v| v["coefficients"]["made_up"] = "1".into()),
            mutate(&|v| {
                v["coefficients"]
                    .as_object_mut()
                    .unwrap()
                    .remove("night")
                    .map(|_| ())
                    .unwrap_or(())
            }),
            mutate(&|v| v["extra"] = 1.into()),
            mutate(&|v| v["utc_offset_secs"] = 1_000_000.into()),
            "{".to_owned(),
            "[]".to_owned(),
            "null".to_owned(),
            "[".repeat(10_000),
            String::new(),
        ];
        for b in bad {
            let err = RiskModel::from_json(&b).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidConfig,
                "{}",
                &b[..b.len().min(80)]
            );
        }
        v["zones"] = serde_json::json!({});
        let no_zones = RiskModel::from_json(&v.to_string()).unwrap();
        let (p, reason) = no_zones.predict(&inputs(&["MA", "MA|casablanca"], 0, 0));
        assert!((0.0..=1.0).contains(&p));
        assert!(reason.is_none(), "the shop's own rate is no zone reason");
    }

    #[test]
    fn a_fit_on_hostile_places_still_writes_a_file_that_loads() {
        let long = format!("MA|{}", "x".repeat(MAX_ZONE_KEY));
        let examples: Vec<Example> = (0..100)
            .map(|i| Example {
                inputs: inputs(&["MA", &long], 0, 0),
                failed: i % 3 == 0,
            })
            .collect();
        let model = fit_examples(&examples, &FitOptions::default());
        assert!(model.zones.contains_key("MA") && !model.zones.contains_key(&long));
        assert_eq!(
            RiskModel::from_json(&model.to_json()).unwrap().zones,
            model.zones
        );
    }

    #[test]
    fn brier_and_calibration_count_what_they_should() {
        let pairs = [(0.1, false), (0.1, true), (0.9, true), (0.95, true)];
        let b = brier(&pairs);
        let want = (0.01 + 0.81 + 0.01 + 0.0025) / 4.0;
        assert!((b - want).abs() < 1e-12, "{b}");
        let bins = calibration(&pairs, 10);
        assert_eq!(bins.len(), 10);
        assert_eq!((bins[1].count, bins[1].observed), (2, 0.5));
        assert_eq!((bins[9].count, bins[9].observed), (2, 1.0));
        assert!((bins[9].predicted - 0.925).abs() < 1e-12);
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 4);
    }
}
