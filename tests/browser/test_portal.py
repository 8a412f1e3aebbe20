"""The portal in a real browser: one shell on every page, the consumption chart, the
phone layout, and data sharing (consent) as a customer uses it."""
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.domain.demo import partner_client_id, partner_client_secret
from accounts.models import Consent
from metering.models import DailyRollup, IngestReport, Meter
from tests.browser.conftest import in_thread, logged_in
from tests.metering.conftest import csv_lines, ingest_csv, meter_create

pytestmark = pytest.mark.browser

SERIAL = "ALPHA-M-BROWSER"
DAY = datetime(2026, 1, 14, tzinfo=UTC)  # winter: local midnight is 00:00 UTC
# alice holds shares in the demo cooperative, so she sees "Community energy" too.
NAV = ["account", "consumption", "bills", "insights", "cooperatives", "tariffs", "market",
       "sharing", "api"]
PAGES = {"/account/": "account", "/consumption/": "consumption", "/bills/": "bills",
         "/bills/balance/": "bills", "/insights/": "insights",
         "/cooperatives/": "cooperatives", "/tariffs/": "tariffs",
         "/market/": "market", "/account/sharing/": "sharing", "/account/contact/": "account",
         "/account/api/": "api"}


@pytest.fixture(scope="module")
def alice_meter(django_db_setup, django_db_blocker):
    """A day of alice's half-hours with one reading missing (estimated by ingest)."""
    def make():
        with schema_context("alpha"):
            meter_create(SERIAL, "ALPHA-H-0001-MP1")
            values = [f"{0.2 + 0.01 * i:.3f}" for i in range(48)]
            text = csv_lines(SERIAL, DAY, values)
            lines = text.splitlines()
            del lines[1 + 20]  # 10:00 is missing: the gap is estimated
            ingest_csv("\n".join(lines) + "\n", now=DAY + timedelta(days=2))
    in_thread(django_db_blocker, make)
    yield SERIAL

    def clean():
        with schema_context("alpha"):
            meter = Meter.objects.get(serial=SERIAL)
            DailyRollup.objects.filter(meter=meter).delete()
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM metering_reading WHERE meter_id = %s", [meter.pk])
            IngestReport.objects.filter(source="test.csv").delete()
            meter.delete()
            Consent.objects.filter(customer__reference="ALPHA-H-0001").delete()
    in_thread(django_db_blocker, clean)


def test_every_portal_page_has_the_same_navigation(browser, asgi_server, alice_meter,
                                                   django_db_blocker):
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alice")
    for path, active in PAGES.items():
        page.goto(f"http://alpha.localhost:{asgi_server}{path}")
        nav = page.get_by_test_id("portal-nav")
        assert [a.get_attribute("data-nav") for a in nav.locator("a").all()] == NAV, path
        current = nav.locator("a.active")
        assert [a.get_attribute("data-nav") for a in current.all()] == [active], path
        assert page.get_by_test_id("brand").inner_text() == "Alpha Energy"
        assert page.get_by_test_id("logout").is_visible(), path
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login/")
    page.goto(f"http://alpha.localhost:{asgi_server}/account/")
    assert "/login/" in page.url  # logged out everywhere
    page.context.close()


def test_bob_sees_his_retailers_name_and_colour(browser, asgi_server, django_db_blocker):
    page = logged_in(browser, django_db_blocker, host="beta.localhost", port=asgi_server,
                     username="bob")
    page.goto(f"http://beta.localhost:{asgi_server}/account/")
    assert page.get_by_test_id("brand").inner_text() == "Beta Power"
    colour = page.evaluate("getComputedStyle(document.querySelector('header.site'))"
                           ".backgroundColor")
    assert colour == "rgb(31, 95, 191)"  # Beta Power's #1f5fbf, not Alpha's green
    page.context.close()


def test_the_consumption_chart_has_axes_units_legend_and_marks_the_estimated_interval(
        browser, asgi_server, alice_meter, django_db_blocker):
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alice")
    page.goto(f"http://alpha.localhost:{asgi_server}/consumption/?meter={SERIAL}&view=day"
              f"&date={DAY.date().isoformat()}")
    chart = page.get_by_test_id("chart-consumption")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    assert chart.locator(".xtitle").text_content() == "Time of day (local time)"
    assert chart.locator(".ytitle").text_content() == "Energy used (kWh)"
    legend = [t.text_content() for t in chart.locator(".legendtext").all()]
    assert legend == ["Measured", "Estimated (reading missing)"]
    ticks = [t.text_content() for t in chart.locator(".xtick text").all()]
    assert "00:00" in ticks and len(ticks) >= 4
    data = page.evaluate("document.querySelector('[data-testid=chart-consumption]').data"
                         ".map(t => ({name: t.name, y: t.y}))")
    estimated = [i for i, v in enumerate(data[1]["y"]) if v is not None]
    assert estimated == [20]  # only the missing 10:00 half-hour, not the whole day
    assert data[0]["y"][20] is None and data[0]["y"][19] == pytest.approx(0.39)
    # A tooltip with the value and its unit.
    box = chart.locator(".bars path").nth(5).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".hoverlayer text")
    assert "kWh" in " ".join(t.text_content() for t in page.locator(".hoverlayer text").all())
    assert page.get_by_test_id("cost-total").inner_text()  # the cost beside the energy
    page.context.close()


def test_the_account_page_fits_a_phone(browser, asgi_server, django_db_blocker):
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alice", width=390, height=844)
    page.goto(f"http://alpha.localhost:{asgi_server}/account/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_test_id("customer-name").is_visible()
    nav = page.get_by_test_id("portal-nav")
    assert not nav.is_visible()  # folded behind the menu button
    page.locator("label.nav-button").click()
    assert nav.locator('a[data-nav="consumption"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()


def _partner_read(port):
    def post(path, data, headers=None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=urllib.parse.urlencode(data).encode(),
            headers={"Host": "alpha.localhost", **(headers or {})})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    token = post("/o/token/", {"grant_type": "client_credentials",
                               "client_id": partner_client_id("alpha"),
                               "client_secret": partner_client_secret("alpha"),
                               "scope": "readings:read"})["access_token"]
    query = urllib.parse.urlencode({"period_from": DAY.isoformat(),
                                    "period_to": (DAY + timedelta(days=1)).isoformat()})
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/meters/{SERIAL}/consumption/?{query}",
        headers={"Host": "alpha.localhost", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_alice_grants_then_revokes_the_partners_access(browser, asgi_server, alice_meter,
                                                       django_db_blocker):
    assert _partner_read(asgi_server)[0] == 403  # no consent yet
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alice")
    page.goto(f"http://alpha.localhost:{asgi_server}/account/")
    page.locator('[data-nav="sharing"]').click()
    row = page.get_by_test_id("partner-alpha-partner")
    assert row.get_by_test_id("access").inner_text() == "Not allowed"
    row.get_by_test_id("grant").click()
    # A form post: the assertion polls until the page it lands on says so.
    expect(row.get_by_test_id("access")).to_have_text("Allowed")
    status, body = _partner_read(asgi_server)
    assert status == 200 and body["count"] == 48

    row.get_by_test_id("revoke").click()
    expect(row.get_by_test_id("access")).to_have_text("Not allowed")
    status, body = _partner_read(asgi_server)
    assert (status, body["error"]) == (403, "no_consent")
    page.context.close()
