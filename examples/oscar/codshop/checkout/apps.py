"""Oscar's checkout, forked for cash on delivery (oscar's documented way to change its views)."""

import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "codshop.checkout"
