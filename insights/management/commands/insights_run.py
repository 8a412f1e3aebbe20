"""`insights_run --schema=S [--on=DATE] [--timeout=SECONDS] [--chunk-customers=N]`: the
nightly insights job through the Celery workers; waits for it and prints
{"customers", "with_baseline", "insufficient": [{"customer", "reason"}],
"recommendations"} (and the run's id and status)."""
import json
import time
from datetime import date

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from core.commands import RetailerCommand
from core.ranges import local_date
from insights.models import InsightsRun, RunStatus
from insights.runs import CHUNK_CUSTOMERS, run_start, run_summary
from insights.tasks import insights_run_enqueue
from tenants.domain.retailers import retailer_current


class Command(RetailerCommand):
    help = "Run the nightly insights job through the workers and print its summary."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--on", type=date.fromisoformat, default=None,
                            help="the run's day (data up to the day before); default today")
        parser.add_argument("--timeout", type=float, default=600,
                            help="seconds to wait for the workers")
        parser.add_argument("--chunk-customers", type=int, default=CHUNK_CUSTOMERS)

    def handle_retailer(self, *args, on, timeout, chunk_customers, **options):
        now = timezone.now()
        on = on or local_date(now, retailer_current().time_zone)
        with transaction.atomic():
            run = run_start(on=on, now=now)
            insights_run_enqueue(run=run, chunk_customers=chunk_customers)
        deadline = time.monotonic() + timeout
        while True:
            run = InsightsRun.objects.get(pk=run.pk)
            if run.status != RunStatus.RUNNING:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"Insights run {run.pk} is still running after "
                                   f"{timeout:g}s; is a Celery worker consuming the "
                                   "insights queue?")
            time.sleep(0.2)
        summary = run_summary(run=run)
        self.stdout.write(json.dumps({
            "customers": summary["customers"], "with_baseline": summary["with_baseline"],
            "insufficient": summary["insufficient"],
            "recommendations": summary["recommendations"], "run": run.pk,
            "status": run.status}))
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Insights run {run.pk} failed: {run.detail}")
