import pytest
from django_tenants.utils import schema_context

from billing.domain.runs import bill_run_start, run_execute_inline
from tests.billing.world import LONDON, NOW, TODAY


@pytest.fixture
def in_alpha(db):
    with schema_context("alpha"):
        yield


def bill_now(period, *, kind="REGULAR", issue=True, account_ids=None, today=TODAY, now=NOW,
             chunk_accounts=500, zone=LONDON):
    """Start a run and bill it in this process; returns the closed run."""
    run = bill_run_start(period=period, kind=kind, issue=issue, today=today, now=now,
                         account_ids=account_ids)
    return run_execute_inline(run_id=run.pk, time_zone=zone, currency="GBP", today=today,
                              now=now, chunk_accounts=chunk_accounts)
