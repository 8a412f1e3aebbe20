"""The nightly insights job through a real Celery worker and `insights_run`, in a retailer
made for this module (`delta`, dropped afterwards): fourteen months of demo readings for
12 homes and their region's hourly temperatures, plus one home with two months only.

- every customer gets a result: a CalTRACK baseline, or the reason there is none;
- the same day run again: the first run's rows stay, the second has its own;
- a chunk computed twice writes each customer once (idempotent per run and customer).
"""
import json
from datetime import date, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import schema_context

from core.ranges import DateRange, local_date, local_days
from insights.loading import customers_load, daily_rollups_load, daily_temperatures_load
from insights.models import CustomerInsight, InsightsRun, Recommendation, Segment
from insights.runs import run_chunk_compute, run_plan, run_start
from insights.tasks import insights_nightly

SCHEMA = "delta"
ZONE = "Europe/London"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def delta(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        run("create_retailer", f"--schema={SCHEMA}", "--name=Delta Energy",
            "--host=delta.localhost", f"--time-zone={ZONE}", "--currency=GBP",
            "--staff-email=admin@delta.invalid")
        run("generate_demo_readings", f"--schema={SCHEMA}", "--meters=12", "--months=14")
        # a thirteenth home with two months of readings: too little for a baseline
        run("generate_demo_readings", f"--schema={SCHEMA}", "--meters=13", "--months=2")
    yield SCHEMA
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{SCHEMA}" CASCADE')
            cursor.execute("DELETE FROM tenants_domain WHERE domain = 'delta.localhost'")
            cursor.execute("DELETE FROM tenants_retailer WHERE schema_name = %s", [SCHEMA])
            cursor.execute("DELETE FROM market_pricerevision WHERE point_id IN (SELECT id FROM "
                           "market_pricepoint WHERE source = 'demo-weather')")
            cursor.execute("DELETE FROM market_pricepoint WHERE source = 'demo-weather'")


def test_insights_run_through_the_worker(delta, celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        report = json.loads(run("insights_run", f"--schema={delta}", "--timeout=300"))
        assert report["status"] == "DONE"
        assert report["customers"] == 13
        assert report["with_baseline"] == 12
        (short,) = report["insufficient"]
        assert short["customer"] == "DEMO-C-0000012"
        assert "365" in short["reason"] or "days" in short["reason"]
        with schema_context(delta):
            results = CustomerInsight.objects.filter(run_id=report["run"])
            assert results.count() == 13
            fitted = results.exclude(model_kind="")
            assert fitted.count() == 12
            # the demo homes heat below ~60 °F: a heating term is found
            assert all(r.beta_hdd and r.beta_hdd > 0 for r in fitted)
            (missing,) = results.filter(model_kind="")
            assert missing.intercept_kwh_per_day is None and missing.insufficient_reason
            first_rows = set(results.values_list("pk", flat=True))
            # tenant isolation: neighbours and segments come from delta's customers only
            # (alpha and beta have households too): 12 households, so 11 comparable homes
            households = results.filter(customer__kind="HOUSEHOLD")
            assert households.count() == 12
            for result in households:
                assert result.neighbours == {
                    "hidden": "only 11 comparable homes of the same kind; at least 20 are "
                              "needed"}
            segments = Segment.objects.filter(run_id=report["run"])
            assert sum(segments.values_list("size", flat=True)) == 13
        again = json.loads(run("insights_run", f"--schema={delta}", "--timeout=300"))
        assert again["run"] != report["run"]
        assert (again["customers"], again["with_baseline"]) == (13, 12)
        with schema_context(delta):
            assert set(CustomerInsight.objects.filter(run_id=report["run"])
                       .values_list("pk", flat=True)) == first_rows
            assert InsightsRun.objects.filter(status="DONE").count() == 2
            # beat's nightly task, sent from delta's schema: today's run is done already
            assert insights_nightly.delay().get(timeout=120) == {
                "skipped": "today's run is done"}


def test_a_chunk_computed_twice_writes_each_customer_once(delta, django_db_blocker):
    with django_db_blocker.unblock(), schema_context(delta):
        now = timezone.now()
        today = local_date(now, ZONE)
        started = run_start(on=today - timedelta(days=1), now=now)
        (chunk,) = run_plan(run_id=started.pk)
        first = run_chunk_compute(run_id=started.pk, customer_ids=chunk, time_zone=ZONE,
                                  currency="GBP", now=now)
        second = run_chunk_compute(run_id=started.pk, customer_ids=chunk, time_zone=ZONE,
                                   currency="GBP", now=now)
        assert first == {"customers": 13, "skipped": 0}
        assert second == {"customers": 0, "skipped": 13}
        assert CustomerInsight.objects.filter(run=started).count() == 13
        assert not (Recommendation.objects.filter(run=started).values("customer", "kind")
                    .annotate(n=Count("pk")).filter(n__gt=1).exists())
        InsightsRun.objects.filter(pk=started.pk).delete()


def test_loaders_use_a_constant_number_of_queries(delta, django_db_blocker,
                                                  django_assert_max_num_queries):
    with django_db_blocker.unblock(), schema_context(delta):
        on = date.today()
        days = DateRange(on - timedelta(days=400), on)
        with django_assert_max_num_queries(4):  # search_path + three
            customers = customers_load()
        meters = [m for row in customers.values() for m in row.meter_ids]
        with django_assert_max_num_queries(1):
            rollups = daily_rollups_load(meter_ids=meters, days=days)
        assert rollups.kwh.shape == (13, 400) and (rollups.intervals > 0).sum() > 12 * 360
        with django_assert_max_num_queries(2):
            temperatures = daily_temperatures_load(
                regions={"North"}, period=local_days(days, ZONE), tz=ZoneInfo(ZONE))
        assert temperatures["North"].notna().sum() >= 395
