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


REPLAYERS: dict[str, Callable[[dict], None]] = {
    "phone": replay_phone,
    "email": replay_email,
}


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("*.json"))


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
