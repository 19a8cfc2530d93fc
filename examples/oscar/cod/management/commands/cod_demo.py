"""Fills an empty shop with demo data: the site, Morocco as the shipping country, a few
products, a staff account (admin / admin) and a customer history for codguard: the named
customers of demo/customers.jsonl (a good, a risky, a negotiating and a ghost customer) and a
few hundred past orders from the project's generator (demo/history.jsonl).

Idempotent: what exists is left as it is. When codguard refuses the history tables because an
older codguard wrote them in another key format (``KeyFormatError``), it re-keys them from the
shop's own records (``cod.services.history_export``) instead of failing: the start command
(run.sh) then works after an upgrade.
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import codguard
import codguard.sql
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import connection
from oscar.core.loading import get_model

from cod import services

DEMO = Path(__file__).resolve().parents[3] / "demo"

Country = get_model("address", "Country")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")

PRODUCTS = [
    ("caftan-mkhwar", "Caftan mkhwar brodé", "349.00"),
    ("babouches", "Babouches en cuir de Fès", "199.00"),
    ("huile-argan", "Huile d'argan, 250 ml", "120.00"),
]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Command(BaseCommand):
    help = "Loads the demo shop's catalogue, staff account and customer history."

    def handle(self, *args: Any, **options: Any) -> None:
        host = settings.COD_SHOP_URL.split("://", 1)[-1]
        Site.objects.update_or_create(id=settings.SITE_ID, defaults={"domain": host, "name": settings.OSCAR_SHOP_NAME})
        Country.objects.update_or_create(
            iso_3166_1_a2="MA",
            defaults={
                "iso_3166_1_a3": "MAR",
                "iso_3166_1_numeric": "504",
                "printable_name": "Maroc",
                "name": "Royaume du Maroc",
                "is_shipping_country": True,
            },
        )
        partner, _ = Partner.objects.get_or_create(name="Souk Demo")
        pclass, _ = ProductClass.objects.get_or_create(
            name="Article", defaults={"requires_shipping": True, "track_stock": False}
        )
        for sku, title, price in PRODUCTS:
            if not StockRecord.objects.filter(partner_sku=sku).exists():
                product = Product.objects.create(product_class=pclass, title=title, structure="standalone")
                StockRecord.objects.create(
                    product=product, partner=partner, partner_sku=sku, price=Decimal(price), price_currency="MAD"
                )
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", "admin")
        store = services.store()
        demo = read_jsonl(DEMO / "customers.jsonl") + read_jsonl(DEMO / "history.jsonl")
        try:
            store.migrate()
        except codguard.sql.KeyFormatError:
            count = store.rekey(services.history_export(demo))
            self.stdout.write(
                f"codguard history: re-keyed {count} past orders under key format "
                f"{codguard.StoreCore.KEY_FORMAT} (the tables held another format)"
            )
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM cg_orders")
            row = cur.fetchone()
            held = row[0] if row else 0
        if held == 0:
            added = store.add_history(demo)
            self.stdout.write(f"codguard history: {added} past orders loaded")
        else:
            self.stdout.write(f"codguard history: {held} orders already held")
        self.stdout.write("demo shop ready: staff login admin / admin")
