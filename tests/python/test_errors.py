"""Every documented error: the exception class, its `.code`, and TypeError for wrong types."""

from __future__ import annotations

import datetime
import pickle

import pytest

import codguard
from conftest import order, past

HIERARCHY = {
    codguard.InvalidInput: codguard.Error,
    codguard.InvalidPhone: codguard.InvalidInput,
    codguard.InvalidEmail: codguard.InvalidInput,
    codguard.InvalidOrder: codguard.InvalidInput,
    codguard.InvalidEvent: codguard.InvalidInput,
    codguard.InvalidConfig: codguard.Error,
    codguard.UnknownOrder: codguard.Error,
    codguard.DuplicateOrder: codguard.Error,
    codguard.InvalidToken: codguard.Error,
    codguard.SnapshotError: codguard.Error,
}


def test_hierarchy_under_value_error() -> None:
    assert issubclass(codguard.Error, ValueError)
    for cls, parent in HIERARCHY.items():
        assert cls.__bases__ == (parent,), cls


def raised(fn, *args, **kwargs) -> codguard.Error:
    with pytest.raises(codguard.Error) as e:
        fn(*args, **kwargs)
    return e.value


def test_record_errors() -> None:
    e = codguard.Engine()
    err = raised(e.assess, {"placed_at": 1})
    assert type(err) is codguard.InvalidOrder and err.code == "invalid_record"
    assert raised(e.assess, {"order_id": "o-1"}).code == "invalid_record"
    assert raised(e.assess, {"order_id": "  ", "placed_at": 1}).code == "invalid_record"
    err = raised(e.add_history, [past("h-1", "delivered"), {**order("h-2")}])
    assert type(err) is codguard.InvalidOrder and "item 1" in str(err)
    assert len(e) == 0, "add_history is all or nothing"
    assert raised(e.add_history, [{**order("h-1"), "outcome": "lost"}]).code == "invalid_record"


def test_naive_datetime_is_invalid_input() -> None:
    e = codguard.Engine()
    err = raised(e.assess, order("o-1", placed_at=datetime.datetime(2026, 1, 1)))
    assert isinstance(err, codguard.InvalidInput) and err.code == "invalid_record"


def test_unknown_and_duplicate_orders() -> None:
    e = codguard.Engine()
    e.add_history([past("h-1", "delivered")])
    err = raised(e.record_outcome, "nope", "delivered")
    assert type(err) is codguard.UnknownOrder and err.code == "unknown_order"
    err = raised(e.add_history, [past("h-1", "refused")])
    assert type(err) is codguard.DuplicateOrder and err.code == "duplicate_order"
    err = raised(e.record_outcome, "h-1", "shipped")
    assert type(err) is codguard.InvalidOrder and err.code == "invalid_record"


@pytest.mark.parametrize(
    "config",
    [{"name_match_threshold": 2}, {"no_such_key": 1}, {"actions": {"risky": "shrug"}}, {"duplicate_window_secs": -1}],
)
def test_config_errors(config: dict) -> None:
    err = raised(codguard.Engine, config)
    assert type(err) is codguard.InvalidConfig and err.code == "invalid_config"


@pytest.mark.parametrize("data", [b"", b"garbage", b"\x00" * 64])
def test_snapshot_errors(data: bytes) -> None:
    err = raised(codguard.Engine.load, data)
    assert type(err) is codguard.SnapshotError and err.code.startswith("snapshot_")
    err = raised(codguard.ConfirmationFlow.restore, data, b"k")
    assert type(err) is codguard.SnapshotError


def test_corrupted_engine_snapshot() -> None:
    e = codguard.Engine()
    e.add_history([past("h-1", "delivered")])
    data = bytearray(e.save())
    data[len(data) // 2] ^= 0xFF
    assert raised(codguard.Engine.load, bytes(data)).code.startswith("snapshot_")
    assert raised(codguard.Engine.load, bytes(data[:-3])).code.startswith("snapshot_")


@pytest.mark.parametrize(
    "call",
    [
        lambda: codguard.normalize_phone(612345678, "MA"),
        lambda: codguard.normalize_phone("0612345678", None),
        lambda: codguard.normalize_email(b"a@b.c"),
        lambda: codguard.normalize_address(["12 rue"]),
        lambda: codguard.Engine("not a dict"),
        lambda: codguard.Engine().assess("o-1"),
        lambda: codguard.Engine().assess(order(123)),
        lambda: codguard.Engine().assess(order("o-1", placed_at=1.5)),
        lambda: codguard.Engine().assess(order("o-1", placed_at=True)),
        lambda: codguard.Engine().assess(order("o-1", phone=612345678)),
        lambda: codguard.Engine().assess(order("o-1", total="349")),
        lambda: codguard.Engine().add_history(42),
        lambda: codguard.Engine().add_history({"order_id": "o-1"}),
        lambda: codguard.Engine().add_history([{**past("h-1", "delivered"), "negotiated": "yes"}]),
        lambda: codguard.Engine().add_history([{**order("h-1"), "outcome": 3}]),
        lambda: codguard.Engine().assess_many("orders"),
        lambda: codguard.Engine().assess_many([None]),
        lambda: codguard.Engine().record_outcome("o-1", None),
        lambda: codguard.Engine.load("text"),
        lambda: codguard.ConfirmationFlow(order("o-1"), secret=123),
        lambda: codguard.ConfirmationFlow(order("o-1"), secret=b"k").handle("placed"),
        lambda: codguard.ConfirmationFlow(order("o-1"), secret=b"k").handle({"type": "tick", "at": object()}),
    ],
)
def test_wrong_types_raise_type_error(call) -> None:
    with pytest.raises(TypeError):
        call()


def test_flow_errors() -> None:
    flow = codguard.ConfirmationFlow(order("o-1"), secret=b"k")
    for event in (
        {"type": "teleport", "at": 1},
        {"type": "tick"},
        {"type": "tick", "at": -5},
        {"type": "send_failed", "at": 5, "channel": "call"},
        {"type": "reply", "at": 5, "channel": "sms", "intent": "new_phone"},
        {"type": "tick", "at": datetime.datetime(2026, 1, 1)},
    ):
        err = raised(flow.handle, event)
        assert type(err) is codguard.InvalidEvent and err.code == "invalid_event", event
    assert flow.state == "not_started"
    assert raised(codguard.ConfirmationFlow, order("o-1"), secret=b"").code == "invalid_config"
    assert raised(codguard.ConfirmationFlow, order("o-1"), {"call_attempts": 0}, secret=b"k").code == "invalid_config"
    assert raised(codguard.ConfirmationFlow, order("o-1"), secret=b"k", action="maybe").code == "invalid_config"
    err = raised(flow.verify_link, "short", 0)
    assert type(err) is codguard.InvalidToken and err.code == "token_malformed"


def test_errors_pickle_with_their_code() -> None:
    err = raised(codguard.Engine().record_outcome, "nope", "delivered")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is codguard.UnknownOrder and back.code == "unknown_order"
    assert codguard.UnknownOrder("raised by hand").code == "unknown_order"


def test_messages_hold_no_customer_data() -> None:
    err = raised(codguard.parse_phone, "+212 6 99", "MA")
    assert "699" not in str(err).replace(" ", "")
    err = raised(codguard.parse_email, "salma.secret@")
    assert "salma" not in str(err)
