"""codguard on Apache Spark: score a table of orders against a history table, and backtest
policies by replaying a history in time order.

Needs the ``spark`` extra (``pip install 'codguard[spark]'``: pyspark, pyarrow, pandas) and Java
17. The codguard package must be importable by the executors' Python (``PYSPARK_PYTHON``).

How it works (``DESIGN.md``, "Spark"): the executors turn each past order into its
``cg_orders`` row and ``cg_keys`` keys with :meth:`codguard.StoreCore.write_tuple`, exactly the
rows the SQL store mode writes. The key table keeps, per key, its first ``max_orders_per_key +
1`` orders in time order (the store mode's frequency cap: one junk phone on a million orders
joins like any other key, and the walk still learns that it is too common). Each order is then
assessed by :meth:`codguard.StoreCore.assess` in rounds: the executors ask each lookup which keys
it wants, a join fetches those keys' rows, and the next round supplies them, until no lookup
wants anything. The answers are the store mode's, which are the in-memory engine's.

>>> from codguard.spark import session, score          # doctest: +SKIP
>>> spark = session()                                   # doctest: +SKIP
>>> score(spark, spark.read.json("history.jsonl"), spark.read.json("orders.jsonl")).show()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from codguard import StoreCore
from codguard.spark._exec import (
    FETCHED_FIELDS,
    FETCHED_TYPE,
    ROUND_SCHEMA,
    ROW_FIELDS,
    WRITTEN_SCHEMA,
    assess_round,
    write_rows,
)

__all__ = ["ORDER_FIELDS", "HISTORY_FIELDS", "JSON_SCHEMA", "session", "read_table", "score", "replay", "fit_risk"]

ORDER_FIELDS = ("order_id", "placed_at", "country", "name", "phone", "email", "address", "city", "total", "currency")
"""The columns of an order (``docs/contract.md``, "Records"); other columns are ignored."""

HISTORY_FIELDS = (*ORDER_FIELDS, "outcome", "negotiated")
"""The columns of a past order."""

JSON_SCHEMA = (
    "order_id string, placed_at long, country string, name string, phone string, email string, address string, "
    "city string, total double, currency string, outcome string, negotiated boolean"
)
"""The schema JSON Lines inputs are read with (``HISTORY_FIELDS`` with the contract's types): given,
so Spark reads the data once instead of a first pass to infer one."""

MAX_ROUNDS = 64
"""More lookup rounds than any walk needs (a walk wants new keys only while it links new orders)."""

DataFrame = Any
SparkSession = Any


def session(master: str = "local[*]", app_name: str = "codguard", **conf: str) -> SparkSession:
    """A Spark session for codguard jobs: ``master`` (``local[*]`` by default), Arrow on, and the
    executors' Python set to this one when ``PYSPARK_PYTHON`` is unset (so they import the same
    codguard). ``conf`` adds Spark settings (``spark.sql.shuffle.partitions="8"``)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession as Session

    builder = Session.builder.master(master).appName(app_name)
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_table(spark: SparkSession, path: str) -> DataFrame:
    """A table from ``path``: Parquet when it ends in ``.parquet`` or is a folder of Parquet
    files, else JSON Lines (one object per line) read with :data:`JSON_SCHEMA` (no inference
    pass). Keys outside it are left out, as a Parquet file's other columns are; a value of
    another type is read as Spark reads it: a number where text is expected as its text, text
    where a number is expected as null (the record is then refused, as one without it)."""
    is_parquet = path.endswith(".parquet") or (
        os.path.isdir(path) and any(f.endswith(".parquet") for f in os.listdir(path))
    )
    if is_parquet:
        return spark.read.parquet(path)
    return spark.read.schema(JSON_SCHEMA).json(path)


def _docs(df: DataFrame, fields: Sequence[str]) -> DataFrame:
    """``df`` with a ``doc`` column: the record's known fields as a JSON object (nulls left
    out), ``placed_at`` as Unix seconds when it is a timestamp column."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, TimestampNTZType, TimestampType

    present = [f for f in fields if f in df.columns]
    cols = []
    for name in present:
        col = F.col(name)
        if name == "placed_at" and isinstance(
            df.schema[name].dataType, (TimestampType, TimestampNTZType, DateType)
        ):
            col = F.unix_timestamp(col)
        cols.append(col.alias(name))
        if name == "placed_at":
            df = df.withColumn("_at", col.cast("long"))
    return df.withColumn("doc", F.to_json(F.struct(*cols)))


def _key_table(history: DataFrame, secret: bytes, rows_per_key: int) -> tuple[DataFrame, DataFrame]:
    """(the capped key table, the history records that did not write). The key table has, per
    key, its first ``rows_per_key`` orders by ``(placed_at, order_id)`` with their ``rank``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    written = _docs(history, HISTORY_FIELDS).select("doc").mapInArrow(write_rows(secret), WRITTEN_SCHEMA)
    written = written.persist()
    rejected = written.filter(F.col("error").isNotNull()).select("error")
    good = written.filter(F.col("error").isNull())
    # One row per order id (a history holds each order once; the engine refuses a duplicate):
    # the earliest is kept.
    first = Window.partitionBy("order_id").orderBy("placed_at", "signature")
    good = good.withColumn("_n", F.row_number().over(first)).filter("_n = 1").drop("_n")
    keys = good.select(F.explode("keys").alias("key"), *ROW_FIELDS)
    by_time = Window.partitionBy("key").orderBy("placed_at", "order_id")
    capped = keys.withColumn("rank", F.row_number().over(by_time)).filter(F.col("rank") <= rows_per_key)
    return capped, rejected


def _rounds(
    spark: SparkSession,
    queries: DataFrame,
    capped: DataFrame,
    configs: Sequence[Mapping[str, Any]],
    secret: bytes,
    *,
    earlier_only: bool,
    risk_models: Sequence[str | None] | None = None,
) -> DataFrame:
    """Assesses ``queries`` (``qid``, ``p``, ``doc``, ``q_at``, ``q_id``) against the key
    table in lookup rounds; with ``earlier_only`` each sees only the past orders placed before
    it (``(placed_at, order_id)`` smaller). One row per query, ``ROUND_SCHEMA`` less ``done``
    and ``wanted``."""
    from pyspark.sql import functions as F

    # The key from the request (the left join leaves the key table's null for a key without
    # rows), the rest from the key table.
    entry = F.struct(F.col("r.key").alias("key"), *[F.col("c." + f).alias(f) for f in FETCHED_FIELDS[1:]])
    state = queries.select(
        "qid",
        "p",
        "doc",
        "q_at",
        "q_id",
        F.lit(None).cast(FETCHED_TYPE).alias("fetched"),
    )
    run = assess_round([dict(c) for c in configs], secret, risk_models)
    c = capped.alias("c")
    answers = []
    for _ in range(MAX_ROUNDS):
        out = state.mapInArrow(run, ROUND_SCHEMA).persist()
        answers.append(out.filter("done").drop("done", "wanted", "q_at", "q_id"))
        # The round passes q_at and q_id through: the request needs no join to find them.
        req = out.filter(~F.col("done")).select("qid", "p", "q_at", "q_id", F.explode("wanted").alias("key"))
        if req.isEmpty():
            break
        req = req.alias("r")
        cond = F.col("r.key") == F.col("c.key")
        if earlier_only:
            cond = cond & (
                (F.col("c.placed_at") < F.col("r.q_at"))
                | ((F.col("c.placed_at") == F.col("r.q_at")) & (F.col("c.order_id") < F.col("r.q_id")))
            )
        # One entry per (key, row), or (key, nulls) for a key without rows; one aggregation per
        # order (the executors group them by key and sort each key's rows by rank).
        got = req.join(c, cond, "left").select(F.col("r.qid").alias("qid"), F.col("r.p").alias("p"), entry.alias("e"))
        new = got.groupBy("qid", "p").agg(F.collect_list("e").alias("new"))
        state = (
            state.join(new, ["qid", "p"])
            .select(
                "qid", "p", "doc", "q_at", "q_id",
                F.concat(F.coalesce("fetched", F.array()), F.col("new")).alias("fetched"),
            )
            .localCheckpoint()
        )
    else:
        raise RuntimeError(f"codguard.spark: lookups still wanted keys after {MAX_ROUNDS} rounds")
    result = answers[0]
    for more in answers[1:]:
        result = result.unionByName(more)
    return result


def _rows_per_key(configs: Sequence[Mapping[str, Any]]) -> int:
    return max(StoreCore(dict(c), secret=b"x").rows_per_key for c in configs)


def score(
    spark: SparkSession,
    history: DataFrame,
    orders: DataFrame,
    config: Mapping[str, Any] | None = None,
    *,
    secret: bytes | None = None,
    risk_model: str | None = None,
) -> DataFrame:
    """Assesses every row of ``orders`` against ``history`` under the policy ``config`` (the
    engine's config dict), with the fitted risk model ``risk_model`` (its JSON text) when given. One row per order: ``order_id``, ``customer_class``, ``action``,
    ``risk``, ``reason_codes``, ``matched_order_ids``, ``assessment`` (the contract's
    Assessment JSON) and ``error`` (the error code of a malformed order, the other columns
    null). ``secret`` keys the job's hashes (random when omitted: keys never leave the job)."""
    from pyspark.sql import functions as F

    secret = secret or secrets.token_bytes(32)
    configs = [dict(config or {})]
    capped, _ = _key_table(history, secret, _rows_per_key(configs))
    capped = capped.persist()
    queries = _docs(orders, ORDER_FIELDS).select(
        F.monotonically_increasing_id().alias("qid"),
        F.lit(0).alias("p"),
        "doc",
        F.lit(None).cast("long").alias("q_at"),
        F.lit(None).cast("string").alias("q_id"),
    )
    queries = queries.localCheckpoint()
    return _rounds(spark, queries, capped, configs, secret, earlier_only=False, risk_models=[risk_model]).drop(
        "qid", "p"
    )


def replay(
    spark: SparkSession,
    history: DataFrame,
    configs: Sequence[Mapping[str, Any]],
    *,
    secret: bytes | None = None,
    risk_models: Sequence[str | None] | None = None,
) -> DataFrame:
    """Assesses every order of ``history`` against only the orders placed before it (by
    ``(placed_at, order_id)``), under each policy of ``configs`` (with ``risk_models[i]``, a
    fitted risk model's JSON text or None, for policy ``i``). One row per (order, policy):
    ``p`` (the policy's index), ``placed_at``, ``outcome`` (what became of the order) and the
    columns of :func:`score`."""
    from pyspark.sql import functions as F

    secret = secret or secrets.token_bytes(32)
    capped, _ = _key_table(history, secret, _rows_per_key(configs))
    capped = capped.persist()
    base = _docs(history, ORDER_FIELDS).select(
        F.monotonically_increasing_id().alias("qid"),
        "doc",
        F.col("_at").alias("q_at"),
        F.col("order_id").cast("string").alias("q_id"),
        F.col("outcome").cast("string").alias("outcome"),
    )
    base = base.localCheckpoint()
    policies = spark.createDataFrame([(i,) for i in range(len(configs))], "p int")
    queries = base.crossJoin(policies)
    answers = _rounds(spark, queries, capped, configs, secret, earlier_only=True, risk_models=risk_models)
    facts = base.select("qid", F.col("q_at").alias("placed_at"), "outcome")
    return answers.join(facts, "qid").drop("qid")


def fit_risk(
    spark: SparkSession,
    history: DataFrame,
    config: Mapping[str, Any] | None = None,
    *,
    min_volume: int = 30,
    zone_prior: float = 10.0,
    utc_offset_secs: int = 0,
    secret: bytes | None = None,
    block: int | None = None,
) -> str:
    """Fits a risk model (docs/risk.md) on ``history``: the model file's JSON, the same as
    :func:`codguard.fit_risk_model` gives for the same history in one process (with the same
    ``block``, examples per block of the fit's sums: :attr:`codguard.RiskFit.BLOCK` by default).

    Everything that grows with the history runs in the executors; the driver only gets
    aggregates. The replay runs on Spark (:func:`replay`: each order assessed against only the
    orders placed before it, under ``config``); the executors turn each shipped order's
    assessment into the model's example (:func:`codguard.risk_example`); the shop's and each
    zone's counts are a group-by; the examples, in time order, are cut into blocks, and each
    pass of :class:`codguard.RiskFit` (the customer prior's log-likelihoods, then each Newton
    step's gradient and Hessian, over design rows kept in the executors) sums each block where it
    lives. The driver gets per block 8 numbers, or 132 per Newton step, and adds them in block
    order, as the in-process fit does: hence the same file, to the last bit."""
    from pyspark.sql import functions as F

    from codguard import RiskFit
    from codguard.spark._exec import (
        RISK_DESIGN_SCHEMA,
        RISK_EXAMPLES_SCHEMA,
        RISK_SUMS_SCHEMA,
        risk_examples,
        risk_fit_pass,
    )

    secret = secret or secrets.token_bytes(32)
    answers = replay(spark, history, [dict(config or {})], secret=secret)
    docs = _docs(history, ORDER_FIELDS).select(F.col("order_id").cast("string").alias("order_id"), "doc")
    joined = answers.filter(F.col("error").isNull()).join(docs, "order_id")
    examples = (
        joined.select("order_id", "placed_at", "doc", "assessment", "outcome")
        .mapInArrow(risk_examples(), RISK_EXAMPLES_SCHEMA)
        .filter(F.col("example").isNotNull())
        .persist()
    )
    # The counts: exact integers, so a group-by (any order) gives the in-process fit's.
    failed = F.sum(F.col("failed").cast("long"))
    shop = examples.agg(F.count(F.lit(1)).alias("shipped"), failed.alias("failed")).first()
    zones = examples.select(F.explode("zones").alias("zone"), "failed").groupBy("zone").agg(
        F.count(F.lit(1)).alias("shipped"), failed.alias("failed")
    )
    counts = json.dumps({
        "shop": {"failed": int(shop["failed"] or 0), "shipped": int(shop["shipped"])} if shop
        else {"failed": 0, "shipped": 0},
        "zones": {r["zone"]: {"failed": int(r["failed"]), "shipped": int(r["shipped"])} for r in zones.collect()},
    })
    options: dict[str, Any] = {"min_volume": min_volume, "zone_prior": zone_prior, "utc_offset_secs": utc_offset_secs}
    if block is not None:
        options["block"] = block
    fitting = RiskFit(counts, **options)
    size = fitting.block
    # Each example's place in time order: after the sort, monotonically_increasing_id is the
    # partition's number (high bits) and the row's place in its partition (low 33 bits); the
    # partitions' sizes give each one's first place.
    ordered = (
        examples.select("placed_at", "order_id", "example")
        .orderBy("placed_at", "order_id")
        .withColumn("_m", F.monotonically_increasing_id())
        .persist()
    )
    part = F.shiftright(F.col("_m"), 33)
    sizes = sorted((r["part"], r["n"]) for r in ordered.groupBy(part.alias("part")).agg(F.count(F.lit(1)).alias("n"))
                   .collect())
    starts, examples_n = [], 0
    for p, n in sizes:
        starts.append((p, examples_n))
        examples_n += n
    offsets = spark.createDataFrame(starts, "part long, start long")
    place = F.col("start") + F.col("_m").bitwiseAND((1 << 33) - 1)
    blocks = (
        ordered.join(F.broadcast(offsets), part == F.col("part"))
        .select(F.floor(place / F.lit(size)).cast("long").alias("block"), place.alias("place"), "example")
        .groupBy("block")
        .agg(F.sort_array(F.collect_list(F.struct("place", "example"))).alias("rows"))
        .select("block", F.col("rows.example").alias("examples"))
    )
    previous = spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
    # A block is one row of up to `size` examples: a few per Arrow batch.
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "4")
    try:
        blocks = blocks.persist()

        blocks_expected = list(range(-(-examples_n // size)))

        def in_order(rows: DataFrame) -> list[list[float]]:
            got = sorted(rows.collect(), key=lambda r: r["block"])
            # Every block once, or the sums would not be the in-process fit's.
            if [r["block"] for r in got] != blocks_expected:
                raise RuntimeError("codguard.spark: the fit's blocks came back incomplete")
            return [r["sums"] for r in got]

        fitting.supply_prior_sums(in_order(blocks.mapInArrow(risk_fit_pass("prior", counts, options, None),
                                                             RISK_SUMS_SCHEMA)))
        design = blocks.mapInArrow(
            risk_fit_pass("design", counts, options, fitting.customer_prior), RISK_DESIGN_SCHEMA
        ).persist()
        while (weights := fitting.newton_weights()) is not None:
            step = design.mapInArrow(risk_fit_pass("newton", counts, options, weights), RISK_SUMS_SCHEMA)
            fitting.supply_newton_sums(in_order(step))
    finally:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", previous)
    span = history.select(
        F.count(F.lit(1)).alias("n"),
        F.min(F.col("placed_at").cast("long")).alias("first"),
        F.max(F.col("placed_at").cast("long")).alias("last"),
    ).first()
    for frame in (examples, ordered, blocks, design):
        frame.unpersist()
    return fitting.model(
        orders=int(span["n"]) if span else 0,
        first=span["first"] if span else None,
        last=span["last"] if span else None,
    )
