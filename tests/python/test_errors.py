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
    # A record of the wrong Python type is both an invalid record and a TypeError.
    assert codguard.InvalidOrderType.__bases__ == (codguard.InvalidOrder, TypeError)
    assert codguard.InvalidOrderType.code == "invalid_record"


def raised(fn, *args, **kwargs) -> codguard.Error:
    with pytest.raises(codguard.Error) as e:
        fn(*args, **kwargs)
    return e.value


def test_assess_many_answers_a_bad_order_in_its_place() -> None:
    """As in C: one bad order gets its error (the exception `assess` would raise, returned, not
    raised) in its slot, and the others their assessment."""
    e = codguard.Engine()
    orders = [order("o-1"), order("o-2", country="Morocco"), None, order("o-4", city=LONE),
              order("o-5", phone=612345678), order("o-6")]
    got = e.assess_many(orders)
    assert len(got) == len(orders)
    assert got[0] == e.assess(orders[0]) and got[5] == e.assess(orders[5])
    for i, cls, code, field in [(1, codguard.InvalidOrder, "invalid_record", "`country`"),
                                (2, codguard.InvalidOrderType, "invalid_record", None),
                                (3, codguard.InvalidInput, "invalid_utf8", None),
                                (4, codguard.InvalidOrderType, "invalid_record", "`phone`")]:
        err = got[i]
        assert isinstance(err, cls) and err.code == code, (i, err)
        assert field is None or field in str(err), (i, err)
        with pytest.raises(cls) as raised_alone:
            e.assess(orders[i])
        assert str(raised_alone.value) == str(err), i
    assert "612345678" not in str(got[4])
    assert isinstance(got[2], TypeError)
    # Not an iterable of orders at all: that is the call's own error.
    with pytest.raises(TypeError):
        e.assess_many("orders")


def test_record_errors() -> None:
    e = codguard.Engine()
    err = raised(e.assess, {"placed_at": 1})
    assert type(err) is codguard.InvalidOrder and err.code == "invalid_record"
    assert raised(e.assess, {"order_id": "o-1"}).code == "invalid_record"
    assert raised(e.assess, {"order_id": "  ", "placed_at": 1}).code == "invalid_record"
    assert raised(e.assess, {"order_id": "o-1"}).record is None
    err = raised(e.add_history, [past("h-1", "delivered"), {**order("h-2")}])
    assert type(err) is codguard.InvalidOrder and str(err).startswith("record 1: ")
    # A repeated id says where in the same words.
    err = raised(e.add_history, [past("h-1", "delivered"), past("h-1", "refused")])
    assert type(err) is codguard.DuplicateOrder and str(err).startswith("record 1: "), str(err)
    assert len(e) == 0, "add_history is all or nothing"
    # `.record` is that position, from 0 as a list's index, whoever found the fault: the binding
    # reading the dict (a missing outcome, a wrong type), or the core (a negative time, an id
    # held already or repeated). A shop can drop that record and add the rest.
    records = [past(f"h-{i}", "delivered") for i in range(5)]
    for bad, code in [
        ({**order("x")}, "invalid_record"),
        ({**past("x", "delivered"), "placed_at": "yesterday"}, "invalid_record"),
        ({**past("x", "delivered"), "placed_at": -1}, "invalid_record"),
        (past("held", "refused"), "duplicate_order"),
        (past("h-1", "refused"), "duplicate_order"),
    ]:
        e = codguard.Engine()
        e.add_history([past("held", "delivered")])
        batch = records[:3] + [bad] + records[3:]
        err = raised(e.add_history, batch)
        assert (err.code, err.record) == (code, 3), (str(err), err.record)
        assert str(err).startswith("record 3: "), str(err)
        # Without it, the rest goes in.
        assert e.add_history(batch[:3] + batch[4:]) == 5
    assert codguard.Error.record is None
    assert raised(e.add_history, [{**order("h-1"), "outcome": "lost"}]).code == "invalid_record"


def test_input_contract_names_the_field() -> None:
    e = codguard.Engine()
    cases = [
        ({**order("o-1"), "country": "Morocco"}, "country"),
        ({**order("o-1"), "country": "مصر"}, "country"),
        ({**order("o-1"), "country": "XX"}, "country"),
        ({k: v for k, v in order("o-1").items() if k != "country"}, "country"),
        ({**order("o-1"), "country": None}, "country"),
        ({k: v for k, v in order("o-1").items() if k != "phone"} | {"telephone": "0696030620"}, "telephone"),
        ({**order("o-1"), "Email": "x@y.ma"}, "Email"),
        ({**order("o-1"), "coupon": None}, "coupon"),
        ({**order("o-1"), "country": "Morocco", "telephone": "1"}, "telephone"),
    ]
    for record, field in cases:
        err = raised(e.assess, record)
        assert type(err) is codguard.InvalidOrder and err.code == "invalid_record", record
        assert f"`{field}`" in str(err), str(err)
    # A key not written as a field name (a number, customer data) is refused, and not repeated.
    for key in (7, "khadija@gmail.com", "خديجة"):
        err = raised(e.assess, {**order("o-1"), key: "x"})
        assert type(err) is codguard.InvalidOrder and err.code == "invalid_record", key
        assert "unknown field (its key is not shown" in str(err) and str(key) not in str(err)
    # Any letter case of a real code is the code.
    assert e.assess({**order("o-1"), "country": "ma"}).customer_class == "new"
    assert e.assess({**order("o-2", phone="01027096050"), "country": "eg"}).normalized["phone"] == "+201027096050"


def test_wrong_python_types_are_invalid_records_and_type_errors() -> None:
    e = codguard.Engine()
    for record, field in [
        (order("o-1", phone=612345678), "phone"),
        (order("o-1", placed_at="2026-01-01"), "placed_at"),
        (order("o-1", placed_at=1.5), "placed_at"),
        (order("o-1", total="349"), "total"),
        (order("o-1", total=True), "total"),
        (order("o-1", country=212), "country"),
        (order(123), "order_id"),
    ]:
        with pytest.raises(codguard.InvalidOrderType) as err:
            e.assess(record)
        assert isinstance(err.value, TypeError) and isinstance(err.value, codguard.Error)
        assert err.value.code == "invalid_record" and f"`{field}`" in str(err.value)
    with pytest.raises(codguard.InvalidOrderType):
        e.add_history([{**past("h-1", "delivered"), "negotiated": "yes"}])
    err = raised(e.assess, order("o-1", total=float("nan")))
    assert err.code == "invalid_record" and "`total`" in str(err)


def test_a_negative_time_or_a_total_that_is_no_amount_is_an_invalid_order() -> None:
    """As over JSON (tests/vectors/records.json): placed_at is Unix seconds of 1970 or later
    (an int, or an aware datetime), a total an amount of 0 or more; in a new order and in a
    history record; the message names the field, never the customer's data."""
    before_1970 = datetime.datetime(1969, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)
    for fields, field in [
        ({"placed_at": -1}, "placed_at"),
        ({"placed_at": before_1970}, "placed_at"),
        ({"total": -349.0}, "total"),
        ({"total": -1}, "total"),
        ({"total": float("-inf")}, "total"),
        ({"total": float("nan")}, "total"),
    ]:
        e = codguard.Engine()
        for call in (
            lambda: e.assess(order("o-1", **fields)),
            lambda: e.add_history([past("h-1", "delivered"), {**past("h-2", "returned"), **fields}]),
            lambda: codguard.ConfirmationFlow(order("o-1", **fields), secret=b"k"),
        ):
            err = raised(call)
            assert type(err) is codguard.InvalidOrder, (fields, type(err))
            assert err.code == "invalid_record" and f"`{field}`" in str(err), (fields, str(err))
            assert "0696030620" not in str(err) and "349" not in str(err), str(err)
        assert len(e) == 0
        [answer] = e.assess_many([order("o-1", **fields)])
        assert isinstance(answer, codguard.InvalidOrder), fields
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    assert codguard.Engine().assess(order("o-1", placed_at=epoch, total=0)).customer_class == "new"


LONE = "Sal\ud800ma"


@pytest.mark.parametrize(
    "call",
    [
        lambda: codguard.Engine().assess(order("o-1", name=LONE)),
        lambda: codguard.Engine().assess(order("o-1", address=LONE)),
        lambda: codguard.Engine().assess(order(LONE)),
        lambda: codguard.Engine().assess({**order("o-1"), LONE: "x"}),
        lambda: codguard.Engine().add_history([past("h-1", "delivered", email=LONE)]),
        lambda: codguard.normalize_phone(LONE, "MA"),
        lambda: codguard.normalize_phone("0696030620", LONE),
        lambda: codguard.parse_phone(LONE, "MA"),
        lambda: codguard.find_phone(LONE, "MA"),
        lambda: codguard.normalize_email(LONE),
        lambda: codguard.parse_email(LONE),
        lambda: codguard.normalize_address(LONE),
        lambda: codguard.normalize_address("12 rue x", city=LONE),
        lambda: codguard.parse_address(LONE),
        lambda: codguard.parse_name(LONE),
        lambda: codguard.name_similarity("Salma", LONE),
        lambda: codguard.reply_intent(LONE),
        lambda: codguard.reply_intent("wakha", LONE),
        lambda: codguard.issue_token(b"k", LONE, 10),
        lambda: codguard.verify_token(b"k", LONE, "o-1", 1),
        lambda: codguard.Engine().record_outcome(LONE, "delivered"),
        lambda: codguard.Engine().record_outcome("o-1", LONE),
        lambda: codguard.Engine().erase_by_email(LONE),
        lambda: codguard.Engine().erase_by_phone("0696030620", LONE),
        lambda: codguard.Engine({"notify_classes": [LONE]}),
        lambda: codguard.ConfirmationFlow(order("o-1"), secret=LONE),
        lambda: codguard.ConfirmationFlow(order("o-1", name=LONE), secret=b"k"),
        lambda: codguard.ConfirmationFlow(order("o-1"), secret=b"k").handle({"type": LONE, "at": 1}),
        lambda: codguard.ConfirmationFlow(order("o-1"), secret=b"k").verify_link(LONE, 1),
    ],
)
def test_lone_surrogates_are_the_librarys_error(call) -> None:
    with pytest.raises(codguard.Error) as e:
        call()
    assert not isinstance(e.value, UnicodeError)
    assert e.value.code == "invalid_utf8"
    assert isinstance(e.value, codguard.InvalidInput)


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
        lambda: codguard.normalize_phone("0612345678", 212),
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
