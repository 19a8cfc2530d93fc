"""Oscar's checkout, forked for cash on delivery (oscar's documented way to change its views)."""

import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):  # type: ignore[misc]  # oscar is untyped
    name = "codshop.checkout"
