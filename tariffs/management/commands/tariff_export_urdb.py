import json
from datetime import date

from core.commands import RetailerCommand
from tariffs.domain.catalogue import urdb_product_export


class Command(RetailerCommand):
    help = "Write a product's tariff version as OpenEI URDB JSON (stdout or --out FILE)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--tariff", required=True, help="product code")
        parser.add_argument("--on", type=date.fromisoformat,
                            help="the version in force on this date (default: the latest)")
        parser.add_argument("--out", help="file to write (default: stdout)")

    def handle_retailer(self, *, tariff, on, out, **options):
        export = urdb_product_export(code=tariff, on=on)
        for warning in export.warnings:
            self.stderr.write(f"warning: {warning}")
        text = json.dumps(export.data, indent=2)
        if out:
            with open(out, "w") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
