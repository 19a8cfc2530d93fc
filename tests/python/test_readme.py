"""README's Python snippet runs as written, from the repository's root, and says what it shows.

A newcomer copies it first: it must not rot when the package or the example shop changes.
"""

from __future__ import annotations

import os
import re

import pytest

import codguard
from conftest import REPO


def snippet() -> str:
    """The first Python block of README's "## Python" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "README's Python section has no python block"
    return found.group(1)


def test_the_readme_python_snippet_runs_from_the_repository_root() -> None:
    here = os.getcwd()
    os.chdir(REPO)
    try:
        names: dict[str, object] = {}
        exec(compile(snippet(), "README.md (Python)", "exec"), names)
    finally:
        os.chdir(here)
    # What the snippet's comments say it shows.
    assert codguard.normalize_phone("٠٦٦١٤٧٢٩٨٣", "MA") == "+212661472983"
    engine = names["engine"]
    assert isinstance(engine, codguard.Engine)
    # The history, and the order `assess_and_add` kept.
    assert len(engine) == len(names["records"]) + 1  # type: ignore[arg-type]
    orders = names["orders"]
    many = names["many"]
    assert isinstance(orders, list) and isinstance(many, list) and len(many) == len(orders)
    assert names["a"].action == many[0].action  # type: ignore[attr-defined]
    assert names["kept"].to_dict() == many[1].to_dict()  # type: ignore[attr-defined]
    with pytest.raises(codguard.DuplicateOrder):
        engine.add_order(orders[1])
    assert names["found"] == [m["order_id"] for m in many[0].to_dict()["matches"]]  # type: ignore[attr-defined]
    assert names["found"], "the example's first order is a returning customer"
    door = names["door"]
    assert (door["street"], door["house_number"], door["unit"]) == (["امل"], "12", "bldg 3")  # type: ignore[index]
    assert names["same"] == 1.0
    assert codguard.name_similarity("Amina Tazi", "أمين التازي") < 0.5
