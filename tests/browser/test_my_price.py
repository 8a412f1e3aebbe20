"""bob (beta, dynamic tariff) sees his price for this half-hour on the live market page,
and it changes when a tick revises the market price of this hour."""
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from market.domain.prices import RawPoint, prices_save
from market.models import PricePoint
from tariffs.domain.spot_outlook import spot_unit_price
from tests.browser.conftest import in_thread, logged_in

pytestmark = pytest.mark.browser


class BetaAgile:  # the demo terms of bob's tariff (accounts/domain/demo_tariffs.py)
    multiplier, adder, floor, cap = (Decimal("0.00086"), Decimal("0.12"), Decimal("-0.05"),
                                     Decimal("0.6"))


@pytest.fixture
def this_hour(django_db_setup, django_db_blocker):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    before = in_thread(django_db_blocker, lambda: PricePoint.objects.filter(
        instrument__code="DA-SOUTH", interval_start=hour).first())
    in_thread(django_db_blocker, lambda: prices_save(
        points=[RawPoint("DA-SOUTH", hour, "50")], received_at=timezone.now(),
        source="browser-test"))
    yield hour

    def restore():
        PricePoint.objects.filter(instrument__code="DA-SOUTH", interval_start=hour).delete()
        if before is not None:
            before.save(force_insert=True)
    in_thread(django_db_blocker, restore)


def test_bobs_price_now_changes_after_a_tick(browser, asgi_server, this_hour,
                                             django_db_blocker):
    page = logged_in(browser, django_db_blocker, host="beta.localhost", port=asgi_server,
                     username="bob")
    page.goto(f"http://beta.localhost:{asgi_server}/market/")
    expect(page.locator("body")).to_have_attribute("data-market-status", "live")
    price = page.get_by_test_id("my-price")
    expected_before = str(spot_unit_price(terms=BetaAgile, market_value=Decimal("50")))
    assert price.inner_text() == expected_before
    card = page.get_by_test_id("my-price-card")
    assert "This half-hour" in card.inner_text() and "hour from" not in card.inner_text()
    start = page.get_by_test_id("my-price-interval").get_attribute("data-start")
    assert start.startswith(this_hour.isoformat()[:13])  # the half-hour of now, this hour
    chart = card.get_by_test_id("my-price-chart")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    assert "GBP/kWh" in chart.locator(".ytitle").text_content()

    in_thread(django_db_blocker, lambda: prices_save(
        points=[RawPoint("DA-SOUTH", this_hour, "250")], received_at=timezone.now(),
        source="browser-test"))
    expected_after = str(spot_unit_price(terms=BetaAgile, market_value=Decimal("250")))
    expect(price).to_have_text(expected_after)
    assert expected_after != expected_before
    first_bar = page.evaluate("document.querySelector('[data-testid=my-price-chart]')"
                              ".data[0].y[0]")
    assert first_bar == float(expected_after)
    page.context.close()
