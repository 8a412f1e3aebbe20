"""The nightly insights job of one retailer: start, plan (customer chunks), compute each
chunk (insights/chunks.py), finish (neighbours and segments, which need every customer).
The Celery tasks (insights/tasks.py) and the demo call these; each makes its writes
atomically. Idempotent per (run, customer): a result written once is kept, a chunk run
again skips it.
"""
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Q
from psycopg2.extras import Json, execute_values

from core.errors import GridlineError
from core.metrics import insights_run_counted
from insights.chunks import ChunkContext, chunk_results, months_back
from insights.domain.neighbours import neighbour_comparisons
from insights.domain.segments import customer_segments
from insights.loading import customers_load
from insights.models import (
    CustomerInsight,
    HighBillAlert,
    InsightsRun,
    Recommendation,
    RunStatus,
    Segment,
)

logger = logging.getLogger(__name__)

CHUNK_CUSTOMERS = 500
SEGMENTS = 4


class RunAlreadyActive(GridlineError):
    code = "insights_run_active"


class UnableToRunInsights(GridlineError):
    code = "insights_run_invalid"


def run_start(*, on: date, now: datetime) -> InsightsRun:
    try:
        with transaction.atomic():
            return InsightsRun.objects.create(on_date=on, started_at=now)
    except IntegrityError:
        running = InsightsRun.objects.filter(status=RunStatus.RUNNING).order_by("pk").first()
        raise RunAlreadyActive(
            f"Insights run {running.pk if running else '?'} is still running.") from None


def run_plan(*, run_id: int, chunk_customers: int = CHUNK_CUSTOMERS) -> list[list[int]]:
    """The run's customers (those with an import meter) in chunks, by id."""
    from metering.models import Meter
    ids = sorted(set(Meter.objects.filter(direction="IMPORT", removed_at__isnull=True)
                     .values_list("meter_point__premise__customer_id", flat=True)))
    chunks = [ids[i:i + chunk_customers] for i in range(0, len(ids), chunk_customers)]
    InsightsRun.objects.filter(pk=run_id).update(chunks=len(chunks))
    return chunks


def run_chunk_compute(*, run_id: int, customer_ids: list[int], time_zone: str,
                      currency: str, now: datetime) -> dict:
    """Compute and store the results of these customers that the run has not got yet."""
    run = InsightsRun.objects.get(pk=run_id)
    done = set(CustomerInsight.objects.filter(run_id=run_id, customer_id__in=customer_ids)
               .values_list("customer_id", flat=True))
    todo = [pk for pk in customer_ids if pk not in done]
    if not todo:
        return {"customers": 0, "skipped": len(done)}
    context = ChunkContext(on=run.on_date, time_zone=time_zone, currency=currency, now=now)
    results, recommendations, alerts = chunk_results(customer_ids=todo, context=context)
    with transaction.atomic():
        _insert(CustomerInsight, results, run_id=run_id, computed_at=now)
        _insert(Recommendation, recommendations, run_id=run_id, currency=currency)
        _insert(HighBillAlert, alerts, run_id=run_id, currency=currency, created_at=now)
    return {"customers": len(results), "skipped": len(done)}


def _insert(model, rows: list[dict], **common) -> None:
    """Insert field dicts into the model's table in one statement, skipping rows a unique
    constraint already holds (what `bulk_create(ignore_conflicts=True)` does, without
    building a model instance per row: a chunk writes ~2,000 rows). Fields a row leaves
    out take their Django default."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}

    def adapted(name, value):
        return Json(value) if name in json_fields and value is not None else value

    defaults = {f.attname: adapted(f.attname, f.get_default()) for f in fields}
    values = []
    for row in rows:
        given = {**common, **row}
        if not given.keys() <= defaults.keys():
            raise UnableToRunInsights(f"unknown fields for {model.__name__}: "
                                      f"{sorted(given.keys() - defaults.keys())}")
        values.append(tuple(adapted(name, given[name]) if name in given else default
                            for name, default in defaults.items()))
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, f"INSERT INTO {model._meta.db_table} ({columns}) "
                       "VALUES %s ON CONFLICT DO NOTHING", values, page_size=len(values))


def run_finish(*, run_id: int, time_zone: str, now: datetime) -> InsightsRun:
    """Neighbours and segments over every customer of the run, then the counts; DONE.
    Reads of each result only what these need and writes them back in one statement:
    with 10,000 customers, loading and rewriting whole reports would take longer than
    the comparisons themselves."""
    run = InsightsRun.objects.get(pk=run_id)
    results = _finish_inputs(run_id=run_id)
    blocks = _neighbours(results=results, on=run.on_date)
    segments = _segments(run=run, results=results)
    with transaction.atomic():
        _finish_write(results=results, blocks=blocks, segments=segments)
        counts = CustomerInsight.objects.filter(run_id=run_id).aggregate(
            customers=Count("pk"), insufficient=Count("pk", filter=~Q(insufficient_reason="")))
        run.customers = counts["customers"]
        run.insufficient = counts["insufficient"]
        run.with_baseline = run.customers - run.insufficient
        run.recommendations = Recommendation.objects.filter(run_id=run_id).count()
        run.status, run.finished_at = RunStatus.DONE, now
        run.save(update_fields=["customers", "insufficient", "with_baseline",
                                "recommendations", "status", "finished_at"])
        _run_counted(run)
    return run


@dataclass(frozen=True)
class _FinishInput:
    result_id: int
    typical_day: list | None
    best_product: str | None
    monthly_kwh: list | None  # the last 12 whole months (chunks.py `_monthly_kwh`)


def _finish_inputs(*, run_id: int) -> dict[int, _FinishInput]:
    """Customer -> the parts of their result the finish needs (the typical day, the
    cheapest product and the monthly kWh), by customer id."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT id, customer_id, report -> 'typical_day', report -> 'tariffs' ->> 'best',
                   report -> 'monthly_kwh'
            FROM insights_customerinsight WHERE run_id = %s ORDER BY customer_id
        """, [run_id])
        rows = cursor.fetchall()
    return {customer: _FinishInput(result_id=pk, typical_day=_json(day), best_product=best,
                                   monthly_kwh=_json(monthly))
            for pk, customer, day, best, monthly in rows}


def _json(value):
    # the driver hands jsonb over as text (Django turns psycopg2's decoding off)
    return json.loads(value) if isinstance(value, str) else value


def _finish_write(*, results, blocks, segments) -> None:
    """Each result's neighbours block and segment, in one UPDATE (the block has a column
    of its own: rewriting 10,000 whole reports cost PostgreSQL more than the rest of the
    finish)."""
    ids, texts, numbers = [], [], []
    for customer, item in results.items():
        ids.append(item.result_id)
        block = blocks.get(customer)  # none when no home could be compared at all
        texts.append(json.dumps(block) if block is not None else None)
        numbers.append(segments.get(customer))
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE insights_customerinsight AS r
            SET neighbours = v.block::jsonb, segment = v.segment
            FROM unnest(%s::bigint[], %s::text[], %s::smallint[]) AS v(id, block, segment)
            WHERE r.id = v.id
        """, [ids, texts, numbers])


def run_fail(*, run_id: int, detail: str, now: datetime) -> None:
    with transaction.atomic():
        failed = InsightsRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, detail=detail[:2000], finished_at=now)
        if failed:
            _run_counted(InsightsRun.objects.get(pk=run_id))


def _run_counted(run: InsightsRun) -> None:
    """The run's metrics (core/metrics.py), once: by the transaction that finished it,
    when it commits."""
    counts = {"schema": connection.schema_name, "kind": "nightly", "status": run.status,
              "duration_seconds": (run.finished_at - run.started_at).total_seconds()}
    transaction.on_commit(lambda: insights_run_counted(**counts))


def _neighbours(*, results: dict, on) -> dict[int, dict]:
    """Customer -> the report's neighbours block: the comparison month by month, or why it
    is hidden. Each home's monthly kWh comes from its chunk."""
    first = on.replace(day=1)
    months = [months_back(first, back) for back in range(12, 0, -1)]
    loaded = {pk: row for pk, row in customers_load().items() if pk in results}
    homes = pd.DataFrame({
        "region": [c.region for c in loaded.values()],
        "floor_area": [c.floor_area for c in loaded.values()],
        "heating_type": [c.heating_type for c in loaded.values()],
        "kind": [c.kind for c in loaded.values()],
    }, index=pd.Index(list(loaded), name="home"))
    if homes.empty:
        return {}
    empty = [None] * len(months)
    monthly = pd.DataFrame(
        [results[home].monthly_kwh or empty for home in homes.index],
        index=homes.index, columns=[pd.Timestamp(m) for m in months], dtype=float)
    comparisons = neighbour_comparisons(homes=homes, monthly_kwh=monthly)
    # the months table is every (home, month) in home order: one row of arrays per home
    summary = comparisons.homes
    width = len(months)
    table = {name: comparisons.months[name].to_numpy().reshape(len(summary), width)
             for name in ("you", "all_neighbours", "efficient_neighbours", "shown")}
    labels = [month.isoformat() for month in months]
    blocks = {}
    for i, (home, neighbours, relaxed, reason) in enumerate(zip(
            summary.index, summary["neighbours"], summary["relaxed"],
            summary["hidden_reason"], strict=True)):
        if isinstance(reason, str) and reason:
            blocks[int(home)] = {"hidden": reason}
            continue
        blocks[int(home)] = {
            "neighbours": int(neighbours), "relaxed": _relaxed(relaxed),
            "months": [{"month": labels[j], "you": _number(table["you"][i, j]),
                        "all_neighbours": _number(table["all_neighbours"][i, j]),
                        "efficient_neighbours": _number(table["efficient_neighbours"][i, j])}
                       for j in range(width) if table["shown"][i, j]]}
    return blocks


def _number(value) -> float | None:
    value = float(value)
    return None if value != value else value


def _relaxed(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value] if value is not None else []


def _segments(*, run, results) -> dict[int, int]:
    """The run's segments (stored) and customer -> segment number."""
    Segment.objects.filter(run=run).delete()  # a finish run again recomputes them
    days = {pk: r.typical_day for pk, r in results.items()}
    days = {pk: d for pk, d in days.items() if d and len(d) == 48}
    if not days:
        return {}
    profiles = pd.DataFrame.from_dict(days, orient="index", dtype=float)
    cheapest = pd.Series({pk: r.best_product for pk, r in results.items() if r.best_product},
                         dtype=object)
    usable = int((profiles.notna().all(axis=1) & (profiles.sum(axis=1) > 0)).sum())
    count = min(SEGMENTS, usable)
    if count < 1:
        return {}
    try:
        segmentation = customer_segments(profiles=profiles, segments=count,
                                         cheapest_product=cheapest)
    except GridlineError as exc:
        logger.info("No segments for run %s: %s", run.pk, exc.detail)
        return {}
    Segment.objects.bulk_create([
        Segment(run=run, number=s.number, size=s.size, mean_daily_kwh=s.mean_daily_kwh,
                typical_day=[round(float(v), 4) for v in s.typical_day],
                shape=[round(float(v), 6) for v in s.shape],
                cheapest_product=s.cheapest_product or "")
        for s in segmentation.segments])
    return {int(pk): int(number) for pk, number in segmentation.labels.items()}


def run_execute_inline(*, on: date, time_zone: str, currency: str, now: datetime) -> dict:
    """The whole job in this process (the demo's first run, before any worker is up);
    the workers run the same functions chunk by chunk."""
    run = run_start(on=on, now=now)
    try:
        for chunk in run_plan(run_id=run.pk):
            run_chunk_compute(run_id=run.pk, customer_ids=chunk, time_zone=time_zone,
                              currency=currency, now=now)
        run = run_finish(run_id=run.pk, time_zone=time_zone, now=now)
    except Exception as exc:
        run_fail(run_id=run.pk, detail=f"{type(exc).__name__}: {exc}", now=now)
        raise
    return run_summary(run=run)


def run_summary(*, run: InsightsRun) -> dict:
    insufficient = (CustomerInsight.objects.filter(run=run).exclude(insufficient_reason="")
                    .order_by("customer__reference")
                    .values_list("customer__reference", "insufficient_reason"))
    return {"run": run.pk, "status": run.status, "customers": run.customers,
            "with_baseline": run.with_baseline,
            "insufficient": [{"customer": ref, "reason": reason}
                             for ref, reason in insufficient],
            "recommendations": run.recommendations}
