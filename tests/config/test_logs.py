"""Structured logs: JSON lines with the retailer schema, the request id and the task id on
every line, from a request in this process and from a task in a real worker process (the
request id travels with the task)."""
import io
import json
import logging
import re
import uuid
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from accounts.tasks import customer_census
from config.ops.logs import ContextFilter, JsonLinesFormatter, request_id_var
from tests.conftest import host_client, wait_for


@pytest.fixture
def json_lines():
    """What the root logger writes, through the handler set-up of the settings."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonLinesFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_s_lines_carry_its_id_and_schema(json_lines):
    answer = host_client("alpha.localhost").get("/no/such/page/",
                                                HTTP_X_REQUEST_ID="req-7f3a")
    assert answer.status_code == 404 and answer["X-Request-ID"] == "req-7f3a"
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert (line["level"], line["message"]) == ("WARNING", "Not Found: /no/such/page/")
    assert (line["schema"], line["request_id"], line["task_id"]) == ("alpha", "req-7f3a", None)
    assert line["ts"].endswith("+00:00") and line["status_code"] == 404


@pytest.mark.django_db
def test_a_request_id_that_is_not_a_plain_token_is_replaced(json_lines):
    answer = host_client("beta.localhost").get("/no/such/page/",
                                               HTTP_X_REQUEST_ID='x" injected=1')
    given = answer["X-Request-ID"]
    assert len(given) == 32 and int(given, 16) >= 0
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert (line["schema"], line["request_id"]) == ("beta", given)


def test_a_task_s_lines_in_the_worker_carry_task_id_schema_and_the_request_id(
        celery_worker, django_db_blocker, tmp_path_factory):
    # The session worker's log (tests/conftest.py: mktemp("celery") / "worker.log").
    (log,) = [path for path in Path(tmp_path_factory.getbasetemp()).glob("celery*/worker.log")
              if re.fullmatch(r"celery\d+", path.parent.name)]
    request_id = f"req-{uuid.uuid4().hex[:12]}"
    token = request_id_var.set(request_id)
    try:
        with django_db_blocker.unblock(), schema_context("beta"):
            result = customer_census.delay()
    finally:
        request_id_var.reset(token)
    assert result.get(timeout=60)["schema"] == "beta"

    def task_lines():
        lines = []
        for raw in log.read_text().splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if line.get("task_id") == result.id:
                lines.append(line)
        return lines

    wait_for(lambda: any("succeeded" in line["message"] for line in task_lines()),
             timeout=30, what="the task's success line in the worker log")
    lines = task_lines()
    assert lines and all(line["schema"] == "beta" and line["request_id"] == request_id
                         for line in lines)
    # The worker's own lines outside any task are JSON too, with the fields left empty.
    others = [json.loads(raw) for raw in log.read_text().splitlines()
              if raw.startswith("{") and result.id not in raw]
    assert others and all({"schema", "request_id", "task_id"} <= set(line)
                          for line in others)
