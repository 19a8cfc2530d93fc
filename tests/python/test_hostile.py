"""Hostile input through the Python binding: nothing given to it may kill the interpreter.

Each crash case runs in a child interpreter, so a crash (SIGSEGV, stack overflow) is a failing
test with its signal rather than the end of the test run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import codguard
from conftest import order

SECRET = b"shop-secret"


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    """Runs `code` in a fresh interpreter (with this test folder's helpers importable)."""
    prelude = "import sys; sys.path.insert(0, %r)\n" % str(__import__("pathlib").Path(__file__).parent)
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_child_ok(code: str) -> str:
    done = run_child(code)
    assert done.returncode == 0, (
        f"child exited with {done.returncode} (negative: killed by that signal)\n{done.stderr[-2000:]}"
    )
    return done.stdout


# The four entry points that turn arbitrary Python data into JSON for the core, each as the
# statement a child runs with `deep` bound to the hostile value.
ENTRY_POINTS = {
    "engine_config": "codguard.Engine({'weights': deep})",
    "store_config": "codguard.StoreCore({'weights': deep}, secret=b's')",
    "flow_policy": "codguard.ConfirmationFlow(order('o-1'), {'templates': deep}, secret=b's')",
    "flow_event": "codguard.ConfirmationFlow(order('o-1'), secret=b's').handle("
    "{'type': 'placed', 'at': 1767225600, 'x': deep})",
    "send_guard_policy": "codguard.SendGuard({'limits': deep}, secret=b's')",
    "send_guard_action": "codguard.SendGuard(secret=b's').admit("
    "{'type': 'send', 'channel': 'sms', 'to': '+212696030620', 'x': deep}, 1767225600, 'MA')",
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_100k_deep_data_on_the_main_thread_is_an_error(entry: str) -> None:
    out = assert_child_ok(
        f"""
        import codguard
        from conftest import order
        for kind in ("dict", "list"):
            deep = None
            for _ in range(100_000):
                deep = {{"a": deep}} if kind == "dict" else [deep]
            try:
                {ENTRY_POINTS[entry]}
            except codguard.Error as e:
                print(type(e).__name__, e.code, str(e))
            else:
                print("accepted")
        """
    )
    lines = out.splitlines()
    assert len(lines) == 2, out
    for line in lines:
        assert "nested more than 64 levels deep" in line, line


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_990_deep_data_on_a_512k_thread_is_an_error(entry: str) -> None:
    # 990 levels is what json.loads accepts on such a thread: a web server's worker thread
    # may hand the binding exactly that.
    out = assert_child_ok(
        f"""
        import json, threading
        import codguard
        from conftest import order
        threading.stack_size(512 * 1024)
        seen = []
        def work():
            deep = json.loads("[" * 990 + "]" * 990)
            try:
                {ENTRY_POINTS[entry]}
            except codguard.Error as e:
                seen.append(str(e))
        t = threading.Thread(target=work)
        t.start()
        t.join()
        print(seen)
        """
    )
    assert "nested more than 64 levels deep" in out, out


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_cycles_are_an_error(entry: str) -> None:
    out = assert_child_ok(
        f"""
        import codguard
        from conftest import order
        d = {{}}; d["self"] = d
        l = []; l.append(l)
        a = {{}}; b = [a]; a["b"] = b
        deep_cycle = {{}}
        cur = deep_cycle
        for _ in range(30):
            cur["n"] = {{}}
            cur = cur["n"]
        cur["back"] = deep_cycle
        for deep in (d, l, a, deep_cycle):
            try:
                {ENTRY_POINTS[entry]}
            except codguard.Error as e:
                print(str(e))
        """
    )
    lines = out.splitlines()
    assert len(lines) == 4, out
    for line in lines:
        assert "contains itself" in line, line


def test_a_value_shared_twice_is_not_a_cycle() -> None:
    # The same list under two keys is a DAG, not a cycle: plain data that converts.
    shared = ["sms"]
    with pytest.raises(codguard.InvalidConfig) as e:
        codguard.Engine({"weights": {"a": shared, "b": shared}})
    assert "contains itself" not in str(e.value)
    assert "nested" not in str(e.value)


def test_depth_64_converts_and_65_does_not() -> None:
    f = codguard.ConfirmationFlow(order("o-1"), secret=SECRET)
    deep: object = "x"
    for _ in range(63):  # the event dict itself is the 64th level
        deep = [deep]
    # Deep enough to convert, then refused by the event's own rules (an unknown key).
    with pytest.raises(codguard.InvalidEvent) as e:
        f.handle({"type": "placed", "at": 1_767_225_600, "x": deep})
    assert "nested" not in str(e.value)
    with pytest.raises(codguard.InvalidEvent, match="nested more than 64 levels deep"):
        f.handle({"type": "placed", "at": 1_767_225_600, "x": [deep]})
    assert f.state == "not_started", "a refused event changes nothing"


def test_record_fields_past_their_limit_are_refused_by_name() -> None:
    e = codguard.Engine()
    huge = "محمد " * 20_000_000  # 200 MB of Arabic text: refused, never copied into the core
    cases = [
        ({**order("o-1"), "name": huge}, "name", "the maximum is 16384"),
        ({**order("o-1"), "address": "ب" * 8193}, "address", "is 16386 bytes long"),
        ({**order("o-1"), "phone": "٠" * 8193}, "phone", "is 16386 bytes long"),
        ({**order("o-1"), "currency": "MAD" * 11}, "currency", "the maximum is 32"),
        ({**order("o-1"), "order_id": "٣" * 192}, "order_id", "192 characters long, the maximum is 191"),
        ({**order("o-1"), "order_id": "o\x001"}, "order_id", "holds a NUL character"),
    ]
    for record, field, why in cases:
        for call in (e.assess, e.add_order, e.assess_and_add, lambda r: e.add_history([{**r, "outcome": "refused"}])):
            with pytest.raises(codguard.InvalidOrder) as err:
                call(record)
            assert err.value.code == "invalid_record"
            assert f"field `{field}`" in str(err.value) and why in str(err.value), str(err.value)
            assert "محمد" not in str(err.value) and "MADMAD" not in str(err.value)
    assert len(e) == 0
    # At the limits the order is an order: a 191-character id and 16,384-byte texts.
    edge = {**order("٣" * 191), "name": "ب" * 8192, "address": "ح" * 8192, "currency": "د.م."}
    assert e.assess(edge).order_id == "٣" * 191
    e.add_order(edge)
    assert len(e) == 1
    assert e.assess_and_add({**edge, "order_id": "٣" * 190}).order_id == "٣" * 190
    assert len(e) == 2


def test_sealed_engine_snapshots() -> None:
    """Issue 16 item 9: the CRC is no signature; a snapshot sealed with a key is."""
    from conftest import past

    e = codguard.Engine()
    e.add_history([past("h-1", "refused", phone="0696030620"), past("h-2", "delivered", phone="0661472983")])
    key = "مفتاح المتجر"
    sealed = e.save(key=key)
    assert len(sealed) == len(e.save()) + 32
    back = codguard.Engine.load(sealed, key=key)
    assert len(back) == 2
    q = order("q-1", phone="0696030620")
    assert back.assess(q).to_dict() == e.assess(q).to_dict()
    assert codguard.Engine.load(sealed, key=key.encode()).save() == e.save()
    for bad, k in [(sealed, "another key"), (e.save(), key), (sealed[:-1], key), (sealed[:10], key)]:
        with pytest.raises(codguard.SnapshotError):
            codguard.Engine.load(bad, key=k)
    # Every single-bit flip of the sealed bytes is refused (the CRC alone would let a forger
    # recompute it; the tag cannot be recomputed without the key).
    for i in range(0, len(sealed), max(1, len(sealed) // 200)):
        flipped = bytearray(sealed)
        flipped[i] ^= 0x10
        with pytest.raises(codguard.SnapshotError):
            codguard.Engine.load(bytes(flipped), key=key)
    with pytest.raises(codguard.SnapshotError):
        codguard.Engine.load(sealed)  # a sealed snapshot is not a plain one
    with pytest.raises(codguard.InvalidConfig):
        e.save(key=b"")
    with pytest.raises(TypeError):
        e.save(key=3)  # type: ignore[arg-type]
