"""``python -m codguard.spark``: batch scoring and policy backtests on Spark.

    python -m codguard.spark score --history H --orders O --out DIR [--policy P.json] [--risk-model M.json]
    python -m codguard.spark backtest --history H --policy P1.json [--policy P2.json] --costs C.json --out DIR
    python -m codguard.spark fit --history H --out DIR [--policy P.json] [--min-volume N]

Inputs are JSON Lines files (or folders of them) or Parquet (a ``.parquet`` path or a folder of
Parquet files). ``score`` writes ``DIR/assessments`` (Parquet, one row per order); ``backtest``
writes ``DIR/assessments`` (one row per order and policy), ``DIR/report.csv``,
``DIR/report.json``, ``DIR/chart.png`` and the calibration of each policy's ``risk``
(``DIR/calibration.csv``, ``DIR/calibration.json`` with the Brier scores, ``DIR/calibration.png``).
``fit`` writes ``DIR/risk.json``, a fitted risk model (the in-process fit's file, from a
replay on Spark). A policy file's ``"risk_model"`` key names a fitted risk model file (relative to the policy
file) loaded for that policy. Spark runs in local mode (``local[*]``) unless ``--master`` names
another.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any


def _load_json(path: str, what: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"codguard.spark: {what} {path}: {e}") from None
    if not isinstance(value, dict):
        raise SystemExit(f"codguard.spark: {what} {path}: not a JSON object")
    return value


def _read_text(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise SystemExit(f"codguard.spark: {what} {path}: {e}") from None


def _policy(path: str) -> dict[str, Any]:
    """A policy file; its ``"risk_model"``, a path, replaced by that file's text (checked)."""
    from codguard import Error, StoreCore

    policy = _load_json(path, "policy")
    model = policy.get("risk_model")
    if isinstance(model, str):
        model = _read_text(os.path.join(os.path.dirname(path), model), "risk model")
        policy["risk_model"] = model
    if model is not None:
        try:
            StoreCore(secret=b"check", risk_model=model)
        except (Error, TypeError) as e:
            raise SystemExit(f"codguard.spark: policy {path}: risk_model: {e}") from None
    return policy


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m codguard.spark", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("score", "assess a table of orders against a history table"),
        ("backtest", "replay a history in time order under one or more policies"),
        ("fit", "fit a risk model (docs/risk.md) on a history: DIR/risk.json"),
    ):
        s = sub.add_parser(name, help=help_text)
        s.add_argument("--history", required=True, help="past orders with outcome (JSONL or Parquet)")
        if name == "fit":
            s.add_argument("--policy", help="the engine's config dict (JSON file); default: the defaults")
            s.add_argument("--min-volume", type=int, default=30,
                           help="shipped orders a zone needs for its own rate (default 30)")
            s.add_argument("--utc-offset", type=int, default=0,
                           help="seconds from UTC to the shop's time, for the hour (default 0)")
        elif name == "score":
            s.add_argument("--orders", required=True, help="orders to assess (JSONL or Parquet)")
            s.add_argument("--policy", help="the engine's config dict (JSON file); default: the defaults")
            s.add_argument("--risk-model", help="a fitted risk model (JSON file, docs/risk.md)")
        else:
            s.add_argument("--policy", action="append", required=True,
                           help="a policy (JSON file: the engine's config, optional \"flow\"); repeat to compare")
            s.add_argument("--costs", help="the cost model (JSON file); default: the defaults of CostModel")
            s.add_argument("--currency", default="", help="shown in the chart's legend")
            s.add_argument("--calibrate-since", default=None, metavar="YYYY-MM-DD",
                           help="measure risk's calibration on the orders placed from that day (UTC) on: "
                                "the months after a risk model's fit")
        s.add_argument("--out", required=True, help="output folder")
        s.add_argument("--master", default="local[*]", help="Spark master (default local[*])")
        s.add_argument("--driver-memory", default=None,
                       help="the driver JVM's heap, e.g. 8g (in local mode the driver runs the tasks too; "
                            "Spark's default is 1g)")
        s.add_argument("--partitions", type=int, default=None,
                       help="shuffle partitions (default: 4 per core in local mode, else Spark's)")
        s.add_argument("--overwrite", action="store_true", help="replace what DIR holds")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from codguard.spark import read_table, score, session

    conf: dict[str, str] = {}
    if args.driver_memory:
        conf["spark.driver.memory"] = args.driver_memory
    if args.partitions:
        conf["spark.sql.shuffle.partitions"] = str(args.partitions)
    elif args.master.startswith("local"):
        cores = os.cpu_count() or 2
        inner = args.master[len("local"):].strip("[]")
        if inner.isdigit():
            cores = int(inner)
        conf["spark.sql.shuffle.partitions"] = str(4 * cores)
    spark = session(args.master, **conf)
    spark.sparkContext.setLogLevel("WARN")
    mode = "overwrite" if args.overwrite else "errorifexists"
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()
    history = read_table(spark, args.history)
    if args.command == "fit":
        from codguard.spark import fit_risk

        config = _load_json(args.policy, "policy") if args.policy else {}
        fitted_text = fit_risk(spark, history, config, min_volume=args.min_volume, utc_offset_secs=args.utc_offset)
        path = os.path.join(args.out, "risk.json")
        if os.path.exists(path) and not args.overwrite:
            raise SystemExit(f"codguard.spark: {path} exists (--overwrite replaces it)")
        with open(path, "w", encoding="utf-8") as f:
            f.write(fitted_text + "\n")
        fitted = json.loads(fitted_text)
        summary = {"model": path, "zones": len(fitted["zones"]), "shop": fitted["shop"],
                   "seconds": round(time.monotonic() - started, 1)}
        print(json.dumps(summary, sort_keys=True))
        return 0
    if args.command == "score":
        config = _load_json(args.policy, "policy") if args.policy else {}
        model = _read_text(args.risk_model, "risk model") if args.risk_model else None
        out = score(spark, history, read_table(spark, args.orders), config, risk_model=model)
        out.write.mode(mode).parquet(os.path.join(args.out, "assessments"))
        written = spark.read.parquet(os.path.join(args.out, "assessments"))
        summary = {
            "orders": written.count(),
            "errors": written.filter("error is not null").count(),
            "by_action": {r["action"]: r["count"] for r in written.groupBy("action").count().collect()},
            "seconds": round(time.monotonic() - started, 1),
        }
        print(json.dumps(summary, sort_keys=True))
        return 0

    from codguard.spark.backtest import (
        CALIBRATION_COLUMNS,
        CostModel,
        backtest,
        calibration,
        calibration_chart,
        chart,
        write_report,
    )

    policies = [_policy(p) for p in args.policy]
    names = [os.path.splitext(os.path.basename(p))[0] for p in args.policy]
    if len(set(names)) != len(names):
        names = [f"{n}#{i + 1}" for i, n in enumerate(names)]
    try:
        costs = CostModel.from_dict(_load_json(args.costs, "costs")) if args.costs else CostModel()
    except ValueError as e:
        raise SystemExit(f"codguard.spark: {e}") from None
    answers, report = backtest(spark, history, policies, costs, names=names)
    answers.write.mode(mode).parquet(os.path.join(args.out, "assessments"))
    write_report(report, os.path.join(args.out, "report.csv"), os.path.join(args.out, "report.json"))
    chart(report, os.path.join(args.out, "chart.png"), args.currency)
    since = None
    if args.calibrate_since:
        import datetime

        try:
            day = datetime.date.fromisoformat(args.calibrate_since)
        except ValueError:
            raise SystemExit(f"codguard.spark: --calibrate-since {args.calibrate_since}: not YYYY-MM-DD") from None
        since = int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp())
    table, brier = calibration(answers, names, since=since)
    import csv

    with open(os.path.join(args.out, "calibration.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(CALIBRATION_COLUMNS))
        w.writeheader()
        w.writerows(table)
    with open(os.path.join(args.out, "calibration.json"), "w", encoding="utf-8") as f:
        json.dump({"brier": brier, "bins": table}, f, indent=1)
        f.write("\n")
    calibration_chart(table, brier, os.path.join(args.out, "calibration.png"))
    totals: dict[str, dict[str, float]] = {}
    for r in report:
        t = totals.setdefault(r["policy"], {"orders": 0, "refused_avoided": 0.0, "good_delayed": 0, "net": 0.0})
        for k in t:
            t[k] += r[k]
    summary = {"policies": totals, "brier": brier, "seconds": round(time.monotonic() - started, 1)}
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
