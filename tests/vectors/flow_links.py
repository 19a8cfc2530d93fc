"""Recomputes the links of the flow vectors (tests/vectors/flow/*.json), independently of the
library: run it after a change of the link format, then review the diff.

    python3 tests/vectors/flow_links.py [--check]

A flow link's token is 24 bytes as 32 characters of unpadded base64url: expiry (u32, big
endian), the low byte of the link epoch, 16 bits of FNV-1a over (order id, 0, nonce), then the
first 17 bytes of HMAC-SHA256(secret, "codguard/flow-link/v2" || len64(order id) || order id ||
len64(nonce) || nonce || epoch (u32) || the first 7 bytes). The epoch counts the runs of the
flow: it starts at 0 and a run begins at `placed` (actions confirm, review, require_prepayment),
at an accepted `new_phone` reply (awaiting an answer, a different number), and at a
`delivery_failed` that moves a confirmed order to `awaiting_reschedule`. Each file gives its
`secret` and `nonce`; the expiry is read from the link being replaced. Needs `phonenumbers`
(to tell a new number from the current one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import sys
from pathlib import Path

import phonenumbers

DOMAIN = b"codguard/flow-link/v2"
DEFAULT_NONCE = "vector-flow-nonce"
AWAITING = {"awaiting_sms", "awaiting_whatsapp", "awaiting_email", "awaiting_call",
            "awaiting_payment", "awaiting_reschedule"}


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def flow_token(secret: bytes, order_id: str, nonce: bytes, epoch: int, expiry: int) -> str:
    oid = order_id.encode()
    h = fnv1a(oid + b"\0" + nonce)
    head = struct.pack(">I", expiry) + bytes([epoch & 0xFF]) + struct.pack(">H", h & 0xFFFF)
    bound = struct.pack(">Q", len(nonce)) + nonce + struct.pack(">I", epoch)
    mac = hmac.new(secret, DOMAIN + struct.pack(">Q", len(oid)) + oid + bound + head, hashlib.sha256)
    return base64.urlsafe_b64encode(head + mac.digest()[:17]).decode().rstrip("=")


def expiry_of(token: str) -> int:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return struct.unpack(">I", raw[:4])[0]


def e164(raw: str, country: str) -> str | None:
    try:
        n = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) if phonenumbers.is_valid_number(n) else None


def retoken(doc: dict) -> dict:
    doc.setdefault("nonce", DEFAULT_NONCE)
    secret, nonce = doc["secret"].encode(), doc["nonce"].encode()
    order = doc["order"]
    oid, country = order["order_id"], order.get("country", "")
    phone = e164(order.get("phone", ""), country)
    epoch, state, renamed = 0, "not_started", {}
    for step in doc["steps"]:
        e, ok = step["event"], "error" not in step
        if ok and e["type"] == "placed" and state == "not_started" and doc["action"] in ("confirm", "review", "require_prepayment"):
            epoch += 1
        elif ok and e["type"] == "reply" and e.get("intent") == "new_phone" and state in AWAITING:
            new = e164(e.get("phone", ""), country)
            if new and new != phone:
                phone, epoch = new, epoch + 1
        elif ok and e["type"] == "delivery_failed" and state in ("confirmed", "auto_confirmed") and step["state"] == "awaiting_reschedule":
            epoch += 1
        if e["type"] == "link_clicked" and e.get("token") in renamed:
            e["token"] = renamed[e["token"]]
        for a in step.get("actions") or []:
            if a.get("link"):
                base, old = a["link"][:-32], a["link"][-32:]
                new = flow_token(secret, oid, nonce, epoch, expiry_of(old))
                renamed[old] = new
                a["link"] = base + new
                a["body"] = a["body"].replace(old, new)
        state = step["state"]
    return doc


def main() -> int:
    check = "--check" in sys.argv
    changed = []
    for path in sorted((Path(__file__).parent / "flow").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        doc = retoken(json.loads(text))
        out = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        if out != text:
            changed.append(path.name)
            if not check:
                path.write_text(out, encoding="utf-8")
    print(("would change: " if check else "changed: ") + (", ".join(changed) or "nothing"))
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
