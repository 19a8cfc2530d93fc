"""Settings of the codguard demo shop (django-oscar 4.2 on Django 5.2, PostgreSQL).

Everything a deployment changes comes from the environment:

- ``COD_SHOP_DSN``: the shop's PostgreSQL, ``postgresql://user:pw@host:port/db`` (run.sh sets it);
- ``COD_SHOP_SECRET``: the secret that signs confirmation links and seals flow snapshots and keys
  the history's hashes (keep it out of the database; a development default is used when unset);
- ``COD_SHOP_URL``: the public address the links point at (``http://127.0.0.1:8000``);
- ``COD_SENDER``: where messages go: ``console``, ``file:/path/outbox.log`` or
  ``http:https://gateway.example/v1`` with ``COD_SENDER_TOKEN`` (see ``cod/senders.py``).
"""

import os
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from oscar.defaults import *  # noqa: F403 (oscar's documented way to take its defaults)

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("COD_DJANGO_SECRET_KEY", "dev-only-django-secret-key-change-me")
DEBUG = os.environ.get("COD_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"] + [
    h for h in os.environ.get("COD_ALLOWED_HOSTS", "").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "cod.apps.CodConfig",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "codshop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "oscar.apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "codshop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
                "oscar.apps.communication.notifications.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "codshop.wsgi.application"


def _database(dsn: str) -> dict[str, Any]:
    u = urlsplit(dsn)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": u.path.lstrip("/"),
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname or "127.0.0.1",
        "PORT": str(u.port or 5432),
        "ATOMIC_REQUESTS": True,
        "TEST": {"NAME": os.environ.get("COD_SHOP_TEST_DB") or None},
    }


DATABASES = {
    "default": _database(
        os.environ.get("COD_SHOP_DSN", "postgresql://cg_oscar:cg_oscar_pw@127.0.0.1:5432/codguard_oscar")
    )
}

AUTHENTICATION_BACKENDS = (
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("ar", "العربية"), ("en", "English")]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The shop: Moroccan dirhams, guests may order (most COD customers never make an account), and the
# street is optional: a customer may give only a phone and a city, and the confirmation page then
# asks for the address (codguard's `address_missing`).
OSCAR_SHOP_NAME = "Souk Demo"
OSCAR_DEFAULT_CURRENCY = "MAD"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "line4", "country")
# The order statuses, in French as staff and customers read them (cod.services names them).
OSCAR_INITIAL_ORDER_STATUS = "En attente de confirmation"
OSCAR_INITIAL_LINE_STATUS = "En attente de confirmation"
_STATUSES = [
    "En attente de confirmation",
    "Confirmée",
    "Annulée",
    "Expédiée",
    "Livraison échouée",
    "Livrée",
    "Retournée",
    "Refusée",
]
OSCAR_ORDER_STATUS_PIPELINE = {s: [t for t in _STATUSES if t != s] for s in _STATUSES}
OSCAR_LINE_STATUS_PIPELINE = OSCAR_ORDER_STATUS_PIPELINE
# An order's lines follow its status (without this they stay "En attente de confirmation" on
# the dashboard after the customer confirmed).
OSCAR_ORDER_STATUS_CASCADE = {s: s for s in _STATUSES}


def _staff_only(user: Any, *args: Any, **kwargs: Any) -> bool:
    return bool(user.is_staff)


OSCAR_DASHBOARD_NAVIGATION: list[dict[str, Any]] = OSCAR_DASHBOARD_NAVIGATION + [  # noqa: F405
    {"label": "Service client", "icon": "fas fa-headset", "url_name": "cod:queue", "access_fn": _staff_only},
    {"label": "Messages aux clients", "icon": "fas fa-paper-plane", "url_name": "cod:outbox", "access_fn": _staff_only},
]

# codguard
COD_SHOP_SECRET = os.environ.get("COD_SHOP_SECRET", "dev-only-codguard-secret-change-me")
COD_SHOP_URL = os.environ.get("COD_SHOP_URL", "http://127.0.0.1:8000").rstrip("/")
COD_SENDER = os.environ.get("COD_SENDER", "console")
COD_SENDER_TOKEN = os.environ.get("COD_SENDER_TOKEN", "")
COD_COUNTRIES = ["MA"]
# The flow's policy (docs/flow.md); its link_base is COD_SHOP_URL + "/c/".
COD_FLOW_POLICY = {
    "shop_name": OSCAR_SHOP_NAME,
    # Casablanca: no SMS or WhatsApp between 22:00 and 08:00 (UTC+1): a message waits for the
    # morning. COD_QUIET_HOURS=off lifts it, to try the shop at night (development only).
    "quiet_hours": None
    if os.environ.get("COD_QUIET_HOURS") == "off"
    else {"start_minute": 22 * 60, "end_minute": 8 * 60, "utc_offset_minutes": 60},
}
COD_GUARD_POLICY = {"countries": COD_COUNTRIES, "daily_budget": 2000, "utc_offset_minutes": 60}

# haystack's simple backend (the demo has no search server) warns at every start that it
# cannot update an index it does not have.
warnings.filterwarnings("ignore", message="update is not implemented in this backend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"cod": {"handlers": ["console"], "level": "INFO"}},
}
COD_SEND_LEASE = int(os.environ.get("COD_SEND_LEASE", "120"))
PHONENUMBER_DEFAULT_REGION = "MA"
