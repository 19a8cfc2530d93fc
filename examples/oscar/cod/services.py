"""codguard in the shop: assess at checkout, drive each order's confirmation flow, carry out
its actions (outbox, customer-service queue, order status, history).

The flow is sans-IO: every function here loads its snapshot, feeds it one event, carries out
what it answers and stores the new snapshot, all in the caller's database transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any

import codguard
import codguard.sql
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cod.models import Assessment, Flow, GuardState, Link, OutboxMessage, QueueItem

log = logging.getLogger("cod")

# Order statuses (settings.OSCAR_ORDER_STATUS_PIPELINE), in French: staff and customers see
# them as they are on oscar's pages (migration cod 0003 renamed the English ones).
PENDING = "En attente de confirmation"
CONFIRMED = "Confirmée"
CANCELLED = "Annulée"
SHIPPED = "Expédiée"
DELIVERY_FAILED = "Livraison échouée"
DELIVERED = "Livrée"
RETURNED = "Retournée"
REFUSED = "Refusée"


def now() -> int:
    return int(time.time())


def secret() -> bytes:
    return settings.COD_SHOP_SECRET.encode()


def store() -> codguard.sql.Store:
    """The history in the shop's own database, over Django's connection (so its writes share the
    request's transaction: codguard runs them in a savepoint)."""
    connection.ensure_connection()
    return codguard.sql.Store(connection.connection, secret=secret(), dialect="postgres")


def flow_policy() -> dict[str, Any]:
    return {**settings.COD_FLOW_POLICY, "link_base": settings.COD_SHOP_URL + "/c/"}


def codguard_order(order: Any) -> dict[str, Any]:
    """The contract's order record for an oscar order (guest or customer)."""
    a = order.shipping_address
    street = ", ".join(x for x in (a.line1, a.line2, a.line3) if x) if a else ""
    email = order.guest_email or (order.user.email if order.user_id else "")
    return {
        "order_id": str(order.number),
        "placed_at": int(order.date_placed.timestamp()),
        "name": a.name if a else "",
        "phone": _phone(a.phone_number) if a else "",
        "email": email or "",
        "address": street,
        "city": a.line4 if a else "",
        "country": a.country_id if a else "MA",
        "total": float(order.total_incl_tax),
        "currency": order.currency,
    }


# What the history records for each of the flow's cancellation reasons (docs/flow.md): the
# customer's own cancellation is `cancelled`; every other one is an order the shop cancelled
# without a confirmation (`unconfirmed`), the shop's refusal at checkout (`rejected`) included,
# so that the customer's next order sees it instead of a `pending` order that never ends.
CANCEL_OUTCOME = {
    "cancelled_by_customer": "cancelled",
    "unconfirmed": "unconfirmed",
    "rejected": "unconfirmed",
    "unpaid": "unconfirmed",
    "no_contact": "unconfirmed",
}

# What the history records when the courier reports a failed attempt: the contract's word for
# it. The order's final outcome replaces it (delivered after a new window, or the outcome of
# `return_to_sender`). A postponement (the customer asked for another day) has no word of its
# own: the order stays `confirmed`.
FAILURE_OUTCOME = {
    "unreachable": "unreachable",
    "address_problem": "unreachable",
    "refused": "refused",
    "postponed": None,
}


def _phone(number: Any) -> str:
    """The number codguard reads: E.164 (whatever PHONENUMBER_DEFAULT_FORMAT says), or what
    the customer typed when it is no valid number (codguard judges it)."""
    if not number:
        return ""
    return str(number.as_e164) if number.is_valid() else str(number.raw_input or "")


def set_status(order: Any, status: str) -> None:
    """Sets the order's status for codguard's reasons (the receiver of oscar's status signal
    leaves these alone: it reacts only to a status staff set by hand)."""
    if order.status != status:
        order._cod_status_from_codguard = True
        try:
            order.set_status(status)
        finally:
            order._cod_status_from_codguard = False


def record_outcome(order: Any, outcome: str) -> None:
    """The order's outcome in codguard's history (what the customer's next order sees)."""
    store().record_outcome(str(order.number), outcome)


@transaction.atomic
def order_placed(order: Any) -> Assessment:
    """Checkout: assess, enter the order into the history as pending, start its flow."""
    record = codguard_order(order)
    st = store()
    assessment = st.assess(record)
    st.add_order(record)
    row = Assessment.objects.create(
        order=order,
        customer_class=assessment.customer_class,
        action=assessment.action,
        risk=assessment.risk,
        data=assessment.to_dict(),
    )
    flow = codguard.ConfirmationFlow(record, flow_policy(), secret=secret(), action=assessment)
    flow_row = Flow(order=order, state=flow.state)
    handle(flow_row, flow, {"type": "placed", "at": record["placed_at"]})
    log.info("order %s: %s, %s, flow %s", order.number, row.customer_class, row.action, flow_row.state)
    return row


def load_flow(order: Any, lock: bool = True) -> tuple[Flow, codguard.ConfirmationFlow]:
    qs = Flow.objects.select_for_update() if lock else Flow.objects
    row = qs.get(order=order)
    return row, codguard.ConfirmationFlow.restore(bytes(row.snapshot), secret())


def event(order: Any, ev: dict[str, Any]) -> list[dict[str, Any]]:
    """Feeds one event to the order's flow (under a row lock) and carries out its actions."""
    with transaction.atomic():
        row, flow = load_flow(order)
        return handle(row, flow, ev)


def handle(row: Flow, flow: codguard.ConfirmationFlow, ev: dict[str, Any]) -> list[dict[str, Any]]:
    actions = flow.handle(ev)
    done = carry_out(row, flow, actions, ev["at"])
    row.snapshot = flow.snapshot()
    row.state = flow.state
    row.next_deadline = flow.next_deadline
    row.save()
    return done


def _admit(action: dict[str, Any], at: int, country: str) -> dict[str, Any] | None:
    """The send guard's verdict, its row locked until the transaction ends."""
    policy = settings.COD_GUARD_POLICY
    state, _ = GuardState.objects.select_for_update().get_or_create(id=1)
    if state.snapshot:
        guard = codguard.SendGuard.restore(bytes(state.snapshot), policy, secret=secret())
    else:
        guard = codguard.SendGuard(policy, secret=secret())
    denied = guard.admit(action, at, country)
    if denied is None:
        state.snapshot = guard.snapshot()
        state.save()
    return denied


def carry_out(
    row: Flow, flow: codguard.ConfirmationFlow, actions: list[dict[str, Any]], at: int
) -> list[dict[str, Any]]:
    """Carries out the flow's actions; a send the guard denies goes back to the flow, whose
    answer (the next channel, or the call queue) is carried out in turn. Returns every action."""
    order = row.order
    country = order.shipping_address.country_id if order.shipping_address else "MA"
    todo = list(actions)
    done: list[dict[str, Any]] = []
    while todo:
        a = todo.pop(0)
        done.append(a)
        kind = a["type"]
        if kind == "send":
            denied = _admit(a, at, country)
            if denied is not None:
                log.warning("order %s: %s send denied (%s)", order.number, a["channel"], denied["reason"])
                todo.extend(flow.handle(denied))
                continue
            if row.pk is None:
                row.snapshot, row.state = flow.snapshot(), flow.state
                row.save()
            OutboxMessage.objects.create(
                order=order,
                channel=a["channel"],
                template=a["template"],
                to=a["to"],
                body=a["body"],
                link=a.get("link", ""),
                lang=a.get("lang", ""),
                segments=a.get("segments"),
                client_ref=uuid.uuid4().hex,
            )
            if a.get("link"):
                token = a["link"].rsplit("/", 1)[-1]
                Link.objects.get_or_create(token=token, defaults={"flow": row})
        elif kind == "flag_for_call":
            QueueItem.objects.create(order=order, reason="call")
        elif kind in ("confirm", "reschedule_delivery"):
            _take_window(row, a)
            set_status(order, CONFIRMED)
            if kind == "confirm":
                record_outcome(order, "confirmed")
        elif kind == "return_to_sender":
            set_status(order, REFUSED if a["outcome"] == "refused" else RETURNED)
            record_outcome(order, a["outcome"])
        elif kind == "cancel":
            set_status(order, CANCELLED)
            record_outcome(order, CANCEL_OUTCOME.get(a["reason"], "unconfirmed"))
        elif kind == "notify_customer_service":
            reason = a["reason"]
            note = ""
            if reason == "auto_confirmed" and hasattr(order, "codguard"):
                if order.codguard.customer_class == "negotiator":
                    reason = "negotiator_gift"
                    note = "Ce client a négocié un cadeau par le passé."
            QueueItem.objects.create(order=order, reason=reason, note=note)
    if row.pk is None:
        row.snapshot, row.state = flow.snapshot(), flow.state
        row.save()
    return done


def _take_window(row: Flow, action: dict[str, Any]) -> None:
    window = action.get("delivery_window")
    if window:
        row.delivery_day = dt.date.fromisoformat(window["day"])
        row.delivery_slot = window["slot"]
    if action.get("address"):
        row.address = action["address"]
        address = row.order.shipping_address
        if address is not None:
            address.line1 = action["address"][:255]
            address.save()


# The outcomes staff record on the order page (cod/views.py STAFF_EVENTS): each feeds the flow
# (which stops what it was waiting for) and the history (what the customer's next order sees).
COURIER_EVENTS = ("shipped", "delivered", "returned", "cancelled") + tuple(
    f"failed_{r}" for r in FAILURE_OUTCOME
)
CALL_EVENTS = tuple(f"call_{r}" for r in ("confirmed", "cancelled", "no_answer", "wrong_number"))


@transaction.atomic
def staff_event(order: Any, what: str, status_before: str | None = None) -> list[dict[str, Any]]:
    """An outcome staff record on the order page (or set as the order's status in oscar's
    dashboard, which already changed it from ``status_before``): it feeds the order's flow and
    codguard's history. Returns the flow's actions."""
    at = now()
    before = order.status if status_before is None else status_before
    if what == "shipped":
        set_status(order, SHIPPED)
        return []
    if what == "delivered":
        set_status(order, DELIVERED)
        record_outcome(order, "delivered")
        return event(order, {"type": "delivered", "at": at})
    if what.startswith("failed_") and what.removeprefix("failed_") in FAILURE_OUTCOME:
        reason = what.removeprefix("failed_")
        set_status(order, DELIVERY_FAILED)
        outcome = FAILURE_OUTCOME[reason]
        if outcome:
            record_outcome(order, outcome)
        return event(order, {"type": "delivery_failed", "at": at, "reason": reason})
    if what == "returned":
        # The flow answers return_to_sender (refused when the courier reported a refusal at the
        # door), whose carrying out records the outcome; a flow that was not waiting for the
        # parcel (already delivered, never confirmed) leaves it to the shop.
        done = event(order, {"type": "returned", "at": at})
        if not any(a["type"] == "return_to_sender" for a in done):
            set_status(order, RETURNED)
            record_outcome(order, "returned")
        return done
    if what in ("cancelled", "call_cancelled"):
        # The customer cancels (on the phone, or staff cancel the order for them): a flow still
        # asking for a confirmation cancels (`cancelled`), one rescheduling a failed delivery
        # returns the parcel; a confirmed order not shipped yet is cancelled here, the flow has
        # nothing left to wait for.
        done = event(order, {"type": "call_result", "at": at, "result": "cancelled"})
        if not any(a["type"] in ("cancel", "return_to_sender") for a in done) and before in (PENDING, CONFIRMED):
            set_status(order, CANCELLED)
            record_outcome(order, "cancelled")
        return done
    if what in CALL_EVENTS:
        return event(order, {"type": "call_result", "at": at, "result": what.removeprefix("call_")})
    raise ValueError(f"unknown staff event {what!r}")


def status_set_by_staff(order: Any, old_status: str, new_status: str) -> list[dict[str, Any]] | None:
    """oscar's dashboard changed the order's status by hand (its "change status" form, not the
    codguard panel): an outcome status feeds the flow and the history as the panel would.
    Returns the flow's actions, or None for a status that is no outcome (staff use the panel
    for a failed delivery: it needs its reason)."""
    what = {CANCELLED: "cancelled", DELIVERED: "delivered", RETURNED: "returned", SHIPPED: "shipped"}.get(new_status)
    if what is None or not Flow.objects.filter(order=order).exists():
        return None
    return staff_event(order, what, status_before=old_status)


def reply(order: Any, channel: str, text: str) -> list[dict[str, Any]]:
    """A customer's free-text reply (the gateway's inbound webhook)."""
    country = order.shipping_address.country_id if order.shipping_address else "MA"
    intent = codguard.reply_intent(text, country)
    ev: dict[str, Any] = {"type": "reply", "at": now(), "channel": channel, "intent": intent["intent"]}
    if intent["intent"] == "new_phone":
        ev["phone"] = intent["phone"]
    return event(order, ev)


def history_rows(order_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Outcome, date and total of past orders in codguard's history table (for the staff page)."""
    if not order_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT order_id, placed_at, total, outcome, negotiated FROM cg_orders WHERE order_id = ANY(%s)",
            [order_ids],
        )
        return {
            r[0]: {
                "placed_at": dt.datetime.fromtimestamp(r[1], tz=timezone.get_current_timezone()),
                "total": r[2],
                "outcome": r[3],
                "negotiated": r[4],
            }
            for r in cur.fetchall()
        }


def history_export(demo: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history the ``cg_`` tables hold, as records to re-key them from (``Store.rekey``,
    after an upgrade of codguard that changed the key format): the demo's past orders and the
    shop's own orders, each with the outcome and the negotiated flag the tables hold now. Only
    what the tables still hold: an order erased from them (``erase_by_phone``) stays erased."""
    with connection.cursor() as cur:
        cur.execute("SELECT order_id, outcome, negotiated FROM cg_orders")
        held = {r[0]: (r[1], bool(r[2])) for r in cur.fetchall()}
    records: list[dict[str, Any]] = []
    for record in demo:
        if record["order_id"] in held:
            outcome, negotiated = held.pop(record["order_id"])
            records.append({**record, "outcome": outcome, "negotiated": negotiated})
    for row in Assessment.objects.select_related("order", "order__shipping_address", "order__user"):
        record = codguard_order(row.order)
        if record["order_id"] in held:
            outcome, negotiated = held.pop(record["order_id"])
            records.append({**record, "outcome": outcome, "negotiated": negotiated})
    if held:
        log.warning("re-key: %d orders of the history have no record in the shop; left out", len(held))
    return records


def tick_due(at: int | None = None, limit: int = 500) -> int:
    """Feeds a tick to every flow whose next_deadline has come; how many. Each flow in its own
    transaction, locked with SKIP LOCKED so that two job runs never drive the same flow."""
    at = now() if at is None else at
    count = 0
    while count < limit:
        with transaction.atomic():
            row = (
                Flow.objects.select_for_update(skip_locked=True)
                .filter(next_deadline__isnull=False, next_deadline__lte=at)
                .order_by("next_deadline")
                .first()
            )
            if row is None:
                break
            try:
                flow = codguard.ConfirmationFlow.restore(bytes(row.snapshot), secret())
            except codguard.SnapshotError:
                # A row edited in the database, or sealed under another secret: a person looks
                # at the order; the job goes on with the others.
                log.error("order %s: flow snapshot refused", row.order.number)
                row.next_deadline = None
                row.save(update_fields=["next_deadline"])
                QueueItem.objects.create(order=row.order, reason="flow_broken")
            else:
                handle(row, flow, {"type": "tick", "at": at})
        count += 1
    return count
