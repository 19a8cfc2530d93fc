"""codguard from Python: normalize_phone vs phonenumbers, assess_many vs assess, call overhead.

Run: python benches/python_bench.py [--data ../shared/data/dev]. Prints a table and one JSON line.

Latency on a big history (issue 12: what a crowded neighbourhood costs), generated once:
    cargo run --release --example synth -- --dense --customers 460000 --out target/dense-1m
    python benches/python_bench.py --latency --data target/dense-1m [--history 100000]
loads the first N past orders (all by default), then times each new order's `assess` alone
(p50, p99 over up to 20,000 of them); nothing else.

Instructions per assessment through Python (exact, where timings on a shared machine are not):
    SCALE_KEEP=DIR cargo run --release --example scale -- --dense 100000 1000000
    valgrind --tool=callgrind python benches/python_bench.py --snapshot DIR/scale-dense-N.snapshot \
        --orders DIR/scale-dense-N.jsonl --count 2000   (then --count 4000; difference / 2000)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import codguard

REPO = Path(__file__).resolve().parents[1]
FALLBACK_PHONES = [
    ("0696030620", "MA"), ("06 96 03 06 20", "MA"), ("+212 696-030-620", "MA"), ("٠٦٩٦٠٣٠٦٢٠", "MA"),
    ("(+20) 1027096050", "EG"), ("01027096050", "EG"), ("0501234567", "SA"), ("05 61 25 61 26", "DZ"),
    ("91.01.15.50", "TN"), ("06 12 34 56 78", "FR"), ("123", "MA"), ("not a phone", "MA"),
]


def data_dir(arg: str | None) -> Path | None:
    for d in ([Path(arg)] if arg else []) + [REPO.parent / "shared" / "data" / "dev", REPO / "examples" / "data"]:
        if (d / "history.jsonl").is_file():
            return d
    return None


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_phones(phones: list[tuple[str, str]]) -> dict:
    import phonenumbers

    def ours() -> None:
        for raw, cc in phones:
            codguard.normalize_phone(raw, cc)

    def theirs() -> None:
        for raw, cc in phones:
            try:
                n = phonenumbers.parse(raw, cc)
                if phonenumbers.is_valid_number(n):
                    phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
            except phonenumbers.NumberParseException:
                pass

    n = len(phones)
    a, b = best_of(ours) / n * 1e9, best_of(theirs, 3) / n * 1e9
    return {"phones": n, "codguard_ns": round(a), "phonenumbers_ns": round(b), "speedup": round(b / a, 1)}


def bench_engine(d: Path) -> dict:
    def read(p: Path) -> list[dict]:
        return [json.loads(line) for line in p.open(encoding="utf-8") if line.strip()]

    history, queries = read(d / "history.jsonl"), read(d / "queries.jsonl")
    engine = codguard.Engine()
    engine.add_history(history)
    loop = best_of(lambda: [engine.assess(q) for q in queries], 3)
    many = best_of(lambda: engine.assess_many(queries), 3)
    # Per-call cost of one order from Python (dict in, Assessment out); compare with the Rust
    # figure of `cargo run --release --example evaluate` to see the binding's overhead.
    one = queries[0]
    n = 20000
    t = time.perf_counter()
    for _ in range(n):
        engine.assess(one)
    single_us = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n):
        engine.assess_many([one])
    many_one_us = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n):
        engine.assess(one).to_dict()
    dict_us = (time.perf_counter() - t) / n * 1e6
    return {
        "history": len(history), "queries": len(queries), "cores": os.cpu_count(),
        "assess_loop_per_s": round(len(queries) / loop), "assess_many_per_s": round(len(queries) / many),
        "parallel_speedup": round(loop / many, 2),
        "assess_one_order_us": round(single_us, 2), "assess_many_one_order_us": round(many_one_us, 2),
        "assess_plus_to_dict_us": round(dict_us, 2),
    }


def read_jsonl(p: Path, limit: int | None = None) -> list[dict]:
    out: list[dict] = []
    with p.open(encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            if line.strip():
                out.append(json.loads(line))
    return out


def bench_latency(d: Path, history_limit: int | None, queries_limit: int = 20000) -> dict:
    engine = codguard.Engine()
    history = read_jsonl(d / "history.jsonl", history_limit)
    t = time.perf_counter()
    for at in range(0, len(history), 100_000):
        engine.add_history(history[at:at + 100_000])
    ingest = time.perf_counter() - t
    n = len(history)
    del history
    queries = read_jsonl(d / "queries.jsonl", queries_limit)
    engine.assess(queries[0])
    # Wall clock, and this thread's CPU time: on a loaded machine the wall-clock p99 holds the
    # milliseconds the core went to other processes; CPU time does not.
    micros: list[float] = []
    cpu: list[float] = []
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    # The CPU clock is a system call (~0.7 us here): read it outside the wall-clock interval,
    # which then holds the assessment alone.
    for q in queries:
        c0 = cpu_clock()
        t0 = clock()
        engine.assess(q)
        t1 = clock()
        cpu.append((cpu_clock() - c0) / 1000)
        micros.append((t1 - t0) / 1000)
    micros.sort()
    cpu.sort()

    def pct(v: list[float], p: float) -> float:
        return round(v[int((len(v) - 1) * p)], 2)

    return {"history": n, "queries": len(queries), "ingest_s": round(ingest, 1),
            "assess_p50_us": pct(micros, 0.5), "assess_p99_us": pct(micros, 0.99),
            "cpu_p50_us": pct(cpu, 0.5), "cpu_p99_us": pct(cpu, 0.99)}


def assess_for_callgrind(snapshot: Path, orders: Path, count: int) -> None:
    """Loads an engine snapshot, reads the first 4,000 orders, assesses the first `count`.

    For instruction counts through Python, which repeat exactly where timings do not: run it
    under `valgrind --tool=callgrind` with `--count 2000` and `--count 4000`; the difference of
    the two totals over 2,000 is one assessment from Python (the dict read, the GIL released
    and taken back, the core's work, the Assessment object), the same orders read in both runs.
    """
    engine = codguard.Engine.load(snapshot.read_bytes())
    queries = read_jsonl(orders, max(count, 4000))
    for q in queries[:count]:
        engine.assess(q)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data")
    ap.add_argument("--latency", action="store_true", help="only assess p50/p99 on --data")
    ap.add_argument("--history", type=int, help="with --latency: the first N past orders")
    ap.add_argument("--snapshot", help="an engine snapshot (scale example's SCALE_KEEP): with "
                    "--orders and --count, only assess, for callgrind")
    ap.add_argument("--orders", help="with --snapshot: new orders, one JSON object a line")
    ap.add_argument("--count", type=int, default=2000, help="with --snapshot: orders to assess")
    args = ap.parse_args()
    if args.snapshot:
        if not args.orders:
            raise SystemExit("--snapshot needs --orders FILE")
        assess_for_callgrind(Path(args.snapshot), Path(args.orders), args.count)
        return
    d = data_dir(args.data)
    if args.latency:
        if d is None:
            raise SystemExit("--latency needs --data DIR with history.jsonl and queries.jsonl")
        r = bench_latency(d, args.history)
        print(f"{r['history']:,} past orders: assess p50 {r['assess_p50_us']} us, p99 {r['assess_p99_us']} us"
              f" (thread CPU time: p50 {r['cpu_p50_us']} us, p99 {r['cpu_p99_us']} us)")
        print(json.dumps({"latency": r}))
        return
    phones = FALLBACK_PHONES
    if d is not None and (d / "phones.tsv").is_file():
        rows = [line.rstrip("\n").split("\t") for line in (d / "phones.tsv").open(encoding="utf-8")][1:]
        phones = [(r[0], r[1]) for r in rows if len(r) >= 2]
    out = {"phone": bench_phones(phones)}
    if d is not None:
        out["engine"] = bench_engine(d)
    p = out["phone"]
    print(f"{'normalize_phone (codguard)':<36}{p['codguard_ns']:>10} ns/call")
    print(f"{'phonenumbers parse+valid+E164':<36}{p['phonenumbers_ns']:>10} ns/call   x{p['speedup']}")
    if "engine" in out:
        e = out["engine"]
        print(f"{'assess in a loop':<36}{e['assess_loop_per_s']:>10} orders/s")
        print(f"{'assess_many (' + str(e['cores']) + ' cores)':<36}{e['assess_many_per_s']:>10} orders/s   x{e['parallel_speedup']}")
        print(f"{'assess, one order':<36}{e['assess_one_order_us']:>10} us")
        print(f"{'assess + to_dict, one order':<36}{e['assess_plus_to_dict_us']:>10} us")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
