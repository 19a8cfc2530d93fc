#!/usr/bin/env python3
"""Writes tests/data/email_validator_cases.json: the test inputs of the email-validator package
(https://github.com/JoshData/python-email-validator, public domain) with its verdict on each.

core/tests/email_peer.rs replays them through codguard and prints how often the two agree.

Usage: python scripts/gen_email_peer_cases.py PATH_TO_EMAIL_VALIDATOR_CHECKOUT
(needs the `email-validator` and `pytest` packages; the checkout's tests/ are imported to read
their `pytest.mark.parametrize` inputs, nothing of them is copied but the input strings.)
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import email_validator
from email_validator import EmailSyntaxError, validate_email

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "email_validator_cases.json"
# Keyword arguments naming the input in the peer's parametrized tests.
INPUT_ARGS = ("email_input", "invalid_email", "email")
# test_email_unsafe_character builds its inputs from single characters; the lone surrogate
# (U+D800) is left out: it cannot be a Rust string.
UNSAFE = ["\u2005", "\u2028", "\u2029", "\u0300", "\u009c", "\u200b",
          "\u202dforward-\u202ereversed", "\ue000", "\U0010fdef", "\ufdef"]


def inputs(tests: Path) -> list[tuple[str, str]]:
    sys.path.insert(0, str(tests))
    found = []
    for name in ("test_syntax", "test_main"):
        module = importlib.import_module(name)
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            for mark in getattr(fn, "pytestmark", []):
                if mark.name != "parametrize":
                    continue
                names = mark.args[0]
                names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
                for values in mark.args[1]:
                    values = getattr(values, "values", values)
                    if len(names) == 1:
                        values = (values,)
                    args = dict(zip(names, values))
                    value = next((args[a] for a in INPUT_ARGS if a in args), None)
                    if isinstance(value, str):
                        found.append((fname, value))
    for c in UNSAFE:
        found += [("test_email_unsafe_character", c + "@test"), ("test_email_unsafe_character", "test@" + c)]
    return found


def main() -> None:
    checkout = Path(sys.argv[1])
    commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    cases, seen = [], set()
    for test, raw in inputs(checkout / "tests"):
        if raw in seen:
            continue
        seen.add(raw)
        try:
            peer = validate_email(raw, check_deliverability=False).normalized
        except EmailSyntaxError:
            peer = None
        cases.append({"test": test, "input": raw, "peer": peer})
    doc = {
        "description": "Inputs of email-validator's own tests (public domain) and its verdict "
        "with default options and no DNS: `peer` is its normalized address, null when it "
        "rejects the input. Written by scripts/gen_email_peer_cases.py.",
        "peer": f"email-validator {email_validator.__version__}, tests at commit {commit or 'unknown'}",
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(cases)} inputs, {sum(c['peer'] is not None for c in cases)} valid for the peer -> {OUT}")


if __name__ == "__main__":
    main()
