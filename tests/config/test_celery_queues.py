"""Every task goes to a named queue (default, ingest, billing, insights) by the settings'
routes; the worker `make run` starts (and the tests' one, started alike) consumes them all,
and a test run's queues carry its run id so parallel runs on one Redis stay apart."""
import fnmatch
import os

from django.conf import settings
from django_tenants.utils import schema_context

from accounts.tasks import customer_census
from config.celery import app

KINDS = {"default", "ingest", "billing", "insights"}


def _route_of(name: str) -> str | None:
    for pattern, route in settings.CELERY_TASK_ROUTES.items():
        if fnmatch.fnmatchcase(name, pattern):
            return route["queue"]
    return None


def test_every_task_has_a_named_queue():
    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))
    assert "metering.ingest_upload" in ours and "accounts.contracts_close_ended" in ours
    queues = set(settings.CELERY_QUEUE_NAMES.values())
    unrouted = [name for name in ours if _route_of(name) not in queues]
    assert unrouted == []
    assert app.amqp.router.route({}, "metering.ingest_upload")["queue"].name == \
        settings.CELERY_QUEUE_NAMES["ingest"]
    assert app.amqp.router.route({}, "billing.run_chunk")["queue"].name == \
        settings.CELERY_QUEUE_NAMES["billing"]


def test_this_runs_queues_carry_its_run_id():
    run = os.environ["GRIDLINE_TEST_RUN_ID"]
    assert set(settings.CELERY_QUEUE_NAMES) == KINDS
    assert all(name.startswith(f"gridline-test-{run}")
               for name in settings.CELERY_QUEUE_NAMES.values())
    assert len(set(settings.CELERY_QUEUE_NAMES.values())) == 4


def test_the_worker_consumes_every_named_queue(celery_worker, django_db_blocker):
    """A task sent to each named queue is run by the worker started as `make run` starts
    its own (no -Q)."""
    with django_db_blocker.unblock(), schema_context("alpha"):
        sent = {kind: customer_census.apply_async(queue=queue)
                for kind, queue in settings.CELERY_QUEUE_NAMES.items()}
    answers = {kind: result.get(timeout=60) for kind, result in sent.items()}
    assert set(answers) == KINDS
    assert {answer["schema"] for answer in answers.values()} == {"alpha"}
