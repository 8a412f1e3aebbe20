import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.domain.demo import demo_credentials


class Command(BaseCommand):
    help = "Print the demo logins and partner API credentials as JSON, keyed by retailer."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, port, **options):
        creds = demo_credentials(host_suffix=settings.GRIDLINE_HOST_SUFFIX, port=port)
        self.stdout.write(json.dumps(creds, indent=2))
