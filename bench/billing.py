"""Benchmark of a billing run: N household accounts on a time-of-use tariff with a month of
half-hourly readings each (April 2026: 1,440 half-hours), billed and issued end to end
through two Celery worker processes.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/billing.py --accounts 10000

Uses the benchmark database of bench/ingest.py (`<name>_bench`) with a retailer of its own
(`benchbilling`). The first run creates the accounts (customer, premise, meter point,
meter, account, contract on an Economy-7-like tariff with a tiered day band) and their
readings straight in SQL (about 3% ESTIMATED) and their daily rollups (with the packed
readings the profile seam reads) by the refresh ingest ends with, then VACUUM ANALYZE;
later runs reuse them.
Measured in the same run:

- ours: `bill_run_start` → workers plan, bill the chunks (a chord) and close the run; from
  the start until the run is DONE, bills and lines written and issued (numbers, ledger);
  the median of `--repeat` runs, each after the period's bills are removed;
- naive: a sample of accounts priced one at a time through the ORM (contract, version,
  definition, readings as model rows, the engine, a bill and its lines saved one by one);
- floor: one `SELECT meter_id, sum(kwh) ... GROUP BY meter_id` over the same month.

Each run also prints the CPU seconds the two worker processes and their PostgreSQL backends
used (the machine is shared: wall-clock figures move with everyone else's load; CPU seconds
/ 2 is what the run would take on two idle cores at best).

Ends with `accounts=<n> intervals=<m> seconds=<s> accounts_per_s=<a>
naive_accounts_per_s=<b> ratio=<a/b> floor_seconds=<f>`.
Budget (DESIGN.md): 10,000 accounts in 15 s and within 10 x the floor.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import bench_environment  # noqa: E402

SCHEMA = "benchbilling"
PERIOD_FROM, PERIOD_TO = date(2026, 4, 1), date(2026, 5, 1)
TIME_ZONE = "Europe/London"
PRODUCT = "BENCH-TOU"

TOU = {
    "name": "Bench time of use", "time_zone": TIME_ZONE,
    "energy_schedule": {"bands": ["night", "day"], "default_band": "day",
                        "rules": [{"band": "night", "start": "00:30", "end": "07:30"}]},
    "unit_rates": [{"band": "night", "tiers": [{"unit_price": "0.0850"}]},
                   {"band": "day", "tiers": [{"unit_price": "0.2600", "upper": "200"},
                                             {"unit_price": "0.3100"}]}],
    "standing_charge": {"amount": "0.5200", "per": "day"}, "vat_rate": "0.05",
}

_READINGS = """
    INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, received_at)
    SELECT m.id, t, round((0.05 + random() * 0.6)::numeric, 3),
           CASE WHEN random() < 0.03 THEN 'ESTIMATED' ELSE 'ACTUAL' END, 'bench', now()
    FROM unnest(%s::bigint[]) m(id),
         generate_series(%s::timestamptz, %s::timestamptz - interval '30 minutes',
                         interval '30 minutes') t
    ORDER BY date_trunc('day', t), m.id, t
"""


def world_ensure(count: int) -> list[int]:
    """`count` accounts with contracts, meters and a month of readings; their ids."""
    from django.db import connection

    from accounts.models import Account, Contract, Customer, MeterPoint, Premise
    from core.ranges import DateRange, local_days
    from metering.domain.partitions import partitions_ensure
    from metering.models import Meter
    from tariffs.domain.catalogue import tariff_version_create
    from tariffs.models import Product, TariffVersion

    marker = f"bench billing accounts={count}"
    partitions_ensure(months=[date(2026, 3, 1), PERIOD_FROM])
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('metering_reading_p202604'::regclass, "
                       "'pg_class')")
        if cursor.fetchone()[0] == marker:
            rollups_ensure(list(Meter.objects.values_list("pk", flat=True)))
            return list(Account.objects.order_by("pk").values_list("pk", flat=True))
    print(f"creating {count} accounts with a month of readings each ...", flush=True)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_billingrun, billing_bill, billing_billline, "
                       "billing_ledgerentry, billing_creditnote, billing_runchunk, "
                       "billing_runissue, billing_documentcounter, billing_paymentallocation, "
                       "billing_payment, billing_prepaycharge, billing_dunningnotice CASCADE")
        cursor.execute("TRUNCATE metering_reading, metering_dailyrollup, metering_readingedit")
        cursor.execute("TRUNCATE accounts_contract, accounts_account, metering_meter, "
                       "accounts_meterpoint, accounts_premise, accounts_customer CASCADE")
    product = Product.objects.filter(code=PRODUCT).first()
    if product is None:
        product = Product.objects.create(code=PRODUCT, name="Bench TOU",
                                         customer_kinds=["HOUSEHOLD"],
                                         available_from=date(2025, 1, 1))
        tariff_version_create(product=product, active_from=date(2025, 1, 1), active_to=None,
                              definition=TOU)
    version = TariffVersion.objects.get(product=product)
    numbers = range(count)
    customers = Customer.objects.bulk_create([
        Customer(reference=f"BENCH-{n:06d}", name=f"Bench {n}", kind="HOUSEHOLD")
        for n in numbers])
    premises = Premise.objects.bulk_create([
        Premise(customer=c, address_line=f"{n} Bench Road", city="Benchton", region="North")
        for n, c in zip(numbers, customers, strict=True)])
    points = MeterPoint.objects.bulk_create([
        MeterPoint(premise=p, identifier=f"BENCH-MP-{n:06d}")
        for n, p in zip(numbers, premises, strict=True)])
    meters = Meter.objects.bulk_create([
        Meter(serial=f"BENCH-M-{n:06d}", meter_point=p,
              installed_at=datetime(2025, 1, 1, tzinfo=UTC))
        for n, p in zip(numbers, points, strict=True)])
    accounts = Account.objects.bulk_create([
        Account(customer=c, number=f"BENCH-A-{n:06d}")
        for n, c in zip(numbers, customers, strict=True)])
    Contract.objects.bulk_create([
        Contract(customer=c, account=a, meter_point=p, active_from=date(2026, 1, 1),
                 status="ACTIVE", tariff_version=version)
        for c, a, p in zip(customers, accounts, points, strict=True)])
    instants = local_days(DateRange(PERIOD_FROM, PERIOD_TO), TIME_ZONE)
    with connection.cursor() as cursor:
        cursor.execute(_READINGS, [[m.pk for m in meters], instants.start, instants.end])
        print(f"inserted {cursor.rowcount} readings in {time.perf_counter() - began:.0f}s",
              flush=True)
        cursor.execute("COMMENT ON TABLE metering_reading_p202604 IS %s", [marker])
        cursor.execute("VACUUM ANALYZE metering_reading")
    rollups_ensure([m.pk for m in meters])
    return [a.pk for a in accounts]


def rollups_ensure(meter_ids: list[int]) -> None:
    """The month's daily rollups of these meters, as ingest's last step computes them
    (metering.domain.rollups), unless they are there already."""
    from django.db import connection

    from core.ranges import DateRange, local_days
    from metering.domain.rollups import rollups_refresh

    instants = local_days(DateRange(PERIOD_FROM, PERIOD_TO), TIME_ZONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM metering_dailyrollup WHERE day_date >= %s "
                       "AND day_date < %s AND packed <> ''", [PERIOD_FROM, PERIOD_TO])
        if cursor.fetchone()[0] == len(meter_ids) * (PERIOD_TO - PERIOD_FROM).days:
            return
        began = time.perf_counter()
        cursor.execute("SET jit = off")
        rollups_refresh(cursor, meter_ids=meter_ids, lo=instants.start, hi=instants.end,
                        tz=TIME_ZONE)
        print(f"daily rollups of {len(meter_ids)} meters refreshed in "
              f"{time.perf_counter() - began:.1f}s", flush=True)
        cursor.execute("VACUUM ANALYZE metering_dailyrollup")


def bills_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_billingrun, billing_bill, billing_billline, "
                       "billing_ledgerentry, billing_creditnote, billing_runchunk, "
                       "billing_runissue, billing_documentcounter, billing_paymentallocation "
                       "CASCADE")
        cursor.execute("VACUUM ANALYZE billing_bill")


def workers_start(queue: str, log: Path):
    from config.ops.heartbeat import heartbeats_read

    name = f"bench-{os.getpid()}@{socket.gethostname()}"
    env = dict(os.environ, GRIDLINE_CELERY_QUEUE=queue, PYTHONUNBUFFERED="1")
    out = open(log, "w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
         "--concurrency", "2", "-n", name, "-l", "warning"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while name not in heartbeats_read():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the workers did not start; see {log}")
        time.sleep(0.2)
    time.sleep(1.0)  # let both pool processes import the apps
    return proc


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving this database while a run works:
    sampled every 0.2 s from the process table (a backend lives for one task, so its
    last 0.2 s may be missed; the figure is a slight under-count)."""

    def __init__(self, database: str):
        self.database, self.seen, self.running = database, {}, False

    def _sample(self):
        import psutil

        for process in psutil.process_iter(["pid", "cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            if f" {self.database} " not in cmdline:
                continue
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            self.seen[process.info["pid"]] = times.user + times.system

    def __enter__(self):
        import threading

        self.running = True
        self._sample()
        self.start = dict(self.seen)
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def _loop(self):
        while self.running:
            self._sample()
            time.sleep(0.2)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())


def workers_cpu(workers) -> float:
    import psutil

    main = psutil.Process(workers.pid)
    return sum(t.user + t.system for t in
               (p.cpu_times() for p in [main, *main.children()]))


def run_once(chunk_accounts: int | None = None) -> tuple[float, dict]:
    from django.db import transaction
    from django.utils import timezone

    from billing.domain.runs import bill_run_start, run_progress
    from billing.models import ACTIVE_RUN_STATUSES, BillingRun
    from billing.tasks import bill_run_enqueue
    from core.ranges import DateRange

    began = time.perf_counter()
    with transaction.atomic():
        run = bill_run_start(period=DateRange(PERIOD_FROM, PERIOD_TO), kind="REGULAR",
                             issue=True, today=date(2026, 5, 2), now=timezone.now())
        bill_run_enqueue(run=run, chunk_accounts=chunk_accounts)
    while True:
        run = BillingRun.objects.get(pk=run.pk)
        if run.status not in ACTIVE_RUN_STATUSES:
            break
        time.sleep(0.05)
    return time.perf_counter() - began, run_progress(run=run)


def naive_sample(account_ids: list[int]) -> float:
    """Accounts per second, priced and saved one at a time through the ORM (rolled back)."""
    from datetime import timedelta

    import pandas as pd
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Contract
    from billing.models import Bill, BillLine
    from core.ranges import DateRange, local_days
    from metering.models import Reading
    from tariffs.domain.catalogue import tariff_definition
    from tariffs.domain.engine import price_billing_periods
    from tariffs.domain.periods import Period
    from tariffs.domain.profile import load_profile_from_series

    instants = local_days(DateRange(PERIOD_FROM, PERIOD_TO), TIME_ZONE)
    began = time.perf_counter()
    with transaction.atomic():
        for account_id in account_ids:
            contract = Contract.objects.select_related("tariff_version__product").get(
                account_id=account_id)
            tariff = tariff_definition(version=contract.tariff_version)
            meter = contract.meter_point.meters.get()
            rows = list(Reading.objects.filter(
                meter=meter, interval_start__gte=instants.start,
                interval_start__lt=instants.end).order_by("interval_start"))
            series = pd.Series([float(r.kwh) for r in rows],
                               index=pd.DatetimeIndex([r.interval_start for r in rows]))
            profile = load_profile_from_series(import_kwh=series,
                                               interval=timedelta(minutes=30))
            (breakdown,) = price_billing_periods(
                tariff=tariff, profile=profile,
                periods=[Period(instants.start, instants.end)])
            bill = Bill.objects.create(
                account_id=account_id, period_start=PERIOD_FROM, period_end=PERIOD_TO,
                currency="GBP", total_exc_tax=breakdown.total_before_tax, tax=breakdown.tax,
                total_inc_tax=breakdown.total_after_tax, created_at=timezone.now())
            for position, line in enumerate(breakdown.lines, start=1):
                BillLine.objects.create(
                    bill=bill, position=position, kind=line.kind, band=line.band or "",
                    tier=line.tier, quantity=line.quantity, unit=line.unit,
                    unit_price=line.unit_price, amount=line.amount,
                    description=str(line.kind))
        transaction.set_rollback(True)
    return len(account_ids) / (time.perf_counter() - began)


def floor_group_by() -> float:
    from django.db import connection

    from core.ranges import DateRange, local_days

    instants = local_days(DateRange(PERIOD_FROM, PERIOD_TO), TIME_ZONE)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SELECT meter_id, sum(kwh) FROM metering_reading WHERE "
                       "interval_start >= %s AND interval_start < %s GROUP BY meter_id",
                       [instants.start, instants.end])
        cursor.fetchall()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=200)
    parser.add_argument("--chunk-accounts", type=int, default=None,
                        help="accounts per chunk (default: the run planner's)")
    args = parser.parse_args()
    # This run's own queues (set before Django reads its settings): the bench's workers
    # never take another process's tasks, nor another its.
    queue = f"gridline-bench-{os.getpid()}"
    os.environ["GRIDLINE_CELERY_QUEUE"] = queue
    bench_environment(schema=SCHEMA)

    from django.db import connection
    from django_tenants.utils import schema_context

    from billing.models import Bill

    with schema_context(SCHEMA):
        ids = world_ensure(args.accounts)
        log = Path(f"/tmp/bench-billing-worker-{os.getpid()}.log")
        workers = workers_start(queue, log)
        try:
            bills_clear()
            naive = naive_sample(ids[:args.naive_sample])
            ours, floors = [], []
            for _ in range(args.repeat):
                bills_clear()
                before = workers_cpu(workers)
                with BackendCpu(connection.settings_dict["NAME"]) as backends:
                    seconds, progress = run_once(args.chunk_accounts)
                used = workers_cpu(workers) - before
                ours.append(seconds)
                floors.append(floor_group_by())
                print(f"ours: {seconds:.2f}s {progress}  floor: {floors[-1]:.2f}s  "
                      f"cpu_s: workers {used:.1f} postgres {backends.seconds:.1f} "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
            intervals = len(ids) * 1440
            bills = Bill.objects.count()
            assert bills == len(ids), (bills, len(ids))
        finally:
            workers.terminate()
            workers.wait(timeout=30)
    seconds, floor = statistics.median(ours), statistics.median(floors)
    rate = len(ids) / seconds
    print(f"accounts={len(ids)} intervals={intervals} seconds={seconds:.2f} "
          f"accounts_per_s={rate:.0f} naive_accounts_per_s={naive:.1f} "
          f"ratio={rate / naive:.1f} floor_seconds={floor:.2f}")


if __name__ == "__main__":
    main()
