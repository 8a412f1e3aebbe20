from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customers and contracts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.domain.staff_roles import staff_groups_after_migrate

        post_migrate.connect(staff_groups_after_migrate, sender=self)
        from accounts import tokens  # noqa: F401  (connects its cache-clearing signals)
