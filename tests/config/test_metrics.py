"""/metrics on the platform host: what real processes counted shows in one scrape.

- an `ingest_readings` command (its own process), a billing run through a real prefork
  worker (tests/billing's `gamma` retailer and `workers` fixtures) and a few HTTP requests
  move their counters by exactly those amounts;
- two uvicorn processes' request counters add up in a scrape of either;
- refused without the token (401), off without a token set (404), not routed on a
  retailer host (404);
- no label value carries customer data (names, serials, emails);
- WebSocket connections (open now, opened) and price ticks pushed, through the session's
  uvicorn server.
"""
import http.client
import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context
from prometheus_client import values

from accounts.models import Account, Customer, CustomerUser
from billing.models import BillingRun, RunChunk
from config.ops.metrics_view import scrape
from metering.models import Meter
from tests.billing.test_worker_runs import _bills_clear, gamma, run, workers  # noqa: F401
from tests.config.metrics_scrape import TOKEN, label_values, samples, value
from tests.conftest import (
    ROOT,
    VENV_BIN,
    child_env,
    free_port,
    host_client,
    stop,
    wait_for,
)
from tests.market.live import open_market_socket, recv, subscribe
from tests.market.test_live_push import CODE as LIVE_CODE
from tests.market.test_live_push import live_instrument, tick  # noqa: F401

AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def scraped() -> dict:
    return samples(scrape().decode())


@pytest.mark.django_db
@override_settings(GRIDLINE_METRICS_TOKEN=TOKEN)
def test_metrics_need_the_token_and_the_platform_host():
    platform = host_client("localhost")
    assert platform.get("/metrics").status_code == 401
    assert platform.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert platform.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401  # no scheme
    answer = platform.get("/metrics", **AUTH)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=0.0.4")
    assert b"gridline_http_requests_total" in answer.content
    for retailer in ("alpha.localhost", "beta.localhost"):
        refused = host_client(retailer).get("/metrics", **AUTH)
        assert refused.status_code == 404
        assert b"gridline_" not in refused.content


@pytest.mark.django_db
@override_settings(GRIDLINE_METRICS_TOKEN="")
def test_metrics_are_off_without_a_token_set():
    assert host_client("localhost").get("/metrics", **AUTH).status_code == 404
    assert host_client("localhost").get("/metrics",
                                        HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_every_process_writes_into_the_multiprocess_folder(settings):
    assert isinstance(values.ValueClass, type) and "MultiProcess" in repr(values.ValueClass)
    assert settings.PROMETHEUS_MULTIPROC_DIR.endswith(
        f"gridline-test-metrics-{child_env()['GRIDLINE_TEST_RUN_ID']}")


def _readings_file(folder, *, serials, bad_lines):
    """October for the gamma meters, each missing two half-hours (a short gap VEE fills),
    plus `bad_lines` lines that ingest must reject."""
    zone = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 10, 1, tzinfo=zone).astimezone(UTC)
    lines, good = ["meter_serial,interval_start,kwh"], 0
    for serial in serials:
        for n in range(48 * 3):
            if n in (20, 21):
                continue
            lines.append(f"{serial},{(start + timedelta(minutes=30 * n)).isoformat()},0.4")
            good += 1
    lines += [f"{serials[0]},2026-10-05T00:00:00+00:00,-1",  # negative
              f"{serials[0]},2026-10-05T00:10:00+00:00,0.5",  # off the half-hour grid
              "UNKNOWN-METER,2026-10-05T00:00:00+00:00,0.5"][:bad_lines]
    path = folder / "october.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, good


def test_ingest_billing_run_and_requests_move_the_counters_by_exactly_that(
        gamma, workers, django_db_blocker, tmp_path):  # noqa: F811
    with django_db_blocker.unblock():
        _bills_clear(gamma)
        before = scraped()

        # An ingest, as a management command in a process of its own.
        path, good = _readings_file(tmp_path, serials=["GM-001", "GM-002"], bad_lines=3)
        out = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "ingest_readings", f"--schema={gamma}",
             str(path)], env=child_env(), cwd=ROOT, capture_output=True, text=True, check=True)
        report = json.loads(out.stdout.strip().splitlines()[-1])
        assert (report["inserted"], len(report["rejected"])) == (good, 3)
        assert report["estimated"] == 4  # the two half-hours of each meter

        # A billing run through the prefork worker (plan, chunks, finish).
        billed = json.loads(run("bill_run", f"--schema={gamma}", "--period=2026-09",
                                "--issue"))
        assert (billed["status"], billed["billed"], billed["held"]) == ("DONE", 12, [])
        with schema_context(gamma):
            run_row = BillingRun.objects.get(pk=billed["run"])
            chunks = RunChunk.objects.filter(run=run_row).count()
        connection.set_schema_to_public()

        # A few requests: route templates, never the path.
        alpha = host_client("alpha.localhost")
        for pk in (1, 2, 3):
            assert alpha.get(f"/api/v1/customers/{pk}/").status_code == 401
        assert alpha.get("/no/such/page/").status_code == 404

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    expected_tasks = {("billing.run_dispatch", 1), ("billing.run_chunk", chunks),
                      ("billing.run_finish", 1)}
    deadline = time.monotonic() + 30
    with django_db_blocker.unblock():
        while True:  # the worker counts a task's success just after the run is marked DONE
            after = scraped()
            if all(delta("gridline_celery_tasks_total", task=task, state="succeeded") >= n
                   for task, n in expected_tasks) or time.monotonic() > deadline:
                break
            time.sleep(0.2)

    assert delta("gridline_readings_total", schema=gamma, outcome="ingested") == good
    assert delta("gridline_readings_total", schema=gamma, outcome="rejected") == 3
    assert delta("gridline_readings_total", schema=gamma, outcome="estimated") == 4
    assert delta("gridline_billing_runs_total", schema=gamma, kind="REGULAR",
                 status="DONE") == 1
    assert delta("gridline_billing_run_accounts_total", schema=gamma, outcome="billed") == 12
    assert delta("gridline_billing_run_accounts_total", schema=gamma, outcome="held") == 0
    assert delta("gridline_billing_run_accounts_total", schema=gamma, outcome="failed") == 0
    assert delta("gridline_billing_run_duration_seconds_count", schema=gamma,
                 kind="REGULAR") == 1
    for task, n in expected_tasks:
        assert delta("gridline_celery_tasks_total", task=task, state="started") == n, task
        assert delta("gridline_celery_tasks_total", task=task, state="succeeded") == n, task
        assert delta("gridline_celery_tasks_total", task=task, state="failed") == 0, task
        assert delta("gridline_celery_task_duration_seconds_count", task=task) == n, task
    assert delta("gridline_http_requests_total", route="/api/v1/customers/<int:pk>/",
                 method="GET", status="4xx", schema="alpha") == 3
    assert delta("gridline_http_request_duration_seconds_count",
                 route="/api/v1/customers/<int:pk>/", schema="alpha") == 3
    assert delta("gridline_http_requests_total", route="<unmatched>", method="GET",
                 status="4xx", schema="alpha") == 1
    # Read at scrape time: gamma's newest reading is October's, its partitions exist.
    newest = datetime(2026, 10, 3, 21, 30, tzinfo=UTC)  # Berlin's 3 October, 23:30
    lag = value(after, "gridline_ingest_lag_seconds", schema=gamma)
    assert lag == pytest.approx((datetime.now(UTC) - newest).total_seconds(), abs=120)
    assert value(after, "gridline_reading_partitions", schema=gamma) >= 2
    assert value(after, "gridline_reading_partitions_bytes", schema=gamma) > 0
    assert value(after, "gridline_billing_last_run_failed", schema=gamma) == 0
    assert value(after, "gridline_celery_workers") >= 1
    assert ("gridline_celery_queue_depth", frozenset({("queue", "billing")})) in after
    # Nothing from these customers in any label (names, meter serials, emails).
    with django_db_blocker.unblock():
        _no_customer_data_in(after, schemas=[gamma, "alpha", "beta"])



def _no_customer_data_in(scraped_samples, *, schemas):
    secrets = set()
    for schema in schemas:
        with schema_context(schema):
            for name, email in Customer.objects.values_list("name", "contact_email"):
                secrets |= {name, email}
            secrets |= set(Account.objects.values_list("billing_email", flat=True))
            secrets |= set(Meter.objects.values_list("serial", flat=True))
            secrets |= set(get_user_model().objects.values_list("email", flat=True))
            # Customers' logins (staff usernames such as "admin" are words of routes too).
            secrets |= set(CustomerUser.objects.values_list("user__username", flat=True))
    connection.set_schema_to_public()
    secrets.discard("")
    assert len(secrets) > 20
    labels = label_values(scraped_samples)
    # As a whole word: the customer "erin" is in no label, though "metering" holds it.
    leaked = {s for s in secrets for label in labels
              if re.search(rf"(?<![A-Za-z0-9]){re.escape(s)}(?![A-Za-z0-9])", label)}
    assert not leaked


def test_labels_never_carry_what_a_request_names(alpha):
    serial = "SN-ALICE-0042"
    client = alpha
    client.get(f"/api/v1/meters/{serial}/consumption/")
    client.get("/api/v1/customers/?name=alice@example.com")
    client.get("/nothing/alice@example.com/")
    labels = label_values(scraped())
    assert "/api/v1/meters/<str:serial>/consumption/" in labels
    assert not [label for label in labels if serial in label or "alice" in label]


@pytest.fixture
def two_web_processes(django_db_setup, tmp_path):
    env = {**child_env(), "GRIDLINE_METRICS_TOKEN": TOKEN}
    servers = []
    for n in range(2):
        port = free_port()
        log = tmp_path / f"uvicorn-{n}.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [str(VENV_BIN / "uvicorn"), "config.asgi:application", "--host",
                 "127.0.0.1", "--port", str(port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        servers.append((proc, port, log))
    for proc, port, log in servers:
        wait_for(lambda port=port: _answers(port), timeout=60, what="uvicorn listening",
                 proc=proc, log=log)
    yield [(proc.pid, port) for proc, port, _ in servers]
    for proc, _, _ in servers:
        stop(proc)


def _get(port, path, *, host="localhost", token=None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read().decode()
    finally:
        conn.close()


def _answers(port) -> bool:
    try:
        return _get(port, "/healthz")[0] in (200, 503)
    except OSError:
        return False


def _scrape_over_http(port) -> dict:
    status, text = _get(port, "/metrics", token=TOKEN)
    assert status == 200, text[:500]
    return samples(text)


def test_two_web_processes_counters_add_up(two_web_processes):
    (pid_a, port_a), (pid_b, port_b) = two_web_processes
    before = _scrape_over_http(port_a)
    for port, times in ((port_a, 4), (port_b, 3)):
        for _ in range(times):
            assert _get(port, "/market/")[0] == 200
    for port in (port_a, port_b):  # either process's scrape sees both
        after = _scrape_over_http(port)
        moved = (value(after, "gridline_http_requests_total", route="/market/", method="GET",
                       status="2xx", schema="public")
                 - value(before, "gridline_http_requests_total", route="/market/",
                         method="GET", status="2xx", schema="public"))
        assert moved == 7
    assert _get(port_a, "/metrics", host="alpha.localhost", token=TOKEN)[0] == 404
    assert _get(port_a, "/metrics")[0] == 401


def test_websockets_and_price_ticks_are_counted(asgi_server, tick, django_db_blocker):  # noqa: F811
    def now():
        with django_db_blocker.unblock():
            return scraped()

    before = now()
    with open_market_socket(asgi_server, "alpha.localhost") as ws_a, \
            open_market_socket(asgi_server, "beta.localhost") as ws_b:
        for ws in (ws_a, ws_b):
            subscribe(ws, [LIVE_CODE])
        start = tick("12.5")
        for ws in (ws_a, ws_b):
            message = recv(ws)
            while message["type"] == "latest":
                message = recv(ws)
            assert (message["type"], message["interval_start"]) == ("tick", start)

        def ticks_counted():  # counted once the server's send returned, just after ours
            nonlocal during
            during = now()
            return all(value(during, "gridline_price_ticks_pushed_total", schema=schema)
                       > value(before, "gridline_price_ticks_pushed_total", schema=schema)
                       for schema in ("alpha", "beta"))

        during = {}
        wait_for(ticks_counted, timeout=10, what="the ticks counted")
    wait_for(lambda: value(now(), "gridline_websocket_connections", schema="alpha")
             == value(before, "gridline_websocket_connections", schema="alpha"),
             timeout=10, what="the closed sockets counted down")
    for schema in ("alpha", "beta"):
        assert (value(during, "gridline_websocket_connections", schema=schema)
                - value(before, "gridline_websocket_connections", schema=schema)) == 1
        assert (value(during, "gridline_websocket_connections_opened_total", schema=schema)
                - value(before, "gridline_websocket_connections_opened_total",
                        schema=schema)) == 1
        assert (value(during, "gridline_price_ticks_pushed_total", schema=schema)
                - value(before, "gridline_price_ticks_pushed_total", schema=schema)) == 1


GAUGE_WRITER = """
import sys, time
from core.metrics import WEBSOCKETS_OPEN
WEBSOCKETS_OPEN.labels(schema=sys.argv[1]).inc(2)
print("counted", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.django_db
def test_a_dead_process_s_open_sockets_leave_the_scrape(tmp_path):
    """A killed web process could not mark itself dead: the scrape drops its live gauges,
    and keeps those of a process still running."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**child_env(), "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    writers = {}
    for schema, seconds in (("gone", 0), ("alive", 60)):
        writers[schema] = subprocess.Popen(
            [sys.executable, "-c", GAUGE_WRITER, schema, str(seconds)], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, text=True)
        assert writers[schema].stdout.readline().strip() == "counted"
    writers["gone"].wait(timeout=30)
    try:
        assert len(list(folder.glob("gauge_livesum_*.db"))) == 2
        with override_settings(PROMETHEUS_MULTIPROC_DIR=str(folder)):
            found = scraped()
        assert value(found, "gridline_websocket_connections", schema="alive") == 2
        assert ("gridline_websocket_connections",
                frozenset({("schema", "gone")})) not in found
        assert [p.name for p in folder.glob("gauge_livesum_*.db")] == [
            f"gauge_livesum_{writers['alive'].pid}.db"]
    finally:
        stop(writers["alive"])
