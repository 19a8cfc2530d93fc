"""Reading an order dict: the one-pass read of a plain dict and the general read of any other
mapping give the same answer and the same error; the reused per-thread order keeps nothing from
one call to the next."""

from __future__ import annotations

import collections.abc
import datetime
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codguard
from conftest import T0, order, past


class Text(str):
    """A str subclass: read the general way, as a key and as a value."""


class Record(dict):
    """A dict subclass: read the general way (one look-up per field)."""


class Plain(collections.abc.Mapping):
    """A mapping that is no dict: copied into one, then read in one pass."""

    def __init__(self, d: dict) -> None:
        self.d = d

    def __getitem__(self, k):
        return self.d[k]

    def __iter__(self):
        return iter(self.d)

    def __len__(self) -> int:
        return len(self.d)


LONE = "Sal\ud800ma"


def shop() -> codguard.Engine:
    e = codguard.Engine()
    e.add_history([past("h-1", "delivered", 90), past("h-2", "refused", 30, phone="0661487329")])
    return e


def outcome(fn) -> str:
    """The answer (its contract JSON) or the error (class, code, message)."""
    try:
        return fn().to_json()
    except codguard.Error as err:
        return f"{type(err).__name__} {err.code} {err}"
    except (TypeError, ValueError, OverflowError) as err:
        return f"{type(err).__name__} {err}"


def forms(d: dict) -> dict[str, object]:
    """The same record as each kind of mapping the binding takes."""
    return {
        # Keys written in code are the interned names; keys read from JSON are other strings.
        "dict": d,
        "new keys": {k[:1] + k[1:] if type(k) is str else k: v for k, v in d.items()},
        "interned keys": {sys.intern(k) if type(k) is str else k: v for k, v in d.items()},
        "subclass": Record(d),
        "mapping": Plain(d),
        "str-subclass keys": {Text(k) if type(k) is str else k: v for k, v in d.items()},
    }


def same_everywhere(e: codguard.Engine, d: dict) -> str:
    seen = {name: outcome(lambda rec=rec: e.assess(rec)) for name, rec in forms(d).items()}
    assert len(set(seen.values())) == 1, seen
    return seen["dict"]


def test_key_order_does_not_matter() -> None:
    e = shop()
    d = order("o-1", phone="0661487329")
    expected = e.assess(d)
    assert expected.customer_class == "risky"
    for keys in (sorted(d), sorted(d, reverse=True), list(d)[5:] + list(d)[:5]):
        shuffled = {k: d[k] for k in keys}
        assert e.assess(shuffled) == expected
        assert same_everywhere(e, shuffled) == expected.to_json()


def test_every_mapping_kind_gives_the_same_answer() -> None:
    e = shop()
    for d in (
        order("o-1"),
        order("o-2", email=None, city=None, total=None, currency=None),
        {k: v for k, v in order("o-3").items() if k in ("order_id", "placed_at", "country")},
        order("o-4", total=349, placed_at=T0 + 5),
        {**order("o-5", name=Text("Salma Khalil"), country=Text("ma")), "order_id": Text("o-5")},
    ):
        assert same_everywhere(e, d).startswith('{"order_id":"o-')


@pytest.mark.parametrize(
    "record, says",
    [
        # A key that is no field comes first, in the dict's order, whatever else is wrong.
        ({"coupon": 1, **order("o-1"), "telephone": "0"}, "unknown field `coupon`"),
        ({**order("o-1"), "telephone": "0", "coupon": 1}, "unknown field `telephone`"),
        ({**{k: v for k, v in order("o-1").items() if k != "order_id"}, "Email": "x"}, "unknown field `Email`"),
        ({**order("o-1", name=5), 7: "seven"}, "unknown field (its key is not shown"),
        # A key that is customer data (a dict built from the wrong row of a sheet) is not
        # repeated: error messages end up in logs.
        ({**order("o-1"), "khadija@gmail.com": "x"}, "unknown field (its key is not shown"),
        ({**order("o-1"), "0661234578": "x"}, "unknown field (its key is not shown"),
        ({**order("o-1"), "خديجة بنعلي": "x"}, "unknown field (its key is not shown"),
        ({**order("o-1"), "outcome": "delivered"}, "unknown field `outcome`"),
        ({**order("o-1"), Text("coupon"): 1}, "unknown field `coupon`"),
        ({**order("o-1"), "x": 1, LONE: 1}, "unknown field `x`"),
        ({**order("o-1"), LONE: 1, "x": 1}, "a field name is not valid Unicode"),
        # Then the first field at fault, in the contract's order.
        ({**order("o-1"), "order_id": None, "placed_at": None}, "missing field `order_id`"),
        ({**order("o-1", placed_at="x", country=None)}, "field `placed_at` must be"),
        ({**order("o-1", placed_at=2**70)}, "field `placed_at` is out of range"),
        ({**order("o-1", country=None, total="x")}, "missing field `country`"),
        ({**order("o-1", total=True, name=5)}, "field `total` must be a number"),
        ({**order("o-1", name=5, currency=5)}, "field `name` must be str or None, not int"),
        ({**order("o-1", city=LONE, currency=7)}, "field `city` is not valid Unicode"),
        ({**order("o-1", currency=b"MAD")}, "field `currency` must be str or None, not bytes"),
        ({**order("o-1", country="Morocco")}, "field `country` must be an ISO 3166-1"),
        ({**order("o-1", total=float("inf"))}, "field `total` must be a finite number"),
        ({**order("o-1", name="ب" * 8193)}, "field `name` is 16386 bytes long"),
    ],
)
def test_the_same_error_from_every_mapping_kind(record: dict, says: str) -> None:
    got = same_everywhere(codguard.Engine(), record)
    assert says in got, got


FIELD_VALUES = {
    "order_id": st.sampled_from(["o-1", "", " ", "٣" * 192, "o\x001", LONE, Text("o-2"), 7, None]),
    "placed_at": st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([True, 1.5, "2026", None, datetime.datetime(2026, 1, 1),
                         datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)]),
    ),
    "name": st.one_of(st.text(max_size=20), st.sampled_from([None, 5, LONE, Text("Salma"), "ب" * 8193])),
    "phone": st.one_of(st.sampled_from(["0696030620", "٠٦٩٦٠٣٠٦٢٠", "+20 10 2709 6050", None, 61, ""]),
                       st.text(max_size=16)),
    "email": st.sampled_from(["salma.khalil@gmail.com", "", None, b"x", "a@@b"]),
    "address": st.one_of(st.text(max_size=30), st.sampled_from([None, ["x"], LONE])),
    "city": st.sampled_from(["Casablanca", "الدار البيضاء", None, 1.5, Text("Rabat")]),
    "country": st.sampled_from(["MA", "ma", "eg", "XX", "Morocco", "", None, 212, Text("MA"), LONE]),
    "total": st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.integers(min_value=-(2**80), max_value=2**80),
                       st.sampled_from([None, True, "349"])),
    "currency": st.sampled_from(["MAD", "MAD" * 11, None, 7, "د.م."]),
}


@st.composite
def records(draw) -> dict:
    d = {}
    for field, values in FIELD_VALUES.items():
        if draw(st.integers(0, 9)) > 0:
            d[field] = draw(values)
    if draw(st.integers(0, 5)) == 0:
        d[draw(st.sampled_from(["coupon", 7, Text("x"), "outcome", LONE]))] = 1
    keys = draw(st.permutations(list(d)))
    return {k: d[k] for k in keys}


@settings(max_examples=300, deadline=None)
@given(record=records())
def test_one_pass_read_and_general_read_agree(record: dict) -> None:
    e = codguard.Engine()
    plain = outcome(lambda: e.assess(record))
    for name, rec in forms(record).items():
        assert outcome(lambda: e.assess(rec)) == plain, name


def test_nothing_is_kept_from_the_previous_order() -> None:
    e = shop()
    full = order("o-1", email="salma.khalil@gmail.com", city="Rabat", total=5.0)
    sparse = {"order_id": "o-2", "placed_at": T0, "country": "EG"}
    first = e.assess(full)
    assert first.normalized["email"] == "salma.khalil@gmail.com"
    alone = codguard.Engine().assess(sparse)
    assert e.assess(sparse) == alone and alone.normalized == {"phone": None, "email": None, "address": "", "city": ""}
    # After refused orders (one at each field), the next order is read afresh.
    for bad in (order("o-3", currency=7), order("o-3", name="ب" * 9000), {**order("o-3"), "x": 1},
                order("o-3", placed_at=2**70), order("o-3", address=LONE)):
        with pytest.raises(codguard.InvalidInput):
            e.assess(bad)
        assert e.assess(sparse) == alone
    assert e.assess(full) == first


def test_an_assessment_inside_the_read_of_another() -> None:
    """Python code run while an order is read (a tzinfo) may assess another order."""
    e = shop()
    inner: list[codguard.Assessment] = []

    class Zone(datetime.tzinfo):
        def utcoffset(self, dt):
            inner.append(e.assess(order("inner", phone="0661487329", name="Youssef")))
            return datetime.timedelta(0)

        def dst(self, dt):
            return None

    when = datetime.datetime.fromtimestamp(T0, tz=datetime.timezone.utc).replace(tzinfo=Zone())
    outer = e.assess(order("outer", placed_at=when))
    assert outer == e.assess(order("outer"))
    assert [a.order_id for a in inner] == ["inner"] * len(inner) and inner
    assert inner[0] == e.assess(order("inner", phone="0661487329", name="Youssef"))


def test_threads_each_read_their_own_orders() -> None:
    e = shop()
    orders = [order(f"t-{i}", phone=p, name=n) for i, (p, n) in
              enumerate([("0696030620", "Salma Khalil"), ("0661487329", "Youssef"), ("123", "")] * 20)]
    expected = [e.assess(o).to_json() for o in orders]
    results: dict[int, list[str]] = {}

    def run(k: int) -> None:
        results[k] = [e.assess(o).to_json() for o in (orders[k:] + orders[:k])]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, got in results.items():
        assert got == expected[k:] + expected[:k]
