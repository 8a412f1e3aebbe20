"""`insights_baseline`: the CalTRACK 2.0 daily baseline of one meter from two CSV files.

Pure: it reads files and prints JSON; it needs no database (no system checks run, no
connection is opened), so it works on a machine with no PostgreSQL at all.
"""
import gzip
import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import GridlineError
from core.ranges import DateRange
from insights.domain.baseline_report import baseline_report_from_files
from insights.domain.files import zone_from_text


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", newline="")
    return open(path, newline="")


class Command(BaseCommand):
    help = ("Fit a CalTRACK 2.0 daily baseline to a usage file and a temperature file and "
            "print the model, the baseline and the reporting-period figures as JSON.")
    # System checks may query the database (django-tenants); this command must not.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--usage", required=True, type=Path,
                            help="CSV of interval_start,kwh (ISO 8601 with offset; interval or "
                                 "daily rows; .gz accepted)")
        parser.add_argument("--temperature", required=True, type=Path,
                            help="CSV of timestamp,temperature (hourly, ISO 8601 with offset, "
                                 "°F unless --celsius)")
        for name in ("baseline-from", "baseline-to", "reporting-from", "reporting-to"):
            parser.add_argument(f"--{name}", required=True, type=date.fromisoformat,
                                help="local date, YYYY-MM-DD (periods are [from, to))")
        parser.add_argument("--celsius", action="store_true", help="temperatures are in °C")
        parser.add_argument("--tz", help="group days in this zone or offset (America/Chicago, "
                                         "-06:00) instead of the usage file's own offsets")

    def handle(self, *, usage, temperature, celsius, tz, **options):
        try:
            baseline = DateRange(options["baseline_from"], options["baseline_to"])
            reporting = DateRange(options["reporting_from"], options["reporting_to"])
            zone = zone_from_text(tz) if tz else None
            with _open(usage) as usage_lines, _open(temperature) as temperature_lines:
                report = baseline_report_from_files(
                    usage_lines=usage_lines, temperature_lines=temperature_lines,
                    baseline_period=baseline, reporting_period=reporting, celsius=celsius,
                    tz=zone,
                )
        except OSError as exc:
            raise CommandError(f"cannot read {exc.filename}: {exc.strerror or exc}") from exc
        except GridlineError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from exc
        for problem in report.problems:
            self.stderr.write(f"skipped {problem}")
        for reason in report.fit.insufficient:
            self.stderr.write(f"insufficient baseline: {reason}")
        self.stdout.write(json.dumps(report.as_json(), indent=2))
