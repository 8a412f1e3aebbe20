import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    # As this machine's notes advise: headless, no sandbox (root), and no background
    # networking (the machine has no internet; those connections only fail and slow it).
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API keeps an event loop running in this thread while
    # it is open, and Django refuses database calls from a thread with a running loop.
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); "
                    ".ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def in_thread(django_db_blocker, work):
    """Run database work in a plain thread (committed, so the server sees it): Playwright's
    sync API keeps an event loop in the test's thread, where Django refuses ORM calls."""
    import threading

    result, errors = [], []

    def run():
        from django.db import connection
        try:
            with django_db_blocker.unblock():
                result.append(work())
        except Exception as exc:  # reported in the test's thread below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if errors:
        raise errors[0]
    return result[0] if result else None


def logged_in(browser, django_db_blocker, *, host, port, username, width=1280, height=900):
    """A page of a new browser context with `username`'s session cookie for `host`."""
    from tests.conftest import committed_session

    schema = host.split(".")[0]
    session = in_thread(django_db_blocker, lambda: committed_session(schema, username))
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_cookies([{"name": "sessionid", "value": session, "domain": host,
                          "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def wait_for_value(page, expression: str, expected, *, timeout: float = 10.0):
    """Poll a JavaScript expression until it equals `expected` (page.wait_for_function with
    a string needs eval, which the pages' Content-Security-Policy forbids)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value == expected:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{expression} is {value!r}, not {expected!r}, after "
                                 f"{timeout} s")
        page.wait_for_timeout(50)
