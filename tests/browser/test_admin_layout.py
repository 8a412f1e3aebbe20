"""The staff admin in a real browser at 1280 px: the retailer's name on every page, and
change pages (inline tables included) that fit the window."""
import pytest
from django_tenants.utils import schema_context

from accounts.models import Contract, Customer
from tariffs.models import TariffVersion
from tests.browser.conftest import in_thread, logged_in

pytestmark = pytest.mark.browser


def test_change_pages_fit_1280_px_and_name_the_retailer(browser, asgi_server,
                                                        django_db_blocker):
    def ids():
        with schema_context("alpha"):
            return (Customer.objects.get(reference="ALPHA-E-0001").pk,
                    TariffVersion.objects.get(product__code="ALPHA-NIGHT-SAVER").pk,
                    Contract.objects.order_by("pk").first().pk)
    customer, version, contract = in_thread(django_db_blocker, ids)
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alpha-staff", width=1280, height=900)
    for path in ["/admin/", f"/admin/accounts/customer/{customer}/change/",
                 f"/admin/tariffs/tariffversion/{version}/change/",
                 f"/admin/accounts/contract/{contract}/change/",
                 "/admin/accounts/consent/add/", "/admin/metering/ingestreport/upload/"]:
        page.goto(f"http://alpha.localhost:{asgi_server}{path}")
        assert page.get_by_test_id("admin-retailer").inner_text() == \
            "Alpha Energy · staff admin", path
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        too_wide = page.evaluate("[...document.querySelectorAll('.inline-group, .tabular')]"
                                 ".filter(e => e.scrollWidth > e.clientWidth).length")
        assert too_wide == 0, path
    page.context.close()
