"""Benchmark of the profile seam billing reads meter data through: many meters' half-hourly
profiles for a month, in one statement, straight into numpy.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/profiles.py --meters 10000

Uses the benchmark database of bench/ingest.py (`<name>_bench`) with a retailer of its own
(`benchprofiles`, so bench/ingest.py's emptying of its table leaves these readings alone).
The first run creates `--meters` demo meters and a month (January 2026, 1,488 half-hours)
of readings for each straight in SQL (about 3% ESTIMATED) and their daily rollups (with the
packed readings the seam reads) by the refresh ingest ends with, then VACUUM ANALYZE; later
runs reuse them. `--layout` says how the rows lie on disk: `day` (default; as daily files of
every meter arrive: each meter's month is spread over 31 places) or `meter` (as one file
per meter and month would: each meter's month together). Measured in the same run, each
the median of `--repeat` runs:

- ours: `metering.domain.profiles.interval_profiles_load` for every meter, into
  (meters × 1,488) float64 kWh and int8 quality arrays;
- floor: one plain `SELECT meter_id, sum(kwh) ... GROUP BY meter_id` over the same rows
  (what reading them costs PostgreSQL at all, with nothing sent back per reading).

Ends with `profiles_s=<x> floor_group_by_s=<y> of_floor=<y/x> meters=<n> readings=<r>
layout=<l>`.
Budget (DESIGN.md): a billing run of 10,000 accounts × a month in 15 s end to end.
"""
import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import TIME_ZONE, bench_environment  # noqa: E402

SCHEMA = "benchprofiles"
MONTH_FROM = datetime(2026, 1, 1, tzinfo=UTC)
MONTH_TO = datetime(2026, 2, 1, tzinfo=UTC)
SLOTS = 31 * 48


_INSERT = """
    INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, received_at)
    SELECT m.id, t, round((0.05 + random() * 0.6)::numeric, 3),
           CASE WHEN random() < 0.03 THEN 'ESTIMATED' ELSE 'ACTUAL' END, 'bench', now()
    FROM unnest(%s::bigint[]) m(id),
         generate_series(%s::timestamptz, %s::timestamptz - interval '30 minutes',
                         interval '30 minutes') t
    ORDER BY {order}
"""
ORDERS = {"day": "date_trunc('day', t), m.id, t", "meter": "m.id, t"}


def readings_ensure(meter_count: int, layout: str) -> list[int]:
    """`meter_count` meters with a month of readings each, stored in `layout` order;
    returns their ids."""
    from django.db import connection

    from metering.domain.demo_meters import demo_meters_ensure
    from metering.domain.partitions import partitions_ensure
    from metering.domain.rollups import rollups_refresh
    from metering.models import Meter

    demo_meters_ensure(count=meter_count, installed_at=datetime(2020, 1, 1, tzinfo=UTC))
    ids = list(Meter.objects.order_by("pk").values_list("pk", flat=True)[:meter_count])
    partitions_ensure(months=[MONTH_FROM])
    partition = "metering_reading_p202601"
    marker = f"bench layout={layout} meters={meter_count} rollups=packed"
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [partition])
        if cursor.fetchone()[0] == marker:
            return ids
        print(f"creating {meter_count} meters x {SLOTS} half-hours of readings, {layout} by "
              f"{layout} ...", flush=True)
        began = time.perf_counter()
        cursor.execute("TRUNCATE metering_reading, metering_dailyrollup")
        cursor.execute(_INSERT.format(order=ORDERS[layout]), [ids, MONTH_FROM, MONTH_TO])
        print(f"inserted {cursor.rowcount} readings in {time.perf_counter() - began:.0f}s",
              flush=True)
        began = time.perf_counter()
        cursor.execute("SET jit = off")
        rollups_refresh(cursor, meter_ids=ids, lo=MONTH_FROM, hi=MONTH_TO, tz=TIME_ZONE)
        print(f"daily rollups refreshed in {time.perf_counter() - began:.1f}s", flush=True)
        cursor.execute(f"COMMENT ON TABLE {partition} IS %s", [marker])
        cursor.execute("VACUUM ANALYZE metering_reading")
    return ids


def floor_group_by() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute(
            "SELECT meter_id, sum(kwh) FROM metering_reading WHERE interval_start >= %s "
            "AND interval_start < %s GROUP BY meter_id", [MONTH_FROM, MONTH_TO])
        return len(cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--layout", choices=sorted(ORDERS), default="day")
    args = parser.parse_args()
    bench_environment(schema=SCHEMA)

    from django.db import connection
    from django_tenants.utils import schema_context

    from core.ranges import DateTimeRange
    from metering.domain.profiles import interval_profiles_load

    period = DateTimeRange(MONTH_FROM, MONTH_TO)
    with schema_context(SCHEMA):
        ids = readings_ensure(args.meters, args.layout)
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        ours, floor = [], []
        for _ in range(args.repeat):
            began = time.perf_counter()
            profiles = interval_profiles_load(meter_ids=ids, period=period)
            ours.append(time.perf_counter() - began)
            began = time.perf_counter()
            grouped = floor_group_by()
            floor.append(time.perf_counter() - began)
            print(f"ours: {ours[-1]:.2f}s  floor: {floor[-1]:.2f}s", flush=True)
        readings = int(profiles.present.sum())
        estimated = float((profiles.estimated_share() * 100).mean())
    assert grouped == len(ids), (grouped, len(ids))
    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    print(f"loaded {profiles.kwh.shape[0]} meters x {profiles.kwh.shape[1]} slots, "
          f"{readings} readings, {profiles.kwh.nbytes / 1e6:.0f} MB of kWh; "
          f"estimated share {estimated:.1f}% on average")
    print(f"profiles_s={ours_s:.2f} floor_group_by_s={floor_s:.2f} "
          f"of_floor={floor_s / ours_s:.2f} meters={len(ids)} readings={readings} "
          f"layout={args.layout}")


if __name__ == "__main__":
    main()
