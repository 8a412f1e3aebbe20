"""Benchmark of the nightly insights job: N household customers with `--days` of
half-hourly readings (a heating and cooling response to the region's hourly temperature),
on a time-of-use tariff with a flat and a night-saver alternative, run end to end through
two Celery worker processes (plan, chunks in a chord, finish with neighbours and segments).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/insights.py --customers 10000

Uses the benchmark database of bench/ingest.py (`<name>_bench`) with a retailer of its own
(`benchinsights`). The first run creates the customers, their readings and daily rollups
straight in SQL, and the TEMP-NORTH hourly series; later runs with the same figures reuse
them. Measured in the same run:

- ours: `run_start` → the workers compute every customer (baseline, trend, breakdown,
  best tariff over the last 12 months' half-hours, forecast, recommendations), then
  neighbours and segments; from the start until the run is DONE, results written;
- floor: one read of the same customers' daily rollups of the year into memory
  (`daily_rollups_load`, one binary COPY).

Ends with `customers=<n> seconds=<s> customers_per_s=<a> floor_seconds=<f>`.
Target (issue 12): 10,000 customers with a year of half-hourly data in 30 s.
"""
import argparse
import importlib.util
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import bench_environment  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_billing", Path(__file__).parent
                                               / "billing.py")
bench_billing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_billing)

SCHEMA = "benchinsights"
TIME_ZONE = "Europe/London"
ON = date(2026, 6, 1)

# °C: a yearly cycle (coldest mid-January) and a daily swing, the same in SQL for the
# temperature series and for the readings' heating and cooling.
_TEMPERATURE = ("(10.5 - 7.5 * cos(2 * pi() * (extract(doy FROM {t}) - 15) / 365.25)"
                " + 3 * sin(2 * pi() * (extract(hour FROM {t}) - 9) / 24))")
_READINGS = f"""
    INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, received_at)
    SELECT m.id, t, round((m.size * (0.12 + 0.25 * (extract(hour FROM t) BETWEEN 17 AND 20)::int
                           + 0.02 * greatest(15.5 - {_TEMPERATURE.format(t='t')}, 0)
                           + 0.03 * greatest({_TEMPERATURE.format(t='t')} - 22, 0))
                           * (0.8 + 0.4 * random()))::numeric, 3),
           'ACTUAL', 'bench', now()
    FROM (SELECT id, 0.6 + (id %% 17) / 10.0 AS size FROM unnest(%s::bigint[]) AS ids(id)) m,
         generate_series(%s::timestamptz, %s::timestamptz - interval '30 minutes',
                         interval '30 minutes') t
"""
_TEMPERATURES = f"""
    INSERT INTO market_pricepoint (instrument_id, interval_start, value, received_at, source)
    SELECT i.id, t, round({_TEMPERATURE.format(t='t')}::numeric, 2), now(), 'bench'
    FROM market_instrument i,
         generate_series(%s::timestamptz, %s::timestamptz, interval '1 hour') t
    WHERE i.code = 'TEMP-NORTH'
    ON CONFLICT (instrument_id, interval_start) DO NOTHING
"""


def world_ensure(count: int, days: int) -> list[int]:
    """`count` customers with contracts, meters, `days` of readings and their rollups."""
    from django.db import connection

    from accounts.domain.demo_tariffs import demo_products
    from accounts.models import Account, Contract, Customer, MeterPoint, Premise
    from core.ranges import DateRange, local_days
    from metering.domain.partitions import partitions_ensure
    from metering.domain.rollups import rollups_refresh
    from metering.models import Meter
    from tariffs.domain.catalogue import tariff_version_create
    from tariffs.models import Product, TariffVersion

    start = ON - timedelta(days=days)
    marker = f"bench insights customers={count} days={days} rollups=packed"
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('metering_meter'::regclass, 'pg_class')")
        if cursor.fetchone()[0] == marker:
            return list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    print(f"creating {count} customers with {days} days of readings each ...", flush=True)
    began = time.perf_counter()
    months, month = [], date(start.year, start.month, 1)
    while month <= ON:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    partitions_ensure(months=months)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE insights_insightsrun CASCADE")
        cursor.execute("TRUNCATE metering_reading, metering_dailyrollup, metering_readingedit")
        cursor.execute("TRUNCATE accounts_contract, accounts_account, metering_meter, "
                       "accounts_meterpoint, accounts_premise, accounts_customer CASCADE")
    for spec in demo_products("alpha", time_zone=TIME_ZONE):  # the demo's terms
        if spec["code"] in ("ALPHA-AGILE", "ALPHA-BUSINESS"):
            continue  # no market prices in the bench; households only
        spec = dict(spec)
        definition = spec.pop("definition")
        product, created = Product.objects.get_or_create(
            code=spec.pop("code"), defaults={**spec, "available_from": date(2025, 1, 1)})
        if created:
            tariff_version_create(product=product, active_from=date(2025, 1, 1),
                                  active_to=None, definition=definition)
    version = TariffVersion.objects.get(product__code="ALPHA-FLEX")
    numbers = range(count)
    customers = Customer.objects.bulk_create([
        Customer(reference=f"BENCH-{n:06d}", name=f"Bench {n}", kind="HOUSEHOLD")
        for n in numbers], batch_size=2000)
    premises = Premise.objects.bulk_create([
        Premise(customer=c, address_line=f"{n} Bench Road", city="Benchton", region="North",
                floor_area_m2=60 + n % 90, heating_type=("GAS", "HEAT_PUMP")[n % 2])
        for n, c in zip(numbers, customers, strict=True)], batch_size=2000)
    points = MeterPoint.objects.bulk_create([
        MeterPoint(premise=p, identifier=f"BENCH-MP-{n:06d}")
        for n, p in zip(numbers, premises, strict=True)], batch_size=2000)
    meters = Meter.objects.bulk_create([
        Meter(serial=f"BENCH-M-{n:06d}", meter_point=p,
              installed_at=datetime(2024, 1, 1, tzinfo=UTC))
        for n, p in zip(numbers, points, strict=True)], batch_size=2000)
    accounts = Account.objects.bulk_create([
        Account(customer=c, number=f"BENCH-A-{n:06d}")
        for n, c in zip(numbers, customers, strict=True)], batch_size=2000)
    Contract.objects.bulk_create([
        Contract(customer=c, account=a, meter_point=p, active_from=date(2025, 1, 1),
                 status="ACTIVE", tariff_version=version)
        for c, a, p in zip(customers, accounts, points, strict=True)], batch_size=2000)
    instants = local_days(DateRange(start, ON), TIME_ZONE)
    ids = [m.pk for m in meters]
    with connection.cursor() as cursor:
        for at in range(0, len(ids), 500):
            cursor.execute(_READINGS, [ids[at:at + 500], instants.start, instants.end])
        cursor.execute("VACUUM ANALYZE metering_reading")
        # the rollups as ingest's last step computes them, with the packed readings the
        # profile seam reads (metering.domain.rollups)
        cursor.execute("SET jit = off")
        for at in range(0, len(ids), 500):
            rollups_refresh(cursor, meter_ids=ids[at:at + 500], lo=instants.start,
                            hi=instants.end, tz=TIME_ZONE)
        cursor.execute(_TEMPERATURES, [instants.start - timedelta(days=1),
                                       instants.end + timedelta(days=40)])
        cursor.execute("COMMENT ON TABLE metering_meter IS %s", [marker])
        cursor.execute("VACUUM ANALYZE metering_reading")
        cursor.execute("VACUUM ANALYZE metering_dailyrollup")
    print(f"created in {time.perf_counter() - began:.0f}s", flush=True)
    return [c.pk for c in customers]


def runs_clear() -> None:
    """Earlier bench runs deleted and their dead rows vacuumed (before the clock starts: a
    nightly job adds a run to the history; it never follows the deletion of 10,000 results,
    whose dead rows would slow its inserts and wake autovacuum in the middle of it)."""
    from django.db import connection

    from insights.models import InsightsRun

    InsightsRun.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE insights_customerinsight, insights_recommendation, "
                       "insights_highbillalert, insights_segment, insights_insightsrun")


def run_once(*, chunk_customers: int) -> tuple[float, dict]:
    from django.db import transaction
    from django.utils import timezone

    from insights.models import InsightsRun, RunStatus
    from insights.runs import run_start, run_summary
    from insights.tasks import insights_run_enqueue

    began = time.perf_counter()
    with transaction.atomic():
        run = run_start(on=ON, now=timezone.now())
        insights_run_enqueue(run=run, chunk_customers=chunk_customers)
    while True:
        run = InsightsRun.objects.get(pk=run.pk)
        if run.status != RunStatus.RUNNING:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - began
    if run.status != RunStatus.DONE:
        raise SystemExit(f"the run failed: {run.detail}")
    summary = run_summary(run=run)
    summary["insufficient"] = len(summary["insufficient"])
    return seconds, summary


def floor_read(*, days: int) -> float:
    """One read of the same customers' year of daily rollups into memory."""
    from core.ranges import DateRange
    from insights.loading import daily_rollups_load
    from metering.models import Meter

    meters = list(Meter.objects.values_list("pk", flat=True))
    began = time.perf_counter()
    daily_rollups_load(meter_ids=meters, days=DateRange(ON - timedelta(days=min(days, 365)),
                                                        ON))
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--chunk-customers", type=int, default=None,
                        help="customers per chunk (default: the nightly job's own)")
    args = parser.parse_args()
    queue = f"gridline-bench-{os.getpid()}"
    os.environ["GRIDLINE_CELERY_QUEUE"] = queue
    bench_environment(schema=SCHEMA)

    from django.db import connection
    from django_tenants.utils import schema_context

    with schema_context(SCHEMA):
        ids = world_ensure(args.customers, args.days)
        log = Path(f"/tmp/bench-insights-worker-{os.getpid()}.log")
        workers = bench_billing.workers_start(queue, log)
        try:
            runs_clear()
            before = bench_billing.workers_cpu(workers)
            with bench_billing.BackendCpu(connection.settings_dict["NAME"]) as backends:
                from insights.runs import CHUNK_CUSTOMERS
                seconds, summary = run_once(
                    chunk_customers=args.chunk_customers or CHUNK_CUSTOMERS)
            used = bench_billing.workers_cpu(workers) - before
            floor = floor_read(days=args.days)
            print(f"ours: {seconds:.2f}s {summary}  floor: {floor:.2f}s  cpu_s: workers "
                  f"{used:.1f} postgres {backends.seconds:.1f} "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
        finally:
            workers.terminate()
            workers.wait(timeout=30)
    print(f"customers={len(ids)} seconds={seconds:.2f} "
          f"customers_per_s={len(ids) / seconds:.1f} floor_seconds={floor:.3f}")


if __name__ == "__main__":
    main()
