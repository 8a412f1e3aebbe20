"""The operator's view (/admin/operations/ on the platform host): one row per retailer,
red/amber/green by the rule written beside the table.

- the rule, case by case (config/ops/status.py's retailer_state);
- the page: only for the platform operator, on the platform host; a row per retailer;
- a retailer with fresh readings is green while a real worker runs, and turns amber within
  a minute of stopping that worker (its heartbeat ages out).
"""
import os
import shutil
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.domain.demo import OPERATOR_USERNAME
from config.ops.heartbeat import heartbeats_read
from config.ops.status import RetailerOps, retailer_state, state_rules
from tests.billing.test_worker_runs import gamma, run  # noqa: F401
from tests.conftest import ROOT, VENV_BIN, child_env, host_client, stop, wait_for
from tests.isolation.test_tenant_isolation import login_admin

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def row(**fields):
    defaults = {"schema": "alpha", "name": "Alpha", "newest_reading_at": NOW - timedelta(
        hours=20), "billing_run": {"status": "DONE"}}
    return RetailerOps(**{**defaults, **fields})


def state(r, *, workers=1, depths=None):
    return retailer_state(r, now=NOW, workers=workers, depths=depths or {"billing": 0})


def test_green_when_nothing_is_wrong():
    assert state(row()) == ("green", [])
    assert state(row(billing_run=None)) == ("green", [])  # never billed yet is no fault


def test_amber_reasons():
    assert state(row(), workers=0) == ("amber", ["no worker alive"])
    assert state(row(newest_reading_at=NOW - timedelta(hours=40))) == (
        "amber", ["newest reading 40 h old"])
    assert state(row(newest_reading_at=None)) == ("amber", ["no readings stored"])
    assert state(row(errors_24h=2)) == ("amber", ["2 error(s) in 24 h"])
    assert state(row(), depths={"billing": 1001, "ingest": 3}) == (
        "amber", ["queue billing holds 1001 messages"])


def test_red_reasons_come_first_and_amber_ones_follow():
    assert state(row(newest_reading_at=NOW - timedelta(hours=80))) == (
        "red", ["newest reading 80 h old"])
    assert state(row(billing_run={"status": "FAILED"}), workers=0) == (
        "red", ["last billing run failed", "no worker alive"])
    assert state(row(errors_24h=10)) == ("red", ["10 errors in 24 h"])


def test_the_rule_is_written_with_the_thresholds_in_force():
    rules = state_rules()
    assert "older than 72 h" in rules["red"] and "FAILED" in rules["red"]
    assert "no worker heartbeat in the last 45s" in rules["amber"]
    assert "older than 36 h" in rules["amber"]


@pytest.mark.django_db
def test_only_the_platform_operator_sees_it():
    assert host_client("localhost").get("/admin/operations/").status_code == 302  # login
    alpha_admin = host_client("alpha.localhost")  # a retailer's admin has no such page
    assert login_admin(alpha_admin, "alpha-admin").status_code == 302
    assert alpha_admin.get("/admin/operations/").status_code == 404
    operator = host_client("localhost")
    assert login_admin(operator, OPERATOR_USERNAME).status_code == 302
    page = operator.get("/admin/operations/")
    assert page.status_code == 200
    html = page.content.decode()
    for schema in ("alpha", "beta"):
        assert f'data-testid="ops-row-{schema}"' in html
    assert 'data-testid="ops-rules"' in html and "older than 72 h" in html
    index = operator.get("/admin/").content.decode()
    assert 'href="/admin/operations/"' in index


def _state_of(client, schema):
    html = client.get("/admin/operations/").content.decode()
    marker = f'data-testid="ops-state-{schema}">'
    found = html[html.index(marker) + len(marker):].split("<", 1)[0]
    reasons_marker = f'data-testid="ops-reasons-{schema}">'
    reasons = html[html.index(reasons_marker) + len(reasons_marker):].split("<", 1)[0]
    return found, reasons


def test_green_with_a_worker_then_amber_within_a_minute_of_stopping_it(
        gamma, django_db_blocker, tmp_path):  # noqa: F811
    # A worker of its own (its own run id, so its own heartbeat key): the session's other
    # workers must not keep this retailer green.
    run_id = f"{os.environ['GRIDLINE_TEST_RUN_ID']}-ops"
    prefix = f"gridline-test-{run_id}"
    caches = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    name = f"ops-{run_id}@{socket.gethostname()}"
    with django_db_blocker.unblock():
        # Yesterday's readings (UTC) for one of gamma's meters: fresh, so not amber.
        yesterday = (timezone.now() - timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0)
        path = tmp_path / "yesterday.csv"
        path.write_text("meter_serial,interval_start,kwh\n" + "".join(
            f"GM-001,{(yesterday + timedelta(minutes=30 * n)).isoformat()},0.3\n"
            for n in range(48)))
        assert '"rejected": []' in run("ingest_readings", f"--schema={gamma}", str(path))

        log = tmp_path / "worker.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [str(VENV_BIN / "celery"), "-A", "config", "worker", "--pool", "solo",
                 "-n", name, "-l", "info"],
                cwd=ROOT, env={**child_env(), "GRIDLINE_TEST_RUN_ID": run_id},
                stdout=out, stderr=subprocess.STDOUT)
        try:
            with override_settings(CACHES=caches):
                wait_for(lambda: name in heartbeats_read(), timeout=60,
                         what="the worker's heartbeat", proc=proc, log=log)
                operator = host_client("localhost")
                assert login_admin(operator, OPERATOR_USERNAME).status_code == 302
                assert _state_of(operator, gamma) == ("green", "—")
                stop(proc)
                stopped = time.monotonic()
                wait_for(lambda: _state_of(operator, gamma)[0] == "amber", timeout=60,
                         what="amber after the worker stopped")
                waited = time.monotonic() - stopped
                assert _state_of(operator, gamma) == ("amber", "no worker alive")
        finally:
            stop(proc)
            from config.ops.heartbeat import redis_client

            redis_client().delete(f"{prefix}:ops:worker-heartbeats")
            shutil.rmtree(Path(settings.PROMETHEUS_MULTIPROC_DIR).with_name(
                f"gridline-test-metrics-{run_id}"), ignore_errors=True)
    assert waited < 60


def test_waiting_messages_are_counted_per_queue_and_per_retailer(django_db_blocker):
    """Messages on a queue no worker consumes: the depth per queue, and per retailer from
    the schema header each message carries."""
    from accounts.tasks import customer_census
    from config.ops.heartbeat import redis_client
    from config.ops.status import queue_depths, queued_per_schema

    queue = f"gridline-test-{os.environ['GRIDLINE_TEST_RUN_ID']}-unconsumed"
    names = {"insights": queue}  # only this queue is read
    try:
        with django_db_blocker.unblock():
            for schema, times in (("alpha", 2), ("beta", 1)):
                with schema_context(schema):
                    for _ in range(times):
                        customer_census.apply_async(queue=queue)
        with override_settings(CELERY_QUEUE_NAMES=names):
            assert queue_depths() == {"insights": 3}
            assert queued_per_schema() == {"alpha": 2, "beta": 1}
    finally:
        redis_client().delete(queue)
