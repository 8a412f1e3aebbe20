"""A real browser on the generator dashboard: a new export reading, ingested through
metering's ingest path, moves the live output on the page (pushed over Channels)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from metering.domain.ingest import IngestOptions, readings_ingest_for_meter
from tests.browser.conftest import in_thread, logged_in

pytestmark = pytest.mark.browser


def _plant(code: str, kind: str):
    with schema_context("alpha"):
        coop = Cooperative.objects.get(code=code)
        plant = coop.generators.select_related("export_meter").get(kind=kind)
        return coop.pk, plant.pk, plant.export_meter


def _ingest(meter, start, kwh: str):
    with schema_context("alpha"):
        readings_ingest_for_meter(meter=meter, readings=[(start.isoformat(), kwh)],
                                  source="browser-test", now=timezone.now(),
                                  options=IngestOptions(time_zone="UTC"))


def test_a_new_export_reading_moves_the_live_output(browser, asgi_server, django_db_blocker):
    coop_id, plant_id, meter = in_thread(django_db_blocker,
                                         lambda: _plant("ALPHA-COOP", "WIND"))
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alpha-coop")
    page.goto(f"http://alpha.localhost:{asgi_server}/cooperatives/{coop_id}/")
    expect(page.get_by_test_id("coop-dashboard")).to_have_attribute("data-live-status", "live")
    live = page.get_by_test_id(f"live-kw-{plant_id}")
    # Two half-hours that have ended (readings of the future are refused).
    start = (timezone.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    in_thread(django_db_blocker, lambda: _ingest(meter, start, "21.5"))
    expect(live).to_have_text("43.000")  # 21.5 kWh in half an hour
    in_thread(django_db_blocker, lambda: _ingest(meter, start + timedelta(minutes=30), "3.25"))
    expect(live).to_have_text("6.500")
    assert page.get_by_test_id(f"live-at-{plant_id}").inner_text().startswith(
        (start + timedelta(minutes=30)).date().isoformat())
    # A chart from the portal's one chart library (Plotly, served from the package).
    expect(page.get_by_test_id("chart-production")).to_be_visible()

    def clean():
        from django.db import connection
        with schema_context("alpha"), connection.cursor() as cursor:
            cursor.execute("DELETE FROM metering_reading WHERE meter_id = %s AND "
                           "interval_start >= %s", [meter.pk, start])
    in_thread(django_db_blocker, clean)
