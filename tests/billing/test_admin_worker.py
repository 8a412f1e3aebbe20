"""The admin's "Start a run" through a real Celery worker process: staff start a month's
run, the progress page follows it to DONE, the customer's bill is issued (the rows are
committed, as the worker reads them, and removed afterwards)."""
import re
import time

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import Bill, BillingRun
from tests.billing.doors import billed_customer, committed_customer_remove
from tests.billing.world import month, readings
from tests.conftest import login

REFERENCE = "ADM-WORKER"


@pytest.fixture
def committed_household(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context("alpha"):
            account = billed_customer(REFERENCE, months=())
            readings(account.contracts.get().meter_point.meters.get(), month(2026, 10), "0.5")
        yield account
        committed_customer_remove("alpha", REFERENCE, None)


def test_staff_start_a_run_and_the_worker_bills_it(committed_household, celery_worker,
                                                   django_db_blocker):
    with django_db_blocker.unblock():
        admin = Client(HTTP_HOST="alpha.localhost")
        assert login(admin, "alpha-admin").status_code == 302
        started = admin.post("/admin/billing/billingrun/start/",
                             {"period": "2026-10", "kind": "REGULAR", "issue": "on"})
        assert started.status_code == 302, started.content[:500]
        progress = started["Location"]
        deadline = time.monotonic() + 90
        while True:
            page = admin.get(progress).content.decode()
            status = re.search(r'data-testid="run-status">([^<]*)<', page).group(1)
            if status.startswith(("Done", "Failed")) or time.monotonic() > deadline:
                break
            assert 'http-equiv="refresh"' in page  # follows itself while it works
            time.sleep(0.5)
        assert status.startswith("Done"), status
        assert 'http-equiv="refresh"' not in page
        billed = int(re.search(r'data-testid="run-billed">(\d+)<', page).group(1))
        with schema_context("alpha"):
            run = BillingRun.objects.get()
            bill = Bill.objects.get(account=committed_household)
        assert run.status == "DONE" and billed >= 1
        assert bill.status == "ISSUED" and bill.number and bill.run_id == run.pk
        assert bill.total_inc_tax > 0
