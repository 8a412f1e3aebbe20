"""Memory while ingesting a large file: the ingest must stream, not load.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/ingest_memory.py [--megabytes 1024]

Feeds our CSV ingest path a generated file of about `--megabytes` (produced lazily, so the
benchmark itself holds no file in memory either) and samples this process's resident set
size while PostgreSQL COPYs, validates and upserts it. Uses bench/ingest.py's database and
retailer. Ends with `streamed_mb=<x> rows=<n> start_rss_mb=<a> peak_rss_mb=<b> seconds=<s>`:
a flat profile means peak ≈ start whatever the file size.
"""
import argparse
import io
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import SCHEMA, TIME_ZONE, bench_environment, readings_clear  # noqa: E402

START = datetime(2024, 1, 1, tzinfo=UTC)
METERS = 2000


class GeneratedCsv(io.RawIOBase):
    """`meter_serial,interval_start,kwh` lines made on demand, meter by meter."""

    def __init__(self, *, serials: list[str], limit_bytes: int):
        self.serials = serials
        self.limit = limit_bytes
        self.sent = 0
        self.rows = 0
        self.pending = b""
        self.meter = 0
        self.interval = 0

    def readable(self):
        return True

    def _more(self) -> bytes:
        lines = []
        serial = self.serials[self.meter % len(self.serials)]
        for _ in range(4800):
            moment = START + timedelta(minutes=30 * self.interval)
            lines.append(f"{serial},{moment:%Y-%m-%dT%H:%M:%S}+00:00,"
                         f"{0.05 + (self.interval % 48) * 0.01:.3f}\n")
            self.interval += 1
        self.rows += len(lines)
        self.meter += 1
        if self.meter % len(self.serials) == 0:
            pass  # next lap continues the same meters later in time
        else:
            self.interval -= 4800
        return "".join(lines).encode()

    def readinto(self, buffer):
        if self.sent >= self.limit and not self.pending:
            return 0
        while len(self.pending) < len(buffer) and self.sent + len(self.pending) < self.limit:
            self.pending += self._more()
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        self.sent += size
        return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1024)
    args = parser.parse_args()
    bench_environment()

    from django_tenants.utils import schema_context

    from metering.domain.demo_meters import demo_meters_ensure
    from metering.domain.ingest import IngestOptions, readings_ingest_file
    from metering.domain.partitions import partitions_ensure

    process = psutil.Process()
    with schema_context(SCHEMA):
        meters = demo_meters_ensure(count=METERS, installed_at=datetime(2020, 1, 1, tzinfo=UTC))
        serials = [serial for serial, _ in meters]
        partitions_ensure(months=[datetime(year, month, 1, tzinfo=UTC)
                                  for year in (2024, 2025, 2026) for month in range(1, 13)])
        readings_clear()
        start_rss = process.memory_info().rss
        peak = [start_rss]
        done = threading.Event()

        def sample():
            while not done.wait(0.2):
                peak[0] = max(peak[0], process.memory_info().rss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stream = io.BufferedReader(GeneratedCsv(serials=serials,
                                                limit_bytes=args.megabytes * 1_000_000),
                                   buffer_size=1 << 20)
        began = time.perf_counter()
        report = readings_ingest_file(stream=stream, file_format="csv", source="bench-memory",
                                      now=datetime.now(UTC),
                                      options=IngestOptions(time_zone=TIME_ZONE))
        elapsed = time.perf_counter() - began
        done.set()
        sampler.join()
        peak[0] = max(peak[0], process.memory_info().rss)
        readings_clear()
    raw = stream.raw
    print(f"read={report.read} inserted={report.inserted} rejected={report.rejected_count}")
    print(f"streamed_mb={raw.sent / 1e6:.0f} rows={raw.rows} start_rss_mb={start_rss / 1e6:.0f} "
          f"peak_rss_mb={peak[0] / 1e6:.0f} seconds={elapsed:.0f}")


if __name__ == "__main__":
    main()
