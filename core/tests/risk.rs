//! The fitted risk model on the generated shop (whose failure rates differ by zone and by
//! customer: `examples/common/synth.rs`): fitted on the first 12 of its 18 months, it must
//! beat today's heuristic and a constant on the later months, and the engine and the store
//! mode with the model loaded must give the same answers.

#[path = "../../examples/common/dataset.rs"]
mod dataset;
#[path = "common/db.rs"]
mod db;
#[path = "../../examples/common/synth.rs"]
mod synth;

use codguard::assessment::ReasonCode;
use codguard::engine::Engine;
use codguard::policy::PolicyConfig;
use codguard::risk::{self, FitOptions, RiskModel};
use codguard::store::Store;

fn shop() -> synth::Shop {
    synth::generate(&synth::Config {
        customers: 3000,
        seed: 3,
        ..synth::Config::default()
    })
}

#[test]
fn the_fitted_model_beats_the_heuristic_on_later_months() {
    let shop = shop();
    let history = &shop.data.history;
    let first = history.iter().map(|r| r.order.placed_at).min().unwrap();
    let split = risk::split(
        history,
        &PolicyConfig::default(),
        &FitOptions::default(),
        first + 360 * 86_400,
    )
    .unwrap();
    let (heuristic, fitted, constant) = split.briers();
    eprintln!(
        "{} scored: brier heuristic {heuristic:.4} fitted {fitted:.4} constant {constant:.4}",
        split.scored.len()
    );
    assert!(split.scored.len() > 1000, "{}", split.scored.len());
    assert!(split.scored.iter().any(|s| s.2) && split.scored.iter().any(|s| !s.2));
    assert!(fitted < heuristic, "fitted {fitted} heuristic {heuristic}");
    assert!(fitted < constant, "fitted {fitted} constant {constant}");
    // Calibrated: the predicted and observed failure rates agree on the whole.
    let n = split.scored.len() as f64;
    let predicted: f64 = split.scored.iter().map(|s| s.1).sum::<f64>() / n;
    let observed = split.scored.iter().filter(|s| s.2).count() as f64 / n;
    assert!(
        (predicted - observed).abs() < 0.03,
        "{predicted} vs {observed}"
    );
}

#[test]
fn a_loaded_model_changes_risk_and_reasons_only_and_the_store_agrees() {
    let shop = shop();
    let config = PolicyConfig::default();
    let model = risk::fit(&shop.data.history, &config, &FitOptions::default()).unwrap();
    let model = RiskModel::from_json(&model.to_json()).unwrap();
    let mut plain = Engine::new(config.clone());
    plain.add_history(shop.data.history.clone()).unwrap();
    let mut fitted = plain.clone();
    fitted.set_risk_model(Some(model.clone()));
    let mut store = Store::new(config.clone(), b"test secret");
    store.set_risk_model(Some(model.clone()));
    let mut db = db::Db::default();
    for r in &shop.data.history {
        db.add(&store, r);
    }
    let mut zone_reasons = 0;
    let mut risks = std::collections::BTreeSet::new();
    for q in &shop.data.queries {
        let a = plain.assess(q).unwrap();
        let b = fitted.assess(q).unwrap();
        assert_eq!(db.assess(&store, q), b, "the store, order {}", q.order_id);
        assert_eq!(
            (a.customer_class, a.action, &a.matches, &a.profile),
            (b.customer_class, b.action, &b.matches, &b.profile)
        );
        let mut b_reasons = b.reasons.clone();
        let zone = b_reasons
            .iter()
            .position(|r| r.code == ReasonCode::ZoneFailureRate);
        if let Some(i) = zone {
            b_reasons.remove(i);
            zone_reasons += 1;
        }
        assert_eq!(a.reasons, b_reasons);
        assert!(!a
            .reasons
            .iter()
            .any(|r| r.code == ReasonCode::ZoneFailureRate));
        assert!((0.0..=1.0).contains(&b.risk));
        risks.insert((b.risk * 1000.0) as u32);
    }
    assert!(zone_reasons > 0, "no zone stands out");
    assert!(
        zone_reasons < shop.data.queries.len(),
        "every zone stands out"
    );
    assert!(risks.len() > 50, "{} distinct risks", risks.len());
    // Unloading goes back to the heuristic.
    fitted.set_risk_model(None);
    let q = &shop.data.queries[0];
    assert_eq!(fitted.assess(q).unwrap(), plain.assess(q).unwrap());
}

#[test]
fn a_snapshot_keeps_the_model_so_a_worker_gives_the_writers_risk() {
    let shop = shop();
    let config = PolicyConfig::default();
    let model = risk::fit(&shop.data.history, &config, &FitOptions::default()).unwrap();
    let mut writer = Engine::new(config);
    writer.add_history(shop.data.history.clone()).unwrap();
    assert!(Engine::load(&writer.save()).unwrap().risk_model().is_none());
    writer.set_risk_model(Some(model.clone()));
    let worker = Engine::load(&writer.save()).unwrap();
    let sealed =
        Engine::load_sealed(&writer.save_sealed(b"shop key").unwrap(), b"shop key").unwrap();
    for loaded in [&worker, &sealed] {
        assert_eq!(
            loaded.risk_model().map(RiskModel::to_json),
            Some(model.to_json())
        );
    }
    let mut zone_reasons = 0;
    for q in &shop.data.queries {
        let a = writer.assess(q).unwrap();
        assert_eq!(worker.assess(q).unwrap(), a, "order {}", q.order_id);
        zone_reasons += a
            .reasons
            .iter()
            .filter(|r| r.code == ReasonCode::ZoneFailureRate)
            .count();
    }
    assert!(zone_reasons > 0, "the model is in force");
}

/// Replays `tests/vectors/risk.json` (shared with the C, PHP and Python bindings).
#[test]
fn risk_vectors() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/risk.json")).unwrap();
    let model = RiskModel::from_json(&v["model"].to_string()).expect("the vectors' model");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    let mut failures = Vec::new();
    for case in cases {
        let mut engine = Engine::new(PolicyConfig::default());
        engine.set_risk_model(Some(model.clone()));
        let history: Vec<codguard::HistoryRecord> =
            serde_json::from_value(case["history"].clone()).unwrap();
        engine.add_history(history).unwrap();
        let order: codguard::Order = serde_json::from_value(case["order"].clone()).unwrap();
        let a = engine.assess(&order).unwrap();
        let want = &case["expected"];
        let reasons: Vec<&str> = a.reasons.iter().map(|r| r.code.as_str()).collect();
        let want_reasons: Vec<&str> = want["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        let mut matches: Vec<&str> = a.matches.iter().map(|m| m.order_id.as_str()).collect();
        matches.sort_unstable();
        let matches_ok = want.get("matches").is_none_or(|w| {
            w.as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap())
                .eq(matches.iter().copied())
        });
        if a.customer_class.as_str() != want["customer_class"]
            || a.action.as_str() != want["action"]
            || a.risk != want["risk"].as_f64().unwrap()
            || reasons != want_reasons
            || !matches_ok
        {
            failures.push(format!(
                "{}: got {} {} {} {reasons:?} {matches:?}",
                case["note"],
                a.customer_class.as_str(),
                a.action.as_str(),
                a.risk
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
    for bad in v["bad_models"].as_array().unwrap() {
        let text = match bad.get("model_text") {
            Some(t) => t.as_str().unwrap().to_owned(),
            None => bad["model"].to_string(),
        };
        let err = RiskModel::from_json(&text).expect_err(bad["note"].as_str().unwrap());
        assert_eq!(
            err.kind(),
            codguard::ErrorKind::InvalidConfig,
            "{}",
            bad["note"]
        );
    }
}

/// The inputs a replay elsewhere computes from each assessment (`RiskInputs::from_assessment`,
/// as codguard.spark's fit does) are the fit's own, so both fit the same model.
#[test]
fn inputs_from_assessments_are_the_fits_own() {
    let shop = synth::generate(&synth::Config {
        customers: 400,
        seed: 7,
        ..synth::Config::default()
    });
    let config = PolicyConfig::default();
    let want = risk::examples(&shop.data.history, &config).unwrap();
    let mut records = shop.data.history.clone();
    records.sort_by(|a, b| {
        (a.order.placed_at, &a.order.order_id).cmp(&(b.order.placed_at, &b.order.order_id))
    });
    let mut engine = Engine::new(config);
    let mut got = Vec::new();
    for r in &records {
        if r.outcome == codguard::Outcome::Delivered || r.outcome.is_failed_delivery() {
            let a = engine.assess(&r.order).unwrap();
            got.push(risk::Example {
                inputs: risk::RiskInputs::from_assessment(&r.order, &a).unwrap(),
                failed: r.outcome.is_failed_delivery(),
            });
        }
        engine.add_history([r.clone()]).unwrap();
    }
    assert!(want.len() > 500 && want.iter().any(|e| e.inputs.shipped > 0));
    assert_eq!(got, want);
    let options = FitOptions::default();
    assert_eq!(
        risk::fit_examples(&got, &options).to_json(),
        risk::fit_examples(&want, &options).to_json()
    );
}

/// A model's JSON reads back to the same numbers, bit for bit: a snapshot carries the model as
/// JSON, and a worker that read a coefficient one ulp away gave a different risk than the writer.
#[test]
fn a_models_json_reads_back_to_the_same_coefficients() {
    let shop = shop();
    let mut model = risk::fit(
        &shop.data.history,
        &PolicyConfig::default(),
        &FitOptions::default(),
    )
    .unwrap();
    // Values whose shortest decimal form a fast float parser reads one ulp off.
    let awkward = [
        0.09016294389569667,
        2.2250738585072014e-308,
        0.1 + 0.2,
        1.0 / 3.0,
    ];
    for value in awkward {
        model.coefficients.email_present = value;
        let again = RiskModel::from_json(&model.to_json()).unwrap();
        assert_eq!(
            again.coefficients.email_present.to_bits(),
            value.to_bits(),
            "{value:e}"
        );
    }
}
