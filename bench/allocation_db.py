"""Benchmark of a cooperative's month allocated with its database load: N members (the
households of bench/billing.py's world, each with a month of half-hourly readings, April
2026: 1,440 half-hours) holding shares of one cooperative whose PV plant exports every
half-hour.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/allocation_db.py --members 5000

Uses bench/billing.py's benchmark database and retailer (`benchbilling`), creating the
world on first use. Timed, the median of `--repeat` runs: `cooperative_period_allocate`,
what `coop_allocate` does: the cooperative's inputs (generators, one COPY of the export
profile, holdings), the members' billable contracts (3 queries), their import profiles (one
COPY), the shares per interval and the allocation. The floor, measured in the same run: one
`SELECT meter_id, sum(kwh) ... GROUP BY meter_id` over the members' month.

Ends with `members=<n> intervals=<m> seconds=<s> floor_seconds=<f>`.
Budget (issue 13): a month to 5,000 members in 5 s, database load included.
"""
import argparse
import importlib.util
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import bench_environment  # noqa: E402

# bench/billing.py by path: the name `billing` is the Django app.
_spec = importlib.util.spec_from_file_location(
    "bench_billing", Path(__file__).resolve().parent / "billing.py")
bench_billing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_billing)
PERIOD_FROM, PERIOD_TO = bench_billing.PERIOD_FROM, bench_billing.PERIOD_TO
SCHEMA, TIME_ZONE, world_ensure = (bench_billing.SCHEMA, bench_billing.TIME_ZONE,
                                   bench_billing.world_ensure)

CODE = "BENCH-COOP"

_PLANT = """
    INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, received_at)
    SELECT %s, t, round((20 * greatest(0, sin(pi() * (extract(hour from t) - 6) / 13)))
                         ::numeric, 3), 'ACTUAL', 'bench', now()
    FROM generate_series(%s::timestamptz, %s::timestamptz - interval '30 minutes',
                         interval '30 minutes') t
    ON CONFLICT DO NOTHING
"""


def cooperative_ensure(account_ids: list[int]):
    from django.db import connection

    from accounts.models import Account, Customer, MeterPoint, Premise
    from cooperatives.models import Cooperative, Generator, Shareholding
    from core.ranges import DateRange, local_days
    from metering.models import Meter

    coop = Cooperative.objects.filter(code=CODE).first()
    members = list(Account.objects.filter(pk__in=account_ids).order_by("pk")
                   .values_list("customer_id", flat=True))
    if coop is not None and Shareholding.objects.filter(cooperative=coop).count() == len(
            members):
        return coop
    now = datetime.now(UTC)
    if coop is None:
        coop = Cooperative.objects.create(
            code=CODE, name="Bench cooperative", share_price=Decimal(100),
            kwh_per_share_year=Decimal(250), generation_price=Decimal("0.08"), created_at=now)
        site = Customer.objects.create(reference=CODE, name="Bench site", kind="ENTERPRISE")
        premise = Premise.objects.create(customer=site, address_line="Field", city="Bench",
                                         region="North")
        point = MeterPoint.objects.create(premise=premise, identifier=f"{CODE}-MP")
        meter = Meter.objects.create(serial=f"{CODE}-G", meter_point=point,
                                     direction="EXPORT",
                                     installed_at=datetime(2025, 1, 1, tzinfo=UTC))
        Generator.objects.create(cooperative=coop, name="Bench PV", kind="PV",
                                 capacity_kw=Decimal(5000), region="North",
                                 commissioning_date=date(2025, 1, 1), export_meter=meter)
        instants = local_days(DateRange(PERIOD_FROM, PERIOD_TO), TIME_ZONE)
        with connection.cursor() as cursor:
            cursor.execute(_PLANT, [meter.pk, instants.start, instants.end])
    Shareholding.objects.filter(cooperative=coop).delete()
    # Shares 1-10; every seventh member buys more mid-month.
    rows = [Shareholding(cooperative=coop, member_id=m, shares=1 + i % 10,
                         active_from=date(2026, 1, 1), created_at=now)
            for i, m in enumerate(members)]
    rows += [Shareholding(cooperative=coop, member_id=m, shares=2,
                          active_from=date(2026, 4, 16), created_at=now)
             for i, m in enumerate(members) if i % 7 == 0]
    Shareholding.objects.bulk_create(rows)
    return coop


def floor_group_by(meter_ids: list[int]) -> float:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT meter_id, sum(kwh) FROM metering_reading WHERE meter_id = "
                       "ANY(%s) AND interval_start >= %s AND interval_start < %s "
                       "GROUP BY meter_id", [meter_ids, datetime(2026, 3, 31, 23, tzinfo=UTC),
                                             datetime(2026, 4, 30, 23, tzinfo=UTC)])
        cursor.fetchall()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_environment(schema=SCHEMA)

    from django_tenants.utils import schema_context

    from cooperatives.services.period import cooperative_period_allocate
    from core.ranges import DateRange
    from metering.models import Meter

    with schema_context(SCHEMA):
        ids = world_ensure(args.members)[:args.members]
        coop = cooperative_ensure(ids)
        meter_ids = list(Meter.objects.filter(meter_point__contracts__account_id__in=ids)
                         .values_list("pk", flat=True))
        ours, floors = [], []
        for _ in range(args.repeat):
            began = time.perf_counter()
            result = cooperative_period_allocate(cooperative=coop,
                                                 period=DateRange(PERIOD_FROM, PERIOD_TO),
                                                 time_zone=TIME_ZONE)
            ours.append(time.perf_counter() - began)
            floors.append(floor_group_by(meter_ids))
            print(f"ours: {ours[-1]:.2f}s floor: {floors[-1]:.2f}s "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
        assert len(result.members) == len(ids), (len(result.members), len(ids))
        assert (result.generated == result.allocated + result.surplus).all()
    print(f"members={len(result.members)} intervals={len(result.starts)} "
          f"seconds={statistics.median(ours):.2f} floor_seconds={statistics.median(floors):.2f}")


if __name__ == "__main__":
    main()
