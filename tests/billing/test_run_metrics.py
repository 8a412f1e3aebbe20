"""A billing run is counted once, when the transaction that finished it commits: DONE with
its accounts billed, or FAILED (run_fail), and never again by a repeated close."""
from datetime import timedelta

from billing.domain.runs import bill_run_start, run_close, run_fail
from core.metrics import BILLING_ACCOUNTS, BILLING_RUN_DURATION, BILLING_RUNS
from tests.billing.conftest import bill_now
from tests.billing.world import NOW, TODAY, flat, household, month, product, readings


def counted(kind="REGULAR"):
    """This process's values (the scrape adds every process's; tests/config/test_metrics.py)."""
    return (BILLING_RUNS.labels(schema="alpha", kind=kind, status="DONE")._value.get(),
            BILLING_RUNS.labels(schema="alpha", kind=kind, status="FAILED")._value.get(),
            BILLING_ACCOUNTS.labels(schema="alpha", outcome="billed")._value.get(),
            BILLING_RUN_DURATION.labels(schema="alpha", kind=kind)._sum.get())


def test_a_run_is_counted_when_it_commits_and_once(in_alpha, django_capture_on_commit_callbacks):
    account, meter, _ = household("MET1", product("MET-FLAT", flat()))
    readings(meter, month(2026, 4), "0.5")
    before = counted()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = bill_now(month(2026, 4), account_ids=[account.pk])
    assert counted() == before  # nothing before the commit
    for callback in callbacks:
        callback()
    done, failed, billed, _ = counted()
    assert (done - before[0], failed - before[1], billed - before[2]) == (1, 0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        run_close(run_id=run.pk, now=NOW + timedelta(hours=1))  # already closed
    assert counted()[:3] == (done, failed, billed)


def test_a_failed_run_is_counted_with_its_duration(in_alpha,
                                                   django_capture_on_commit_callbacks):
    before = counted()
    run = bill_run_start(period=month(2026, 5), kind="REGULAR", issue=False, today=TODAY,
                         now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        run_fail(run_id=run.pk, detail="planning failed: test", now=NOW + timedelta(seconds=90))
        run_fail(run_id=run.pk, detail="again", now=NOW + timedelta(seconds=95))  # no-op
    done, failed, billed, seconds = counted()
    assert (done - before[0], failed - before[1], billed - before[2]) == (0, 1, 0)
    assert seconds - before[3] == 90  # from created_at: it never started
