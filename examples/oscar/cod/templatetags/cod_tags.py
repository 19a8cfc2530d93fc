"""The codguard panel of the staff order page (``{% codguard_panel order %}``)."""

from typing import Any

from django import template

from cod import services
from cod.views import STAFF_EVENTS

register = template.Library()

CLASS_STYLE = {"good": "success", "negotiator": "info", "new": "secondary", "risky": "warning", "ghost": "danger"}


@register.inclusion_tag("cod/panel.html")
def codguard_panel(order: Any) -> dict[str, Any]:
    assessment = getattr(order, "codguard", None)
    flow = getattr(order, "cod_flow", None)
    if assessment is None:
        return {"assessment": None}
    data = assessment.data
    past = services.history_rows([m["order_id"] for m in data["matches"]])
    matches = [{**m, **past.get(m["order_id"], {})} for m in data["matches"]]
    return {
        "order": order,
        "assessment": assessment,
        "style": CLASS_STYLE.get(assessment.customer_class, "secondary"),
        "reasons": data["reasons"],
        "matches": matches,
        "profile": data["profile"],
        "flow": flow,
        "messages_sent": order.cod_messages.all(),
        "queue": order.cod_queue.all(),
        "events": STAFF_EVENTS,
    }
