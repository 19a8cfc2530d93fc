//! Accuracy on the shared sample data (`../shared/data/dev`), when it is present.
//!
//! A user's clone has no `../shared`; CI sets `CODGUARD_REQUIRE_SHARED=1` so that a missing
//! folder fails there instead of passing silently.

#[path = "../../examples/common/dataset.rs"]
mod dataset;

use std::path::Path;

use codguard::engine::Engine;
use codguard::policy::PolicyConfig;

#[test]
fn dev_set_precision_recall_and_class_accuracy() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/dev");
    if !dir.join("truth.jsonl").exists() {
        assert!(
            std::env::var_os("CODGUARD_REQUIRE_SHARED").is_none(),
            "CODGUARD_REQUIRE_SHARED is set but {} is missing",
            dir.display()
        );
        eprintln!("skipping: {} not found", dir.display());
        return;
    }
    let data = dataset::Dataset::load(&dir).unwrap();
    let mut engine = Engine::new(PolicyConfig::default());
    engine.add_history(data.history).unwrap();
    let assessments: Vec<_> = engine
        .assess_many(&data.queries)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let s = dataset::score(&assessments, data.truth.as_deref().unwrap());
    eprintln!(
        "precision {:.4} recall {:.4} class accuracy {:.4}",
        s.precision(),
        s.recall(),
        s.class_accuracy()
    );
    assert_eq!(s.queries, 5000);
    assert!(s.precision() >= 0.99, "precision {:.4}", s.precision());
    assert!(s.recall() >= 0.98, "recall {:.4}", s.recall());
    assert!(
        s.class_accuracy() >= 0.98,
        "class accuracy {:.4}",
        s.class_accuracy()
    );
}
