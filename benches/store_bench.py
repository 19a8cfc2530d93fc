"""Store mode at scale: assess latency and rows read per assess as the history grows.

Generates synthetic shop histories (customers with 1 to 5 orders across MA, EG, SA, DZ, TN and
FR, phones typed in varied formats, Arabic and Latin names, a few shared relay-point phones on
many orders), bulk-loads each into the database through ``codguard.sql.Store.add_history`` (COPY
on PostgreSQL, rows computed by ``StoreCore``), then assesses queries (half returning customers,
half new ones) and reports p50/p99 of ``assess`` and rows read per assess. Both must stay flat
as the history grows: every read is an index lookup capped at ``max_orders_per_key + 1`` rows.

Run: python benches/store_bench.py --dsn DSN [--sizes 100000,1000000] [--queries 2000]
DROPS the cg_ tables of that database. Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator

import codguard.sql

SECRET = b"store-bench-secret"
T0 = 1_700_000_000

FIRST = ["Salma", "Youssef", "Imane", "Karim", "Nadia", "Omar", "Fatima", "Hamza", "Amine",
         "Khadija", "Mehdi", "Sara", "Mohamed", "Aya", "Yassine", "Hiba", "Ahmed", "Mariam",
         "سلمى", "يوسف", "إيمان", "كريم", "محمد", "فاطمة", "أحمد", "مريم", "خديجة", "عمر"]
LAST = ["Khalil", "Benali", "Chraibi", "Idrissi", "Amrani", "El Fassi", "Tazi", "Alaoui",
        "Bennani", "Berrada", "Ziani", "Lahlou", "Mansour", "Haddad", "Saleh", "Nasser",
        "خليل", "بنعلي", "الإدريسي", "العلوي", "منصور", "حداد", "صالح", "ناصر"]
STREETS = ["Rue Ibn Battouta", "Avenue Hassan II", "Rue Allal Ben Abdellah", "Bd Zerktouni",
           "شارع محمد الخامس", "زنقة ابن سينا", "Rue El Jazair", "Avenue de France", "Rue Tahrir"]
# (country, cities, mobile number generator as national digits)
COUNTRIES = [
    ("MA", ["Casablanca", "Rabat", "Marrakech", "Fès", "Tanger", "Agadir"],
     lambda r: f"0{r.choice('67')}{r.randrange(10**8):08d}", 0.45),
    ("EG", ["Cairo", "Alexandria", "Giza"], lambda r: f"01{r.choice('0125')}{r.randrange(10**8):08d}", 0.2),
    ("SA", ["Riyadh", "Jeddah", "Dammam"], lambda r: f"05{r.choice('0345689')}{r.randrange(10**7):07d}", 0.1),
    ("DZ", ["Alger", "Oran", "Constantine"], lambda r: f"0{r.choice('567')}{r.randrange(10**8):08d}", 0.1),
    ("TN", ["Tunis", "Sfax", "Sousse"], lambda r: f"{r.choice('259')}{r.randrange(10**7):07d}", 0.05),
    ("FR", ["Paris", "Lyon", "Marseille"], lambda r: f"0{r.choice('67')}{r.randrange(10**8):08d}", 0.1),
]
WEIGHTS = [c[3] for c in COUNTRIES]
OUTCOMES = ["delivered"] * 6 + ["refused", "unreachable", "returned", "cancelled", "confirmed"]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Relay points: a few phones shared by many orders (a key too common to link).
RELAY_PHONES = ["0522202020", "0522303030", "0522404040"]


def typed(national: str, rng: random.Random) -> str:
    """A phone as a customer types it: spaces, dashes, Arabic-Indic digits, or as is."""
    roll = rng.random()
    if roll < 0.5:
        return national
    if roll < 0.7:
        return " ".join(national[i:i + 2] for i in range(0, len(national), 2))
    if roll < 0.85:
        return "-".join([national[:4], national[4:]])
    return national.translate(ARABIC_INDIC)


def door(c: int, rng: random.Random) -> str:
    """Customer `c`'s door. A shop that serves more customers reaches more streets: customers
    live at distinct doors, as households do, with a few neighbours per building (as
    examples/common/synth.rs): long named boulevards, and the numbered streets of newer
    districts ("Rue 112"), more of them the more customers there are."""
    kind = rng.choice(["Rue", "Avenue", "Boulevard", "زنقة", "شارع"])
    roll = rng.random()
    if roll < 0.2:
        return f"{rng.randrange(1, 1000)} {rng.choice(STREETS)}"
    if roll < 0.4:
        return f"{rng.randrange(1, 1000)} {kind} {rng.choice(LAST)}"
    return f"{rng.randrange(1, 300)} {kind} {rng.randrange(1, max(800, c // 300))}"


def customer(c: int, rng: random.Random) -> tuple[str, dict]:
    country, cities, phone, _ = rng.choices(COUNTRIES, WEIGHTS)[0]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first.lower()}.{last.lower().replace(' ', '')}{c}@gmail.com" if first.isascii() and last.isascii() else ""
    base = {
        "name": f"{first} {last}",
        "national": phone(rng),
        "email": email if rng.random() < 0.6 else "",
        "address": f"{door(c, rng)}, appt {rng.randrange(1, 100)}",
        "city": rng.choice(cities),
        "country": country,
    }
    return f"c{c}", base


def order_of(cid: str, base: dict, j: int, placed_at: int, rng: random.Random) -> dict:
    o = {
        "order_id": f"{cid}-{j}",
        "placed_at": placed_at,
        "name": base["name"] if rng.random() < 0.8 else base["name"].upper(),
        "phone": typed(base["national"], rng),
        "email": base["email"],
        "address": base["address"],
        "city": base["city"],
        "country": base["country"],
        "total": float(rng.randrange(99, 1500)),
        "currency": "",
    }
    if rng.random() < 0.002:
        o["phone"] = rng.choice(RELAY_PHONES)
        o["country"] = "MA"
    return o


def history(size: int, seed: int) -> Iterator[dict]:
    """``size`` past orders: customers with 1 to 5 orders each."""
    rng = random.Random(seed)
    made = c = 0
    while made < size:
        cid, base = customer(c, rng)
        c += 1
        for j in range(min(rng.randint(1, 5), size - made)):
            o = order_of(cid, base, j, T0 + made * 30, rng)
            o["outcome"] = rng.choice(OUTCOMES)
            made += 1
            yield o


def queries(size: int, count: int, seed: int) -> list[dict]:
    """Half returning customers (re-generated from the same seed), half new ones."""
    pick = sorted(random.Random(seed + 1).sample(range(size), count // 2))
    returning = []
    wanted = iter(pick)
    nxt = next(wanted, None)
    for i, o in enumerate(history(size, seed)):
        if i == nxt:
            q = dict(o, order_id=f"q-{i}", placed_at=T0 + size * 30 + i)
            q.pop("outcome")
            returning.append(q)
            nxt = next(wanted, None)
    rng = random.Random(seed + 2)
    new = []
    for k in range(count - len(returning)):
        cid, base = customer(10**9 + k, rng)
        new.append(order_of(cid, base, 0, T0 + size * 31 + k, rng) | {"order_id": f"n-{k}"})
    return returning + new


def drop_tables(conn: object) -> None:
    cur = conn.cursor()  # type: ignore[attr-defined]
    for table in ("cg_keys", "cg_orders", "cg_meta"):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    conn.commit()  # type: ignore[attr-defined]
    cur.close()


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    conn = codguard.sql.connect(args.dsn)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        drop_tables(conn)
        store = codguard.sql.Store(conn, secret=SECRET)
        store.migrate()
        t = time.perf_counter()
        store.add_history(history(size, args.seed))
        load_s = time.perf_counter() - t
        cur = conn.cursor()
        for table in ("cg_orders", "cg_keys"):
            cur.execute(f"ANALYZE TABLE {table}" if store.dialect == "mysql" else f"ANALYZE {table}")
            if store.dialect == "mysql":
                cur.fetchall()
        conn.commit()
        cur.close()
        qs = queries(size, args.queries, args.seed)
        for q in qs[:50]:  # warm the connection and the caches
            store.assess(q)
        times, rows, trips, matched, per_query = [], 0, 0, 0, []
        for q in qs:
            t = time.perf_counter()
            a = store.assess(q)
            times.append((time.perf_counter() - t) * 1000)
            trips += store.last_reads[0]
            rows += store.last_reads[1]
            per_query.append(store.last_reads[1])
            matched += bool(a.matches)
        times.sort()
        per_query.sort()
        r = {
            "size": size,
            "load_s": round(load_s, 1),
            "queries": len(qs),
            "p50_ms": round(pct(times, 0.5), 3),
            "p99_ms": round(pct(times, 0.99), 3),
            "rows_per_assess": round(rows / len(qs), 2),
            "rows_p50": pct(per_query, 0.5),
            "rows_p99": pct(per_query, 0.99),
            "queries_per_assess": round(trips / len(qs), 2),
            "matched": matched,
        }
        results.append(r)
        print(f"{size:>9} orders: load {r['load_s']:>6} s  p50 {r['p50_ms']:.3f} ms  "
              f"p99 {r['p99_ms']:.3f} ms  rows/assess {r['rows_per_assess']} (p50 {r['rows_p50']}, "
              f"p99 {r['rows_p99']})  "
              f"round trips {r['queries_per_assess']}  matched {matched}/{len(qs)}", flush=True)
    conn.close()
    print(json.dumps({"dialect": store.dialect, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
