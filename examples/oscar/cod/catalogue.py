"""The catalogue's "all products" page from the database.

oscar browses its catalogue through its search index (haystack). The demo runs without a search
server, on haystack's simple backend, which finds nothing for an empty query: oscar's own page
would show a shop with no product. This view lists the public products from the database into
oscar's template (search with the box still goes through haystack, which the simple backend
answers from the database).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.views.generic import ListView
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


@dataclass
class Hit:
    """What oscar's browse template reads from a search result: the product as ``object``."""

    object: Any


class Catalogue(ListView):  # type: ignore[type-arg]  # Product comes from get_model (untyped)
    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = int(getattr(settings, "OSCAR_PRODUCTS_PER_PAGE", 20))

    def get_queryset(self) -> QuerySet[Any]:
        return Product.objects.browsable().base_queryset().order_by("-date_created", "-id")  # type: ignore[no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["products"] = [Hit(p) for p in ctx["products"]]
        ctx["summary"] = gettext("All products")
        return ctx
