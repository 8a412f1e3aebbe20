"""`ingest_readings --schema=SCHEMA FILE [--format=csv|wide-csv|greenbutton]`: prints the
ingest report as JSON."""
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from metering.domain.ingest import FORMATS, IngestOptions, readings_ingest_file
from tenants.models import Retailer


class Command(BaseCommand):
    help = "Ingest a file of interval readings into one retailer's schema; prints the report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--schema", required=True)
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--serial", help="meter serial for a Green Button file")
        parser.add_argument("--spike-factor", default="10")
        parser.add_argument("--time-zone", default=None,
                            help="local time zone of days (wide CSV, rollups); default: the "
                                 "retailer's")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        retailer = Retailer.objects.filter(schema_name=options["schema"]).first()
        if retailer is None:
            raise CommandError(f"No retailer schema {options['schema']!r}.")
        try:
            spike_factor = Decimal(options["spike_factor"])
        except InvalidOperation:
            raise CommandError("--spike-factor must be a number.") from None
        ingest_options = IngestOptions(spike_factor=spike_factor,
                                       time_zone=options["time_zone"] or retailer.time_zone)
        with schema_context(options["schema"]), path.open("rb") as stream:
            report = readings_ingest_file(
                stream=stream, file_format=options["format"], source=f"file:{path.name}",
                now=timezone.now(), serial=options["serial"], options=ingest_options,
            )
        body = report.as_dict()
        self.stdout.write(json.dumps({key: body[key] for key in (
            "read", "inserted", "updated", "rejected", "estimated", "flagged", "id")}))
