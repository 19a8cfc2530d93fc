"""Policy backtests: what each policy would have done, month by month, and what it would have
cost or saved.

:func:`backtest` replays a history with :func:`codguard.spark.replay` (each order assessed
against only the orders placed before it) under one or more policies, then counts per policy and
month: orders per class and per action, how many of each action later failed delivery (refused,
unreachable or returned), and the money of a :class:`CostModel`.

The money compares each policy with shipping every order unchecked: an order the policy stops or
checks and that would have failed saves its outbound and return shipping ("refused parcels
avoided"), in the share the action catches; a good order (delivered) that the policy delays or
refuses loses its margin in the share of customers the action drives away ("good orders delayed
or lost"); every confirmation message costs what its template's SMS segments (or WhatsApp,
email) cost, as the confirmation flow would send them. ``net`` = avoided - lost - messages.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from codguard import ConfirmationFlow, Error

__all__ = ["CostModel", "backtest", "calibration", "calibration_chart", "message_cost", "REPORT_COLUMNS"]

FAILED = ("refused", "unreachable", "returned")
"""The outcomes that are a failed delivery (``Outcome::is_failed_delivery``)."""

CLASSES = ("new", "good", "negotiator", "risky", "ghost")
ACTIONS = ("auto_confirm", "confirm", "review", "require_prepayment", "reject")


@dataclasses.dataclass(frozen=True)
class CostModel:
    """A shop's costs, in its currency. Load one from JSON with :meth:`from_dict` (any subset of
    the fields; the rest keep these defaults)."""

    shipping: float = 30.0
    """Outbound shipping of a parcel."""
    return_shipping: float = 25.0
    """Bringing a refused parcel back (with repackaging)."""
    margin: float = 0.25
    """Product margin, as a share of the order's total."""
    sms_segment: float = 0.35
    """One SMS part."""
    whatsapp: float = 0.25
    """One WhatsApp template message."""
    email: float = 0.0
    """One email."""
    call: float = 1.5
    """One call by an agent (review, and the flow's call step)."""
    fx: Mapping[str, float] = dataclasses.field(default_factory=dict)
    """Per currency code, the value of one unit in the shop's currency (orders in a currency not
    listed count at 1): a courier's history mixes currencies, its costs are in one."""
    catch: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {"confirm": 0.5, "review": 0.7, "require_prepayment": 0.95, "reject": 1.0}
    )
    """Per action: the share of would-fail orders it stops."""
    loss: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {"confirm": 0.03, "review": 0.05, "require_prepayment": 0.5, "reject": 1.0}
    )
    """Per action: the share of good orders it loses (customers who do not confirm or pay)."""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CostModel:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"cost model: unknown keys {unknown} (known: {sorted(known)})")
        merged: dict[str, Any] = dict(d)
        if "fx" in d and not isinstance(d["fx"], Mapping):
            raise ValueError("cost model: fx must map currency codes to numbers")
        for name in ("catch", "loss"):
            if name in d:
                default = getattr(cls(), name)
                extra = sorted(set(d[name]) - set(ACTIONS))
                if extra:
                    raise ValueError(f"cost model: {name} has unknown actions {extra}")
                merged[name] = {**default, **d[name]}
        for name, value in merged.items():
            values = value.values() if isinstance(value, Mapping) else [value]
            if any(not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0 for v in values):
                raise ValueError(f"cost model: {name} must be a number >= 0")
        return cls(**merged)


def message_cost(
    order: Mapping[str, Any], action: str, costs: CostModel, flow_policy: Mapping[str, Any] | None = None
) -> float:
    """What the confirmation flow's first messages for ``order`` cost under ``action``: the flow
    is started (``placed``) under ``flow_policy`` (the flow's settings, ``docs/flow.md``) and
    each ``send`` it returns is priced by channel, an SMS by its template's segment count;
    ``flag_for_call`` costs a call. An order the flow refuses (malformed) costs nothing."""
    try:
        flow = ConfirmationFlow(order, flow_policy, secret=b"backtest", action=action)  # type: ignore[arg-type]
        actions = flow.handle({"type": "placed", "at": order["placed_at"]})
    except Error:
        return 0.0
    total = 0.0
    for a in actions:
        if a["type"] == "send":
            channel = a.get("channel")
            if channel == "sms":
                total += costs.sms_segment * int(a.get("segments") or 1)
            elif channel == "whatsapp":
                total += costs.whatsapp
            else:
                total += costs.email
        elif a["type"] == "flag_for_call":
            total += costs.call
    return total


def _money_rows(costs: CostModel, policies: Sequence[Mapping[str, Any]]) -> Any:
    """A ``mapInArrow`` function adding each assessed order's money columns."""
    import json as _json

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from codguard.spark._exec import arrow_schema

        schema = arrow_schema(MONEY_SCHEMA)
        for batch in batches:
            d = batch.to_pydict()
            avoided, lost, messages, caught, lost_n = [], [], [], [], []
            for p, action, outcome, doc, total in zip(d["p"], d["action"], d["outcome"], d["doc"], d["total"]):
                order = _json.loads(doc)
                rate = costs.fx.get(str(order.get("currency") or "").upper(), 1.0)
                flow_policy = policies[p].get("flow")
                failed = outcome in FAILED
                good = outcome == "delivered"
                catch = costs.catch.get(action, 0.0) if action else 0.0
                loss = costs.loss.get(action, 0.0) if action else 0.0
                value = float(total or 0.0) * rate
                avoided.append(catch * (costs.shipping + costs.return_shipping) if failed else 0.0)
                caught.append(catch if failed else 0.0)
                lost.append(loss * costs.margin * value if good else 0.0)
                lost_n.append(loss if good else 0.0)
                sent = 0.0
                if action in ("confirm", "review"):
                    sent = message_cost(order, action, costs, flow_policy)
                messages.append(sent)
            yield pa.RecordBatch.from_pydict(
                {
                    **{k: d[k] for k in ("p", "month", "customer_class", "action", "outcome", "error")},
                    "avoided": avoided,
                    "caught": caught,
                    "lost": lost,
                    "lost_orders": lost_n,
                    "messages": messages,
                },
                schema=schema,
            )

    return run


MONEY_SCHEMA = (
    "p int, month string, customer_class string, action string, outcome string, error string, "
    "avoided double, caught double, lost double, lost_orders double, messages double"
)

REPORT_COLUMNS = (
    ["policy", "month", "orders", "errors"]
    + [f"class_{c}" for c in CLASSES]
    + [f"action_{a}" for a in ACTIONS]
    + [f"failed_{a}" for a in ACTIONS]
    + ["failed", "good_delayed", "refused_avoided", "good_lost", "avoided_money", "lost_money", "message_money", "net"]
)
"""The report's columns, per policy and month (``month`` as ``YYYY-MM``, UTC)."""


def backtest(
    spark: Any,
    history: Any,
    policies: Sequence[Mapping[str, Any]],
    costs: CostModel,
    *,
    names: Sequence[str] | None = None,
    secret: bytes | None = None,
) -> tuple[Any, list[dict[str, Any]]]:
    """Replays ``history`` under each policy (the engine's config dicts; a ``"flow"`` key, when
    present, is the confirmation flow's policy for pricing messages). Returns ``(assessments,
    report)``: the replay's DataFrame (one row per order and policy) and the report rows (dicts
    with :data:`REPORT_COLUMNS`, ``policy`` the policy's name), sorted by policy then month. A
    ``"risk_model"`` key is a fitted risk model (its JSON text or the parsed dict) loaded for
    that policy: its ``risk`` is then P(failed delivery), which :func:`calibration` measures."""
    from pyspark.sql import functions as F

    from codguard.spark import _docs, replay

    names = list(names or [f"policy{i + 1}" for i in range(len(policies))])
    engine_policies = [{k: v for k, v in p.items() if k not in ("flow", "risk_model")} for p in policies]
    models = [_model_text(p.get("risk_model")) for p in policies]
    secret = secret or secrets.token_bytes(32)
    answers = replay(spark, history, engine_policies, secret=secret, risk_models=models).persist()
    docs = _docs(history, ("order_id", "placed_at", "country", "name", "phone", "email", "address", "city", "total", "currency"))
    docs = docs.select(F.col("order_id").cast("string").alias("order_id"), "doc", F.col("total").cast("double").alias("total"))
    joined = answers.join(docs, "order_id", "left").withColumn(
        "month", F.date_format(F.from_unixtime(F.col("placed_at")), "yyyy-MM")
    )
    money = joined.select("p", "month", "customer_class", "action", "outcome", "error", "doc", "total").mapInArrow(
        _money_rows(costs, policies), MONEY_SCHEMA
    )
    aggs = [
        F.count(F.lit(1)).alias("orders"),
        F.sum(F.col("error").isNotNull().cast("int")).alias("errors"),
        *[F.sum((F.col("customer_class") == c).cast("int")).alias(f"class_{c}") for c in CLASSES],
        *[F.sum((F.col("action") == a).cast("int")).alias(f"action_{a}") for a in ACTIONS],
        *[
            F.sum(((F.col("action") == a) & F.col("outcome").isin(*FAILED)).cast("int")).alias(f"failed_{a}")
            for a in ACTIONS
        ],
        F.sum(F.col("outcome").isin(*FAILED).cast("int")).alias("failed"),
        F.sum(((F.col("outcome") == "delivered") & (F.col("action") != "auto_confirm")).cast("int")).alias(
            "good_delayed"
        ),
        F.sum("caught").alias("refused_avoided"),
        F.sum("lost_orders").alias("good_lost"),
        F.sum("avoided").alias("avoided_money"),
        F.sum("lost").alias("lost_money"),
        F.sum("messages").alias("message_money"),
    ]
    rows = money.groupBy("p", "month").agg(*aggs).orderBy("p", "month").collect()
    report = []
    for r in rows:
        d = r.asDict()
        p = d.pop("p")
        out = {"policy": names[p], **{k: d[k] for k in REPORT_COLUMNS if k in d}}
        for k in ("refused_avoided", "good_lost", "avoided_money", "lost_money", "message_money"):
            out[k] = round(float(out[k] or 0.0), 2)
        out["net"] = round(out["avoided_money"] - out["lost_money"] - out["message_money"], 2)
        report.append({k: out.get(k, 0) for k in REPORT_COLUMNS})
    return answers, report


def _model_text(model: Any) -> str | None:
    if model is None or isinstance(model, str):
        return model
    return json.dumps(model)


CALIBRATION_COLUMNS = ("policy", "bin", "low", "high", "orders", "predicted", "observed")
"""The calibration table's columns: per policy and bin of ``risk`` (tenths), the shipped orders
(delivered or failed) in it, their mean ``risk`` and the share that failed."""


def calibration(
    answers: Any, names: Sequence[str], bins: int = 10, since: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """The calibration of each policy's ``risk`` on a replay (``backtest``'s ``answers``): the
    shipped orders (delivered or failed) per bin of ``risk``, and each policy's Brier score (the
    mean of ``(risk - failed)^2``). ``since`` (Unix seconds) keeps the orders placed from then on:
    the months after a model's fit, for a score out of its sample. Aggregated on Spark: a group-by
    per policy and bin."""
    from pyspark.sql import functions as F

    y = F.col("outcome").isin(*FAILED).cast("double")
    shipped = answers.filter(F.col("error").isNull() & F.col("outcome").isin("delivered", *FAILED))
    if since is not None:
        shipped = shipped.filter(F.col("placed_at") >= since)
    b = F.least(F.floor(F.col("risk") * bins), F.lit(bins - 1)).cast("int")
    rows = (
        shipped.groupBy("p", b.alias("bin"))
        .agg(
            F.count(F.lit(1)).alias("orders"),
            F.sum("risk").alias("sum_risk"),
            F.sum(y).alias("failed"),
            F.sum((F.col("risk") - y) * (F.col("risk") - y)).alias("sq"),
        )
        .orderBy("p", "bin")
        .collect()
    )
    table: list[dict[str, Any]] = []
    sq: dict[str, float] = {}
    n: dict[str, int] = {}
    for r in rows:
        name = names[r["p"]]
        sq[name] = sq.get(name, 0.0) + float(r["sq"])
        n[name] = n.get(name, 0) + int(r["orders"])
        table.append({
            "policy": name,
            "bin": int(r["bin"]),
            "low": r["bin"] / bins,
            "high": (r["bin"] + 1) / bins,
            "orders": int(r["orders"]),
            "predicted": round(float(r["sum_risk"]) / r["orders"], 4),
            "observed": round(float(r["failed"]) / r["orders"], 4),
        })
    brier = {name: round(sq[name] / n[name], 4) for name in sq}
    return table, brier


def calibration_chart(table: Sequence[Mapping[str, Any]], brier: Mapping[str, float], path: str) -> None:
    """A reliability diagram (PNG): per policy, the observed failure rate against the mean
    ``risk`` of each bin (marker size by orders), the diagonal a calibrated model would follow,
    each policy's Brier score in the legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="calibrated")
    total = max(1, sum(int(r["orders"]) for r in table))
    for name in dict.fromkeys(r["policy"] for r in table):
        rows = [r for r in table if r["policy"] == name]
        line = ax.plot([r["predicted"] for r in rows], [r["observed"] for r in rows], marker="o",
                       label=f"{name} (Brier {brier.get(name, float('nan')):.4f})")
        ax.scatter([r["predicted"] for r in rows], [r["observed"] for r in rows],
                   s=[20 + 2000 * int(r["orders"]) / total for r in rows], color=line[0].get_color(), alpha=0.3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("risk (mean of the bin)")
    ax.set_ylabel("failed deliveries (share of the bin's shipped orders)")
    ax.set_title("Calibration of risk on the replayed history")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(report: Sequence[Mapping[str, Any]], path_csv: str, path_json: str) -> None:
    """Writes the report as CSV and as JSON (a list of rows)."""
    import csv

    with open(path_csv, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(REPORT_COLUMNS))
        w.writeheader()
        w.writerows(report)
    with open(path_json, "w", encoding="utf-8") as f:
        json.dump(list(report), f, indent=1)
        f.write("\n")


def chart(report: Sequence[Mapping[str, Any]], path: str, currency: str = "") -> None:
    """A PNG chart from the report: per policy per month, refused parcels avoided (top) and good
    orders delayed and lost (bottom), each policy's net result over the whole period in the
    legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    policies = list(dict.fromkeys(r["policy"] for r in report))
    months = sorted({r["month"] for r in report})
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 5.5))
    for name in policies:
        by_month = {r["month"]: r for r in report if r["policy"] == name}
        net = sum(float(r["net"]) for r in by_month.values())
        label = f"{name} (net {net:,.0f} {currency})".replace(" )", ")")
        top.plot(months, [float(by_month.get(m, {}).get("refused_avoided", 0)) for m in months], marker="o", label=label)
        line = bottom.plot(months, [float(by_month.get(m, {}).get("good_delayed", 0)) for m in months], marker="o",
                           label=f"{name}: delayed")
        bottom.plot(months, [float(by_month.get(m, {}).get("good_lost", 0)) for m in months], linestyle="--",
                    color=line[0].get_color(), label=f"{name}: lost (expected)")
    top.set_ylabel("refused parcels avoided")
    bottom.set_ylabel("good orders")
    bottom.legend(fontsize=8)
    top.set_title("Backtest per policy and month")
    top.legend(fontsize=8)
    top.grid(alpha=0.3)
    bottom.grid(alpha=0.3)
    step = max(1, len(months) // 12)
    bottom.set_xticks(range(0, len(months), step))
    bottom.set_xticklabels(months[::step], rotation=45, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
