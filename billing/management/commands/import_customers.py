"""`import_customers --schema=S FILE.csv`: customers, premises, meter points, meters,
accounts and contracts from another system's export (billing/domain/onboarding.py has the
header and the rules). Prints {"read", "created", "updated", "rejected": [{"line",
"reason"}]}."""
import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from billing.domain.onboarding import customers_import
from core.commands import RetailerCommand
from core.ranges import local_date
from tenants.domain.retailers import retailer_current


class Command(RetailerCommand):
    help = "Import customers with their premises, meters and contracts from a CSV file."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file")

    def handle_retailer(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        now = timezone.now()
        zone = retailer_current().time_zone
        report = customers_import(text=text, time_zone=zone, today=local_date(now, zone),
                                  now=now)
        self.stdout.write(json.dumps(report.as_dict()))
