from typing import Any

from django.apps import AppConfig


class CodConfig(AppConfig):
    name = "cod"
    verbose_name = "Cash on delivery (codguard)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oscar.apps.order.signals import order_status_changed

        order_status_changed.connect(_status_changed, dispatch_uid="cod-status-changed")


def _status_changed(sender: Any, order: Any, old_status: str, new_status: str, **kwargs: Any) -> None:
    """A status staff set in oscar's dashboard feeds codguard (cod.services.status_set_by_staff);
    the statuses codguard sets itself are left alone."""
    if getattr(order, "_cod_status_from_codguard", False):
        return
    from cod import services

    services.status_set_by_staff(order, old_status, new_status)
