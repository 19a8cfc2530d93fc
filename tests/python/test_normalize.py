"""Normalizers from Python: real checkout inputs, and properties over any string."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codguard

INVISIBLE = "\u200f\u200e\u061c\u200b\ufeff\u2066\u2067\u2068\u2069"
PHONE_ALPHABET = string.digits + "+()-./ _" + "٠١٢٣٤٥٦٧٨٩" + "۰۱۲۳۴۵۶۷۸۹" + "０１２３４５６７８９" + INVISIBLE
COUNTRIES = ["MA", "EG", "SA", "DZ", "TN", "AE", "JO", "FR"]


@pytest.mark.parametrize(
    "raw",
    [
        "0696030620",
        "06 96 03 06 20",
        "+212 696-030-620",
        "00212696030620",
        "+212 (0) 696030620",
        "٠٦٩٦٠٣٠٦٢٠",
        "۰۶۹۶۰۳۰۶۲۰",
        "０６９６０３０６２０",
        "\u200f0696030620\u200e",
        "\ufeff06\u200b96030620",
    ],
)
def test_moroccan_mobile_in_every_spelling(raw: str) -> None:
    assert codguard.normalize_phone(raw, "MA") == "+212696030620"


def test_invalid_and_junk_phones_are_none() -> None:
    assert codguard.normalize_phone("", "MA") is None
    assert codguard.normalize_phone("123", "MA") is None
    assert codguard.normalize_phone("not a phone", "MA") is None
    assert codguard.normalize_phone("0666666666", "MA") is None  # junk: all digits equal
    assert codguard.normalize_phone("0600000000", "MA") == "+212600000000"  # only looks made up
    assert codguard.normalize_phone("0" * 10_000, "MA") is None


def test_parse_phone_reports_why() -> None:
    info = codguard.parse_phone("+20 10 2709 6050", "MA")
    assert info["e164"] == "+201027096050"
    assert info["country"] == "EG"
    assert info["looks_fake"] is False
    assert info["number_type"] in {"mobile", "fixed_line", "fixed_line_or_mobile", "other"}
    assert codguard.parse_phone("0600000000", "MA")["looks_fake"] is True
    assert codguard.parse_phone("0600000000", "MA")["junk"] is False
    assert codguard.parse_phone("0666666666", "MA")["junk"] is True
    with pytest.raises(codguard.InvalidPhone) as e:
        codguard.parse_phone("12", "MA")
    assert e.value.code == "phone_too_short"


def test_unknown_country_raises() -> None:
    with pytest.raises(codguard.InvalidInput) as e:
        codguard.normalize_phone("0696030620", "XX")
    assert e.value.code == "invalid_country"


def test_no_country_is_none_or_blank() -> None:
    # None is no country, as "" is: a number with its + code reads, a national form does not,
    # so a shop can pass order.get("country") as it is. Anything else not a str is a TypeError.
    for country in (None, ""):
        assert codguard.normalize_phone("+212 696-030-620", country) == "+212696030620"
        assert codguard.normalize_phone("٠٠٢١٢٦٩٦٠٣٠٦٢٠", country) == "+212696030620"
        assert codguard.normalize_phone("0696030620", country) is None
        assert codguard.parse_phone("+20 10 2709 6050", country)["country"] == "EG"
        with pytest.raises(codguard.InvalidPhone) as e:
            codguard.parse_phone("0696030620", country)
        assert e.value.code == "phone_invalid_for_region"
        assert codguard.find_phone("جديد +212696030620 شكرا", country) == "+212696030620"
        assert codguard.find_phone("جديد 0696030620 شكرا", country) is None
    with pytest.raises(TypeError):
        codguard.normalize_phone("0696030620", 212)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        codguard.normalize_phone("0696030620")  # type: ignore[call-arg]


def test_find_phone_in_a_reply() -> None:
    assert codguard.find_phone("رقمي الجديد ٠٦٩٦٠٣٠٦٢٠ شكرا", "MA") == "+212696030620"
    assert codguard.find_phone("wakha, merci", "MA") is None


def test_emails() -> None:
    assert codguard.normalize_email("  M.Alaoui@Gmail.COM\u200f") == "m.alaoui@gmail.com"
    assert codguard.normalize_email("") is None
    assert codguard.normalize_email("no at sign") is None
    info = codguard.parse_email("M.Alaoui+shop@gmail.com")
    assert info["key"] == "malaoui@gmail.com"
    assert info["fake"] is None
    assert codguard.parse_email("test@test.com")["fake"] is not None
    assert codguard.parse_email("salma@gmial.com")["suggestion"] == "salma@gmail.com"
    with pytest.raises(codguard.InvalidEmail) as e:
        codguard.parse_email("")
    assert e.value.code == "email_empty"


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), st.text(alphabet=PHONE_ALPHABET)), country=st.sampled_from(COUNTRIES))
def test_normalize_phone_is_total_and_idempotent(raw: str, country: str) -> None:
    out = codguard.normalize_phone(raw, country)
    if out is not None:
        assert out.startswith("+") and out[1:].isdigit()
        assert codguard.normalize_phone(out, country) == out
        # E.164 needs no default country.
        assert codguard.normalize_phone(out, "FR") == out


@settings(max_examples=300, deadline=None)
@given(raw=st.text(), country=st.sampled_from(COUNTRIES))
def test_parse_phone_raises_only_codguard_errors(raw: str, country: str) -> None:
    try:
        info = codguard.parse_phone(raw, country)
    except codguard.Error as e:
        assert isinstance(e, codguard.InvalidInput)
        assert e.code.startswith("phone_") or e.code == "input_too_long"
    else:
        assert codguard.parse_phone(info["e164"], country)["e164"] == info["e164"]


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), st.emails(), st.emails().map(lambda e: f" {e.upper()}{INVISIBLE[0]}")))
def test_normalize_email_is_total_and_idempotent(raw: str) -> None:
    out = codguard.normalize_email(raw)
    if out is not None:
        assert codguard.normalize_email(out) == out
        info = codguard.parse_email(out)
        assert info["address"] == out
        assert codguard.parse_email(info["key"])["key"] == info["key"]


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_parse_email_raises_only_codguard_errors(raw: str) -> None:
    try:
        codguard.parse_email(raw)
    except codguard.Error as e:
        assert e.code in {"email_empty", "email_invalid", "input_too_long"}
