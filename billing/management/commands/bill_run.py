"""`bill_run --schema=S --period=YYYY-MM [--kind=regular|correction] [--issue]`: starts a
billing run through the Celery workers, waits for it and prints {"run", "status",
"accounts", "billed", "held": [{"account", "reason"}], "failed"}."""
import json
import time

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from billing.domain.periods import month_period
from billing.domain.runs import bill_run_start, run_report
from billing.models import ACTIVE_RUN_STATUSES, BillingRun, RunStatus
from billing.tasks import bill_run_enqueue
from core.commands import RetailerCommand
from core.ranges import local_date
from tenants.domain.retailers import retailer_current


class Command(RetailerCommand):
    help = "Bill a month through the Celery workers and print what the run did."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--period", required=True, help="the local month, YYYY-MM")
        parser.add_argument("--kind", choices=["regular", "correction"], default="regular")
        parser.add_argument("--issue", action="store_true",
                            help="issue the bills (numbers, ledger); otherwise drafts")
        parser.add_argument("--timeout", type=float, default=1800,
                            help="seconds to wait for the workers")
        parser.add_argument("--chunk-accounts", type=int, default=None)

    def handle_retailer(self, *args, period, kind, issue, timeout, chunk_accounts, **options):
        now = timezone.now()
        zone = retailer_current().time_zone
        with transaction.atomic():
            run = bill_run_start(period=month_period(period), kind=kind.upper(), issue=issue,
                                 today=local_date(now, zone), now=now)
            bill_run_enqueue(run=run, chunk_accounts=chunk_accounts)
        deadline = time.monotonic() + timeout
        while True:
            run = BillingRun.objects.get(pk=run.pk)
            if run.status not in ACTIVE_RUN_STATUSES:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"Run {run.pk} is still {run.status} after {timeout:g}s; "
                                   "is a Celery worker consuming the billing queue?")
            time.sleep(0.2)
        self.stdout.write(json.dumps(run_report(run=run)))
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Run {run.pk} failed: {run.detail}")
