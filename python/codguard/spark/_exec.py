"""What runs inside the Spark executors: the codguard store-mode core over Arrow batches.

Each function here builds a generator for ``DataFrame.mapInArrow``. Nothing decides anything in
Python: keys, signatures and assessments come from :class:`codguard.StoreCore` and
:class:`codguard.Lookup`, the same core code as the SQL store mode (``codguard.sql``), so a
Spark answer is the engine's answer for the same history.

Only ``pyarrow`` and ``codguard`` are imported here (never ``pyspark``): the executors' Python
needs those two, and the functions can be tested without a JVM.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from codguard import Error, RiskFit, StoreCore, risk_example

# The columns of a past order's row, in the order ``StoreCore.write_tuple`` gives them and
# ``Lookup.supply`` takes them.
ROW_FIELDS = ("order_id", "placed_at", "total", "outcome", "negotiated", "signature")

WRITTEN_SCHEMA = (
    "order_id string, placed_at long, total double, outcome string, negotiated boolean, "
    "signature string, keys array<long>, error string"
)
"""What :func:`write_rows` yields per history record: the row, its keys, or the error code."""

ROUND_SCHEMA = (
    "qid long, p int, q_at long, q_id string, done boolean, wanted array<long>, order_id string, "
    "customer_class string, action string, risk double, reason_codes array<string>, "
    "matched_order_ids array<string>, assessment string, error string"
)
"""What :func:`assess_round` yields per (order, policy): the wanted keys, or the answer. ``qid``,
``p``, ``q_at`` and ``q_id`` are the input's, passed through (the next round's join needs them,
and passing them costs no join)."""

FETCHED_FIELDS = ("key", "rank", *ROW_FIELDS)
"""The fields of one entry of ``fetched``: a key and one of its rows (``rank``: the row's place
among the key's rows in time order), or a key and nulls when the key has no rows."""

_ENTRY_TYPES = {"key": "long", "rank": "int", **dict(f.split(" ", 1) for f in WRITTEN_SCHEMA.split(", "))}

FETCHED_TYPE = "array<struct<" + ",".join(f"{name}:{_ENTRY_TYPES[name]}" for name in FETCHED_FIELDS) + ">>"
"""The Spark type of ``fetched``: a list of ``FETCHED_FIELDS`` structs (the rows' types as
``WRITTEN_SCHEMA`` gives them)."""


def _pa() -> Any:
    import pyarrow as pa

    return pa


def arrow_schema(ddl: str) -> Any:
    """The Arrow schema of a flat Spark DDL schema of this module (``name type, ...``)."""
    pa = _pa()
    types = {
        "string": pa.string(),
        "long": pa.int64(),
        "int": pa.int32(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
        "array<long>": pa.list_(pa.int64()),
        "array<string>": pa.list_(pa.string()),
    }
    return pa.schema([pa.field(n, types[t]) for n, t in (f.split(" ", 1) for f in ddl.split(", "))])


def write_rows(secret: bytes) -> Any:
    """A ``mapInArrow`` function: history records (column ``doc``, JSON) to their
    ``cg_orders`` row and ``cg_keys`` keys, as :meth:`StoreCore.write_tuple` makes them. A
    malformed record yields its error code (``invalid_record``, ...) and no row."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = _pa()
        core = StoreCore(secret=secret)
        schema = arrow_schema(WRITTEN_SCHEMA)
        for batch in batches:
            cols: dict[str, list[Any]] = {name: [] for name in (*ROW_FIELDS, "keys", "error")}
            for doc in batch.column("doc").to_pylist():
                try:
                    row, keys = core.write_tuple(json.loads(doc))
                except Error as e:
                    for name in ROW_FIELDS:
                        cols[name].append(None)
                    cols["keys"].append(None)
                    cols["error"].append(e.code)
                    continue
                for name, value in zip(ROW_FIELDS, row):
                    cols[name].append(value)
                cols["keys"].append(keys)
                cols["error"].append(None)
            yield pa.RecordBatch.from_pydict(cols, schema=schema)

    return run


def _fetched_per_order(column: Any) -> list[list[tuple[int, list[tuple[Any, ...]]]]]:
    """Decodes a batch's ``fetched`` column (a list per order of ``FETCHED_FIELDS`` structs,
    null in the first round) into, per order, its keys in the order they were fetched, each with
    its rows in time order (by ``rank``).

    Works on the flat Arrow child arrays (one ``to_pylist`` per field for the whole batch, not
    a Python dict per row: the nested conversion was most of a round's Python time)."""
    lengths = column.value_lengths().fill_null(0).to_pylist()
    flat = column.flatten()
    if len(flat) == 0:
        return [[] for _ in lengths]
    by_name = {f.name: a.to_pylist() for f, a in zip(flat.type, flat.flatten())}
    keys, ranks = by_name["key"], by_name["rank"]
    rows = list(zip(*(by_name[f] for f in ROW_FIELDS)))
    out: list[list[tuple[int, list[tuple[Any, ...]]]]] = []
    start = 0
    for n in lengths:
        per_key: dict[int, list[tuple[int, tuple[Any, ...]]]] = {}
        for i in range(start, start + n):
            got = per_key.setdefault(keys[i], [])
            if rows[i][0] is not None:
                got.append((ranks[i], rows[i]))
        start += n
        out.append([(k, [r for _, r in sorted(v, key=lambda e: e[0])]) for k, v in per_key.items()])
    return out


def assess_round(
    configs: Sequence[dict[str, Any]], secret: bytes, risk_models: Sequence[str | None] | None = None
) -> Any:
    """A ``mapInArrow`` function: one round of store-mode lookups.

    Input columns: ``qid`` (the order's number), ``p`` (the policy's index in ``configs``),
    ``q_at`` and ``q_id`` (passed through), ``doc`` (the order, JSON) and ``fetched`` (the rows
    fetched so far: a list of ``FETCHED_FIELDS`` entries, key by key). Each lookup starts again
    from the order and is supplied everything fetched so far, each key's rows in time order (a
    Lookup cannot cross a shuffle); when it still wants keys, the row says which, else it
    carries the assessment (the contract's JSON, plus flat columns for queries). ``risk_models``
    (one per policy, the model file's JSON or None) are loaded into each policy's core."""
    models = list(risk_models or [None] * len(configs))

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = _pa()
        cores = [StoreCore(c, secret=secret, risk_model=m) for c, m in zip(configs, models)]
        schema = arrow_schema(ROUND_SCHEMA)
        names = schema.names
        passed = ("qid", "p", "q_at", "q_id")
        computed = [n for n in names if n not in passed]
        for batch in batches:
            cols: dict[str, list[Any]] = {name: [] for name in computed}
            ps = batch.column("p").to_pylist()
            docs = batch.column("doc").to_pylist()
            fetched = _fetched_per_order(batch.column("fetched"))
            for p, doc, supplied in zip(ps, docs, fetched):
                out: dict[str, Any] = dict.fromkeys(computed)
                out["done"] = True
                order = json.loads(doc)
                try:
                    lookup = cores[p].assess(order)
                    for key, rows in supplied:
                        lookup.supply(key, rows)
                    wanted = lookup.wanted()
                except Error as e:
                    wanted = []
                    out["error"] = e.code
                    oid = order.get("order_id")
                    out["order_id"] = oid if isinstance(oid, str) else None
                    lookup = None
                if wanted:
                    out.update(done=False, wanted=wanted)
                elif lookup is not None:
                    out.update(answer_columns(lookup.assessment().to_dict()))
                for name in computed:
                    cols[name].append(out[name])
            arrays = {n: batch.column(n).cast(schema.field(n).type) for n in passed}
            arrays.update({n: pa.array(cols[n], type=schema.field(n).type) for n in computed})
            yield pa.RecordBatch.from_arrays([arrays[n] for n in names], schema=schema)

    return run


def answer_columns(a: dict[str, Any]) -> dict[str, Any]:
    """The flat output columns of an assessment dict (the contract's JSON is kept whole in
    ``assessment``)."""
    return {
        "order_id": a["order_id"],
        "customer_class": a["customer_class"],
        "action": a["action"],
        "risk": a["risk"],
        "reason_codes": [r["code"] for r in a["reasons"]],
        "matched_order_ids": [m["order_id"] for m in a["matches"]],
        "assessment": json.dumps(a, ensure_ascii=False, sort_keys=True),
    }


RISK_EXAMPLES_SCHEMA = "order_id string, placed_at long, example string, zones array<string>, failed boolean"
"""What :func:`risk_examples` yields per replayed order."""


def risk_examples() -> Any:
    """A ``mapInArrow`` function: ``order_id``, ``placed_at``, ``doc`` (the order), ``assessment``
    (its replayed assessment) and ``outcome`` in; ``order_id``, ``placed_at``, ``example`` (the
    risk model's example, JSON; null for an order that was not shipped), and the example's
    ``zones`` and ``failed`` (for the fit's counts) out."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = _pa()
        schema = arrow_schema(RISK_EXAMPLES_SCHEMA)
        for batch in batches:
            data = batch.to_pydict()
            out: dict[str, list[Any]] = {name: [] for name in schema.names}
            for oid, at, doc, assessment, outcome in zip(
                data["order_id"], data["placed_at"], data["doc"], data["assessment"], data["outcome"]
            ):
                example = risk_example(json.loads(doc), assessment, outcome or "pending")
                parsed = json.loads(example) if example is not None else None
                out["order_id"].append(oid)
                out["placed_at"].append(at)
                out["example"].append(example)
                out["zones"].append(parsed["inputs"]["zones"] if parsed else None)
                out["failed"].append(parsed["failed"] if parsed else None)
            yield pa.RecordBatch.from_pydict(out, schema=schema)

    return run


RISK_SUMS_SCHEMA = "block long, sums array<double>"
"""What the fit's passes over blocks yield: per block, its sums (``RiskFit``)."""

RISK_DESIGN_SCHEMA = "block long, design binary"
"""What the fit's design pass yields: per block, its design rows (``RiskFit.design``)."""


def risk_fit_pass(kind: str, counts: str, options: dict[str, Any], arg: Any) -> Any:
    """A ``mapInArrow`` function over the fit's blocks (``block``, and ``examples``: the block's
    examples in time order, or ``design``: its design rows), one output row per block:

    - ``"prior"``: ``RiskFit.prior_sums`` (``RISK_SUMS_SCHEMA``);
    - ``"design"``: ``RiskFit.design`` under the prior ``arg`` (``RISK_DESIGN_SCHEMA``);
    - ``"newton"``: ``RiskFit.newton_block`` at the weights ``arg`` (``RISK_SUMS_SCHEMA``).

    ``counts`` and ``options`` are the driver's ``RiskFit`` arguments."""
    if kind not in ("prior", "design", "newton"):
        raise ValueError(f"risk_fit_pass: unknown pass {kind!r}")

    def block_sums(batch: Any, fit: RiskFit | None) -> tuple[str, list[Any]]:
        if fit is None:
            return "sums", [RiskFit.newton_block(d, arg) for d in batch.column("design").to_pylist()]
        if kind == "prior":
            return "sums", [fit.prior_sums(e) for e in batch.column("examples").to_pylist()]
        return "design", [fit.design(e, arg) for e in batch.column("examples").to_pylist()]

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = _pa()
        fit = None if kind == "newton" else RiskFit(counts, **options)
        for batch in batches:
            name, values = block_sums(batch, fit)
            value_type = pa.binary() if name == "design" else pa.list_(pa.float64())
            yield pa.RecordBatch.from_arrays(
                [pa.array(batch.column("block").to_pylist(), pa.int64()), pa.array(values, value_type)],
                names=["block", name],
            )

    return run
