"""docs/contract.md's errors table, its Python column: each code is raised as the class it names.

The Rust test (core/tests/docs_contract.rs) checks the code, Rust and C columns; this one
checks the Python column against what the package really raises. Every code of the table needs
a call here that raises it (a new code without one fails), except the codes no Python call
raises, each listed with why, and checked to stay that way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

import codguard
from conftest import REPO, VECTORS, order, past


def table() -> dict[str, list[str]]:
    """Each code of section 9's table, with the class names its Python column gives (the first
    is the class raised; any other in parentheses is a subclass raised in a narrower case)."""
    text = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
    section = text.split("## 9. Errors", 1)[1]
    rows: dict[str, list[str]] = {}
    header: list[str] | None = None
    for line in section.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(cells[0]) <= {"-", ":"}:
            continue
        code = cells[0].strip("`")
        python = cells[header.index("Python")]
        rows[code] = re.findall(r"`([A-Za-z]+)`", python)
    return rows


def phone_case(error: str) -> dict:
    cases = json.loads((VECTORS / "phone.json").read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["error"] == error)


def email_case(error: str) -> dict:
    cases = json.loads((VECTORS / "email.json").read_text(encoding="utf-8"))["cases"]
    return next(c for c in cases if c["error"] == error)


def engine_snapshot() -> bytes:
    e = codguard.Engine()
    e.add_history([past("h-1", "delivered")])
    return e.save()


def flipped(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


def newer_version(data: bytes) -> bytes:
    # The header: 8 bytes of magic, then the format version (u32, little-endian).
    return data[:8] + (999).to_bytes(4, "little") + data[12:]


def duplicate() -> None:
    e = codguard.Engine()
    e.add_history([past("h-1", "delivered")])
    e.add_history([past("h-1", "refused")])


def text_is_no_record() -> None:
    # Python takes records as dicts, never as JSON text: a str, JSON or not, is a record of the
    # wrong type (the caller's json.loads meets the text first).
    for text in ("order_id,name,phone", '{"order_id": "o-1", "placed_at": 1, "country": "MA"}'):
        with pytest.raises(codguard.InvalidOrderType):
            codguard.Engine().assess(text)


TOKEN = codguard.issue_token(b"k", "o-1", 2_000_000_000)

# A call that raises each code, through the public API.
TRIGGERS: dict[str, Callable[[], object]] = {
    "invalid_record": lambda: codguard.Engine().assess({"placed_at": 1}),
    "invalid_utf8": lambda: codguard.parse_phone("\ud800", "MA"),
    "input_too_long": lambda: codguard.parse_phone(phone_case("input_too_long")["raw"], "MA"),
    "invalid_country": lambda: codguard.parse_phone("0696030620", "XX"),
    "phone_empty": lambda: codguard.parse_phone(phone_case("phone_empty")["raw"], "MA"),
    "phone_too_short": lambda: codguard.parse_phone(phone_case("phone_too_short")["raw"], "MA"),
    "phone_too_long": lambda: codguard.parse_phone(phone_case("phone_too_long")["raw"], "MA"),
    "phone_invalid_for_region": lambda: codguard.parse_phone(
        phone_case("phone_invalid_for_region")["raw"], "MA"
    ),
    "phone_not_a_number": lambda: codguard.parse_phone(phone_case("phone_not_a_number")["raw"], "MA"),
    "email_empty": lambda: codguard.parse_email(""),
    "email_invalid": lambda: codguard.parse_email(email_case("email_invalid")["raw"]),
    "invalid_config": lambda: codguard.Engine({"no_such_setting": 1}),
    "unknown_order": lambda: codguard.Engine().record_outcome("nope", "delivered"),
    "duplicate_order": duplicate,
    "invalid_event": lambda: codguard.ConfirmationFlow(order("o-1"), secret=b"k").handle(
        {"type": "teleport", "at": 1}
    ),
    "token_malformed": lambda: codguard.verify_token(b"k", "short", "o-1", 0),
    "token_forged": lambda: codguard.verify_token(b"other key", TOKEN, "o-1", 0),
    "token_expired": lambda: codguard.verify_token(b"k", TOKEN, "o-1", 2_000_000_001),
    "token_wrong_order": lambda: codguard.verify_token(b"k", TOKEN, "o-2", 0),
    "snapshot_truncated": lambda: codguard.Engine.load(engine_snapshot()[:5]),
    "snapshot_corrupt": lambda: codguard.Engine.load(flipped(engine_snapshot(), 40)),
    "snapshot_version": lambda: codguard.Engine.load(newer_version(engine_snapshot())),
}

# Codes no Python call raises, and the check that it stays so.
NOT_RAISED: dict[str, Callable[[], None]] = {
    # parse_phone reports a junk number (junk=True), normalize_phone answers None.
    "phone_junk": lambda: (
        codguard.parse_phone(phone_case("phone_junk")["raw"], "MA")["junk"] is True
        and codguard.normalize_phone(phone_case("phone_junk")["raw"], "MA") is None
    )
    or pytest.fail("phone_junk: parse_phone no longer reports junk=True"),
    "invalid_json": text_is_no_record,
}


def test_the_table_has_every_code_once_with_a_python_class() -> None:
    rows = table()
    assert len(rows) >= 20, rows
    for code, classes in rows.items():
        assert classes, f"{code}: no class in the Python column"
        for name in classes:
            cls = getattr(codguard, name, None)
            assert isinstance(cls, type) and issubclass(cls, codguard.Error), f"{code}: codguard.{name}"
        for narrower in classes[1:]:
            assert issubclass(getattr(codguard, narrower), getattr(codguard, classes[0])), code


@pytest.mark.parametrize("code", sorted(table()))
def test_each_code_is_raised_as_its_documented_class(code: str) -> None:
    documented = table()[code][0]
    if code in NOT_RAISED:
        assert code not in TRIGGERS
        NOT_RAISED[code]()
        return
    assert code in TRIGGERS, f"{code}: add a call that raises it to TRIGGERS"
    with pytest.raises(codguard.Error) as e:
        TRIGGERS[code]()
    assert e.value.code == code
    assert type(e.value) is getattr(codguard, documented), (code, type(e.value).__name__, documented)


def test_the_narrower_class_of_invalid_record() -> None:
    # "InvalidOrderType for a wrong Python type", as the table says.
    assert table()["invalid_record"][1:] == ["InvalidOrderType"]
    with pytest.raises(codguard.InvalidOrderType) as e:
        codguard.Engine().assess(order("o-1", phone=612345678))
    assert e.value.code == "invalid_record"


def test_no_trigger_for_a_code_the_table_lacks() -> None:
    rows = table()
    assert set(TRIGGERS) | set(NOT_RAISED) == set(rows)
