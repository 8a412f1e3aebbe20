"""The portal's API access page in a real browser: a customer makes a key, an app reads
her account with it through the live server, she revokes it and the app is refused; the
page fits a phone."""
import base64
import json
import urllib.error
import urllib.request

import pytest
from django_tenants.utils import schema_context

from accounts.models import Account, CustomerApiKey
from tests.browser.conftest import in_thread, logged_in

pytestmark = pytest.mark.browser
DEMO_PREFIX = "sk_demo_alph"


@pytest.fixture
def alices_keys_restored(django_db_blocker):
    yield

    def restore():
        with schema_context("alpha"):
            keys = CustomerApiKey.objects.filter(user__username="alice")
            keys.exclude(key_prefix=DEMO_PREFIX).delete()
            keys.filter(key_prefix=DEMO_PREFIX).update(revoked_at=None)
    in_thread(django_db_blocker, restore)


def read_account(port: int, number: str, key: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/accounts/{number}/",
        headers={"Host": "alpha.localhost",
                 "Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["number"] == number
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_key_made_in_the_portal_works_until_revoked(browser, asgi_server, django_db_blocker,
                                                      alices_keys_restored):
    def number():
        with schema_context("alpha"):
            return Account.objects.get(number="ALPHA-H-0001-A").public_number
    account = in_thread(django_db_blocker, number)
    page = logged_in(browser, django_db_blocker, host="alpha.localhost", port=asgi_server,
                     username="alice", width=390, height=844)
    page.goto(f"http://alpha.localhost:{asgi_server}/account/api/")
    assert page.get_by_test_id("account-numbers").inner_text() == account
    page.get_by_test_id("create-key").click()
    key = page.get_by_test_id("new-key").inner_text()
    assert key.startswith("sk_live_")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    assert read_account(asgi_server, account, key) == 200
    page.get_by_test_id("revoke-key").click()
    # The revoke is a form post: wait for the page it lands on, not the one it leaves.
    page.get_by_test_id("no-key").wait_for(state="visible", timeout=10_000)
    assert page.get_by_test_id("no-key").is_visible()
    assert read_account(asgi_server, account, key) == 401
    page.context.close()
