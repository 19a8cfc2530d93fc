"""codguard: protects cash-on-delivery shops from fake and refused orders.

Normalize what customers type (phones to E.164, emails, addresses, names), assess new orders
against the shop's history (customer class, action, risk and reasons) and drive the
confirmation flow. All logic lives in the Rust core; this package is a thin, typed binding.

>>> import codguard
>>> engine = codguard.Engine()
>>> len(engine)
0
"""

from codguard._codguard import (
    MAX_INPUT_BYTES,
    Assessment,
    ConfirmationFlow,
    DuplicateOrder,
    Engine,
    fit_risk_model,
    fit_risk_model_examples,
    risk_example,
    RiskFit,
    Error,
    InvalidConfig,
    InvalidEmail,
    InvalidEvent,
    InvalidInput,
    InvalidOrder,
    InvalidOrderType,
    InvalidPhone,
    InvalidToken,
    Lookup,
    SendGuard,
    SnapshotError,
    StoreCore,
    UnknownOrder,
    __version__,
    find_phone,
    issue_token,
    name_similarity,
    normalize_address,
    normalize_email,
    normalize_phone,
    parse_address,
    parse_email,
    parse_name,
    parse_phone,
    reply_intent,
    verify_token,
)

__all__ = [
    "MAX_INPUT_BYTES",
    "Assessment",
    "ConfirmationFlow",
    "DuplicateOrder",
    "Engine",
    "fit_risk_model",
    "fit_risk_model_examples",
    "risk_example",
    "RiskFit",
    "Error",
    "InvalidConfig",
    "InvalidEmail",
    "InvalidEvent",
    "InvalidInput",
    "InvalidOrder",
    "InvalidOrderType",
    "InvalidPhone",
    "InvalidToken",
    "Lookup",
    "SendGuard",
    "SnapshotError",
    "StoreCore",
    "UnknownOrder",
    "__version__",
    "find_phone",
    "issue_token",
    "name_similarity",
    "normalize_address",
    "normalize_email",
    "normalize_phone",
    "parse_address",
    "parse_email",
    "parse_name",
    "parse_phone",
    "reply_intent",
    "verify_token",
]
