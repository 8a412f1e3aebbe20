import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.domain.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Create (or complete) the demo retailers alpha and beta with staff, customers and "
        "a partner."
    )

    def handle(self, *args, **options):
        result = demo_seed(host_suffix=settings.GRIDLINE_HOST_SUFFIX, now=timezone.now())
        self.stdout.write(json.dumps(result))
