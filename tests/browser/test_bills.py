"""The portal's Bills pages in a real browser: the list, a bill with its lines and the
chart of its period (axes and legend), the PDF download, and the phone layout."""
import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.browser.conftest import in_thread, logged_in, wait_for_value

pytestmark = pytest.mark.browser

REFERENCE = "BROWSER-BILLS"
USERNAME = "bills-browser"


@pytest.fixture(scope="module")
def billed(django_db_setup, django_db_blocker):
    """A customer at alpha with a portal login and two issued bills (committed: the server
    process reads them); everything it made is removed afterwards."""
    from tests.billing.doors import billed_customer, bills_of

    def make():
        with schema_context("alpha"):
            account = billed_customer(REFERENCE, username=USERNAME)
            return [(bill.pk, bill.number) for bill in bills_of(account)]
    yield in_thread(django_db_blocker, make)

    def clean():
        from tests.billing.doors import committed_customer_remove
        committed_customer_remove("alpha", REFERENCE, USERNAME)
    in_thread(django_db_blocker, clean)


def test_bills_list_to_detail_with_lines_chart_and_pdf(browser, asgi_server, billed,
                                                       django_db_blocker):
    (_, september), (october_id, october) = billed
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username=USERNAME)
    page.goto(f"http://alpha.localhost:{asgi_server}/account/")
    page.locator('[data-nav="bills"]').click()
    page.wait_for_url("**/bills/")
    rows = page.get_by_test_id("bill-row")
    expect(rows).to_have_count(2)
    assert october in rows.nth(0).inner_text() and "kWh" in rows.nth(0).inner_text()
    assert "GBP" in rows.nth(0).inner_text()
    page.get_by_role("link", name=october).click()
    page.wait_for_url(f"**/bills/{october_id}/")
    assert page.get_by_test_id("bill-number").inner_text() == f"Bill {october}"
    expect(page.get_by_test_id("bill-line")).to_have_count(3)
    chart = page.get_by_test_id("chart-bill")
    wait_for_value(page, "document.querySelector('[data-testid=chart-bill]')"
                         ".dataset.chartReady", "true")
    # Axes titled with the unit, a legend, one bar per day of October.
    titles = " ".join(t.text_content() for t in chart.locator(".g-xtitle, .g-ytitle").all())
    assert "Day" in titles and "kWh" in titles
    legend = " ".join(t.text_content() for t in chart.locator(".legend text").all())
    assert "Measured" in legend
    assert page.evaluate("document.querySelector('[data-testid=chart-bill]').data[0].x"
                         ".length") == 31
    with page.expect_download() as download:
        page.get_by_test_id("bill-pdf").click()
    saved = download.value
    assert saved.suggested_filename == f"{october}.pdf"
    with open(saved.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.context.close()


def test_the_bills_pages_fit_a_phone(browser, asgi_server, billed, django_db_blocker):
    (_, _), (october_id, _) = billed
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username=USERNAME, width=390, height=844)
    for path in ("/bills/", f"/bills/{october_id}/", "/bills/balance/"):
        page.goto(f"http://alpha.localhost:{asgi_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.context.close()
