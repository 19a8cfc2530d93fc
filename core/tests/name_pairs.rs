//! Names of real people (tests/data/name_pairs.tsv, Wikidata labels): the goals of cross-script
//! name matching hold at the engine's threshold, on the tuned families and on the held-out ones.
//! The figures themselves: `cargo run --release --example names`.

#[path = "../../examples/common/name_pairs.rs"]
mod name_pairs;

use codguard::policy::PolicyConfig;

#[test]
fn recall_siblings_and_others_on_real_names() {
    let people = name_pairs::load(include_str!("../../tests/data/name_pairs.tsv"));
    assert!(people.len() >= 2900, "{} people", people.len());
    let threshold = PolicyConfig::default().name_match_threshold;
    // Every 101st pair of strangers keeps the debug build quick (some 95,000 pairs).
    let t = name_pairs::score(&people, threshold, 101, |_, _, _, _, _, _| {});
    let rate = |k: &str| t.get(k).map(name_pairs::Tally::rate).expect(k);
    assert!(
        rate("recall tune") >= 0.95,
        "recall tune {}",
        rate("recall tune")
    );
    assert!(
        rate("recall held") >= 0.95,
        "recall held {}",
        rate("recall held")
    );
    for split in ["tune", "held"] {
        let s = rate(&format!("siblings {split}"));
        assert!(s <= 0.01, "siblings {split} {s}");
        let o = rate(&format!("other {split}"));
        assert!(o <= 0.001, "other {split} {o}");
    }
}
