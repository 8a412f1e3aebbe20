"""Metering fixtures: meters at alpha and beta, and helpers to ingest small CSV texts."""
import io
from datetime import UTC, datetime

import pytest
from django_tenants.utils import schema_context

from accounts.models import MeterPoint
from metering.domain.ingest import IngestOptions, readings_ingest_csv
from metering.models import Meter

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
INSTALLED = datetime(2020, 1, 1, tzinfo=UTC)
# The demo retailers' zone, which an interface would read from the retailer.
LONDON = IngestOptions(time_zone="Europe/London")


def meter_create(serial: str, point: str, interval_minutes: int = 30, **extra) -> Meter:
    return Meter.objects.create(
        serial=serial, meter_point=MeterPoint.objects.get(identifier=point),
        interval_minutes=interval_minutes, installed_at=INSTALLED, **extra,
    )


def ingest_csv(text: str, *, now=NOW, source="test.csv", options=LONDON):
    return readings_ingest_csv(stream=io.BytesIO(text.encode()), source=source, now=now,
                               options=options)


def csv_lines(serial: str, start: datetime, values, minutes: int = 30) -> str:
    from datetime import timedelta

    rows = ["meter_serial,interval_start,kwh"]
    for index, value in enumerate(values):
        at = start + timedelta(minutes=minutes * index)
        rows.append(f"{serial},{at.isoformat()},{value}")
    return "\n".join(rows) + "\n"


@pytest.fixture
def in_alpha(db):
    with schema_context("alpha"):
        yield


@pytest.fixture
def alpha_meter(in_alpha):
    return meter_create("ALPHA-M-0001", "ALPHA-H-0001-MP1")
