import json
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from core.commands import RetailerCommand
from tariffs.domain.catalogue import urdb_product_import


class Command(RetailerCommand):
    help = "Create a product and version from an OpenEI URDB tariff; prints the product code."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument("--tz", required=True, help="the tariff's time zone (URDB has none)")
        parser.add_argument("--code", help="product code (default: from the URDB label/name)")
        parser.add_argument("--kinds", default="HOUSEHOLD,ENTERPRISE",
                            help="customer kinds it is offered to")
        parser.add_argument("--active-from", type=date.fromisoformat)

    def handle_retailer(self, *, file, tz, code, kinds, active_from, **options):
        try:
            text = file.read_text()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        result = urdb_product_import(
            urdb_text=text, time_zone=tz, code=code,
            customer_kinds=[k.strip() for k in kinds.split(",") if k.strip()],
            active_from=active_from,
        )
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(result.product.code)
        if options.get("verbosity", 1) > 1:
            self.stdout.write(json.dumps({"warnings": list(result.warnings)}))
