"""The order statuses in French (settings.OSCAR_ORDER_STATUS_PIPELINE, cod.services): renames
the English ones an earlier version of the shop stored, on orders, their lines and the
orders' status history. Reversible."""

from typing import Any

from django.db import migrations

RENAMED = {
    "Pending confirmation": "En attente de confirmation",
    "Confirmed": "Confirmée",
    "Cancelled": "Annulée",
    "Shipped": "Expédiée",
    "Delivery failed": "Livraison échouée",
    "Delivered": "Livrée",
    "Returned": "Retournée",
    "Refused": "Refusée",
}


def _rename(apps: Any, names: dict[str, str]) -> None:
    Order = apps.get_model("order", "Order")
    Line = apps.get_model("order", "Line")
    Change = apps.get_model("order", "OrderStatusChange")
    for old, new in names.items():
        Order.objects.filter(status=old).update(status=new)
        Line.objects.filter(status=old).update(status=new)
        Change.objects.filter(old_status=old).update(old_status=new)
        Change.objects.filter(new_status=old).update(new_status=new)


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, RENAMED)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("cod", "0002_codguard_tables"), ("order", "0021_billingaddress_code_shippingaddress_code")]
    operations = [migrations.RunPython(forwards, backwards)]
