"""A real browser logs alice into alpha's portal and sees her account."""
import pytest

pytestmark = pytest.mark.browser


def test_alice_logs_in_and_sees_her_account(asgi_server, page):
    # Chromium resolves every *.localhost name to the loopback address by itself.
    base = f"http://alpha.localhost:{asgi_server}"
    page.goto(f"{base}/account/")
    assert "/login/" in page.url
    assert page.locator("h1").inner_text() == "Log in to Alpha Energy"
    page.fill("#id_username", "alice")
    page.fill("#id_password", "gridline-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/account/")
    assert page.get_by_test_id("customer-name").inner_text() == "Alice Archer"
    assert page.get_by_test_id("customer-reference").inner_text() == "ALPHA-H-0001"
    assert page.get_by_test_id("contract-row").count() == 1


def test_alices_browser_session_does_not_open_beta(asgi_server, page):
    page.goto(f"http://alpha.localhost:{asgi_server}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "gridline-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/account/")
    page.goto(f"http://beta.localhost:{asgi_server}/account/")
    assert "/login/" in page.url
    assert page.locator("h1").inner_text() == "Log in to Beta Power"
