"""The confirmation page behind the link, and the staff pages (queue, outbox, outcomes).

The page's GET only shows: messaging apps (WhatsApp, SMS previews, mail scanners) fetch every
link they see, so opening the link must change nothing. Only the customer's explicit POST
(Confirm, Cancel or a new window, with Django's CSRF token) becomes a `link_clicked` event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import codguard
from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from cod import services
from cod.models import SLOTS, Link, OutboxMessage, QueueItem

Order = get_model("order", "Order")

# What the page offers in each state of the flow.
BEFORE_SHIPPING = {"awaiting_sms", "awaiting_whatsapp", "awaiting_email", "awaiting_call", "not_started"}
RESCHEDULE = {"awaiting_reschedule"}

# The page speaks French and Arabic, as the shop's messages do.
INVALID_LINK = "Ce lien n'est pas valide. / هذا الرابط غير صالح."
TOKEN_PROBLEMS = {
    "token_expired": "Ce lien a expiré ou a été remplacé par un lien plus récent : utilisez le dernier message reçu."
    " / انتهت صلاحية هذا الرابط أو عُوِّض برابط أحدث: استعمل آخر رسالة وصلتك.",
    "token_wrong_order": "Ce lien ne correspond pas à cette commande. / هذا الرابط لا يخص هذه الطلبية.",
    "token_forged": INVALID_LINK,
    "token_malformed": INVALID_LINK,
}
SLOTS_AR = {"morning": "صباحا", "afternoon": "بعد الظهر", "evening": "مساءً"}


def delivery_days(today: dt.date | None = None, count: int = 6) -> list[dt.date]:
    """The days a customer may pick: from tomorrow, couriers do not deliver on Sundays."""
    day = today or timezone.localdate()
    days: list[dt.date] = []
    while len(days) < count:
        day += dt.timedelta(days=1)
        if day.weekday() != 6:
            days.append(day)
    return days


class ChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=[("confirm", "confirm"), ("cancel", "cancel"), ("reschedule", "reschedule")])
    day = forms.DateField(required=False)
    slot = forms.ChoiceField(choices=SLOTS, required=False)
    address = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, needs_address: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_address = needs_address

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == "cancel":
            return data
        if data.get("day") not in delivery_days() or not data.get("slot"):
            raise forms.ValidationError("Choisissez un jour et un créneau de livraison. / اختر يوما ووقتا للتسليم.")
        if self.needs_address and not (data.get("address") or "").strip():
            raise forms.ValidationError("Indiquez votre adresse de livraison. / أدخل عنوان التسليم.")
        return data


def _page_context(link: Link, token: str) -> dict[str, Any]:
    flow_row = link.flow
    flow = codguard.ConfirmationFlow.restore(bytes(flow_row.snapshot), services.secret())
    problem = None
    try:
        flow.verify_link(token, services.now())
    except codguard.InvalidToken as e:
        problem = TOKEN_PROBLEMS.get(e.code, INVALID_LINK)
    state = flow.state
    return {
        "order": flow_row.order,
        "flow_row": flow_row,
        "state": state,
        "problem": problem,
        "can_confirm": problem is None and state in BEFORE_SHIPPING,
        "can_reschedule": problem is None and state in RESCHEDULE,
        "needs_address": flow.needs_address,
        "days": delivery_days(),
        "slots": [(value, f"{label} / {SLOTS_AR[value]}") for value, label in SLOTS],
        "token": token,
    }


def confirmation_page(request: HttpRequest, token: str) -> HttpResponse:
    link = Link.objects.select_related("flow__order").filter(token=token).first()
    if link is None:
        raise Http404("unknown link")
    ctx = _page_context(link, token)
    if request.method == "POST":
        if not (ctx["can_confirm"] or ctx["can_reschedule"]):
            return render(request, "cod/confirm.html", ctx, status=409)
        form = ChoiceForm(request.POST, needs_address=ctx["needs_address"])
        if not form.is_valid():
            ctx["errors"] = form.non_field_errors() or ["Formulaire incomplet. / الاستمارة غير مكتملة."]
            return render(request, "cod/confirm.html", ctx, status=400)
        data = form.cleaned_data
        ev = {"type": "link_clicked", "at": services.now(), "token": token, "choice": data["choice"]}
        if data["choice"] != "cancel":
            ev["delivery_window"] = {"day": data["day"].isoformat(), "slot": data["slot"]}
            if (data.get("address") or "").strip():
                ev["address"] = data["address"].strip()
        try:
            services.event(link.flow.order, ev)
        except codguard.InvalidEvent:
            ctx["errors"] = ["Ce choix n'est pas possible : vérifiez le jour et l'adresse. / هذا الاختيار غير ممكن: تحقق من اليوم والعنوان."]
            return render(request, "cod/confirm.html", ctx, status=400)
        return redirect("cod:confirm", token=token)
    return render(request, "cod/confirm.html", ctx)


# -- staff -----------------------------------------------------------------------------------


@staff_member_required
def queue(request: HttpRequest) -> HttpResponse:
    items = QueueItem.objects.filter(resolved_at__isnull=True).select_related("order", "order__codguard")
    return render(request, "cod/queue.html", {"items": items})


@staff_member_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(QueueItem, pk=pk)
    item.resolved_at = timezone.now()
    item.save()
    return redirect("cod:queue")


@staff_member_required
def outbox(request: HttpRequest) -> HttpResponse:
    rows = OutboxMessage.objects.select_related("order").order_by("-id")[:200]
    return render(request, "cod/outbox.html", {"rows": rows})


STAFF_EVENTS = {
    "shipped": "Expédiée",
    "delivered": "Livrée, payée",
    "failed_unreachable": "Échec : client injoignable",
    "failed_postponed": "Échec : client a reporté",
    "failed_address_problem": "Échec : problème d'adresse",
    "failed_refused": "Échec : refusée à la porte",
    "returned": "Retournée à la boutique",
    "cancelled": "Annulée (demande du client)",
    "call_confirmed": "Appel : confirmée",
    "call_cancelled": "Appel : annulée",
    "call_no_answer": "Appel : pas de réponse",
    "call_wrong_number": "Appel : mauvais numéro",
}


ACTIONS_FR = {
    "flag_for_call": "à appeler",
    "confirm": "confirmée",
    "reschedule_delivery": "nouvelle livraison",
    "return_to_sender": "retour à la boutique",
    "cancel": "annulée",
    "notify_customer_service": "service client prévenu",
}


def _action_fr(action: dict[str, Any]) -> str:
    """One of the flow's actions, for the staff's message after they record an outcome."""
    if action["type"] == "send":
        return f"message {action['channel']} ({action['template']})"
    return ACTIONS_FR.get(action["type"], str(action["type"]))


@staff_member_required
@require_POST
def staff_event(request: HttpRequest, number: str) -> HttpResponse:
    order = get_object_or_404(Order, number=number)
    what = request.POST.get("event", "")
    if what not in STAFF_EVENTS:
        return HttpResponse("unknown event", status=400)
    actions = services.staff_event(order, what)
    summary = ", ".join(_action_fr(a) for a in actions)
    messages.info(request, f"{STAFF_EVENTS[what]} — codguard : {summary or 'rien à faire'}")
    return redirect("dashboard:order-detail", number=number)
