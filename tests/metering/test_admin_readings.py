"""Staff admin: a meter's readings and chart one click from the meter list; an ingest
report's rejected lines as a table; the retailer's name on the pages; contracts with
their tariff."""
from datetime import UTC, datetime

import pytest

from tests.conftest import login
from tests.metering.conftest import csv_lines, ingest_csv


@pytest.fixture
def staff(alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    return alpha


def test_a_meters_readings_are_one_click_from_the_meter_list(staff, alpha_meter):
    ingest_csv(csv_lines("ALPHA-M-0001", datetime(2026, 1, 14, tzinfo=UTC), ["0.5"] * 48))
    listing = staff.get("/admin/metering/meter/").content.decode()
    link = f"/admin/metering/meter/{alpha_meter.pk}/readings/"
    assert f'href="{link}"' in listing and "Alpha Energy · staff admin" in listing
    page = staff.get(link, {"date": "2026-01-14"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="chart-meter"' in html and "vendor/plotly.min.js" in html
    assert html.count("<tr><td>2026-01-14") == 48
    assert page.context["chart"].total_kwh == 24


def test_rejected_lines_are_a_table(staff, alpha_meter):
    report = ingest_csv("meter_serial,interval_start,kwh\n"
                        "ALPHA-M-0001,2026-01-14T00:00:00+00:00,0.5\n"
                        "ALPHA-M-0001,2026-01-14T00:30:00+00:00,-3\n"
                        "NOPE,2026-01-14T00:30:00+00:00,1\n")
    assert report.rejected_count == 2
    html = staff.get(f"/admin/metering/ingestreport/{report.pk}/change/").content.decode()
    assert 'data-testid="rejections"' in html
    assert html.count('<td class="num">') == 2


def test_contracts_are_listed_with_their_tariff(staff):
    html = staff.get("/admin/accounts/contract/").content.decode()
    assert "Alpha Flex (from 01 Jan 2025)" in html and "Alpha Business" in html
