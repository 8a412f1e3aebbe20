"""Celery tasks of billing (queue `billing`; CELERY_TASK_ROUTES): a run is planned, its
chunks billed in parallel (a chord), and the chord's callback closes it. Every task takes
ids, is idempotent, and acknowledges late: a chunk whose worker process is killed is
handed to another (`reject_on_worker_lost`) and bills nothing twice (billing/domain/runs.py).
Daily per retailer (beat): dunning and prepay charges."""
import logging
import os

from celery import chord, shared_task
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from billing.domain.dunning import dunning_advance
from billing.domain.prepay import prepay_charge_recent
from billing.domain.runs import (
    chunk_claim,
    run_chunk_bill,
    run_close,
    run_fail,
    run_plan,
    run_progress,
)
from billing.models import BillingRun
from core.errors import GridlineError
from core.ranges import local_date
from core.tasks import RetailerTask
from tenants.domain.retailers import retailer_current

logger = logging.getLogger(__name__)
RETRIED = (OperationalError, IntegrityError)


def bill_run_enqueue(*, run: BillingRun, chunk_accounts: int | None = None) -> None:
    """Plan the run on a worker once the transaction that created it commits."""
    options = {} if chunk_accounts is None else {"chunk_accounts": chunk_accounts}
    transaction.on_commit(lambda: run_dispatch.delay(run_id=run.pk, **options))


@shared_task(name="billing.run_dispatch", base=RetailerTask, acks_late=True,
             reject_on_worker_lost=True)
def run_dispatch(*, run_id: int, chunk_accounts: int | None = None) -> dict:
    now = timezone.now()
    options = {} if chunk_accounts is None else {"chunk_accounts": chunk_accounts}
    try:
        numbers = run_plan(run_id=run_id, time_zone=retailer_current().time_zone, now=now,
                           **options)
    except Exception as exc:
        logger.exception("Planning billing run %s failed", run_id)
        run_fail(run_id=run_id, detail=f"planning failed: {type(exc).__name__}", now=now)
        raise
    if not numbers:
        run_close(run_id=run_id, now=now)
        return {"run": run_id, "chunks": 0}
    chord(run_chunk.si(run_id=run_id, number=number) for number in numbers)(
        run_finish.si(run_id=run_id))
    return {"run": run_id, "chunks": len(numbers)}


@shared_task(name="billing.run_chunk", base=RetailerTask, bind=True, acks_late=True,
             reject_on_worker_lost=True, max_retries=3)
def run_chunk(self, *, run_id: int, number: int) -> dict:
    now = timezone.now()
    retailer = retailer_current()
    if not chunk_claim(run_id=run_id, number=number, worker_pid=os.getpid(), now=now):
        return {"chunk": number, "already_done": True}
    try:
        return run_chunk_bill(run_id=run_id, number=number, time_zone=retailer.time_zone,
                              currency=retailer.currency,
                              today=local_date(now, retailer.time_zone), now=now)
    except RETRIED as exc:
        # A race with another writer (the bill constraints) or a lost connection: the
        # chunk's transaction rolled back; run it again, it skips what is billed.
        if self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=1 + self.request.retries) from exc
        run_fail(run_id=run_id, detail=f"chunk {number}: {type(exc).__name__}: {exc}",
                 now=timezone.now())
        raise
    except GridlineError as exc:
        # A refusal of ours (say, a correction in the wrong order): the run says why.
        logger.warning("Billing chunk %s of run %s refused: %s", number, run_id, exc.detail)
        run_fail(run_id=run_id, detail=f"chunk {number}: {exc.detail}", now=timezone.now())
        raise
    except Exception as exc:
        logger.exception("Billing chunk %s of run %s failed unexpectedly", number, run_id)
        run_fail(run_id=run_id, detail=f"chunk {number}: {type(exc).__name__}",
                 now=timezone.now())
        raise


@shared_task(name="billing.run_finish", base=RetailerTask, acks_late=True)
def run_finish(*, run_id: int) -> dict:
    run = run_close(run_id=run_id, now=timezone.now())
    return run_progress(run=run)


@shared_task(name="billing.daily", base=RetailerTask, acks_late=True)
def billing_daily() -> dict:
    """Per retailer, daily (beat fans it out): overdue bills and dunning steps, then the
    prepay charges of the days before today (the retailer's)."""
    now = timezone.now()
    retailer = retailer_current()
    today = local_date(now, retailer.time_zone)
    dunning = dunning_advance(today=today, now=now)
    prepay = prepay_charge_recent(today=today, time_zone=retailer.time_zone, now=now)
    return {"dunning": dunning, "prepay_charged": sum(day["charged"] for day in prepay)}
