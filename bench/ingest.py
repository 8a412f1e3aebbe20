"""Benchmark of meter ingest: our path (COPY → staging → VEE → upsert into the partitioned
table → rollups) against Django `bulk_create` into the same table, in the same run.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/ingest.py --readings 1000000

Uses a dedicated database (`<DATABASE_URL's name>_bench`, created if missing) holding a
benchmark retailer `benchmeter`; its reading table is emptied before each measured load.
Also prints raw COPY straight into the partitioned table (no checks, no upsert) as the
floor. Every load includes its COMMIT (on a small shared machine that alone is seconds
for a million rows). Our path loads the file `--repeat` times (default 3, each into the
emptied table) and its median counts: this shared machine's speed drifts by 20% over
minutes. The file: demo household/enterprise profiles, 30 days × N/1440
meters of half-hours (a few gaps and spikes), written to a temporary file and streamed.
Ends with the line
`ingest_readings_per_s=<x> bulk_create_readings_per_s=<y> ratio=<x/y>`.
Target (DESIGN.md): ≥ 250,000 readings/s through our path.
"""
import argparse
import csv
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHEMA = "benchmeter"
TIME_ZONE = "Europe/London"  # the benchmark retailer's
START = datetime(2026, 1, 1, tzinfo=UTC)


def bench_environment(*, schema: str = SCHEMA) -> None:
    """Point Django at the benchmark database (created and migrated if needed) and make
    sure the benchmark retailer (`schema`) exists."""
    import psycopg2

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridline")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "gridline"
    if not name.endswith("_bench"):
        name += "_bench"
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    from tenants.domain.retailers import platform_tenant_ensure, retailer_create
    from tenants.models import Retailer

    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)
    platform_tenant_ensure(host="localhost")
    if not Retailer.objects.filter(schema_name=schema).exists():
        retailer_create(slug=schema, name="Benchmark retailer", host=f"{schema}.localhost",
                        staff_username="bench-staff", staff_email="bench@example.invalid",
                        staff_password="bench-only-password", time_zone=TIME_ZONE,
                        currency="GBP")
    else:
        call_command("migrate_schemas", schema_name=schema, verbosity=0, interactive=False)


def readings_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE metering_reading, metering_dailyrollup, metering_readingedit")


def bulk_create_load(path: Path, serial_ids: dict[str, int]) -> int:
    """The plain Django way: parse the CSV, one model object per reading, bulk_create."""
    from django.db import transaction

    from metering.models import Reading

    now = datetime.now(UTC)
    count = 0
    with path.open(newline="") as stream, transaction.atomic():
        rows = csv.reader(stream)
        next(rows)
        batch = []
        for serial, start, kwh in rows:
            batch.append(Reading(meter_id=serial_ids[serial],
                                 interval_start=datetime.fromisoformat(start),
                                 kwh=Decimal(kwh), quality="ACTUAL", source="bulk_create",
                                 received_at=now))
            if len(batch) == 10_000:
                Reading.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        Reading.objects.bulk_create(batch)
        count += len(batch)
    return count


def raw_copy_load(path: Path, serial_ids: dict[str, int]) -> float:
    """The floor: PostgreSQL COPY straight into the partitioned table (no validation, no
    upsert), from a copy of the file with meter ids already in it; returns seconds."""
    from django.db import connection, transaction

    prepared = path.with_suffix(".ids.csv")
    received = datetime.now(UTC).isoformat()
    with path.open() as source, prepared.open("w") as out:
        next(source)
        for line in source:
            serial, rest = line.split(",", 1)
            out.write(f"{serial_ids[serial]},{rest.rstrip()},ACTUAL,raw-copy,{received}\n")
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, prepared.open("rb") as data:
        cursor.copy_expert(
            "COPY metering_reading (meter_id, interval_start, kwh, quality, source, "
            "received_at) FROM STDIN WITH (FORMAT csv)", data, 262144)
    elapsed = time.perf_counter() - began
    prepared.unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3,
                        help="loads of the file through our path; the median counts")
    args = parser.parse_args()
    bench_environment()

    from django_tenants.utils import schema_context

    from metering.domain.demo import demo_csv_write
    from metering.domain.demo_meters import demo_meters_ensure
    from metering.domain.ingest import IngestOptions, readings_ingest_file
    from metering.domain.partitions import partitions_ensure
    from metering.models import Meter

    options = IngestOptions(time_zone=TIME_ZONE)

    intervals = 48 * args.days
    meter_count = max(1, math.ceil(args.readings / intervals))
    with schema_context(SCHEMA), tempfile.TemporaryDirectory() as tmp:
        meters = demo_meters_ensure(count=meter_count, installed_at=datetime(2020, 1, 1,
                                                                               tzinfo=UTC))
        path = Path(tmp) / "readings.csv"
        with path.open("w") as out:
            written = demo_csv_write(out=out, serials=[s for s, _ in meters],
                                     kinds=[k for _, k in meters], start_at=START,
                                     intervals=intervals, gap_rate=0.0001,
                                     time_zone=TIME_ZONE)
        size_mb = path.stat().st_size / 1e6
        print(f"file: {written} readings, {meter_count} meters, {size_mb:.1f} MB")
        partitions_ensure(months=[START, datetime(2026, 2, 1, tzinfo=UTC)])

        timings = []
        for _ in range(args.repeat):
            readings_clear()
            began = time.perf_counter()
            with path.open("rb") as stream:
                report = readings_ingest_file(stream=stream, file_format="csv",
                                              source="bench", now=datetime.now(UTC),
                                              options=options)
            timings.append(time.perf_counter() - began)
            print(f"ours: {timings[-1]:.2f}s read={report.read} inserted={report.inserted} "
                  f"estimated={report.estimated} rejected={len(report.rejected)} "
                  f"flagged={len(report.flagged)}")
        ours = statistics.median(timings)
        print(f"ours, median of {len(timings)} loads into the emptied table: {ours:.2f}s")

        began = time.perf_counter()
        with path.open("rb") as stream:
            again = readings_ingest_file(stream=stream, file_format="csv",
                                         source="bench", now=datetime.now(UTC),
                                         options=options)
        print(f"ours, same file again (all no-op upserts): {time.perf_counter() - began:.2f}s "
              f"inserted={again.inserted} updated={again.updated}")

        readings_clear()
        serial_ids = dict(Meter.objects.values_list("serial", "pk"))
        raw_copy = raw_copy_load(path, serial_ids)
        print(f"raw COPY into the partitioned table: {raw_copy:.2f}s "
              f"copy_readings_per_s={written / raw_copy:.0f}")

        readings_clear()
        began = time.perf_counter()
        loaded = bulk_create_load(path, serial_ids)
        theirs = time.perf_counter() - began
        print(f"bulk_create: {theirs:.2f}s rows={loaded}")
        readings_clear()

    ours_rate = written / ours
    theirs_rate = written / theirs
    print(f"ingest_readings_per_s={ours_rate:.0f} bulk_create_readings_per_s={theirs_rate:.0f} "
          f"ratio={ours_rate / theirs_rate:.2f}")


if __name__ == "__main__":
    main()
