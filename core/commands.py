"""Base for management commands that work inside one retailer's schema (`--schema=SCHEMA`)."""
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from core.errors import GridlineError


class RetailerCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="the retailer's schema, e.g. alpha")

    def handle(self, *args, schema, **options):
        if schema == get_public_schema_name() or not get_tenant_model().objects.filter(
            schema_name=schema
        ).exists():
            raise CommandError(f"No retailer with schema {schema!r}.")
        with schema_context(schema):
            try:
                return self.handle_retailer(*args, **options)
            except GridlineError as exc:
                raise CommandError(f"{exc.code}: {exc.detail}") from exc

    def handle_retailer(self, *args, **options):
        raise NotImplementedError
