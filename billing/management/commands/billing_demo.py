"""`billing_demo --schema=S`: the demo's billing history (billing/domain/demo.py) from the
demo readings; idempotent. Prints what there is."""
import json

from django.utils import timezone

from billing.domain.demo import billing_demo_seed
from core.commands import RetailerCommand
from core.ranges import local_date
from tenants.domain.retailers import retailer_current


class Command(RetailerCommand):
    help = "Bill the demo readings month by month, with payments, a correction and dunning."

    def handle_retailer(self, *args, **options):
        retailer = retailer_current()
        now = timezone.now()
        result = billing_demo_seed(time_zone=retailer.time_zone, currency=retailer.currency,
                                   today=local_date(now, retailer.time_zone), now=now)
        self.stdout.write(json.dumps(result))
