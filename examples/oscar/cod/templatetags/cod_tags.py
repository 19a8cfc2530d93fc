"""The codguard panel of the staff order page (``{% codguard_panel order %}``) and the filters
the shop's pages use to speak as a Moroccan shop does: French labels for codguard's codes, and
phone numbers in the national form a customer writes (06 12 34 56 78).

codguard's codes stay in the page (``data-*`` attributes, ``<code>``) for tests and for a
person who looks them up in docs/contract.md; the core's reason sentences are English and are
shown as they are, under a French title.
"""

import datetime as dt
from typing import Any

import phonenumbers
from django import template
from django.utils import timezone

from cod import services
from cod.views import STAFF_EVENTS

register = template.Library()

CLASS_STYLE = {"good": "success", "negotiator": "info", "new": "secondary", "risky": "warning", "ghost": "danger"}

CLASS_FR = {
    "good": "bon client",
    "negotiator": "négociateur",
    "new": "nouveau client",
    "risky": "à risque",
    "ghost": "fantôme",
}
ACTION_FR = {
    "auto_confirm": "confirmée sans demander",
    "confirm": "confirmation par SMS / WhatsApp",
    "review": "appeler avant d'expédier",
    "require_prepayment": "paiement en ligne d'abord",
    "reject": "refusée",
}
STATE_FR = {
    "not_started": "pas commencé",
    "awaiting_sms": "SMS envoyé, en attente",
    "awaiting_whatsapp": "WhatsApp envoyé, en attente",
    "awaiting_email": "e-mail envoyé, en attente",
    "awaiting_call": "à appeler",
    "awaiting_payment": "paiement en attente",
    "confirmed": "confirmée",
    "auto_confirmed": "confirmée automatiquement",
    "awaiting_followup": "livrée, suivi prévu",
    "awaiting_reschedule": "livraison échouée, nouvelle date demandée",
    "cancelled": "annulée",
    "completed": "terminée",
    "returned": "retournée",
}
OUTCOME_FR = {
    "pending": "en attente",
    "confirmed": "confirmée",
    "delivered": "livrée, payée",
    "refused": "refusée à la porte",
    "unreachable": "client injoignable",
    "returned": "retournée",
    "cancelled": "annulée par le client",
    "unconfirmed": "jamais confirmée",
}
REASON_FR = {
    "phone_invalid": "Numéro inutilisable",
    "phone_looks_fake": "Numéro qui semble inventé",
    "email_fake": "E-mail jetable ou inventé",
    "email_invalid": "E-mail invalide",
    "email_typo": "E-mail avec une faute de frappe probable",
    "address_nonsense": "Adresse qui ne veut rien dire",
    "address_missing": "Adresse manquante",
    "name_nonsense": "Nom qui ne veut rien dire",
    "prior_unconfirmed": "Commandes jamais confirmées",
    "prior_refused": "Colis refusés à la porte",
    "prior_unreachable": "Client injoignable par le livreur",
    "prior_returned": "Colis retournés",
    "prior_negotiated": "A négocié un geste commercial",
    "prior_delivered": "Commandes livrées et payées",
    "prior_cancelled": "Commandes annulées par le client",
    "duplicate_recent_order": "Autre commande récente du même client",
}
EVIDENCE_FR = {"phone": "téléphone", "email": "e-mail", "address": "adresse", "name": "nom"}
CHANNEL_FR = {"sms": "SMS", "whatsapp": "WhatsApp", "email": "e-mail"}
SEND_STATUS_FR = {"pending": "à envoyer", "sending": "en cours", "sent": "envoyé", "failed": "échec"}


@register.filter
def phone_national(value: Any) -> str:
    """A phone as a Moroccan writes it: 06 12 34 56 78 for a Moroccan number, the
    international form (+33 6 12 34 56 78) for any other, the text as it is when it is no
    valid number (an email address, a typo)."""
    text = str(value or "")
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "MA")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    if phonenumbers.region_code_for_number(number) == "MA":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def fr(value: Any, table: str) -> str:
    """codguard's code ``value`` in French, from one of the tables above (the code itself when
    the table lacks it: a newer codguard may add codes)."""
    tables = {
        "class": CLASS_FR,
        "action": ACTION_FR,
        "state": STATE_FR,
        "outcome": OUTCOME_FR,
        "reason": REASON_FR,
        "evidence": EVIDENCE_FR,
        "channel": CHANNEL_FR,
        "send_status": SEND_STATUS_FR,
    }
    return tables[table].get(str(value), str(value))


def _local(at: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(at, tz=timezone.get_current_timezone())


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
        # When the periodic job drives the flow next (a message held by the quiet hours waits
        # until the morning): staff see why no SMS went out yet.
        "next_step": _local(flow.next_deadline) if flow is not None and flow.next_deadline else None,
        "messages_sent": order.cod_messages.all(),
        "queue": order.cod_queue.all(),
        "events": STAFF_EVENTS,
    }
