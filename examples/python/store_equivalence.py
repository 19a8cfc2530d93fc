"""Store mode gives the in-memory Engine's answers, through a real database.

Loads a dataset folder (history.jsonl, queries.jsonl) into an empty database through
``codguard.sql.Store``, assesses every query through the store and through ``codguard.Engine``,
and prints as its last line one JSON object: ``queries``, ``identical`` (same class, action and
matched order ids), ``identical_json`` (the whole assessment), ``p50_ms`` and ``p99_ms`` of the
store path, ``rows_per_assess`` and ``queries_per_assess`` (database round trips).

Run: python examples/python/store_equivalence.py DATASET_DIR --dsn DSN [--reset]
(``--reset`` drops the cg_ tables first; without it the tables must be empty.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import codguard
import codguard.sql

SECRET = b"store-equivalence-secret"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[i]


def drop_tables(conn: object) -> None:
    cur = conn.cursor()  # type: ignore[attr-defined]
    for table in ("cg_keys", "cg_orders", "cg_meta"):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    conn.commit()  # type: ignore[attr-defined]
    cur.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="folder with history.jsonl and queries.jsonl")
    parser.add_argument("--dsn", required=True, help="postgresql://... or mysql://...")
    parser.add_argument("--reset", action="store_true", help="drop the cg_ tables first")
    args = parser.parse_args()

    history = read_jsonl(args.dataset / "history.jsonl")
    queries = read_jsonl(args.dataset / "queries.jsonl")
    conn = codguard.sql.connect(args.dsn)
    if args.reset:
        drop_tables(conn)
    store = codguard.sql.Store(conn, secret=SECRET)
    store.migrate()
    if len(store):
        print("the cg_ tables are not empty: pass --reset to drop them", file=sys.stderr)
        return 2

    t = time.perf_counter()
    store.add_history(history)
    load_s = time.perf_counter() - t
    engine = codguard.Engine()
    engine.add_history(history)

    identical = identical_json = rows = round_trips = 0
    times: list[float] = []
    differences: list[str] = []
    for q in queries:
        t = time.perf_counter()
        got = store.assess(q)
        times.append((time.perf_counter() - t) * 1000)
        round_trips += store.last_reads[0]
        rows += store.last_reads[1]
        want = engine.assess(q)
        same = (got.customer_class, got.action, [m["order_id"] for m in got.matches]) == (
            want.customer_class, want.action, [m["order_id"] for m in want.matches])
        identical += same
        identical_json += got.to_json() == want.to_json()
        if not same and len(differences) < 10:
            differences.append(q["order_id"])
    conn.close()

    times.sort()
    n = max(len(queries), 1)
    print(f"{store.dialect}: {len(history)} past orders loaded in {load_s:.2f} s; "
          f"mean assess {statistics.fmean(times) if times else 0:.2f} ms")
    if differences:
        print(f"different: {', '.join(differences)}")
    print(json.dumps({
        "dialect": store.dialect,
        "history": len(history),
        "queries": len(queries),
        "identical": identical,
        "identical_json": identical_json,
        "p50_ms": round(percentile(times, 0.50), 3),
        "p99_ms": round(percentile(times, 0.99), 3),
        "rows_per_assess": round(rows / n, 2),
        "queries_per_assess": round(round_trips / n, 2),
        "load_s": round(load_s, 2),
    }))
    return 0 if identical == len(queries) else 1


if __name__ == "__main__":
    sys.exit(main())
