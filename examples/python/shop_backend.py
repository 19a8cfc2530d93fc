"""A small shop backend around codguard: assess incoming orders, run confirmation flows.

Loads the shop's history, assesses new orders as they arrive, starts a confirmation flow for
those that need one and drives every flow from a periodic job with a simulated clock. Flows
live in an sqlite3 table as snapshots between events, as they would in a real database; the
"customers" answer at random (seeded, so every run is the same).

Run: python examples/python/shop_backend.py [--data examples/data] [--orders 200]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
from collections import Counter
from pathlib import Path

import codguard

REPO = Path(__file__).resolve().parents[2]
SECRET = b"demo-shop-secret"
TICK = 15 * 60  # the periodic job runs every 15 minutes


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Backend:
    def __init__(self, history: list[dict]) -> None:
        self.engine = codguard.Engine()
        self.engine.add_history(history)
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE TABLE flows (order_id TEXT PRIMARY KEY, snapshot BLOB, next_deadline INTEGER, state TEXT)"
        )
        self.log: Counter[str] = Counter()

    def store(self, order_id: str, flow: codguard.ConfirmationFlow) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO flows VALUES (?, ?, ?, ?)",
            (order_id, flow.snapshot(), flow.next_deadline, flow.state),
        )

    def load(self, order_id: str) -> codguard.ConfirmationFlow:
        (data,) = self.db.execute("SELECT snapshot FROM flows WHERE order_id = ?", (order_id,)).fetchone()
        return codguard.ConfirmationFlow.restore(data, SECRET)

    def carry_out(self, order_id: str, actions: list[dict]) -> None:
        for a in actions:
            kind = a["type"] if a["type"] != "send" else f"send {a['channel']}"
            self.log[kind] += 1
            if a["type"] == "confirm":
                self.engine.record_outcome(order_id, "confirmed")
            elif a["type"] == "cancel" and a["reason"] == "unconfirmed":
                self.engine.record_outcome(order_id, "unconfirmed")
            elif a["type"] == "cancel":
                self.engine.record_outcome(order_id, "cancelled")
            elif a["type"] == "return_to_sender":
                # After a failed delivery: "refused" at the door, else "returned".
                self.engine.record_outcome(order_id, a["outcome"])

    def on_checkout(self, order: dict) -> codguard.Assessment:
        """The checkout's webhook: assess, remember the order, start its flow."""
        a = self.engine.assess_and_add(order)
        self.log[f"class {a.customer_class}"] += 1
        flow = codguard.ConfirmationFlow(order, {"shop_name": "Demo"}, secret=SECRET, action=a)
        self.carry_out(order["order_id"], flow.handle({"type": "placed", "at": order["placed_at"]}))
        self.store(order["order_id"], flow)
        return a

    def on_event(self, order_id: str, event: dict) -> None:
        """A customer's reply, a link click or a call result arrives."""
        flow = self.load(order_id)
        self.carry_out(order_id, flow.handle(event))
        self.store(order_id, flow)

    def periodic_job(self, now: int) -> None:
        """Feeds a tick to every flow whose deadline has come."""
        due = self.db.execute(
            "SELECT order_id FROM flows WHERE next_deadline IS NOT NULL AND next_deadline <= ?", (now,)
        ).fetchall()
        for (order_id,) in due:
            self.on_event(order_id, {"type": "tick", "at": now})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(REPO / "examples" / "data"))
    ap.add_argument("--orders", type=int, default=200)
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "history.jsonl").is_file():
        data = REPO.parent / "shared" / "data" / "dev"
    backend = Backend(read_jsonl(data / "history.jsonl"))
    orders = sorted(read_jsonl(data / "queries.jsonl")[: args.orders], key=lambda o: o["placed_at"])
    rng = random.Random(7)
    replies = ["wakha", "نعم أؤكد", "oui", "la", "ما بغيتش", "1", "shkoun nta?"]

    now = orders[0]["placed_at"]
    end = orders[-1]["placed_at"] + 3 * 86400
    pending = list(orders)
    while now <= end:
        while pending and pending[0]["placed_at"] <= now:
            order = pending.pop(0)
            backend.on_checkout(order)
            if rng.random() < 0.6:  # some customers answer at once
                text = rng.choice(replies)
                intent = codguard.reply_intent(text, order.get("country", ""))
                event = {"type": "reply", "at": order["placed_at"] + 60, "channel": "sms", **intent}
                if intent["intent"] != "new_phone":
                    backend.on_event(order["order_id"], event)
        backend.periodic_job(now)
        now += TICK

    states = Counter(s for (s,) in backend.db.execute("SELECT state FROM flows"))
    print(f"orders: {len(orders)}, history: {len(backend.engine)} orders")
    for k, v in sorted(backend.log.items()):
        print(f"  {k:<32}{v:>6}")
    print("flow states:", dict(sorted(states.items())))


if __name__ == "__main__":
    main()
