"""`bill_show --schema=S (--bill=NUMBER | --customer=REF --period=YYYY-MM)`: the live (not
cancelled) bills as a JSON list, drafts included (with a null number)."""
import json

from django.core.management.base import CommandError

from accounts.models import Customer
from billing.domain.periods import month_period
from billing.domain.reads import bill_show_json, bills_live
from core.commands import RetailerCommand


class Command(RetailerCommand):
    help = "Print live bills with their lines as JSON."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--bill", help="a bill number, e.g. ALPHA-2026-000123")
        parser.add_argument("--customer", help="a customer reference (with --period)")
        parser.add_argument("--period", help="YYYY-MM: bills whose period meets that month")

    def handle_retailer(self, *args, bill, customer, period, **options):
        if bool(bill) == bool(customer):
            raise CommandError("Give either --bill=NUMBER or --customer=REF --period=YYYY-MM.")
        if bill:
            bills = bills_live(number=bill)
            if not bills:
                raise CommandError(f"No live bill numbered {bill}.")
        else:
            if not period:
                raise CommandError("--customer needs --period=YYYY-MM.")
            if not Customer.objects.filter(reference=customer).exists():
                raise CommandError(f"No customer with reference {customer!r}.")
            bills = bills_live(customer_reference=customer, period=month_period(period))
        self.stdout.write(json.dumps([bill_show_json(bill=b) for b in bills]))
