"""Typed shapes of the plain dicts codguard takes and returns (``docs/contract.md``, "Records").

These are :class:`typing.TypedDict` classes: documentation and type-checker help only. At run
time every value is a plain ``dict``.
"""

from __future__ import annotations

import datetime
from typing import List, Literal, Optional, TypedDict, Union

CustomerClass = Literal["new", "good", "negotiator", "risky", "ghost"]
Action = Literal["auto_confirm", "confirm", "review", "require_prepayment", "reject"]
OutcomeName = Literal[
    "pending", "confirmed", "delivered", "refused", "unreachable", "returned", "cancelled", "unconfirmed"
]
Evidence = Literal["phone", "email", "address", "name"]
Timestamp = Union[int, datetime.datetime]
"""Unix seconds (UTC), or an aware ``datetime``; a naive one raises ``InvalidInput``."""


class _OrderRequired(TypedDict):
    order_id: str
    placed_at: Timestamp
    country: str
    """ISO 3166-1 alpha-2 code, any letter case (``"MA"``, ``"eg"``); ``"Morocco"`` raises InvalidOrder."""


class Order(_OrderRequired, total=False):
    """A new order as the checkout received it. Only these keys: any other raises InvalidOrder
    naming it. The other text fields are optional (missing, None and "" mean the same)."""

    name: Optional[str]
    phone: Optional[str]
    email: Optional[str]
    address: Optional[str]
    city: Optional[str]
    total: Optional[float]
    currency: Optional[str]


class _HistoryRequired(Order):
    outcome: OutcomeName


class HistoryRecord(_HistoryRequired, total=False):
    """A past order with what became of it."""

    negotiated: bool


class Reason(TypedDict):
    code: str
    detail: str
    order_ids: List[str]


class Match(TypedDict):
    order_id: str
    score: float
    evidence: List[Evidence]


class Profile(TypedDict):
    orders: int
    delivered: int
    failed: int
    cancelled: int
    unconfirmed: int
    negotiated: int
    delivered_value: float
    first_seen: Optional[int]
    last_seen: Optional[int]


class Normalized(TypedDict):
    phone: Optional[str]
    email: Optional[str]
    address: str
    city: str


class AssessmentDict(TypedDict):
    """What ``Assessment.to_dict()`` returns: the contract's Assessment JSON."""

    order_id: str
    customer_class: CustomerClass
    action: Action
    risk: float
    reasons: List[Reason]
    matches: List[Match]
    profile: Profile
    normalized: Normalized
    notify_customer_service: bool


class PhoneInfo(TypedDict):
    e164: str
    country: str
    number_type: Literal["mobile", "fixed_line", "fixed_line_or_mobile", "other"]
    looks_fake: bool
    """Valid, but the digits look made up (runs, counting sequences): a weak signal."""
    junk: bool
    """Nobody can have it: all digits equal, or a fictitious range (``normalize_phone`` gives None)."""


class EmailInfo(TypedDict):
    address: str
    key: str
    fake: Optional[Literal["junk_local", "junk_domain", "disposable_domain", "digit_only_local"]]
    suggestion: Optional[str]


class AddressInfo(TypedDict):
    text: str
    street: List[str]
    house_number: Optional[str]
    unit: Optional[str]
    district: List[str]
    district_numbers: List[str]
    landmark: Optional[str]
    city_name: Optional[str]
    nonsense: bool


class NameInfo(TypedDict):
    tokens: List[str]
    keys: List[str]
    nonsense: bool


class IntentDict(TypedDict):
    """What ``reply_intent`` returns."""

    intent: Literal["confirm", "cancel", "new_phone", "unknown"]
    phone: Optional[str]
