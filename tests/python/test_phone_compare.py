"""codguard's phone parsing against Google's libphonenumber (the ``phonenumbers`` package).

The numbers are those of ``test_phone_junk.py``: libphonenumber's example number of every region
and type, and up to 40 valid numbers drawn around each. Each is written the ways a checkout
receives it: E.164, libphonenumber's international format and its national format (with the
number's region as the default country). On every writing:

- where libphonenumber finds a valid number, codguard must find the same one (the two metadata
  versions may disagree on a handful of ranges: under 1% may be unknown to codguard);
- codguard never returns a number libphonenumber calls invalid ("invalid accepted");
- ``+00…`` (a ``+`` and an international prefix both typed) gives the number;
- a letter glued between two digits of the national writing (a sample of every 10th number,
  the letter at every place) gives no number or the number itself, never another.

Run it for the figures: ``python tests/python/test_phone_compare.py``.
"""

from __future__ import annotations

import json
from collections import Counter

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat as F

import codguard
from test_phone_junk import example_numbers, varied_numbers


def peer(text: str, region: str) -> str | None:
    try:
        n = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(n, F.E164) if phonenumbers.is_valid_number(n) else None


def ours(text: str, region: str) -> str | None:
    try:
        # "ZZ" is phonenumbers' no region; codguard's is "" (it refuses a code it does not know).
        return codguard.parse_phone(text, "" if region == "ZZ" else region)["e164"]
    except codguard.Error:
        return None


def valid_for_peer(e164: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return False


def compare() -> dict:
    numbers = example_numbers()
    numbers += varied_numbers(numbers)
    tally: Counter[str] = Counter({k: 0 for k in (
        "writings", "valid", "valid_same", "valid_unknown_to_codguard", "invalid_agreed",
        "invalid_other_reading", "plus00", "plus00_same", "glued", "glued_none", "glued_meant")})
    wrong: list[str] = []
    for i, n in enumerate(numbers):
        region = phonenumbers.region_code_for_number(n)
        if region in (None, "001", "ZZ"):
            region = "ZZ"
        e164 = phonenumbers.format_number(n, F.E164)
        for text in {e164, phonenumbers.format_number(n, F.INTERNATIONAL),
                     phonenumbers.format_number(n, F.NATIONAL)}:
            tally["writings"] += 1
            want, got = peer(text, region), ours(text, region)
            if want is not None:
                tally["valid"] += 1
                if got == want:
                    tally["valid_same"] += 1
                elif got is None:
                    tally["valid_unknown_to_codguard"] += 1
                else:
                    wrong.append(f"{text!r} {region}: libphonenumber {want}, codguard {got}")
            elif got is not None and not valid_for_peer(got):
                wrong.append(f"{text!r} {region}: invalid for libphonenumber, codguard {got}")
            else:
                tally["invalid_agreed" if got is None else "invalid_other_reading"] += 1
        plus00 = f"+00{n.country_code} {phonenumbers.national_significant_number(n)}"
        got = ours(plus00, "FR")
        tally["plus00"] += 1
        tally["plus00_same"] += got == e164
        if got not in (None, e164):
            wrong.append(f"{plus00!r}: codguard {got}")
        if i % 10 == 0:
            national = phonenumbers.format_number(n, F.NATIONAL)
            meant = ours(national, region)
            for at in range(1, len(national)):
                if not (national[at - 1].isdigit() and national[at].isdigit()):
                    continue
                text = national[:at] + "x" + national[at:]
                got = ours(text, region)
                tally["glued"] += 1
                if got is None:
                    tally["glued_none"] += 1
                elif got == meant:
                    tally["glued_meant"] += 1
                else:
                    wrong.append(f"{text!r} {region}: codguard {got}, meant {meant}")
    return {"phonenumbers": phonenumbers.__version__, "numbers": len(numbers), **tally, "wrong": wrong}


@pytest.fixture(scope="module")
def result() -> dict:
    return compare()


def test_same_numbers_as_libphonenumber(result: dict) -> None:
    print({k: v for k, v in result.items() if k != "wrong"})
    assert result["writings"] > 100_000, result["writings"]
    assert result["wrong"] == [], result["wrong"][:20]
    # The two metadata versions are of different dates; a handful of ranges may differ.
    assert result["valid_unknown_to_codguard"] < result["valid"] * 0.01


def test_plus_and_international_prefix(result: dict) -> None:
    assert result["plus00_same"] > result["plus00"] * 0.99, result


def test_glued_letters(result: dict) -> None:
    assert result["glued"] > 10_000, result
    assert result["glued_none"] + result["glued_meant"] == result["glued"]


if __name__ == "__main__":
    r = compare()
    r["wrong"] = r["wrong"][:20]
    print(json.dumps(r, indent=1))
