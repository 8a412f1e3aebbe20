"""A real browser opens the live market page and its chart moves when a tick is saved."""
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from market.domain.prices import RawPoint, prices_save
from market.models import Instrument, PricePoint
from tests.browser.conftest import wait_for_value

pytestmark = pytest.mark.browser

CODE = "TEST-BROWSER"


def in_thread(django_db_blocker, work):
    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    # from such a thread; a plain thread does the database work (committed, so published).
    errors = []

    def run():
        try:
            with django_db_blocker.unblock():
                work()
        except Exception as exc:  # reported in the test's thread below
            errors.append(exc)
        finally:
            from django.db import connection
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def instrument(django_db_setup, django_db_blocker):
    in_thread(django_db_blocker, lambda: Instrument.objects.create(
        code=CODE, name="Browser test", kind="OIL", unit="USD/bbl", currency="USD",
        interval_minutes=1))
    yield CODE

    def clean():
        PricePoint.objects.filter(instrument__code=CODE).delete()
        Instrument.objects.filter(code=CODE).delete()
    in_thread(django_db_blocker, clean)


def save_tick(django_db_blocker, start, value):
    in_thread(django_db_blocker, lambda: prices_save(
        points=[RawPoint(CODE, start, value)], received_at=timezone.now(),
        source="browser-test"))


@pytest.mark.parametrize("host", ["alpha.localhost", "localhost"])
def test_the_chart_moves_when_a_tick_arrives(asgi_server, page, instrument, django_db_blocker,
                                              host):
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=400)
    if host == "localhost":
        start += timedelta(minutes=10)
    page.goto(f"http://{host}:{asgi_server}/market/")
    # Locator assertions, not wait_for_function: the page's Content-Security-Policy
    # forbids the eval that a string predicate needs.
    expect(page.locator("body")).to_have_attribute("data-market-status", "live")
    value = page.get_by_test_id(f"value-{CODE}")
    figure = page.locator(f'figure[data-code="{CODE}"]')
    chart_points = (f"document.querySelector('figure[data-code=\"{CODE}\"] .chart')"
                    ".data[0].y")

    save_tick(django_db_blocker, start, "123.45")
    expect(value).to_have_text("123.45")
    assert page.evaluate(chart_points)[-1] == 123.45  # the Plotly trace has the new point
    assert figure.get_attribute("data-last-tick") == start.isoformat()

    save_tick(django_db_blocker, start + timedelta(minutes=1), "-7.5")
    expect(value).to_have_text("-7.5")
    assert value.inner_text() == "-7.5"
    wait_for_value(page, f"{chart_points}.slice(-1)[0]", -7.5)
    assert page.evaluate(chart_points)[-2:] == [123.45, -7.5]
    # One chart library: axes with titles and units, a legend.
    assert figure.locator(".xtitle").text_content() == "Time"
    assert "USD/bbl" in figure.locator(".ytitle").text_content()
    assert figure.locator(".legend").count() == 1
