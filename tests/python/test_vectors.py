"""Replays the language-neutral JSON vectors of ``tests/vectors/`` through the Python surface.

Every vector file present must have a replayer here: a new file without one fails the suite
rather than being skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import codguard
from conftest import VECTORS


def replay_phone(case: dict) -> None:
    raw, country, expected, error = case["raw"], case["country"], case["expected"], case["error"]
    if expected is None:
        with pytest.raises(codguard.Error) as e:
            codguard.parse_phone(raw, country)
        assert e.value.code == error
    else:
        info = codguard.parse_phone(raw, country)
        assert info["e164"] == expected
        assert info["looks_fake"] == case["looks_fake"]
        assert info["junk"] == case["junk"]
    if error == "invalid_country":
        with pytest.raises(codguard.InvalidInput) as e:
            codguard.normalize_phone(raw, country)
        assert e.value.code == "invalid_country"
    elif error is None:
        assert codguard.normalize_phone(raw, country) == expected
    else:
        assert codguard.normalize_phone(raw, country) is None


def replay_email(case: dict) -> None:
    raw = case["raw"]
    if case["error"] is not None:
        with pytest.raises(codguard.Error) as e:
            codguard.parse_email(raw)
        assert e.value.code == case["error"]
        assert codguard.normalize_email(raw) is None
        return
    info = codguard.parse_email(raw)
    assert info == {k: case[k] for k in ("address", "key", "fake", "suggestion")}
    assert codguard.normalize_email(raw) == case["address"]


def replay_address(case: dict) -> None:
    if case.get("error") is not None:
        for fn in (codguard.parse_address, codguard.normalize_address):
            with pytest.raises(codguard.InvalidInput) as e:
                fn(case["raw"], case["country"], city=case["city"])
            assert e.value.code == case["error"]
        return
    got = codguard.parse_address(case["raw"], case["country"], city=case["city"])
    assert got == case["expected"]
    assert codguard.normalize_address(case["raw"], case["country"], city=case["city"]) == got["text"]


def replay_name(case: dict) -> None:
    if "raw" in case:
        assert codguard.parse_name(case["raw"])["nonsense"] == case["nonsense"]
        return
    sim = codguard.name_similarity(case["a"], case["b"])
    if case["close"]:
        assert sim >= 0.8
    else:
        assert sim < 0.5


def replay_assess(case: dict) -> None:
    engine = codguard.Engine(case["config"])
    engine.add_history(case["history"])
    got = engine.assess(case["order"]).to_dict()
    # In one step with adding it: the same answer, and the order is then held.
    kept = codguard.Engine(case["config"])
    kept.add_history(case["history"])
    assert kept.assess_and_add(case["order"]).to_dict() == got
    assert len(kept) == len(engine) + 1
    with pytest.raises(codguard.DuplicateOrder):
        kept.add_order(case["order"])
    want = case["expected"]
    assert got["customer_class"] == want["customer_class"]
    assert got["action"] == want["action"]
    assert [r["code"] for r in got["reasons"]] == want["reasons"]
    assert got["notify_customer_service"] == want["notify_customer_service"]
    if "matches" in want:
        assert sorted(m["order_id"] for m in got["matches"]) == want["matches"]


def risk_model() -> dict:
    """The model of ``tests/vectors/risk.json``, which its cases are assessed with."""
    return json.loads((VECTORS / "risk.json").read_text(encoding="utf-8"))["model"]


def replay_risk(case: dict) -> None:
    engine = codguard.Engine(risk_model=risk_model())
    engine.add_history(case["history"])
    got = engine.assess(case["order"]).to_dict()
    want = case["expected"]
    assert (got["customer_class"], got["action"]) == (want["customer_class"], want["action"])
    assert got["risk"] == want["risk"]
    assert [r["code"] for r in got["reasons"]] == want["reasons"]
    if "matches" in want:
        assert sorted(m["order_id"] for m in got["matches"]) == want["matches"]


def replay_records(case: dict) -> None:
    if "text" in case:
        # The record as JSON text: Python takes records as dicts, never as text (a str is
        # refused as a record of the wrong type, whatever it holds), so there is no text of
        # Python's to read; Rust, C and PHP replay these cases.
        with pytest.raises(codguard.InvalidOrderType):
            codguard.Engine().assess(case["text"])
        return
    engine = codguard.Engine()

    def use() -> None:
        if case["kind"] == "history":
            engine.add_history([case["record"]])
        else:
            engine.assess(case["record"])

    if case["error"] is None:
        use()
        return
    with pytest.raises(codguard.Error) as e:
        use()
    assert e.value.code == case["error"]
    if case["field"] is not None:
        assert f"`{case['field']}`" in str(e.value)


def replay_events(case: dict) -> None:
    """An event fed to a new ``confirm`` flow of the case's order: accepted, or the error
    naming the field and not repeating the value."""
    flow = codguard.ConfirmationFlow(
        case["order"], secret=b"shop-secret-1", action="confirm", nonce=b"vector-flow-nonce"
    )
    if case["error"] is None:
        flow.handle(case["event"])
        return
    with pytest.raises(codguard.Error) as e:
        flow.handle(case["event"])
    assert e.value.code == case["error"]
    if case["field"] is not None:
        assert f"`{case['field']}`" in str(e.value)
    if case["value"] is not None:
        assert case["value"] not in str(e.value)


def replay_reply_intent(case: dict) -> None:
    if case["error"] is not None:
        with pytest.raises(codguard.InvalidInput) as e:
            codguard.reply_intent(case["text"], case["country"])
        assert e.value.code == case["error"]
        return
    assert codguard.reply_intent(case["text"], case["country"]) == case["expected"]
    # Keyword form, and "" as well as None for "no country".
    if not case["country"]:
        assert codguard.reply_intent(case["text"], country="") == case["expected"]
        assert codguard.reply_intent(case["text"]) == case["expected"]


def replay_token(case: dict) -> None:
    if case["op"] == "issue":
        assert codguard.issue_token(case["secret"], case["order_id"], case["expires_at"]) == case["token"]
        return
    args = (case["secret"].encode(), case["token"], case["order_id"], case["now"])
    if case["error"] is None:
        assert codguard.verify_token(*args) is None
    else:
        with pytest.raises(codguard.Error) as e:
            codguard.verify_token(*args)
        assert e.value.code == case["error"]


def replay_flow(case: dict) -> None:
    """Replays a flow twice: in one object, and restored from a snapshot before every event."""

    def new() -> codguard.ConfirmationFlow:
        return codguard.ConfirmationFlow(
            case["order"], case["policy"], secret=case["secret"].encode(), action=case["action"],
            nonce=case["nonce"].encode(),
        )

    if "error" in case:
        # The flow cannot be created (a bad policy, say): nothing to replay.
        with pytest.raises(codguard.Error) as e:
            new()
        assert e.value.code == case["error"]
        assert case["steps"] == []
        return
    live, stored = new(), new().snapshot()
    for step in case["steps"]:
        restored = codguard.ConfirmationFlow.restore(stored, case["secret"])
        for flow in (live, restored):
            if "error" in step:
                with pytest.raises(codguard.Error) as e:
                    flow.handle(step["event"])
                assert e.value.code == step["error"]
            else:
                assert flow.handle(step["event"]) == step["actions"]
            assert flow.state == step["state"]
            assert flow.next_deadline == step["next_deadline"]
        stored = restored.snapshot()
        assert stored == live.snapshot()


def replay_send_guard(case: dict) -> None:
    """Each step on a guard restored from the previous snapshot, beside one kept live."""
    secret = case["secret"].encode()
    if "error" in case:
        with pytest.raises(codguard.Error) as e:
            codguard.SendGuard(case["policy"], secret=secret)
        assert e.value.code == case["error"]
        return
    live = codguard.SendGuard(case["policy"], secret=secret)
    stored = live.snapshot()
    for step in case["steps"]:
        restored = codguard.SendGuard.restore(stored, case["policy"], secret=secret)
        for guard in (live, restored):
            if "error" in step:
                with pytest.raises(codguard.Error) as e:
                    guard.admit(step["action"], step["at"], case["country"])
                assert e.value.code == step["error"]
            else:
                assert guard.admit(step["action"], step["at"], case["country"]) == step["denied"]
        stored = restored.snapshot()
        assert stored == live.snapshot()


REPLAYERS: dict[str, Callable[[dict], None]] = {
    "phone": replay_phone,
    "email": replay_email,
    "address": replay_address,
    "name": replay_name,
    "assess": replay_assess,
    "risk": replay_risk,
    "records": replay_records,
    "events": replay_events,
    "reply_intent": replay_reply_intent,
    "token": replay_token,
    "send_guard": replay_send_guard,
}


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("*.json"))


def flow_files() -> list[Path]:
    """Flow scenarios: one self-contained case per file under ``tests/vectors/flow/``."""
    return sorted((VECTORS / "flow").glob("*.json"))


def cases() -> list[tuple[str, int, dict]]:
    out = []
    for path in vector_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            out.append((path.stem, i, case))
    return out


def test_every_vector_file_has_a_replayer() -> None:
    files = vector_files()
    assert files, f"no vector files in {VECTORS}"
    missing = [p.name for p in files if p.stem not in REPLAYERS]
    assert not missing, f"vector files without a Python replayer: {missing}"


@pytest.mark.parametrize(
    "name,index,case", cases(), ids=lambda v: v if isinstance(v, (str, int)) else None
)
def test_vector(name: str, index: int, case: dict) -> None:
    replayer = REPLAYERS.get(name)
    assert replayer is not None, f"no replayer for tests/vectors/{name}.json"
    replayer(case)


def test_every_vector_directory_is_replayed() -> None:
    dirs = sorted(p.name for p in VECTORS.iterdir() if p.is_dir())
    assert set(dirs) <= {"flow"}, f"vector folders without a Python replayer: {dirs}"


@pytest.mark.parametrize("path", flow_files(), ids=lambda p: p.stem)
def test_flow_vector(path: Path) -> None:
    replay_flow(json.loads(path.read_text(encoding="utf-8")))
