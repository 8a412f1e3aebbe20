"""alice's Insights page in a real browser: in the menu, every block filled with its chart
drawn (you vs neighbours, where the energy goes, the weather-normalised trend, the bill
forecast) and the recommendations; printing hides the menu."""
import pytest
from playwright.sync_api import expect

from insights.models import InsightsRun
from tests.browser.conftest import in_thread, logged_in
from tests.insights.test_front_doors import _report

pytestmark = pytest.mark.browser


@pytest.fixture
def alices_report(django_db_setup, django_db_blocker):
    in_thread(django_db_blocker, lambda: _report("alpha", "ALPHA-H-0001"))
    yield

    def clear():
        from django_tenants.utils import schema_context
        with schema_context("alpha"):
            InsightsRun.objects.all().delete()
    in_thread(django_db_blocker, clear)


def test_alices_insights_page_has_every_block(browser, asgi_server, alices_report,
                                              django_db_blocker):
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alice")
    page.goto(f"http://alpha.localhost:{asgi_server}/")
    page.locator('[data-testid="portal-nav"] a[data-nav="insights"]').click()
    expect(page.locator("h1")).to_have_text("My home energy report")
    for chart in ("neighbours", "breakdown", "trend", "forecast"):
        expect(page.get_by_test_id(f"chart-{chart}")).to_have_attribute(
            "data-chart-ready", "true")
    # the axes say their unit once: "kWh", and "kWh a year" for the breakdown
    assert page.get_by_test_id("chart-trend").locator(".ytitle").text_content() == "kWh"
    assert page.get_by_test_id("chart-breakdown").locator(".ytitle").text_content() \
        == "kWh a year"
    recommendations = page.get_by_test_id("recommendation")
    expect(recommendations).to_have_count(2)
    expect(recommendations.first).to_contain_text("545.18 GBP")
    expect(page.get_by_test_id("forecast-amount")).to_have_text("150.00 GBP")
    expect(page.get_by_test_id("last-month")).to_contain_text("of that was the weather")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("portal-nav")).to_be_hidden()
    expect(page.get_by_test_id("block-recommendations")).to_be_visible()
