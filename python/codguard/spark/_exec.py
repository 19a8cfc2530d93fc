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

from codguard import Error, StoreCore, risk_example

# The columns of a past order's row, in the order ``StoreCore.write_tuple`` gives them and
# ``Lookup.supply`` takes them.
ROW_FIELDS = ("order_id", "placed_at", "total", "outcome", "negotiated", "signature")

WRITTEN_SCHEMA = (
    "order_id string, placed_at long, total double, outcome string, negotiated boolean, "
    "signature string, keys array<long>, error string"
)
"""What :func:`write_rows` yields per history record: the row, its keys, or the error code."""

ROUND_SCHEMA = (
    "qid long, p int, done boolean, wanted array<long>, order_id string, customer_class string, "
    "action string, risk double, reason_codes array<string>, matched_order_ids array<string>, "
    "assessment string, error string"
)
"""What :func:`assess_round` yields per (order, policy): the wanted keys, or the answer."""


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


def _supply(lookup: Any, fetched: Sequence[dict[str, Any]] | None) -> None:
    for entry in fetched or ():
        rows = entry["rows"] or ()
        lookup.supply(entry["key"], [tuple(r[f] for f in ROW_FIELDS) for r in rows])


def assess_round(
    configs: Sequence[dict[str, Any]], secret: bytes, risk_models: Sequence[str | None] | None = None
) -> Any:
    """A ``mapInArrow`` function: one round of store-mode lookups.

    Input columns: ``qid`` (the order's number), ``p`` (the policy's index in ``configs``),
    ``doc`` (the order, JSON) and ``fetched`` (the rows fetched so far: a list of ``{key,
    rows}``). Each lookup starts again from the order and is supplied everything fetched so far
    (a Lookup cannot cross a shuffle); when it still wants keys, the row says which, else it
    carries the assessment (the contract's JSON, plus flat columns for queries). ``risk_models``
    (one per policy, the model file's JSON or None) are loaded into each policy's core."""
    models = list(risk_models or [None] * len(configs))

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = _pa()
        cores = [StoreCore(c, secret=secret, risk_model=m) for c, m in zip(configs, models)]
        schema = arrow_schema(ROUND_SCHEMA)
        names = schema.names
        for batch in batches:
            cols: dict[str, list[Any]] = {name: [] for name in names}
            data = batch.to_pydict()
            for qid, p, doc, fetched in zip(data["qid"], data["p"], data["doc"], data["fetched"]):
                out: dict[str, Any] = dict.fromkeys(names)
                out.update(qid=qid, p=p, done=True)
                order = json.loads(doc)
                try:
                    lookup = cores[p].assess(order)
                    _supply(lookup, fetched)
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
                for name in names:
                    cols[name].append(out[name])
            yield pa.RecordBatch.from_pydict(cols, schema=schema)

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


def risk_examples() -> Any:
    """A ``mapInArrow`` function: ``order_id``, ``placed_at``, ``doc`` (the order), ``assessment``
    (its replayed assessment) and ``outcome`` in; ``order_id``, ``placed_at`` and ``example`` (the
    risk model's example, JSON; null for an order that was not shipped) out."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = _pa()
        schema = arrow_schema("order_id string, placed_at long, example string")
        for batch in batches:
            data = batch.to_pydict()
            out: dict[str, list[Any]] = {"order_id": [], "placed_at": [], "example": []}
            for oid, at, doc, assessment, outcome in zip(
                data["order_id"], data["placed_at"], data["doc"], data["assessment"], data["outcome"]
            ):
                out["order_id"].append(oid)
                out["placed_at"].append(at)
                out["example"].append(risk_example(json.loads(doc), assessment, outcome or "pending"))
            yield pa.RecordBatch.from_pydict(out, schema=schema)

    return run
