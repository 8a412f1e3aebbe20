"""Portal: a customer sees charts of their own meters only (day, month, year)."""
from datetime import UTC, datetime

import pytest

from tests.metering.conftest import csv_lines, ingest_csv, meter_create


@pytest.fixture
def alice_readings(alpha_meter):
    # 2026-06-01 local (BST) is 2026-05-31T23:00Z; two days of 0.5 kWh half-hours.
    ingest_csv(csv_lines("ALPHA-M-0001", datetime(2026, 5, 31, 23, tzinfo=UTC), ["0.5"] * 96))
    meter_create("ALPHA-M-ACME", "ALPHA-E-0001-MP1")


@pytest.mark.parametrize(("view", "title", "total", "bars"), [
    ("day", "Monday 01 June 2026", "24.000", 48),
    ("month", "June 2026", "48.000", 2),
    ("year", "2026", "48.000", 1),
])
def test_alice_sees_her_meter_by_day_month_year(alice, alice_readings, view, title, total,
                                                 bars):
    page = alice.get("/consumption/", {"meter": "ALPHA-M-0001", "view": view,
                                       "date": "2026-06-01"})
    assert page.status_code == 200
    assert page.context["chart"].title == title
    assert f'data-testid="chart-total">{total}<' in page.content.decode()
    assert len(page.context["chart"].bars) == bars
    assert [m.serial for m in page.context["meters"]] == ["ALPHA-M-0001"]


def test_alice_cannot_open_another_customers_meter(alice, alice_readings):
    assert alice.get("/consumption/", {"meter": "ALPHA-M-ACME"}).status_code == 404


def test_bob_at_beta_has_no_meters_of_alpha(bob, alice_readings):
    assert bob.get("/consumption/", {"meter": "ALPHA-M-0001"}).status_code == 404


def test_anonymous_is_sent_to_login(alpha):
    response = alpha.get("/consumption/")
    assert response.status_code == 302
    assert "/login/" in response.url
