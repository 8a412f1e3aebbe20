from django.apps import AppConfig


class ApiCompatConfig(AppConfig):
    name = "api_compat"
    verbose_name = "Octopus-compatible API"
