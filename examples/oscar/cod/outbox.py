"""The outbox: messages the flows decided to send, sent by a job, each exactly once.

A message goes ``pending`` -> ``sending`` (committed before anything leaves the shop, with a
lease) -> ``sent`` or ``failed``. A sender that dies after the gateway took the message but
before ``sent`` was recorded leaves it ``sending``; once the lease is over, the next run asks the
gateway (``lookup`` by the message's ``client_ref``) and records it as sent if the gateway has
it, and sends it only if it does not. Workers claim messages with ``FOR UPDATE SKIP LOCKED``,
so two jobs never work on the same message at once.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cod import services
from cod.models import OutboxMessage
from cod.senders import PermanentError, Sender

log = logging.getLogger("cod")


def _claim(at: int, lease: int) -> tuple[OutboxMessage | None, bool]:
    """The next message to work on, leased; and whether a dead sender may have sent it."""
    with transaction.atomic():
        msg = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status__in=[OutboxMessage.PENDING, OutboxMessage.SENDING])
            .exclude(status=OutboxMessage.SENDING, lease_until__gt=at)
            .order_by("id")
            .first()
        )
        if msg is None:
            return None, False
        uncertain = msg.status == OutboxMessage.SENDING
        msg.status = OutboxMessage.SENDING
        msg.lease_until = at + lease
        msg.save(update_fields=["status", "lease_until"])
        return msg, uncertain


def _record(msg: OutboxMessage, status: str, provider_id: str = "", error: str = "") -> None:
    with transaction.atomic():
        msg.status = status
        msg.provider_id = provider_id
        msg.error = error
        msg.lease_until = None
        if status == OutboxMessage.SENT:
            msg.sent_at = timezone.now()
        msg.save(update_fields=["status", "provider_id", "error", "lease_until", "sent_at"])


def send_pending(
    sender: Sender, at: int | None = None, lease: int | None = None, limit: int = 1000
) -> Counter[str]:
    """Sends what is due; counts of what happened (sent, recovered, failed, unknown)."""
    at = services.now() if at is None else at
    lease = settings.COD_SEND_LEASE if lease is None else lease
    counts: Counter[str] = Counter()
    seen: set[int] = set()
    while sum(counts.values()) < limit:
        msg, uncertain = _claim(at, lease)
        if msg is None or msg.pk in seen:
            break
        seen.add(msg.pk)
        if uncertain:
            try:
                found = sender.lookup(msg.client_ref)
            except Exception as e:  # the gateway cannot tell: try again next run
                log.warning("outbox %s: lookup failed (%s)", msg.pk, type(e).__name__)
                counts["unknown"] += 1
                continue
            if found is not None:
                _record(msg, OutboxMessage.SENT, found)
                counts["recovered"] += 1
                continue
        msg.attempts += 1
        OutboxMessage.objects.filter(pk=msg.pk).update(attempts=msg.attempts)
        try:
            provider_id = sender.send(msg)
        except PermanentError as e:
            _record(msg, OutboxMessage.FAILED, error=str(e))
            services.event(msg.order, {"type": "send_failed", "at": at, "channel": msg.channel})
            counts["failed"] += 1
            continue
        except Exception as e:  # unknown outcome: stays "sending"; the next run asks first
            log.warning("outbox %s: send outcome unknown (%s)", msg.pk, type(e).__name__)
            counts["unknown"] += 1
            continue
        _record(msg, OutboxMessage.SENT, provider_id)
        counts["sent"] += 1
    return counts
