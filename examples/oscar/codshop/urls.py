from typing import Any

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

# oscar's root app config carries its URL patterns (an attribute Django's AppConfig lacks).
oscar: Any = apps.get_app_config("oscar")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cod.urls")),
    path("", include(oscar.urls[0])),
]
