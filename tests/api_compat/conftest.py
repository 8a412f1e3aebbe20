"""Fixtures of the Octopus-compatible API: alice's meter with two days of readings and
tomorrow's day-ahead prices, committed (live servers read them), removed afterwards; and
the engine's price of a half-hour, which rates are checked against."""
import base64
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Account, MeterPoint
from core.ranges import local_date, local_midnight
from market.domain.prices import RawPoint, prices_save
from market.models import PricePoint
from metering.models import DailyRollup, IngestReport, Meter
from tariffs.domain.engine import price_period
from tariffs.domain.lines import LineKind
from tariffs.domain.profile import load_profile_from_series
from tests.metering.conftest import csv_lines, ingest_csv, meter_create

SERIAL = "ALPHA-M-OCTOPUS"
FIRST_DAY = datetime(2026, 1, 14, tzinfo=UTC)  # winter: London's day starts at 00:00 UTC
DAYS = 2
ALICE_KEY = "sk_demo_alpha_alice"  # accounts.domain.demo.demo_api_key("alpha", "alice")
BOB_KEY = "sk_demo_beta_bob"
SOURCE = "api-compat-test.csv"
TOU = "ALPHA-NIGHT-SAVER"
# Alice's premise is in region "North": GSP group F (accounts/domain/regions.py).
TOU_TARIFF = f"E-1R-{TOU}-F"
HALF_HOUR = timedelta(minutes=30)


def basic(key: str) -> dict:
    token = base64.b64encode(f"{key}:".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def kwh_values(day: int) -> list[str]:
    return [f"{0.1 + 0.005 * slot + 0.05 * day:.3f}" for slot in range(48)]


@pytest.fixture(scope="module")
def alice_meter(django_db_setup, django_db_blocker):
    """Alice's meter on her meter point with two days of half-hourly readings; yields
    (mpan, serial, {local day: [kWh]})."""
    readings = {(FIRST_DAY + timedelta(days=d)).date(): [Decimal(v) for v in kwh_values(d)]
                for d in range(DAYS)}
    with django_db_blocker.unblock(), schema_context("alpha"):
        meter_create(SERIAL, "ALPHA-H-0001-MP1")
        text = "".join(csv_lines(SERIAL, FIRST_DAY + timedelta(days=d), kwh_values(d))
                       .split("\n", 1)[1] for d in range(DAYS))
        report = ingest_csv("meter_serial,interval_start,kwh\n" + text,
                            now=FIRST_DAY + timedelta(days=5), source=SOURCE)
        assert report.inserted == 48 * DAYS, report
        mpan = MeterPoint.objects.get(identifier="ALPHA-H-0001-MP1").mpan
    yield mpan, SERIAL, readings
    with django_db_blocker.unblock(), schema_context("alpha"):
        meter = Meter.objects.get(serial=SERIAL)
        DailyRollup.objects.filter(meter=meter).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metering_reading WHERE meter_id = %s", [meter.pk])
        IngestReport.objects.filter(source=SOURCE).delete()
        meter.delete()


def tomorrow_instants(time_zone: str = "Europe/London") -> tuple[datetime, datetime]:
    tomorrow = local_date(timezone.now(), time_zone) + timedelta(days=1)
    return (local_midnight(tomorrow, time_zone),
            local_midnight(tomorrow + timedelta(days=1), time_zone))


@pytest.fixture(scope="module")
def tomorrows_prices(django_db_setup, django_db_blocker):
    """Tomorrow's hourly DA-NORTH prices (alpha's spot-indexed product follows them),
    stored as a feed stores them; yields {UTC hour start: Decimal} as stored."""
    start, end = tomorrow_instants()
    hours = int((end - start) / timedelta(hours=1))
    points = [RawPoint(instrument="DA-NORTH", interval_start=(start + timedelta(hours=h))
                       .astimezone(UTC).isoformat(), value=f"{40 + 7.5 * h - (h % 5) * 11:.2f}")
              for h in range(hours)]
    with django_db_blocker.unblock():
        result = prices_save(points=points, received_at=timezone.now(), source="test",
                             publish=False)
        assert not result.rejected, result.rejections
        stored = dict(PricePoint.objects.filter(
            instrument__code="DA-NORTH", interval_start__gte=start, interval_start__lt=end)
            .values_list("interval_start", "value"))
    assert len(stored) == hours
    yield stored
    with django_db_blocker.unblock():  # their revisions go with them (cascade)
        PricePoint.objects.filter(instrument__code="DA-NORTH", interval_start__gte=start,
                                  interval_start__lt=end).delete()


def alice_account_number() -> str:
    with schema_context("alpha"):
        return Account.objects.get(number="ALPHA-H-0001-A").public_number


def mpan_of(schema: str, identifier: str) -> str:
    with schema_context(schema):
        return MeterPoint.objects.get(identifier=identifier).mpan


def engine_unit_price(tariff, start: datetime) -> Decimal:
    """What the pricing engine charges for a kWh used in the half-hour from `start`."""
    profile = load_profile_from_series(
        import_kwh=pd.Series([1.0], index=pd.DatetimeIndex([start])), interval=HALF_HOUR)
    breakdown = price_period(tariff=tariff, profile=profile, start=start,
                             end=start + HALF_HOUR)
    (line,) = [line for line in breakdown.lines if line.kind == LineKind.ENERGY]
    return line.unit_price


def covering(rows: list[dict], moment: datetime) -> dict:
    found = [row for row in rows if datetime.fromisoformat(row["valid_from"]) <= moment
             and (row["valid_to"] is None or moment < datetime.fromisoformat(row["valid_to"]))]
    assert len(found) == 1, (moment, found)
    return found[0]
