"""Shared paths and helpers of the codguard Python tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"


def dev_data_dir() -> Path | None:
    """The sample data: the repository's sibling ``shared/data/dev``, else ``examples/data``."""
    for d in (REPO.parent / "shared" / "data" / "dev", REPO / "examples" / "data"):
        if (d / "history.jsonl").is_file() and (d / "queries.jsonl").is_file():
            return d
    return None


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def dev_data() -> tuple[list[dict], list[dict]]:
    d = dev_data_dir()
    if d is None:
        pytest.fail("no sample data: neither ../shared/data/dev nor examples/data has history.jsonl")
    return read_jsonl(d / "history.jsonl"), read_jsonl(d / "queries.jsonl")


T0 = 1_767_225_600  # 2026-01-01T00:00:00Z


def order(order_id: str, **fields) -> dict:
    """A Moroccan order with sensible defaults."""
    base = {
        "order_id": order_id,
        "placed_at": T0,
        "name": "Salma Khalil",
        "phone": "0696030620",
        "email": "salma.khalil@gmail.com",
        "address": "12 زنقة ابن بطوطة، حي المعاريف",
        "city": "الدار البيضاء",
        "country": "MA",
        "total": 349.0,
        "currency": "MAD",
    }
    base.update(fields)
    return base


def past(order_id: str, outcome: str, days_ago: int = 30, **fields) -> dict:
    rec = order(order_id, placed_at=T0 - days_ago * 86400, **fields)
    rec["outcome"] = outcome
    return rec
