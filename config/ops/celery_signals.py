"""Celery's signals feed the task metrics, the log context and the error count:

- before_task_publish: the request id of the request (or task) sending it goes along in a
  message header, so one request's work can be followed into the worker's log lines;
- task_prerun / task_postrun: task id, schema and request id set for the log lines, the
  task counted as started and its run time measured;
- task_success / task_failure / task_retry: counted by task name (a failure is also an
  error of its retailer in the operator's view);
- worker_process_shutdown: the child marked dead, so its live gauges leave the scrape.
"""
import os
import time

from celery import signals
from prometheus_client import multiprocess
from tenant_schemas_celery.app import get_schema_name_from_task

from config.ops.errors import error_record
from config.ops.logs import request_id_var, schema_var, task_id_var
from core.metrics import TASK_DURATION, TASKS

REQUEST_ID_HEADER = "gridline_request_id"
_started: dict[str, tuple[float, tuple]] = {}


@signals.before_task_publish.connect(weak=False)
def _carry_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if headers is not None and request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def _header(task, name):
    headers = task.request.headers or {}
    return headers.get(name) or task.request.get(name)


@signals.task_prerun.connect(weak=False)
def _task_started(task_id=None, task=None, **kwargs):
    schema = get_schema_name_from_task(task, kwargs) or "public"
    tokens = (task_id_var.set(task_id), schema_var.set(schema),
              request_id_var.set(_header(task, REQUEST_ID_HEADER)))
    _started[task_id] = (time.monotonic(), tokens)
    TASKS.labels(task=task.name, state="started").inc()


@signals.task_postrun.connect(weak=False)
def _task_finished(task_id=None, task=None, **kwargs):
    started, tokens = _started.pop(task_id, (None, None))
    if started is not None:
        TASK_DURATION.labels(task=task.name).observe(time.monotonic() - started)
    if tokens is not None:
        for var, token in zip((task_id_var, schema_var, request_id_var), tokens, strict=True):
            try:
                var.reset(token)
            except ValueError:  # set in another context (a thread pool); leave it
                var.set(None)


@signals.task_success.connect(weak=False)
def _task_succeeded(sender=None, **kwargs):
    TASKS.labels(task=sender.name, state="succeeded").inc()


@signals.task_failure.connect(weak=False)
def _task_failed(sender=None, **kwargs):
    TASKS.labels(task=sender.name, state="failed").inc()
    error_record(schema=get_schema_name_from_task(sender, {}) or "public", at=time.time())


@signals.task_retry.connect(weak=False)
def _task_retried(sender=None, **kwargs):
    TASKS.labels(task=sender.name, state="retried").inc()


@signals.worker_process_shutdown.connect(weak=False)
def _process_dead(pid=None, **kwargs):
    multiprocess.mark_process_dead(pid or os.getpid())
