"""codguard.spark in Spark local mode (scripts/ci_spark.sh runs this file; it needs Java, pyspark
and the generated shop that script writes: CODGUARD_SPARK_SYNTH names its folder).

Every Spark answer is compared with the in-memory engine's, whole (class, action, risk, reasons,
matches with their order ids, profile, normalized fields): the store-mode core run in rounds
over joins must give exactly what one process gives."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codguard
from codguard.spark import replay, score, session


def _synth_dir() -> Path:
    folder = os.environ.get("CODGUARD_SPARK_SYNTH")
    if not folder:
        pytest.fail("CODGUARD_SPARK_SYNTH is unset: run scripts/ci_spark.sh (it generates the shop)")
    return Path(folder)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    s = session("local[2]", **{"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def shop() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    d = _synth_dir()
    return _jsonl(d / "history.jsonl"), _jsonl(d / "queries.jsonl")


def _by_id(rows: list[Any]) -> dict[str, dict[str, Any]]:
    return {r["order_id"]: json.loads(r["assessment"]) for r in rows}


# A cap that bites: on generated data some keys (a door shared by a family, a reused phone)
# carry more than 2 orders, so the key table's cap decides those keys.
POLICIES: list[dict[str, Any]] = [{}, {"max_orders_per_key": 2, "risky_min_failed": 1}]


@pytest.mark.parametrize("config", POLICIES)
def test_score_equals_the_engine_on_generated_data(spark: Any, shop: Any, config: dict[str, Any]) -> None:
    history, queries = shop
    engine = codguard.Engine(config)
    engine.add_history(history)
    expected = {q["order_id"]: engine.assess(q).to_dict() for q in queries}

    d = _synth_dir()
    orders = spark.read.json(str(d / "queries.jsonl"))
    # A malformed order among them: it gets its error code, the others their answer.
    bad = spark.createDataFrame([("bad-1", 1761180000, "Morocco", "سلمى خليل", "٠٦٦١٤٧٢٩٨٣")],
                                "order_id string, placed_at long, country string, name string, phone string")
    orders = orders.unionByName(bad, allowMissingColumns=True)
    rows = score(spark, spark.read.json(str(d / "history.jsonl")), orders, config).collect()

    errors = {r["order_id"]: r for r in rows if r["error"]}
    assert list(errors) == ["bad-1"]
    assert errors["bad-1"]["error"] == "invalid_record" and errors["bad-1"]["assessment"] is None
    rows = [r for r in rows if not r["error"]]
    got = _by_id(rows)
    assert len(rows) == len(queries)
    assert got.keys() == expected.keys()
    mismatched = [oid for oid in expected if got[oid] != expected[oid]]
    assert mismatched == [], f"{len(mismatched)} differ, e.g. {mismatched[:3]}"
    # Not a vacuous equality: the shop has returning customers of every class.
    assert sum(1 for a in expected.values() if a["matches"]) > len(queries) // 3
    assert {a["customer_class"] for a in expected.values()} >= {"new", "good", "risky"}
    for r in rows:
        a = expected[r["order_id"]]
        assert r["matched_order_ids"] == [m["order_id"] for m in a["matches"]]
        assert r["reason_codes"] == [x["code"] for x in a["reasons"]]


def test_replay_equals_an_engine_fed_only_earlier_orders(spark: Any, shop: Any) -> None:
    history, _ = shop
    # A small set, with ties in placed_at broken by order id (as the replay does).
    records = sorted(history, key=lambda r: (r["placed_at"], r["order_id"]))[:240]
    records[5] = dict(records[5], placed_at=records[4]["placed_at"])
    records.sort(key=lambda r: (r["placed_at"], r["order_id"]))
    expected: dict[tuple[int, str], dict[str, Any]] = {}
    for p, config in enumerate(POLICIES):
        engine = codguard.Engine(config)
        for r in records:
            order = {k: v for k, v in r.items() if k not in ("outcome", "negotiated")}
            expected[(p, r["order_id"])] = engine.assess(order).to_dict()
            engine.add_history([r])

    rows = replay(spark, spark.createDataFrame(records), POLICIES).collect()

    assert len(rows) == len(records) * len(POLICIES)
    got = {(r["p"], r["order_id"]): json.loads(r["assessment"]) for r in rows}
    mismatched = [k for k in expected if got.get(k) != expected[k]]
    assert mismatched == [], f"{len(mismatched)} differ, e.g. {mismatched[:3]}"
    outcome = {r["order_id"]: r["outcome"] for r in records}
    assert all(r["outcome"] == outcome[r["order_id"]] for r in rows)
    # Earlier orders only: the first order has no history, and later ones do.
    assert got[(0, records[0]["order_id"])]["matches"] == []
    assert any(a["matches"] for a in got.values())


def test_backtest_cli_reports_per_policy_and_month(spark: Any, shop: Any, tmp_path: Path) -> None:
    from codguard.spark.__main__ import main
    from codguard.spark.backtest import ACTIONS, CLASSES, FAILED

    history, _ = shop
    records = sorted(history, key=lambda r: (r["placed_at"], r["order_id"]))[:300]
    hist = tmp_path / "history.jsonl"
    hist.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    lenient = tmp_path / "lenient.json"
    lenient.write_text(json.dumps({"actions": {"new": "auto_confirm"}}))
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({"risky_min_failed": 1, "actions": {"risky": "reject", "new": "review"}}))
    costs = tmp_path / "costs.json"
    costs.write_text(json.dumps({"shipping": 30, "return_shipping": 20, "margin": 0.3, "sms_segment": 0.4}))
    out = tmp_path / "out"

    assert main(["backtest", "--history", str(hist), "--policy", str(lenient), "--policy", str(strict),
                 "--costs", str(costs), "--out", str(out), "--master", "local[2]"]) == 0

    report = json.loads((out / "report.json").read_text())
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "report.csv").read_text().splitlines()[0].startswith("policy,month,orders")
    assert {r["policy"] for r in report} == {"lenient", "strict"}
    for name in ("lenient", "strict"):
        rows = [r for r in report if r["policy"] == name]
        assert sum(r["orders"] for r in rows) == len(records)
        assert sum(r["failed"] for r in rows) == sum(1 for r in records if r["outcome"] in FAILED)
        for r in rows:
            assert sum(r[f"class_{c}"] for c in CLASSES) == r["orders"] - r["errors"]
            assert sum(r[f"action_{a}"] for a in ACTIONS) == r["orders"] - r["errors"]
            assert sum(r[f"failed_{a}"] for a in ACTIONS) <= r["failed"]
            assert r["net"] == pytest.approx(r["avoided_money"] - r["lost_money"] - r["message_money"], abs=0.02)
    # The replayed answers behind the report: one per order and policy, each the engine's.
    answers = spark.read.parquet(str(out / "assessments")).collect()
    assert len(answers) == 2 * len(records)
    by_policy = {p: {r["order_id"]: r["action"] for r in answers if r["p"] == p} for p in (0, 1)}
    engine = codguard.Engine({"risky_min_failed": 1, "actions": {"risky": "reject", "new": "review"}})
    for r in records[:60]:
        order = {k: v for k, v in r.items() if k not in ("outcome", "negotiated")}
        assert by_policy[1][r["order_id"]] == engine.assess(order).action
        engine.add_history([r])
    # The lenient policy ships new customers unchecked; the strict one reviews them: it delays
    # more good orders, and stops more that fail.
    total = {n: sum(r["good_delayed"] for r in report if r["policy"] == n) for n in ("lenient", "strict")}
    assert total["strict"] > total["lenient"]
    caught = {n: sum(r["refused_avoided"] for r in report if r["policy"] == n) for n in ("lenient", "strict")}
    assert caught["strict"] > caught["lenient"]


def test_replay_with_a_risk_model_equals_the_engine_and_calibration_counts_it(spark: Any, shop: Any) -> None:
    """A fitted risk model loaded for one policy: the replay's answers are an engine's with the
    same model (risk and the zone reason included), and the calibration table and Brier scores
    computed on Spark are those of the replayed rows."""
    from codguard.spark.backtest import FAILED, calibration

    history, _ = shop
    records = sorted(history, key=lambda r: (r["placed_at"], r["order_id"]))
    model = codguard.fit_risk_model(records[: len(records) // 2], min_volume=10)
    records = records[:240]
    expected: dict[str, dict[str, Any]] = {}
    engine = codguard.Engine(risk_model=model)
    for r in records:
        order = {k: v for k, v in r.items() if k not in ("outcome", "negotiated")}
        expected[r["order_id"]] = engine.assess(order).to_dict()
        engine.add_history([r])

    answers = replay(spark, spark.createDataFrame(records), [{}, {}], risk_models=[None, model])
    rows = answers.collect()
    got = {r["order_id"]: json.loads(r["assessment"]) for r in rows if r["p"] == 1}
    mismatched = [k for k in expected if got.get(k) != expected[k]]
    assert mismatched == [], f"{len(mismatched)} differ, e.g. {mismatched[:3]}"
    heuristic = {r["order_id"]: r["risk"] for r in rows if r["p"] == 0}
    assert any(heuristic[k] != got[k]["risk"] for k in got), "the model changed no risk"

    table, brier = calibration(answers, ["heuristic", "fitted"])
    for p, name in enumerate(("heuristic", "fitted")):
        shipped = [(r["risk"], r["outcome"] in FAILED) for r in rows
                   if r["p"] == p and r["outcome"] in ("delivered", *FAILED)]
        assert sum(t["orders"] for t in table if t["policy"] == name) == len(shipped)
        want = sum((risk - y) ** 2 for risk, y in shipped) / len(shipped)
        assert brier[name] == pytest.approx(want, abs=1e-4)
        for t in (t for t in table if t["policy"] == name):
            inside = [y for risk, y in shipped if min(int(risk * 10), 9) == t["bin"]]
            assert t["orders"] == len(inside)
            assert t["observed"] == pytest.approx(sum(inside) / len(inside), abs=1e-4)


def test_the_spark_fit_is_the_in_process_fit(spark: Any, shop: Any, tmp_path: Path) -> None:
    """codguard.spark's fit (replay on Spark, examples, counts and every pass's block sums in the
    executors, only the sums on the driver) writes the same model file as
    codguard.fit_risk_model on the same history."""
    from codguard.spark.__main__ import main

    history, _ = shop
    records = sorted(history, key=lambda r: (r["placed_at"], r["order_id"]))[:400]
    hist = tmp_path / "history.jsonl"
    hist.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    want = codguard.fit_risk_model(records, min_volume=10)
    assert main(["fit", "--history", str(hist), "--out", str(tmp_path), "--min-volume", "10",
                 "--master", "local[2]"]) == 0
    got = (tmp_path / "risk.json").read_text(encoding="utf-8")
    assert got == want + "\n"
    model = json.loads(want)
    # Not an empty model: zones with their own rate, and coefficients learnt.
    assert len(model["zones"]) > 3 and model["fitted_on"]["orders"] == len(records)
    assert model["coefficients"]["customer_logit"] != 0.0


def test_the_spark_fit_in_many_blocks_is_the_in_process_fit(spark: Any, shop: Any, tmp_path: Path) -> None:
    """With blocks of 16 examples (tens of blocks over Spark's partitions, each summed in an
    executor), the file is still the in-process fit's with the same blocks, byte for byte."""
    from codguard.spark import fit_risk, read_table

    history, _ = shop
    records = sorted(history, key=lambda r: (r["placed_at"], r["order_id"]))[:400]
    hist = tmp_path / "history.jsonl"
    hist.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    want = codguard.fit_risk_model(records, min_volume=10, block=16)
    assert fit_risk(spark, read_table(spark, str(hist)), min_volume=10, block=16) == want
    assert json.loads(want)["fitted_on"]["shipped"] > 10 * 16


def test_json_inputs_are_read_with_the_records_schema() -> None:
    """The schema JSON inputs are read with names the history's fields, in order."""
    from codguard.spark import HISTORY_FIELDS, JSON_SCHEMA

    assert [f.split(" ")[0] for f in JSON_SCHEMA.split(", ")] == list(HISTORY_FIELDS)
