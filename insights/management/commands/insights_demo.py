"""`insights_demo --schema=S`: back-fill the dynamic tariffs' day-ahead prices over the
demo readings and run the first nightly insights job inline (insights/demo.py)."""
import json

from django.utils import timezone

from core.commands import RetailerCommand
from core.ranges import local_date
from insights.demo import insights_demo_seed
from tenants.domain.retailers import retailer_current


class Command(RetailerCommand):
    help = "Day-ahead price history for the demo and its first insights run."

    def handle_retailer(self, *args, **options):
        retailer = retailer_current()
        now = timezone.now()
        result = insights_demo_seed(time_zone=retailer.time_zone, currency=retailer.currency,
                                    today=local_date(now, retailer.time_zone), now=now)
        result["insufficient"] = len(result["insufficient"])
        self.stdout.write(json.dumps(result))
