from typing import Any

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from cod.catalogue import Catalogue

# oscar's root app config carries its URL patterns (an attribute Django's AppConfig lacks).
oscar: Any = apps.get_app_config("oscar")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cod.urls")),
    # Before oscar's own: its catalogue page needs a search server the demo does not run.
    path("catalogue/", Catalogue.as_view()),
    path("", include(oscar.urls[0])),
]
