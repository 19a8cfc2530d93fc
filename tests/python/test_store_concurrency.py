"""Store mode under concurrency: 4 processes, each with its own connection, add orders and assess
against one database at once (PostgreSQL and MySQL/MariaDB, at their default isolation levels).

Links are derived from keys at read time and never stored, so the final history must answer
exactly as a serial run does; the order_id primary key must refuse a double insert; and an order
added by one worker must be seen by another a moment later.
"""

from __future__ import annotations

import multiprocessing
import random
from typing import Any

import pytest

import codguard
import codguard.sql
from conftest import T0
from test_store import SECRET, dsn_of, drop_tables

WORKERS = 4
FIRST = ["Salma", "Youssef", "Imane", "Karim", "Nadia", "Omar", "Fatima Zahra", "Hamza",
         "سلمى", "يوسف", "إيمان", "كريم", "Amine", "Khadija", "Mehdi", "Sara"]
LAST = ["Khalil", "Benali", "Chraibi", "Idrissi", "Amrani", "El Fassi", "Tazi", "Alaoui",
        "خليل", "بنعلي", "الشرايبي", "الإدريسي", "Bennani", "Berrada", "Ziani", "Lahlou"]
CITIES = [("Casablanca", "Maarif"), ("Rabat", "Agdal"), ("Marrakech", "Gueliz"),
          ("Fès", "Saiss"), ("Tanger", "Malabata"), ("Agadir", "Talborjt")]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


RECENT = {"order_id": "recent-1", "placed_at": T0 + 900 * 86400, "name": "Hind Sqalli",
          "phone": "0677889900", "address": "3 Rue Sebou, Agdal", "city": "Rabat", "country": "MA"}


def phone_forms(number: str, rng: random.Random) -> str:
    """One of the ways a customer types a Moroccan mobile (06XXXXXXXX)."""
    n = number
    forms = [n, f"+212{n[1:]}", f"+212 {n[1:4]} {n[4:6]} {n[6:8]} {n[8:]}",
             f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:]}", f"00212-{n[1:]}",
             n.translate(ARABIC_INDIC), f"\u200f{n}\u200e"]
    return rng.choice(forms)


def customers(count: int, seed: int = 7) -> list[list[dict]]:
    """``count`` customers, each with 1 to 5 orders (hours apart) in varied spellings."""
    rng = random.Random(seed)
    out = []
    for c in range(count):
        first, last = FIRST[c % len(FIRST)], LAST[(c * 7 + 3) % len(LAST)]
        number = f"06{rng.randrange(10**8):08d}"
        city, district = CITIES[c % len(CITIES)]
        email = f"{first.lower().replace(' ', '.')}.{c}@gmail.com" if first.isascii() else ""
        orders = []
        for j in range(rng.randint(1, 5)):
            orders.append({
                "order_id": f"c{c:03}-{j}",
                "placed_at": T0 + c * 600 + j * 7 * 86400,
                "name": rng.choice([f"{first} {last}", f"{first.upper()} {last}", f"{last} {first}"]),
                "phone": phone_forms(number, rng),
                "email": email if rng.random() < 0.7 else "",
                "address": f"{10 + c} Rue {last}, {district}",
                "city": city,
                "country": "MA",
                "total": float(rng.randrange(99, 900)),
                "currency": "MAD",
            })
        out.append(orders)
    return out


def probe(orders: list[dict]) -> dict:
    """A new order of the customer, after all the others."""
    last = orders[-1]
    return dict(last, order_id=f"probe-{last['order_id']}", placed_at=T0 + 400 * 86400)


def worker(dsn: str, orders: list[dict], barrier: Any, race_id: str, handoff: Any, role: int) -> dict:
    """Adds and assesses its share of the orders; runs the races. Returns what it saw."""
    conn = codguard.sql.connect(dsn)
    store = codguard.sql.Store(conn, secret=SECRET)
    result: dict[str, Any] = {"added": [], "duplicates": 0, "race": None, "recent": None}
    barrier.wait(timeout=60)
    # Everyone inserts the same order id at the same moment: one wins.
    try:
        store.add_order({"order_id": race_id, "placed_at": T0, "phone": "0612345678", "country": "MA"})
        result["race"] = "added"
    except codguard.DuplicateOrder:
        result["race"] = "duplicate"
    for o in orders:
        store.assess(o)
        store.add_order(o)
        result["added"].append(o["order_id"])
    # The same customer's second order, through another worker a few seconds later.
    first = RECENT
    if role == 0:
        store.add_order(first)
        handoff.put("recent-1")
    elif role == 1:
        assert handoff.get(timeout=60) == "recent-1"
        second = dict(first, order_id="recent-2", placed_at=first["placed_at"] + 40,
                      phone="+212 677 88 99 00")
        a = store.assess(second)
        result["recent"] = {"codes": [r["code"] for r in a.reasons],
                            "matches": [m["order_id"] for m in a.matches]}
        store.add_order(second)
    conn.close()
    return result


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_four_workers_at_once_equal_a_serial_run(dialect: str) -> None:
    dsn = dsn_of(dialect)
    conn = codguard.sql.connect(dsn)
    drop_tables(conn)
    store = codguard.sql.Store(conn, secret=SECRET)
    store.migrate()

    people = customers(60)
    all_orders = [o for orders in people for o in orders]
    shuffled = list(all_orders)
    random.Random(3).shuffle(shuffled)
    shares = [shuffled[i::WORKERS] for i in range(WORKERS)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(WORKERS)
        handoff = manager.Queue()
        with ctx.Pool(WORKERS) as pool:
            pending = [pool.apply_async(worker, (dsn, shares[i], barrier, "race-1", handoff, i))
                       for i in range(WORKERS)]
            results = [p.get(timeout=300) for p in pending]

    # The race: exactly one insert of the same id won, the others got DuplicateOrder.
    assert sorted(r["race"] for r in results) == ["added"] + ["duplicate"] * (WORKERS - 1)
    # Nothing lost, nothing twice.
    added = [oid for r in results for oid in r["added"]]
    assert sorted(added) == sorted(o["order_id"] for o in all_orders)
    assert len(store) == len(all_orders) + 3  # + race-1, recent-1, recent-2

    # Another worker's order a few seconds earlier is a recent duplicate.
    recent = next(r["recent"] for r in results if r["recent"] is not None)
    assert recent["matches"] == ["recent-1"]
    assert "duplicate_recent_order" in recent["codes"]

    # The final answers equal a serial run over the same orders.
    serial = codguard.Engine()
    for o in sorted(all_orders, key=lambda o: o["order_id"]):
        serial.add_order(o)
    serial.add_order({"order_id": "race-1", "placed_at": T0, "phone": "0612345678", "country": "MA"})
    serial.add_order(RECENT)
    serial.add_order(dict(RECENT, order_id="recent-2", placed_at=RECENT["placed_at"] + 40,
                          phone="+212 677 88 99 00"))
    linked = 0
    for orders in people:
        q = probe(orders)
        got, want = store.assess(q), serial.assess(q)
        ids = [m["order_id"] for m in got.matches]
        assert len(ids) == len(set(ids))
        assert set(ids) == {m["order_id"] for m in want.matches}, q["order_id"]
        assert got.profile["orders"] == want.profile["orders"]
        assert got.to_dict() == want.to_dict()
        linked += {o["order_id"] for o in orders} <= set(ids)
    # Most customers' orders are found whole (spelling noise may split a few).
    assert linked >= len(people) * 0.8, linked
    conn.close()
