"""End to end in headless Chromium: customers check out through oscar's pages, the new customer
answers the SMS link, staff record a failed delivery and the customer picks a new window.

Run: ``python manage.py test cod.e2e.browser`` (scripts/ci_oscar.sh installs Chromium and its
driver from Debian's packages). Screenshots go to ``$COD_SCREENSHOTS`` (target/oscar-screenshots).
"""

from __future__ import annotations

import os
import unittest
from pathlib import Path
from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connection
from django.test import Client, override_settings
from oscar.core.loading import get_model
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from cod import services
from cod.models import Flow, OutboxMessage, QueueItem
from cod.templatetags.cod_tags import phone_national
from cod.tests.helpers import HAMZA, JUNK, NEW, SALMA, YOUSSEF, any_hour

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
SHOTS = Path(os.environ.get("COD_SCREENSHOTS") or Path(__file__).resolve().parents[4] / "target" / "oscar-screenshots")


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("COD_CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=fr"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(os.environ.get("COD_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def page_left(page: WebElement) -> Callable[[Any], bool]:
    """A wait condition: true once `page` (the old page's root element) is gone.

    Chrome answers a question about a node of a page it has left with the stale element error
    (what selenium's `staleness_of` expects) or, when the navigation lands between the steps of
    its answer, with an inspector error ("Node with given id does not belong to the
    document"), which `staleness_of` let through and failed the test on. Both mean the page
    was left.
    """

    def left(_driver: Any) -> bool:
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in (e.msg or ""):
                return True
            raise
        return False

    return left


@any_hour
class Browser(StaticLiveServerTestCase):
    driver: ClassVar[webdriver.Chrome]
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.driver = chromium()
        cls.driver.implicitly_wait(5)
        SHOTS.mkdir(parents=True, exist_ok=True)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.driver.quit()
        super().tearDownClass()

    def setUp(self) -> None:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE cg_keys, cg_orders")
        from cod.tests.helpers import load_demo

        load_demo()
        self.shop_url = override_settings(COD_SHOP_URL=self.live_server_url)
        self.shop_url.enable()

    def tearDown(self) -> None:
        self.shop_url.disable()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE cg_keys, cg_orders")

    # -- helpers -----------------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.driver.get(self.live_server_url + path)

    def shot(self, name: str) -> None:
        self.driver.save_screenshot(str(SHOTS / f"{name}.png"))

    def css(self, selector: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def wait_for(self, selector: str) -> WebElement:
        return WebDriverWait(self.driver, 15).until(lambda d: d.find_element(By.CSS_SELECTOR, selector))

    def submit(self, selector: str) -> None:
        """Clicks a button that loads a new page, and waits for that page."""
        page = self.css("html")
        self.css(selector).click()
        WebDriverWait(self.driver, 30).until(page_left(page))

    def fill(self, field_id: str, value: str) -> None:
        el = self.css(f"#{field_id}")
        el.clear()
        el.send_keys(value)

    def checkout(self, customer: dict[str, str], shot: str | None = None) -> Any:
        """Adds the caftan to the basket and checks out as a guest; the new order."""
        self.driver.delete_all_cookies()
        known = set(Order.objects.values_list("number", flat=True))
        self.go(StockRecord.objects.get(partner_sku="caftan-mkhwar").product.get_absolute_url())
        self.css("#add_to_basket_form button[type=submit]").click()
        self.wait_for(".alert-success")  # the basket holds the caftan
        self.go("/checkout/")
        self.wait_for("#id_username")
        self.fill("id_username", customer["email"])
        self.css("#id_options_0").click()  # no account: guest checkout
        self.submit("form button[type=submit]")
        first, _, last = customer["name"].partition(" ")
        self.wait_for("#id_first_name")
        self.fill("id_first_name", first)
        self.fill("id_last_name", last or first)
        self.fill("id_line1", customer["line1"])
        self.fill("id_line4", customer["city"])
        self.fill("id_phone_number", customer["phone"])
        self.submit("#new_shipping_address button[type=submit]")
        self.wait_for("#cod-payment")
        if shot:
            self.shot(shot)
        self.submit("#view_preview")
        self.assertIn("Paiement à la livraison", self.wait_for("#cod-payment-summary").text)
        self.wait_for("#place-order").click()
        WebDriverWait(self.driver, 30).until(lambda d: "/checkout/thank-you/" in d.current_url)
        # The thank-you page shows the phone as the customer writes it (06 12 34 56 78).
        self.assertIn(phone_national(customer["phone"]), self.css("body").text)
        (number,) = set(Order.objects.values_list("number", flat=True)) - known
        return Order.objects.get(number=number)

    def staff_login(self) -> None:
        client = Client()
        client.force_login(get_user_model().objects.get(username="admin"))
        self.go("/")
        self.driver.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})

    # -- the scenario ------------------------------------------------------------------------

    def run(self, result: unittest.TestResult | None = None) -> unittest.TestResult | None:
        # A failing step leaves a screenshot of the page it failed on.
        outcome = super().run(result)
        if result is not None and (result.errors or result.failures):
            try:
                self.shot("failure")
            except Exception:
                pass
        return outcome

    def test_customers_staff_and_a_failed_delivery(self) -> None:
        # A good customer: confirmed at once, customer service hears about her.
        good = self.checkout(SALMA, shot="checkout")
        self.assertEqual(good.codguard.customer_class, "good")
        self.assertEqual(Flow.objects.get(order=good).state, "auto_confirmed")
        self.assertFalse(OutboxMessage.objects.filter(order=good).exists())

        # A risky customer (a refused parcel before): a call first, no SMS.
        risky = self.checkout(YOUSSEF)
        self.assertEqual((risky.codguard.customer_class, risky.codguard.action), ("risky", "review"))
        self.assertFalse(OutboxMessage.objects.filter(order=risky).exists())

        # A ghost (two orders never confirmed): stopped, a person calls before anything ships.
        ghost = self.checkout(HAMZA)
        self.assertEqual(ghost.codguard.customer_class, "ghost")
        self.assertFalse(OutboxMessage.objects.filter(order=ghost).exists())
        self.assertEqual(Flow.objects.get(order=ghost).state, "awaiting_call")

        # A fake order (junk number, test@test.com, keyboard mash): rejected, cancelled at once.
        junk = self.checkout(JUNK)
        self.assertEqual((junk.codguard.customer_class, junk.codguard.action), ("ghost", "reject"))
        self.assertEqual(Order.objects.get(pk=junk.pk).status, services.CANCELLED)
        self.assertFalse(OutboxMessage.objects.filter(order=junk).exists())

        # A new customer: an SMS with the link.
        new = self.checkout(NEW)
        self.assertEqual(new.codguard.customer_class, "new")
        sms = OutboxMessage.objects.get(order=new)
        self.assertEqual((sms.channel, sms.template), ("sms", "sms_confirm"))
        self.assertTrue(sms.link.startswith(self.live_server_url + "/c/"))

        # Opening the link (a messenger's preview does the same) confirms nothing.
        self.driver.delete_all_cookies()
        self.driver.get(sms.link)
        self.wait_for("#cod-confirm-button")
        self.assertEqual(Flow.objects.get(order=new).state, "awaiting_sms")
        Select(self.css("#cod-day")).select_by_index(1)
        self.css("#slot-evening").click()
        self.shot("confirmation_page")
        self.submit("#cod-confirm-button")
        self.wait_for("#cod-done")
        flow = Flow.objects.get(order=new)
        self.assertEqual((flow.state, flow.delivery_slot), ("confirmed", "evening"))

        # Staff: the customer-service queue and the new customer's order page.
        self.staff_login()
        self.go("/dashboard/cod/queue/")
        rows = {(r.get_attribute("data-order"), r.get_attribute("data-reason")) for r in self.driver.find_elements(By.CSS_SELECTOR, "#cod-queue tbody tr")}
        self.assertIn((good.number, "auto_confirmed"), rows)
        self.assertIn((risky.number, "call"), rows)
        self.assertIn((ghost.number, "call"), rows)
        self.go(f"/dashboard/orders/{risky.number}/")
        panel = self.wait_for("#codguard-panel")
        self.assertEqual(panel.get_attribute("data-class"), "risky")
        self.assertIn("demo-0005", self.css("#cg-matches").text)
        self.driver.execute_script("arguments[0].scrollIntoView()", panel)
        self.shot("staff_order_page")

        # The courier cannot reach the new customer: a reschedule message with a fresh link.
        self.go(f"/dashboard/orders/{new.number}/")
        Select(self.wait_for("#cg-event")).select_by_value("shipped")
        self.submit("#cg-record")
        Select(self.wait_for("#cg-event")).select_by_value("failed_unreachable")
        self.submit("#cg-record")
        again = OutboxMessage.objects.get(order=new, template="reschedule")
        self.assertNotEqual(again.link, sms.link)
        self.driver.delete_all_cookies()
        self.driver.get(again.link)
        self.wait_for("#cod-reschedule")
        Select(self.css("#cod-day")).select_by_index(2)
        self.css("#slot-morning").click()
        self.shot("reschedule_page")
        self.submit("#cod-reschedule")
        self.wait_for("#cod-done")
        flow = Flow.objects.get(order=new)
        self.assertEqual((flow.state, flow.delivery_slot), ("confirmed", "morning"))
        self.assertTrue(QueueItem.objects.filter(order=good, reason="auto_confirmed").exists())
