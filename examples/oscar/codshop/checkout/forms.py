"""The checkout's address form for a Moroccan cash-on-delivery shop (oscar's class loader takes
it instead of oscar's own ``checkout.forms.ShippingAddressForm``).

- The street is optional: many customers give a phone and a city and explain the way on the
  phone; the confirmation page asks for the address when it is missing (codguard's
  ``address_missing``). oscar's model requires it; the form does not.
- The phone is required: the courier calls before coming and codguard confirms the order on it.
- No "state / region" field: Moroccan addresses have none.
"""

from typing import Any

from oscar.apps.checkout import forms


class ShippingAddressForm(forms.ShippingAddressForm):  # type: ignore[misc]  # oscar is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("state", None)
        line1 = self.fields["line1"]
        line1.required = False
        line1.label = "Adresse (rue, numéro, quartier) / العنوان"
        line1.help_text = "Facultatif : si elle manque, nous vous la demanderons avec la confirmation."
        phone = self.fields["phone_number"]
        phone.required = True
        phone.label = "Téléphone / الهاتف"
        phone.help_text = "Le livreur vous appelle à ce numéro, par exemple 06 12 34 56 78."
