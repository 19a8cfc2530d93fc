"""codguard in the shop: assess at checkout, drive each order's confirmation flow, carry out
its actions (outbox, customer-service queue, order status, history).

The flow is sans-IO: every function here loads its snapshot, feeds it one event, carries out
what it answers and stores the new snapshot, all in the caller's database transaction.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import date
from typing import Any

import codguard
import codguard.sql
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cod.models import Assessment, Flow, GuardState, Link, OutboxMessage, QueueItem

log = logging.getLogger("cod")

# Order statuses (settings.OSCAR_ORDER_STATUS_PIPELINE).
PENDING = "Pending confirmation"
CONFIRMED = "Confirmed"
CANCELLED = "Cancelled"
SHIPPED = "Shipped"
DELIVERY_FAILED = "Delivery failed"
DELIVERED = "Delivered"
RETURNED = "Returned"
REFUSED = "Refused"


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
        "phone": str(a.phone_number) if a and a.phone_number else "",
        "email": email or "",
        "address": street,
        "city": a.line4 if a else "",
        "country": a.country_id if a else "MA",
        "total": float(order.total_incl_tax),
        "currency": order.currency,
    }


def set_status(order: Any, status: str) -> None:
    if order.status != status:
        order.set_status(status)


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
                store().record_outcome(str(order.number), "confirmed")
        elif kind == "return_to_sender":
            set_status(order, REFUSED if a["outcome"] == "refused" else RETURNED)
            store().record_outcome(str(order.number), a["outcome"])
        elif kind == "cancel":
            set_status(order, CANCELLED)
            outcome = {"cancelled_by_customer": "cancelled", "rejected": None}.get(a["reason"], "unconfirmed")
            # A rejected order stays pending in the history: the shop refused it, the customer
            # did nothing yet.
            if outcome:
                store().record_outcome(str(order.number), outcome)
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
        row.delivery_day = date.fromisoformat(window["day"])
        row.delivery_slot = window["slot"]
    if action.get("address"):
        row.address = action["address"]
        address = row.order.shipping_address
        if address is not None:
            address.line1 = action["address"][:255]
            address.save()


@transaction.atomic
def staff_event(order: Any, what: str) -> list[dict[str, Any]]:
    """An outcome staff record on the order page: it feeds the history and the flow."""
    at = now()
    if what == "shipped":
        set_status(order, SHIPPED)
        return []
    if what == "delivered":
        set_status(order, DELIVERED)
        store().record_outcome(str(order.number), "delivered")
        return event(order, {"type": "delivered", "at": at})
    if what.startswith("failed_"):
        reason = what.removeprefix("failed_")
        set_status(order, DELIVERY_FAILED)
        return event(order, {"type": "delivery_failed", "at": at, "reason": reason})
    if what == "returned":
        set_status(order, RETURNED)
        store().record_outcome(str(order.number), "returned")
        return []
    if what.startswith("call_"):
        return event(order, {"type": "call_result", "at": at, "result": what.removeprefix("call_")})
    raise ValueError(f"unknown staff event {what!r}")


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
                "placed_at": timezone.datetime.fromtimestamp(r[1], tz=timezone.get_current_timezone()),
                "total": r[2],
                "outcome": r[3],
                "negotiated": r[4],
            }
            for r in cur.fetchall()
        }


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
