"""What the shop keeps for codguard, next to oscar's orders.

- ``Assessment``: the engine's answer at checkout (class, action, risk, reasons, matches).
- ``Flow``: the order's confirmation flow between events, as its sealed snapshot, with its
  ``next_deadline`` indexed for the periodic job, and what the customer chose (window, address).
- ``Link``: every confirmation link sent, so the page finds the flow behind a token.
- ``OutboxMessage``: every message to send; the sender works through it (``cod/outbox.py``).
- ``QueueItem``: the customer-service queue.
- ``GuardState``: the shop's send guard (SMS pumping), one row updated under a lock.
"""

from django.db import models


class Assessment(models.Model):
    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="codguard")
    customer_class = models.CharField(max_length=16, db_index=True)
    action = models.CharField(max_length=24)
    risk = models.FloatField()
    data = models.JSONField(help_text="Assessment.to_dict()")
    created_at = models.DateTimeField(auto_now_add=True)


SLOTS = [("morning", "Matin (9h-12h)"), ("afternoon", "Après-midi (12h-17h)"), ("evening", "Soir (17h-21h)")]


class Flow(models.Model):
    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="cod_flow")
    snapshot = models.BinaryField()
    state = models.CharField(max_length=24, db_index=True)
    next_deadline = models.BigIntegerField(null=True, db_index=True)
    delivery_day = models.DateField(null=True, blank=True)
    delivery_slot = models.CharField(max_length=16, choices=SLOTS, blank=True)
    address = models.TextField(blank=True, help_text="the address the customer gave on the page")
    updated_at = models.DateTimeField(auto_now=True)


class Link(models.Model):
    token = models.CharField(max_length=64, unique=True)
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="links")
    created_at = models.DateTimeField(auto_now_add=True)


class OutboxMessage(models.Model):
    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
    STATUSES = [(s, s) for s in (PENDING, SENDING, SENT, FAILED)]

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="cod_messages")
    channel = models.CharField(max_length=16)
    template = models.CharField(max_length=32)
    to = models.CharField(max_length=320)
    body = models.TextField()
    link = models.TextField(blank=True)
    lang = models.CharField(max_length=4, blank=True)
    segments = models.PositiveIntegerField(null=True)
    # The message's identity at the gateway: a resend after a crash carries the same reference,
    # and the sender first asks the gateway whether it already has it.
    client_ref = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=8, choices=STATUSES, default=PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # A sender working on the message holds it until then (Unix seconds); a message still
    # "sending" after its lease is one whose sender died: the next run asks the gateway first.
    lease_until = models.BigIntegerField(null=True)
    provider_id = models.CharField(max_length=128, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["id"]


class QueueItem(models.Model):
    REASONS = {
        "auto_confirmed": "Bon client confirmé automatiquement : le remercier",
        "negotiator_gift": "Client qui a négocié : ajouter un petit cadeau au colis",
        "unclear_reply": "Réponse pas claire : lire et rappeler",
        "call": "Appeler le client pour confirmer",
        "address_missing": "Adresse manquante : l'obtenir avant l'expédition",
        "reschedule_reply": "Livraison échouée, le client veut une nouvelle date : convenir d'un créneau",
        "delivery_failed_no_answer": "Livraison échouée, pas de réponse : appeler",
        "delivery_failed_again": "Livraison échouée encore une fois : décider (appel ou retour)",
        "prepayment_reply": "Réponse à l'offre de prépaiement",
        "flow_broken": "Suivi de la commande illisible (modifié en base ?) : traiter à la main",
    }

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="cod_queue")
    reason = models.CharField(max_length=32, db_index=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def sentence(self) -> str:
        return self.REASONS.get(self.reason, self.reason)


class GuardState(models.Model):
    """One row (id 1): the send guard's sealed snapshot, updated under SELECT ... FOR UPDATE."""

    snapshot = models.BinaryField(null=True)
