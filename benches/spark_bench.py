"""Times codguard.spark against one process with the engine, on a generated shop.

    cargo run --release --example synth -- --out target/synth-1m --customers 440000
    python benches/spark_bench.py --data target/synth-1m --cores 1,2
    python benches/spark_bench.py --data target/synth-10m --cores 2 --orders-sample 44000 \
        --driver-memory 6g

For each run, a fresh process: ``python -m codguard.spark score --master local[N]`` (history
and queries of the folder, Parquet out), and ``Engine.add_history`` + ``assess_many`` in one
process. Prints wall seconds, orders/s (queries assessed per second, loading included), the
peak resident memory of the whole process tree (JVM and Python workers included) and its CPU
seconds, sampled every 0.2 s from /proc, and the load average before and after each run; for
the engine also the seconds of loading the history and of assessing. ``--orders-sample N``
scores the folder's first N new orders against its whole history (the same sample at every
size: the generator writes the new orders in time order, the first N are the earliest).
Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ENGINE = """
import json, sys, time, codguard
t0 = time.monotonic()
e = codguard.Engine()
with open(sys.argv[1], encoding="utf-8") as f:
    e.add_history(json.loads(line) for line in f)
t1 = time.monotonic()
with open(sys.argv[2], encoding="utf-8") as f:
    n = len(e.assess_many(json.loads(line) for line in f))
t2 = time.monotonic()
print(json.dumps({"orders": n, "load_s": round(t1 - t0, 1), "assess_s": round(t2 - t1, 1)}))
"""


def _tree(root: int) -> tuple[int, dict[int, int]]:
    """Resident bytes of ``root`` and all its descendants, and each one's CPU ticks so far
    (user + system)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    total, ticks, todo = 0, {}, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total, ticks


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, float, str]:
    """Wall seconds, peak resident bytes of the process tree and its CPU seconds (each
    process's last sample, every 0.2 s: the JVM is not waited for by its parent, so rusage
    misses it; CPU seconds vary less with the machine's load than wall seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    cpu: dict[int, int] = {}
    while proc.poll() is None:
        rss, ticks = _tree(proc.pid)
        peak = max(peak, rss)
        cpu.update(ticks)
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return time.monotonic() - start, peak, sum(cpu.values()) / os.sysconf("SC_CLK_TCK"), out


def _lines(path: str) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="a folder written by examples/synth")
    p.add_argument("--cores", default="1,2", help="local[N] values to run (default 1,2; empty: the engine only)")
    p.add_argument("--no-engine", action="store_true", help="skip the one-process engine run")
    p.add_argument("--orders-sample", type=int, default=None, metavar="N",
                   help="score only the first N new orders of the folder (default: all)")
    p.add_argument("--driver-memory", default=None, help="passed to codguard.spark (e.g. 6g; Spark's default 1g)")
    args = p.parse_args()
    history = os.path.join(args.data, "history.jsonl")
    queries = os.path.join(args.data, "queries.jsonl")
    scratch = tempfile.mkdtemp(prefix="cg-spark-bench-orders-")
    if args.orders_sample is not None:
        sample = os.path.join(scratch, "queries.jsonl")
        with open(queries, encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= args.orders_sample:
                    break
                dst.write(line)
        queries = sample
    try:
        return _bench(args, history, queries)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _bench(args: argparse.Namespace, history: str, queries: str) -> int:
    n_hist, n_q = _lines(history), _lines(queries)
    env = dict(os.environ)
    env.setdefault("PYSPARK_PYTHON", sys.executable)
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    results = []
    if not args.no_engine:
        load = _load()
        secs, peak, cpu, out = _run([sys.executable, "-c", ENGINE, history, queries], env)
        results.append({"run": "engine, one process", "seconds": round(secs, 1), **json.loads(out)})
        results[-1].update(orders_per_s=round(n_q / secs), peak_mib=peak >> 20, cpu_s=round(cpu, 1),
                           load_before=load, load_after=_load())
    for cores in filter(None, args.cores.split(",")):
        out = tempfile.mkdtemp(prefix="cg-spark-bench-")
        cmd = [sys.executable, "-m", "codguard.spark", "score", "--history", history, "--orders", queries,
               "--out", out, "--overwrite", "--master", f"local[{cores}]"]
        if args.driver_memory:
            cmd += ["--driver-memory", args.driver_memory]
        load = _load()
        try:
            secs, peak, cpu, _ = _run(cmd, env)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        results.append({"run": f"spark local[{cores}]", "seconds": round(secs, 1),
                        "orders_per_s": round(n_q / secs), "peak_mib": peak >> 20, "cpu_s": round(cpu, 1),
                        "load_before": load, "load_after": _load()})
    print(json.dumps({"history": n_hist, "queries": n_q, "results": results}, indent=1))
    return 0


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    sys.exit(main())
