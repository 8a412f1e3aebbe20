import json
from datetime import datetime, timedelta
from pathlib import Path

from django.core.management.base import CommandError

from core.commands import RetailerCommand
from tariffs.domain.catalogue import product_price_load


class Command(RetailerCommand):
    help = "Price a load file under a product's tariff and print the itemised bill as JSON."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--tariff", required=True, help="product code")
        parser.add_argument("--load", required=True, type=Path,
                            help="CSV of interval_start,kwh (ISO 8601 with offset), or one "
                                 "kWh per line with --start and --interval")
        parser.add_argument("--by", default="month", choices=["month", "quarter"])
        parser.add_argument("--start", type=datetime.fromisoformat)
        parser.add_argument("--interval", type=int, help="minutes per line")
        parser.add_argument("--group", help="customer group, for group discounts")

    def handle_retailer(self, *, tariff, load, by, start, interval, group, **options):
        if start is not None and start.tzinfo is None:
            raise CommandError("--start needs a UTC offset, e.g. 2026-01-01T00:00:00+00:00")
        try:
            with open(load) as handle:
                result = product_price_load(
                    code=tariff, lines=handle, by=by, start=start,
                    interval=timedelta(minutes=interval) if interval else None,
                    customer_group=group,
                )
        except OSError as exc:
            raise CommandError(f"cannot read {load}: {exc}") from exc
        self.stdout.write(json.dumps(result, indent=2))
