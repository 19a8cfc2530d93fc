"""Orders placed the way oscar's checkout places them, for the shop's tests."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from oscar.apps.checkout.calculators import OrderTotalCalculator
from oscar.apps.order.utils import OrderCreator
from oscar.apps.partner.strategy import Selector
from oscar.apps.shipping.methods import Free
from oscar.core.loading import get_model

from cod import services

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")

# The demo's named customers (demo/customers.jsonl) as they order again.
SALMA = {"name": "Salma Khalil", "phone": "0661472983", "email": "salma.khalil@gmail.com",
         "line1": "12 Rue Ibn Battouta, Appt 4, Maarif", "city": "Casablanca"}
YOUSSEF = {"name": "Youssef Benali", "phone": "0770583146", "email": "youssef.benali@outlook.com",
           "line1": "45 Avenue Hassan II, Agdal", "city": "Rabat"}
FATIMA = {"name": "Fatima Zahra Bennani", "phone": "0654812739", "email": "fz.bennani@yahoo.fr",
          "line1": "7 Rue de Fès, Hay Riad", "city": "Rabat"}
HAMZA = {"name": "Hamza Ait Lahcen", "phone": "0698214573", "email": "hamza.ait@gmail.com",
         "line1": "Douar Tafraout", "city": "Agadir"}
NEW = {"name": "Imane Chraibi", "phone": "0612784903", "email": "imane.chraibi@gmail.com",
       "line1": "5 Rue Moulay Youssef, Gauthier", "city": "Casablanca"}
JUNK = {"name": "qsdf qsdf", "phone": "0666666666", "email": "test@test.com", "line1": "xxxx", "city": "Casablanca"}


T = TypeVar("T", bound=type[SimpleTestCase])


def any_hour(cls: T) -> T:
    """The shop's policy without its quiet hours (22:00-08:00 in Casablanca), so that a test
    gives the same answer whatever the hour it runs at; `QuietHours` tests them on purpose."""
    return override_settings(COD_FLOW_POLICY={**settings.COD_FLOW_POLICY, "quiet_hours": None})(cls)


def load_demo() -> None:
    call_command("cod_demo", stdout=open("/dev/null", "w"))


def place(customer: dict[str, str], number: str, sku: str = "caftan-mkhwar", **changes: str) -> Any:
    """An order through oscar's OrderCreator, then codguard's checkout step."""
    c = {**customer, **changes}
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    basket.add_product(StockRecord.objects.get(partner_sku=sku).product)
    first, _, last = c["name"].partition(" ")
    address = ShippingAddress.objects.create(
        first_name=first, last_name=last or first, line1=c["line1"], line4=c["city"],
        country_id="MA", phone_number=c["phone"],
    )
    method = Free()
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    order = OrderCreator().place_order(
        basket=basket, total=total, shipping_method=method, shipping_charge=charge,
        shipping_address=address, order_number=number, guest_email=c["email"],
    )
    services.order_placed(order)
    order.refresh_from_db()
    return order


def token_of(link: str) -> str:
    m = re.search(r"/c/([A-Za-z0-9_-]+)$", link)
    assert m, link
    return m.group(1)
