"""The fitted risk model from Python: loading (Engine, StoreCore, set_risk_model), refusing
hostile files, pickling, fitting (``codguard.fit_risk_model``), and the store mode's answers
equal to the engine's with the model loaded."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import codguard
from conftest import VECTORS

VECTOR = json.loads((VECTORS / "risk.json").read_text(encoding="utf-8"))
MODEL: dict[str, Any] = VECTOR["model"]


def via_store(core: codguard.StoreCore, history: list[dict], order: dict) -> codguard.Assessment:
    """Assesses ``order`` through the store core, a dict standing in for the key table."""
    rows: dict[int, list[tuple]] = {}
    for r in history:
        row, keys = core.write_tuple(r)
        for k in keys:
            rows.setdefault(k, []).append(row)
    lookup = core.assess(order)
    while wanted := lookup.wanted():
        for k in wanted:
            lookup.supply(k, sorted(rows.get(k, []), key=lambda r: (r[1], r[0])))
    return lookup.assessment()


@pytest.mark.parametrize("case", VECTOR["cases"], ids=lambda c: c["note"][:40])
def test_the_store_core_answers_as_the_engine_with_the_model(case: dict) -> None:
    engine = codguard.Engine(risk_model=json.dumps(MODEL))
    engine.add_history(case["history"])
    core = codguard.StoreCore(secret=b"test secret", risk_model=MODEL)
    want = engine.assess(case["order"])
    assert via_store(core, case["history"], case["order"]) == want
    assert want.risk == case["expected"]["risk"]


@pytest.mark.parametrize("bad", VECTOR["bad_models"], ids=lambda b: b["note"])
def test_hostile_model_files_are_invalid_config(bad: dict) -> None:
    model = bad.get("model_text", bad.get("model"))
    for load in (
        lambda: codguard.Engine(risk_model=model),
        lambda: codguard.Engine().set_risk_model(model),
        lambda: codguard.StoreCore(secret=b"s", risk_model=model),
    ):
        with pytest.raises(codguard.Error) as e:
            load()
        assert e.value.code == "invalid_config"


def test_a_model_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        codguard.Engine(risk_model=42)  # type: ignore[arg-type]


def test_set_risk_model_loads_and_unloads_and_pickling_keeps_it() -> None:
    case = VECTOR["cases"][1]  # 0.462 at night; the heuristic gives a new customer 0.3
    engine = codguard.Engine()
    engine.add_history(case["history"])
    heuristic = engine.assess(case["order"]).risk
    assert engine.risk_model is None
    engine.set_risk_model(MODEL)
    assert engine.assess(case["order"]).risk == case["expected"]["risk"] != heuristic
    assert json.loads(engine.risk_model or "null")["zones"] == MODEL["zones"]
    copy = pickle.loads(pickle.dumps(engine))
    assert copy.assess(case["order"]) == engine.assess(case["order"])
    engine.set_risk_model(None)
    assert engine.assess(case["order"]).risk == heuristic
    assert pickle.loads(pickle.dumps(engine)).risk_model is None


def test_a_snapshot_keeps_the_model_so_a_worker_gives_the_writers_risk() -> None:
    case = VECTOR["cases"][1]
    writer = codguard.Engine(risk_model=MODEL)
    writer.add_history(case["history"])
    worker = codguard.Engine.load(writer.save())
    sealed = codguard.Engine.load(writer.save(key=b"shop key"), key=b"shop key")
    for loaded in (worker, sealed):
        assert loaded.risk_model == writer.risk_model is not None
        assert loaded.assess(case["order"]).risk == case["expected"]["risk"]
    writer.set_risk_model(None)
    assert codguard.Engine.load(writer.save()).risk_model is None


def test_fit_risk_model_learns_a_bad_city() -> None:
    """Two cities, one failing 40% and the other 2%: the fitted model tells them apart."""
    history = []
    for i in range(600):
        city, rate = ("Casablanca", 0.4) if i % 2 else ("Rabat", 0.02)
        failed = (i * 7919 % 1000) / 1000 < rate
        history.append({
            "order_id": f"h-{i}", "placed_at": 1_700_000_000 + i * 3600,
            "name": f"Customer {i}", "phone": f"06612{i:05d}", "address": f"{i} Rue Atlas",
            "city": city, "country": "MA", "total": 200.0,
            "outcome": "refused" if failed else "delivered",
        })
    text = codguard.fit_risk_model(history)
    model = json.loads(text)
    assert model["format"] == "codguard-risk" and model["fitted_on"]["shipped"] == 600
    engine = codguard.Engine(risk_model=text)
    new = {"order_id": "n", "placed_at": 1_800_000_000, "phone": "0700000001", "country": "MA",
           "address": "1 Rue Atlas", "total": 200.0}
    bad = engine.assess({**new, "city": "Casablanca"})
    good = engine.assess({**new, "order_id": "m", "city": "Rabat"})
    assert bad.risk > 0.25 > 0.1 > good.risk
    assert "zone_failure_rate" in [r["code"] for r in bad.reasons]
    assert "zone_failure_rate" not in [r["code"] for r in good.reasons]
    with pytest.raises(codguard.InvalidOrder):
        codguard.fit_risk_model([{"order_id": "", "country": "MA", "outcome": "delivered"}])


def _two_cities(n: int) -> list[dict[str, Any]]:
    history = []
    for i in range(n):
        city, rate = ("Casablanca", 0.4) if i % 2 else ("Rabat", 0.02)
        failed = (i * 7919 % 1000) / 1000 < rate
        history.append({
            "order_id": f"h-{i}", "placed_at": 1_700_000_000 + i * 3600,
            "name": f"Customer {i % 150}", "phone": f"06612{i % 150:05d}", "address": f"{i % 150} Rue Atlas",
            "city": city, "country": "MA", "total": 200.0 + i % 9,
            "outcome": "refused" if failed else "delivered",
        })
    return history


def test_risk_fit_driven_by_blocks_writes_the_in_process_fit() -> None:
    """RiskFit's passes, driven from Python as codguard.spark drives them (counts merged from the
    examples, each block's sums computed apart, handed back in block order), give the file of
    fit_risk_model with the same blocks, byte for byte; blocks only reorder the sums."""
    history = _two_cities(600)
    engine = codguard.Engine()
    examples = []
    for r in history:
        order = {k: v for k, v in r.items() if k != "outcome"}
        example = codguard.risk_example(order, json.dumps(engine.assess(order).to_dict()), r["outcome"])
        assert example is not None
        examples.append(example)
        engine.add_history([r])
    counts: dict[str, Any] = {"shop": {"failed": 0, "shipped": 0}, "zones": {}}
    for e in examples:
        d = json.loads(e)
        for c in [counts["shop"]] + [counts["zones"].setdefault(z, {"failed": 0, "shipped": 0})
                                     for z in d["inputs"]["zones"]]:
            c["shipped"] += 1
            c["failed"] += int(d["failed"])
    fit = codguard.RiskFit(json.dumps(counts), block=64)
    assert fit.block == 64 and fit.customer_prior is None and fit.newton_weights() is None
    blocks = [examples[i:i + 64] for i in range(0, len(examples), 64)]
    fit.supply_prior_sums([fit.prior_sums(b) for b in reversed(blocks)][::-1])
    assert fit.customer_prior is not None
    design = [fit.design(b, fit.customer_prior) for b in blocks]
    assert [len(d) for d in design] == [96 * len(b) for b in blocks]
    steps = 0
    while (w := fit.newton_weights()) is not None:
        fit.supply_newton_sums([codguard.RiskFit.newton_block(d, w) for d in design])
        steps += 1
    assert 2 <= steps < 50
    got = fit.model(orders=len(history), first=history[0]["placed_at"], last=history[-1]["placed_at"])
    want = codguard.fit_risk_model(history, block=64)
    assert got == want
    one_block = json.loads(codguard.fit_risk_model(history))
    assert one_block["zones"] == json.loads(want)["zones"]
    for name, value in json.loads(want)["coefficients"].items():
        assert value == pytest.approx(one_block["coefficients"][name], abs=1e-9)


def test_too_little_history_is_refused_not_fitted() -> None:
    """The example shop (16 orders, 12 shipped, 3 failed) would fit nonsense (an intercept of
    -29.8): every way of fitting refuses it, and says how much history a fit needs."""
    here = Path(__file__).resolve().parents[2] / "examples" / "data" / "history.jsonl"
    history = [json.loads(line) for line in here.read_text(encoding="utf-8").splitlines()]
    with pytest.raises(codguard.InvalidConfig) as e:
        codguard.fit_risk_model(history)
    assert "12 shipped orders and 3 failed deliveries" in str(e.value), str(e.value)
    with pytest.raises(codguard.InvalidConfig):
        codguard.RiskFit('{"shop": {"failed": 19, "shipped": 5000}, "zones": {}}')
    with pytest.raises(codguard.InvalidConfig):
        codguard.RiskFit('{"shop": {"failed": 150, "shipped": 199}, "zones": {}}')
    assert codguard.RiskFit('{"shop": {"failed": 20, "shipped": 200}, "zones": {}}').block > 0
    # Six hundred orders of two cities, one failing 40% of the time: enough.
    assert json.loads(codguard.fit_risk_model(_two_cities(600)))["fitted_on"]["shipped"] == 600


def test_risk_fit_refuses_what_is_not_its_input() -> None:
    fit = codguard.RiskFit('{"shop": {"failed": 20, "shipped": 200}, "zones": {}}')
    assert fit.block == codguard.RiskFit.BLOCK
    for bad in ("{", '{"shop": {}, "zones": {}, "x": 1}', "[]"):
        with pytest.raises(codguard.InvalidConfig):
            codguard.RiskFit(bad)
    with pytest.raises(codguard.InvalidConfig):
        fit.prior_sums(["not an example"])
    with pytest.raises(codguard.InvalidConfig):
        fit.supply_prior_sums([[0.0] * 7])
    with pytest.raises(codguard.InvalidConfig):
        codguard.RiskFit.newton_block(b"\0" * 95, [0.0] * 11)
    with pytest.raises(codguard.InvalidConfig):
        codguard.RiskFit.newton_block(b"\0" * 96, [0.0] * 10)
    fit.supply_prior_sums([])
    with pytest.raises(codguard.InvalidConfig):
        fit.supply_newton_sums([[0.0] * 131])
