from django.apps import AppConfig


class CodConfig(AppConfig):
    name = "cod"
    verbose_name = "Cash on delivery (codguard)"
    default_auto_field = "django.db.models.BigAutoField"
