from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Retailers (platform)"

    def ready(self):
        from tenants.domain import hosts  # noqa: F401  (connects its cache-clearing signals)
