"""`create_retailer --schema=S --name=N --host=H --time-zone=Z --currency=C
--staff-email=E [--staff-username=U] [--staff-password=P]`: a retailer, its schema, host and
first administrator, by the same domain call the operator admin makes. Prints {"schema",
"host", "staff_username", "staff_password"} (a password is generated when none is given)."""
import json
import secrets

from django.core.management.base import BaseCommand, CommandError

from core.errors import GridlineError
from tenants.domain.retailers import retailer_create, retailer_create_problem


class Command(BaseCommand):
    help = "Create a retailer (tenant) with its schema, host and first staff user."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="slug and schema name, e.g. gamma")
        parser.add_argument("--name", required=True)
        parser.add_argument("--host", required=True, help="e.g. gamma.localhost")
        parser.add_argument("--time-zone", required=True, help="IANA zone, e.g. Europe/Berlin")
        parser.add_argument("--currency", required=True, help="ISO 4217, e.g. EUR")
        parser.add_argument("--staff-email", required=True)
        parser.add_argument("--staff-username", default="admin")
        parser.add_argument("--staff-password", default=None)

    def handle(self, *args, schema, name, host, time_zone, currency, staff_email,
               staff_username, staff_password, **options):
        problem = retailer_create_problem(slug=schema, host=host, time_zone=time_zone,
                                          currency=currency)
        if problem:
            raise CommandError(problem)
        password = staff_password or secrets.token_urlsafe(12)
        try:
            retailer_create(slug=schema, name=name, host=host, staff_username=staff_username,
                            staff_email=staff_email, staff_password=password,
                            time_zone=time_zone, currency=currency)
        except GridlineError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from exc
        self.stdout.write(json.dumps({"schema": schema, "host": host,
                                      "staff_username": staff_username,
                                      "staff_password": password}))
