"""alice sends readings of a meter without half-hourly data: the usage between two
readings lands as ESTIMATED half-hours through the ingest path, totals exact, audited."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from metering.models import Reading, RegisterReading
from tests.metering.conftest import csv_lines, ingest_csv, meter_create

URL = "/consumption/reading/"


@pytest.fixture
def manual_meter(in_alpha):
    return meter_create("ALPHA-M-MANUAL", "ALPHA-H-0001-MP1")


def _send(client, value, at, serial="ALPHA-M-MANUAL"):
    return client.post(URL, {"meter": serial, "read_at": at.strftime("%Y-%m-%dT%H:%M"),
                             "register_kwh": value}, follow=True)


def test_two_readings_spread_the_usage_over_the_half_hours_between(alice, manual_meter):
    first = datetime(2026, 1, 10, 9, 10)  # local (GMT in January), not on the grid
    assert "your reading of 1000.0 kWh is saved" in _send(alice, "1000.0", first
                                                          ).content.decode()
    assert not Reading.objects.filter(meter_id=manual_meter.pk).exists()
    _send(alice, "1010.0", first + timedelta(hours=5))
    rows = list(Reading.objects.filter(meter_id=manual_meter.pk)
                .order_by("interval_start").values_list("interval_start", "kwh", "quality"))
    assert [r[0] for r in rows] == [datetime(2026, 1, 10, 9, tzinfo=UTC)
                                    + timedelta(minutes=30 * i) for i in range(10)]
    assert sum(r[1] for r in rows) == Decimal("10.000")
    assert {r[2] for r in rows} == {"ESTIMATED"}
    assert RegisterReading.objects.filter(meter=manual_meter).count() == 2
    events = AuditEvent.objects.filter(subject="meter.register_reading").order_by("pk")
    assert [e.detail["intervals"] for e in events] == [0, 10]
    page = alice.get(URL).content.decode()
    assert page.count('data-testid="register-reading"') == 2


@pytest.mark.parametrize(("value", "at", "message"), [
    ("990", datetime(2026, 1, 11, 9), "990 kWh is less than the previous reading"),
    ("1200", datetime(2026, 1, 9, 9), "A reading at or after that time is already recorded"),
    ("abc", datetime(2026, 1, 11, 9), "The reading is a number of kWh"),
])
def test_bad_readings_are_refused_with_the_reason_and_store_nothing(alice, manual_meter,
                                                                    value, at, message):
    _send(alice, "1000", datetime(2026, 1, 10, 9))
    response = _send(alice, value, at)
    assert message in unescape(response.content.decode())
    assert RegisterReading.objects.filter(meter=manual_meter).count() == 1
    assert not Reading.objects.filter(meter_id=manual_meter.pk).exists()


def test_a_reading_in_the_future_is_refused(alice, manual_meter):
    response = _send(alice, "5", timezone.localtime() + timedelta(days=2))
    assert "A reading cannot be in the future." in response.content.decode()


def test_a_meter_with_half_hourly_data_takes_no_readings(alice, alpha_meter):
    ingest_csv(csv_lines("ALPHA-M-0001", datetime(2026, 1, 5, tzinfo=UTC), ["0.5"] * 4))
    page = alice.get(URL).content.decode()
    assert "ALPHA-M-0001" not in page
    response = _send(alice, "100", datetime(2026, 1, 6, 9), serial="ALPHA-M-0001")
    assert "Choose one of your meters listed." in response.content.decode()
