"""The gateway's inbound webhook: a customer's reply to an SMS or WhatsApp message.

``POST /hooks/inbound`` with ``Authorization: Bearer COD_SENDER_TOKEN`` and the JSON body
``{"from": "+212...", "channel": "sms|whatsapp", "text": "..."}``. The reply goes to the most
recent open flow of that number; codguard reads its intent (``reply_intent``): a yes confirms,
a no cancels, a new number restarts the flow on it, and anything unclear goes to customer
service. Answers 200 ``{"order": NUMBER, "actions": [...]}``, 404 when no open order has that
number, 401 without the token.
"""

from __future__ import annotations

import hmac
import json

import codguard
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cod import services
from cod.models import Flow

CLOSED = ("cancelled", "completed", "returned")


@csrf_exempt  # a server-to-server call, authenticated by the gateway's token
@require_POST
def inbound(request: HttpRequest) -> JsonResponse:
    expected = f"Bearer {settings.COD_SENDER_TOKEN}"
    given = request.headers.get("Authorization", "")
    if not settings.COD_SENDER_TOKEN or not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"error": "unauthorized"}, status=401)
    try:
        body = json.loads(request.body)
        sender, channel, text = str(body["from"]), str(body.get("channel", "sms")), str(body["text"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON with from and text"}, status=400)
    if channel not in ("sms", "whatsapp"):
        return JsonResponse({"error": "channel must be sms or whatsapp"}, status=400)
    phone = codguard.normalize_phone(sender, "MA")
    flow = (
        Flow.objects.filter(order__shipping_address__phone_number=phone)
        .exclude(state__in=CLOSED)
        .select_related("order")
        .order_by("-id")
        .first()
        if phone
        else None
    )
    if flow is None:
        return JsonResponse({"error": "no open order for that number"}, status=404)
    actions = services.reply(flow.order, channel, text)
    return JsonResponse({"order": str(flow.order.number), "actions": [a["type"] for a in actions]})
