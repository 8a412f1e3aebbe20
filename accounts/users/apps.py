from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Logins. Shared in shape by every schema: the public schema holds the platform
    operators, each retailer schema its own staff, customers and partners."""

    name = "accounts.users"
    label = "users"
    verbose_name = "Users"
