"""Billing through real Celery worker processes and the commands, in a retailer made for
this module by `create_retailer` (schema `gamma`, Berlin, EUR) and dropped afterwards:

- end to end: create_retailer → tariff_import_urdb → import_customers → ingest_readings →
  bill_run → bill_show gives the bill worked out by hand;
- the same run twice: no second bill; two runs at once: one bills, the other says so;
- a worker process SIGKILLed in the middle of a chunk: the chunk is handed to the other
  process, and every account is billed exactly once.
"""
import json
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import psutil
import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django_tenants.utils import schema_context

from billing.domain.runs import bill_run_start
from billing.models import Bill, BillingRun, RunChunk
from billing.tasks import bill_run_enqueue
from config.ops.heartbeat import heartbeats_read
from core.ranges import DateRange
from tests.conftest import ROOT, VENV_BIN, child_env, stop, wait_for

SCHEMA = "gamma"
ZONE = "Europe/Berlin"
SEPTEMBER = (date(2026, 9, 1), date(2026, 10, 1))

URDB = {
    "label": "gamma-evening", "name": "Gamma Evening Peak", "utility": "Gamma",
    "energyratestructure": [[{"rate": 0.15, "unit": "kWh"}], [{"rate": 0.30, "unit": "kWh"}]],
    "energyweekdayschedule": [[1 if 17 <= h < 20 else 0 for h in range(24)]] * 12,
    "energyweekendschedule": [[1 if 17 <= h < 20 else 0 for h in range(24)]] * 12,
    "fixedchargefirstmeter": 0.5, "fixedchargeunits": "$/day",
}
CSV_HEADER = ("reference,name,kind,segment,address,city,region,floor_area_m2,heating_type,"
              "meter_serial,direction,interval_minutes,product_code,active_from,settlement,"
              "payment\n")


def _libpq(settings: dict) -> dict:
    """Connection arguments of Django's database settings, for a session of our own."""
    return {"dbname": settings["NAME"], "user": settings["USER"],
            "password": settings["PASSWORD"], "host": settings["HOST"] or None,
            "port": settings["PORT"] or None}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def gamma(django_db_setup, django_db_blocker, tmp_path_factory):
    """The retailer, its tariff and 12 customers with September's readings (committed)."""
    folder = tmp_path_factory.mktemp("gamma")
    with django_db_blocker.unblock():
        created = json.loads(run("create_retailer", f"--schema={SCHEMA}", "--name=Gamma Strom",
                                 "--host=gamma.localhost", f"--time-zone={ZONE}",
                                 "--currency=EUR", "--staff-email=admin@gamma.invalid"))
        assert created["schema"] == SCHEMA and created["staff_password"]
        rate = folder / "rate.json"
        rate.write_text(json.dumps(URDB))
        code = run("tariff_import_urdb", f"--schema={SCHEMA}", f"--tz={ZONE}",
                   "--code=GAMMA-EVENING", "--active-from=2026-01-01", str(rate)).strip()
        assert code == "GAMMA-EVENING"
        customers = folder / "customers.csv"
        customers.write_text(CSV_HEADER + "".join(
            f"G-{n:03d},Kunde {n},HOUSEHOLD,residential,{n} Hauptstrasse,Berlin,Mitte,70,"
            f"HEAT_PUMP,GM-{n:03d},IMPORT,30,GAMMA-EVENING,2026-01-01,MONTHLY,POSTPAY\n"
            for n in range(1, 13)))
        report = json.loads(run("import_customers", f"--schema={SCHEMA}", str(customers)))
        assert report == {"read": 12, "created": 12, "updated": 0, "rejected": []}
        readings = folder / "readings.csv"
        zone = ZoneInfo(ZONE)
        start = datetime(2026, 9, 1, tzinfo=zone).astimezone(UTC)
        end = datetime(2026, 10, 1, tzinfo=zone).astimezone(UTC)
        with open(readings, "w") as out:
            out.write("meter_serial,interval_start,kwh\n")
            for n in range(1, 13):
                at = start
                while at < end:
                    out.write(f"GM-{n:03d},{at.isoformat()},0.5\n")
                    at += timedelta(minutes=30)
        ingested = json.loads(run("ingest_readings", f"--schema={SCHEMA}", str(readings)))
        assert ingested["inserted"] == 12 * 30 * 48 and ingested["rejected"] == []
    yield SCHEMA
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{SCHEMA}" CASCADE')
            cursor.execute("DELETE FROM tenants_domain WHERE domain = 'gamma.localhost'")
            cursor.execute("DELETE FROM tenants_retailer WHERE schema_name = %s", [SCHEMA])


@pytest.fixture(scope="module")
def workers(django_db_setup, tmp_path_factory):
    """A prefork worker with two processes on this run's queues (as `make run` starts
    it); yields the main process."""
    name = f"billing-{os.environ['GRIDLINE_TEST_RUN_ID']}@{socket.gethostname()}"
    log = tmp_path_factory.mktemp("billing-worker") / "worker.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "config", "worker", "--concurrency", "2",
             "-n", name, "-l", "info"],
            cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT)
    wait_for(lambda: name in heartbeats_read(), timeout=60, what="billing worker heartbeat",
             proc=proc, log=log)
    yield proc
    stop(proc)


def _bills_clear(schema):
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_billingrun, billing_bill, billing_billline, "
                       "billing_ledgerentry, billing_creditnote, billing_runchunk, "
                       "billing_runissue, billing_documentcounter, billing_paymentallocation "
                       "CASCADE")


def test_end_to_end_from_onboarding_to_the_bill(gamma, workers, django_db_blocker):
    with django_db_blocker.unblock():
        _bills_clear(gamma)
        report = json.loads(run("bill_run", f"--schema={gamma}", "--period=2026-09",
                                "--issue"))
        assert report["status"] == "DONE"
        assert (report["accounts"], report["billed"], report["held"], report["failed"]) == (
            12, 12, [], 0)
        shown = json.loads(run("bill_show", f"--schema={gamma}", "--customer=G-001",
                               "--period=2026-09"))
        again = json.loads(run("bill_run", f"--schema={gamma}", "--period=2026-09",
                               "--issue"))
        with schema_context(gamma):
            assert Bill.objects.count() == 12
    assert (again["accounts"], again["billed"]) == (0, 0)
    (bill,) = shown
    # September, 30 days in Berlin, 0.5 kWh every half-hour: the evening peak 17:00-20:00
    # is 6 half-hours = 3 kWh a day, 90 kWh x 0.30 = 27.00; the other 42 half-hours are
    # 21 kWh a day, 630 kWh x 0.15 = 94.50; the fixed charge 30 days x 0.50 = 15.00.
    # No VAT in a URDB rate: 136.50.
    assert bill["number"].startswith("GAMMA-2026-")
    assert (bill["account"], bill["period_start"], bill["period_end"], bill["status"]) == (
        "G-001-A", "2026-09-01", "2026-10-01", "ISSUED")
    assert sorted((line["kind"], line["band"], line["quantity"], line["unit_price"],
                   line["amount"]) for line in bill["lines"]) == [
        ("energy", "p0", "630.000000", "0.150000", "94.50"),
        ("energy", "p1", "90.000000", "0.300000", "27.00"),
        ("standing", None, "30.000000", "0.500000", "15.00"),
    ]
    assert (bill["total_exc_tax"], bill["total_inc_tax"]) == ("136.50", "136.50")


def test_two_runs_at_once_one_bills_the_other_reports_it(gamma, workers, django_db_blocker):
    results = {}

    def start(label):
        try:
            results[label] = json.loads(run("bill_run", f"--schema={gamma}",
                                            "--period=2026-09", "--issue"))
        except CommandError as exc:
            results[label] = str(exc)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        _bills_clear(gamma)
        threads = [threading.Thread(target=start, args=(label,)) for label in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        with schema_context(gamma):
            bills = Bill.objects.count()
            accounts = set(Bill.objects.values_list("account_id", flat=True))
    outcomes = sorted(results.values(), key=lambda r: isinstance(r, str))
    assert len(outcomes) == 2 and bills == 12 == len(accounts)
    billed, other = outcomes
    assert billed["billed"] == 12
    # The other either found the first still running, or ran after it and found nothing.
    assert (isinstance(other, str) and "billing_run_active" in other
            and "is already billing 2026-09" in other) or other["billed"] == 0


def test_a_worker_killed_mid_chunk_bills_every_account_exactly_once(gamma, workers,
                                                                    django_db_blocker):
    wait_for(lambda: len(psutil.Process(workers.pid).children()) == 2, timeout=60,
             what="the worker's two prefork processes")
    children = {child.pid for child in psutil.Process(workers.pid).children()}
    with django_db_blocker.unblock():
        _bills_clear(gamma)
        # Another session holds the bills table against writes, so a chunk that has
        # claimed its accounts waits at its first bill: the kill lands inside a chunk
        # however fast chunks are.
        holder = psycopg2.connect(**_libpq(connection.settings_dict))
        with holder.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{gamma}"')
            cursor.execute("LOCK TABLE billing_bill IN SHARE MODE")
        with schema_context(gamma):
            # One account per chunk: twelve chunks, so the kill lands inside one.
            with transaction.atomic():
                run_row = bill_run_start(period=DateRange(*SEPTEMBER), kind="REGULAR",
                                         issue=True, today=date(2026, 11, 20),
                                         now=datetime.now(UTC))
                bill_run_enqueue(run=run_row, chunk_accounts=1)
            killed = None
            deadline = time.monotonic() + 120
            while killed is None and time.monotonic() < deadline:
                busy = (RunChunk.objects.filter(run=run_row, done_at__isnull=True,
                                                worker_pid__in=children)
                        .values_list("worker_pid", flat=True).first())
                if busy:
                    os.kill(busy, signal.SIGKILL)
                    killed = busy
                time.sleep(0.005)
            holder.rollback()  # the bills table is free again
            holder.close()
            assert killed is not None, "no chunk was seen in progress on the prefork worker"
            wait_for(lambda: BillingRun.objects.get(pk=run_row.pk).status == "DONE",
                     timeout=180, what="the run to finish after the kill")
            bills = list(Bill.objects.values_list("account_id", flat=True))
            retried = RunChunk.objects.filter(run=run_row, attempts__gte=2).count()
    assert len(bills) == len(set(bills)) == 12
    assert retried >= 1  # the killed chunk ran again, on another process


def test_bad_periods_are_refused_by_the_command(gamma, django_db_blocker):
    with django_db_blocker.unblock():
        with pytest.raises(CommandError, match="has not ended yet"):
            run("bill_run", f"--schema={gamma}", "--period=2099-01")
        with pytest.raises(CommandError, match="is not a month written YYYY-MM"):
            run("bill_run", f"--schema={gamma}", "--period=2026-13")
        with pytest.raises(CommandError, match="No customer with reference 'NOPE'"):
            run("bill_show", f"--schema={gamma}", "--customer=NOPE", "--period=2026-09")
        with schema_context(gamma):
            assert not BillingRun.objects.filter(period_start__year=2099).exists()

