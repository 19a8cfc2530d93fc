"""The checkout's payment step: cash on delivery, and codguard's assessment of every order.

Only what changes is defined here; oscar's class loader takes every other checkout view from
oscar itself.
"""

from typing import Any

from oscar.apps.checkout import views
from oscar.apps.payment.models import Source, SourceType

from cod import services


class PaymentDetailsView(views.PaymentDetailsView):  # type: ignore[misc]  # oscar is untyped
    def handle_payment(self, order_number: str, total: Any, **kwargs: Any) -> None:
        # Nothing is charged: the courier collects the cash. The source says how much is due.
        # The name is what the thank-you page and the customer's order page show.
        source_type, _ = SourceType.objects.update_or_create(
            code="cash-on-delivery", defaults={"name": "paiement à la livraison"}
        )
        self.add_payment_source(
            Source(
                source_type=source_type,
                currency=total.currency,
                amount_allocated=total.incl_tax,
                reference=order_number,
            )
        )
        self.add_payment_event("Espèces à encaisser à la livraison", total.incl_tax)

    def handle_successful_order(self, order: Any) -> Any:
        # Same transaction as the order (ATOMIC_REQUESTS): an order is never left unassessed.
        services.order_placed(order)
        return super().handle_successful_order(order)
