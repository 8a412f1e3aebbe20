from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customers and contracts"

    def ready(self):
        from accounts import tokens  # noqa: F401  (connects its cache-clearing signals)
