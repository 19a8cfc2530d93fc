"""How often the junk rule and the weaker "looks made up" flag fire on real phone numbers.

Real numbers come from Google's libphonenumber metadata, through the ``phonenumbers`` package
(independent of the Rust port codguard uses):

- the example number of every region (and non-geographic entity) for every number type;
- ``PER_TYPE`` valid numbers per region and type, made from the example by replacing its last
  2 to 6 digits with random digits (seeded, so every run draws the same numbers) and kept when
  libphonenumber says the result is valid and of the same type.

A number is *junk* for codguard when all its national digits are equal or it lies in a range a
regulator reserves for fiction (``core/data/phone_fictitious_ranges.tsv``); junk numbers cannot
be reached, so ``normalize_phone`` refuses them. Fictitious numbers are not allocated to anyone,
so the goal is: every junk number among these is in a listed fictitious range (libphonenumber
itself uses some as examples, e.g. the US 201-555-0123), and no other valid number is junk.
*Looks made up* (digit runs, counting sequences) is only a weak signal; its count is reported.

Run it for the figures: ``python tests/python/test_phone_junk.py`` (needs codguard and
phonenumbers installed); pytest runs the same measurement and checks the goal.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType as T

import codguard

REPO = Path(__file__).resolve().parents[2]
RANGES = REPO / "core" / "data" / "phone_fictitious_ranges.tsv"
PER_TYPE = 40
SEED = 2026
TYPES = [
    T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.SHARED_COST, T.VOIP,
    T.PERSONAL_NUMBER, T.PAGER, T.UAN, T.VOICEMAIL,
]


def fictitious_ranges() -> list[tuple[int, str]]:
    """(country calling code, pattern with x for any digit), read independently of the Rust code."""
    out = []
    for line in RANGES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, pattern = line.split("\t")[:2]
        out.append((int(code), pattern))
    return out


def in_fictitious_range(n: phonenumbers.PhoneNumber, ranges: list[tuple[int, str]]) -> bool:
    nsn = phonenumbers.national_significant_number(n)
    return any(
        code == n.country_code
        and len(pattern) == len(nsn)
        and all(p == "x" or p == d for p, d in zip(pattern, nsn))
        for code, pattern in ranges
    )


def example_numbers() -> list[phonenumbers.PhoneNumber]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for t in TYPES:
            n = phonenumbers.example_number_for_type(region, t)
            if n is not None:
                found.append(n)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        n = phonenumbers.example_number_for_non_geo_entity(code)
        if n is not None:
            found.append(n)
    return found


def varied_numbers(examples: list[phonenumbers.PhoneNumber]) -> list[phonenumbers.PhoneNumber]:
    """Up to PER_TYPE valid numbers per example, drawn around it with a seeded generator."""
    rng = random.Random(SEED)
    out, seen = [], set()
    for ex in examples:
        nsn = phonenumbers.national_significant_number(ex)
        kind = phonenumbers.number_type(ex)
        kept = 0
        for _ in range(PER_TYPE * 4):
            m = rng.randint(2, max(2, min(6, len(nsn) - 2)))
            digits = nsn[:-m] + "".join(rng.choice("0123456789") for _ in range(m))
            try:
                n = phonenumbers.parse(f"+{ex.country_code}{digits}", None)
            except phonenumbers.NumberParseException:
                continue
            e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
            if e164 in seen or not phonenumbers.is_valid_number(n) or phonenumbers.number_type(n) != kind:
                continue
            seen.add(e164)
            out.append(n)
            kept += 1
            if kept == PER_TYPE:
                break
    return out


@dataclass
class Tally:
    numbers: int = 0
    not_valid_for_codguard: list[str] = field(default_factory=list)
    junk_fictitious: list[str] = field(default_factory=list)
    junk_real: list[str] = field(default_factory=list)
    looks_fake: int = 0

    def figures(self) -> dict:
        return {
            "numbers": self.numbers,
            "junk_in_fictitious_ranges": len(self.junk_fictitious),
            "junk_otherwise": len(self.junk_real),
            "looks_fake": self.looks_fake,
            "not_valid_for_codguard": len(self.not_valid_for_codguard),
        }


def tally(numbers: list[phonenumbers.PhoneNumber]) -> Tally:
    ranges = fictitious_ranges()
    t = Tally()
    for n in numbers:
        e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
        t.numbers += 1
        try:
            info = codguard.parse_phone(e164, "")
        except codguard.InvalidPhone:
            # The two metadata versions disagree on this range; not the junk rule's doing.
            t.not_valid_for_codguard.append(e164)
            continue
        t.looks_fake += info["looks_fake"]
        if info["junk"]:
            (t.junk_fictitious if in_fictitious_range(n, ranges) else t.junk_real).append(e164)
        assert (codguard.normalize_phone(e164, "") is None) == info["junk"], e164
    return t


@pytest.fixture(scope="module")
def measured() -> dict[str, Tally]:
    examples = example_numbers()
    return {"examples": tally(examples), "varied": tally(varied_numbers(examples))}


def test_no_real_number_is_junk(measured: dict[str, Tally]) -> None:
    for name, t in measured.items():
        assert t.numbers > (1000 if name == "examples" else 30000), (name, t.numbers)
        assert t.junk_real == [], f"{name}: valid numbers called junk: {t.junk_real[:20]}"
        # The metadata of the two libraries are of different dates; a handful may differ.
        assert len(t.not_valid_for_codguard) < t.numbers * 0.01, (name, t.not_valid_for_codguard[:20])


def test_fictitious_examples_are_junk(measured: dict[str, Tally]) -> None:
    # libphonenumber's US example number is NANP 555-0123: fictitious, so junk.
    assert "+12015550123" in measured["examples"].junk_fictitious


if __name__ == "__main__":
    examples = example_numbers()
    result = {
        "phonenumbers": phonenumbers.__version__,
        "examples": tally(examples).figures(),
        "varied": tally(varied_numbers(examples)).figures(),
    }
    print(json.dumps(result, indent=1))
