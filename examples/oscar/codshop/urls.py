from typing import Any

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
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
# Development (DEBUG, run.sh's default): the product images' thumbnails, which sorl writes
# under MEDIA_ROOT; without this every product shows a broken image. Empty when DEBUG is off.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
