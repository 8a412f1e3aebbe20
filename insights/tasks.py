"""Celery tasks of insights (queue `insights`; CELERY_TASK_ROUTES): the nightly job per
retailer (beat fans `insights.nightly` out to every retailer schema), planned into chunks
computed in parallel (a chord) and closed by `insights.run_finish`. Every task takes ids,
runs in the retailer's schema (RetailerTask), acknowledges late and is idempotent: a
chunk run twice keeps the results it wrote (one per run and customer)."""
import logging

from celery import chord, shared_task
from django.db import transaction
from django.utils import timezone

from core.ranges import local_date
from core.tasks import RetailerTask
from insights.models import InsightsRun
from insights.runs import (
    CHUNK_CUSTOMERS,
    RunAlreadyActive,
    run_chunk_compute,
    run_fail,
    run_finish,
    run_plan,
    run_start,
)
from tenants.domain.retailers import retailer_current

logger = logging.getLogger(__name__)


def insights_run_enqueue(*, run: InsightsRun, chunk_customers: int = CHUNK_CUSTOMERS) -> None:
    """Plan the run on a worker once the transaction that created it commits."""
    transaction.on_commit(lambda: run_dispatch.delay(run_id=run.pk,
                                                     chunk_customers=chunk_customers))


@shared_task(name="insights.nightly", base=RetailerTask, acks_late=True)
def insights_nightly() -> dict:
    """Beat, per retailer: today's run unless one is running."""
    now = timezone.now()
    today = local_date(now, retailer_current().time_zone)
    if InsightsRun.objects.filter(on_date=today, status="DONE").exists():
        return {"skipped": "today's run is done"}
    try:
        with transaction.atomic():
            run = run_start(on=today, now=now)
            insights_run_enqueue(run=run)
    except RunAlreadyActive as exc:
        return {"skipped": exc.detail}
    return {"run": run.pk}


@shared_task(name="insights.run_dispatch", base=RetailerTask, acks_late=True,
             reject_on_worker_lost=True)
def run_dispatch(*, run_id: int, chunk_customers: int = CHUNK_CUSTOMERS) -> dict:
    try:
        chunks = run_plan(run_id=run_id, chunk_customers=chunk_customers)
    except Exception as exc:
        logger.exception("Planning insights run %s failed", run_id)
        run_fail(run_id=run_id, detail=f"planning failed: {type(exc).__name__}",
                 now=timezone.now())
        raise
    if not chunks:
        run_finish_task.delay(run_id=run_id)
        return {"run": run_id, "chunks": 0}
    chord(run_chunk.si(run_id=run_id, customer_ids=chunk) for chunk in chunks)(
        run_finish_task.si(run_id=run_id))
    return {"run": run_id, "chunks": len(chunks)}


@shared_task(name="insights.run_chunk", base=RetailerTask, acks_late=True,
             reject_on_worker_lost=True)
def run_chunk(*, run_id: int, customer_ids: list[int]) -> dict:
    retailer = retailer_current()
    try:
        return run_chunk_compute(run_id=run_id, customer_ids=customer_ids,
                                 time_zone=retailer.time_zone, currency=retailer.currency,
                                 now=timezone.now())
    except Exception as exc:
        logger.exception("Insights chunk of run %s failed", run_id)
        run_fail(run_id=run_id, detail=f"chunk from customer {customer_ids[:1]}: "
                 f"{type(exc).__name__}: {exc}", now=timezone.now())
        raise


@shared_task(name="insights.run_finish", base=RetailerTask, acks_late=True)
def run_finish_task(*, run_id: int) -> dict:
    try:
        run = run_finish(run_id=run_id, time_zone=retailer_current().time_zone,
                         now=timezone.now())
    except Exception as exc:
        logger.exception("Finishing insights run %s failed", run_id)
        run_fail(run_id=run_id, detail=f"finish: {type(exc).__name__}: {exc}",
                 now=timezone.now())
        raise
    return {"run": run.pk, "customers": run.customers}
