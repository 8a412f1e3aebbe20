"""An insights run is counted once, when the transaction that finished it commits: DONE by
run_finish, FAILED by run_fail (a repeated fail counts nothing), with its duration."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django_tenants.utils import schema_context

from core.metrics import INSIGHTS_RUN_DURATION, INSIGHTS_RUNS
from insights.runs import run_fail, run_finish, run_start

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def in_alpha(db):
    with schema_context("alpha"):
        yield


def counted():
    """This process's values (the scrape adds every process's; tests/config/test_metrics.py)."""
    return (INSIGHTS_RUNS.labels(schema="alpha", kind="nightly", status="DONE")._value.get(),
            INSIGHTS_RUNS.labels(schema="alpha", kind="nightly", status="FAILED")._value.get(),
            INSIGHTS_RUN_DURATION.labels(schema="alpha", kind="nightly")._sum.get())


def test_a_failed_run_is_counted_once_with_its_duration(in_alpha,
                                                        django_capture_on_commit_callbacks):
    before = counted()
    run = run_start(on=date(2026, 11, 20), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        run_fail(run_id=run.pk, detail="planning failed: test", now=NOW + timedelta(seconds=90))
        run_fail(run_id=run.pk, detail="again", now=NOW + timedelta(seconds=95))  # no-op
    done, failed, seconds = counted()
    assert (done - before[0], failed - before[1], seconds - before[2]) == (0, 1, 90)


def test_a_finished_run_is_counted_when_it_commits(in_alpha,
                                                   django_capture_on_commit_callbacks):
    before = counted()
    run = run_start(on=date(2026, 11, 21), now=NOW)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_finish(run_id=run.pk, time_zone="Europe/London", now=NOW + timedelta(seconds=30))
    assert counted() == before  # nothing before the commit
    for callback in callbacks:
        callback()
    done, failed, seconds = counted()
    assert (done - before[0], failed - before[1], seconds - before[2]) == (1, 0, 30)
