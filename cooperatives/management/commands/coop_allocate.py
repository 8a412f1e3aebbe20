"""`coop_allocate --schema=S --cooperative=CODE --period=YYYY-MM [--settle]`: the month's
output allocated to every member contract, printed as {"generated_kwh", "allocated_kwh",
"surplus_kwh", "members": [{"customer", "shares", "right_kwh", "allocated_kwh"}]}, plus
the rights figures (per member and in total): "unused_kwh", "carried_kwh" (drawn from
earlier periods' lots by this period's bills), "expired_kwh" (lapsed at the period's end),
"carried_balance_kwh" (still usable later), and "rights_carry_months".
`--settle` also records the period's settlement (the surplus sold at the spot price) and
adds "surplus_revenue"."""
import json

from django.core.management.base import CommandError
from django.utils import timezone

from billing.domain.periods import month_period
from cooperatives.models import Cooperative
from cooperatives.services.period import cooperative_period_allocate, period_settle
from core.commands import RetailerCommand
from tenants.domain.retailers import retailer_current


class Command(RetailerCommand):
    help = "Allocate a cooperative's month of output to its members and print the totals."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--cooperative", required=True, help="the cooperative's code")
        parser.add_argument("--period", required=True, help="the local month, YYYY-MM")
        parser.add_argument("--settle", action="store_true",
                            help="record the settlement (surplus revenue at spot)")

    def handle_retailer(self, *args, cooperative, period, settle, **options):
        coop = Cooperative.objects.filter(code=cooperative).first()
        if coop is None:
            raise CommandError(f"No cooperative {cooperative!r} at this retailer.")
        result = cooperative_period_allocate(cooperative=coop, period=month_period(period),
                                             time_zone=retailer_current().time_zone)
        out = result.as_dict()
        if settle:
            out["surplus_revenue"] = str(period_settle(result=result, now=timezone.now())
                                         .surplus_revenue)
        self.stdout.write(json.dumps(out))
