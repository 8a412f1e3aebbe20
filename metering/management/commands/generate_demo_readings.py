"""`generate_demo_readings --schema=SCHEMA --meters N --months M`: demo meters and
half-hourly readings (household and enterprise profiles), ingested through the normal
ingest path; prints the ingest report's counts as JSON."""
import json
import tempfile
from datetime import UTC, date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import schema_context

from accounts.models import Premise
from core.ranges import local_date, local_midnight
from metering.domain.demo import demo_csv_write, demo_hourly_temperature
from metering.domain.demo_meters import demo_meters_ensure
from metering.domain.demo_weather import demo_weather_save
from metering.domain.ingest import IngestOptions, readings_ingest_file
from tenants.models import Retailer


class Command(BaseCommand):
    help = "Create demo meters and ingest realistic half-hourly readings for them."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True)
        parser.add_argument("--meters", type=int, default=10)
        parser.add_argument("--months", type=int, default=3)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        retailer = Retailer.objects.filter(schema_name=options["schema"]).first()
        if retailer is None:
            raise CommandError(f"No retailer schema {options['schema']!r}.")
        now = timezone.now()
        tz = retailer.time_zone
        # Whole local days: from the first of the month `months` back to today's midnight.
        today = local_date(now, tz)
        first = date(today.year - (today.month <= options["months"]),
                     (today.month - options["months"] - 1) % 12 + 1, 1)
        start, end = local_midnight(first, tz).astimezone(UTC), local_midnight(today, tz)
        intervals = int((end - start).total_seconds() // 1800)
        with schema_context(options["schema"]):
            meters = demo_meters_ensure(count=options["meters"], installed_at=start)
            with tempfile.TemporaryFile("w+b") as raw:
                text = open(raw.fileno(), "w", encoding="utf-8", closefd=False)
                written = demo_csv_write(
                    out=text, serials=[s for s, _ in meters], kinds=[k for _, k in meters],
                    start_at=start, intervals=intervals, seed=options["seed"], time_zone=tz)
                # Apps above metering add export readings (the cooperatives' generators).
                for path in getattr(settings, "GRIDLINE_DEMO_READINGS_EXTRAS", ()):
                    written += import_string(path)(out=text, start_at=start,
                                                   intervals=intervals, time_zone=tz,
                                                   seed=options["seed"])
                text.flush()
                raw.seek(0)
                report = readings_ingest_file(stream=raw, file_format="csv",
                                              source="demo-generator", now=now,
                                              options=IngestOptions(time_zone=tz))
            # The weather of those days in each region (market TEMPERATURE instruments):
            # what insights fits its baselines against.
            weather = demo_weather_save(
                regions=list(Premise.objects.values_list("region", flat=True).distinct()),
                hourly_c=demo_hourly_temperature(start_at=start, intervals=intervals,
                                                 time_zone=tz, seed=options["seed"]),
                now=now)
        self.stdout.write(json.dumps({
            "meters": len(meters), "written": written, "inserted": report.inserted,
            "updated": report.updated, "estimated": report.estimated,
            "rejected": len(report.rejected), "flagged": len(report.flagged),
            "temperatures": weather["inserted"] + weather["updated"],
        }))
