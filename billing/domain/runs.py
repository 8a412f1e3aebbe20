"""Billing runs: start, plan into chunks, bill a chunk, close, report.

A run bills one local month: monthly accounts for that month, quarterly accounts for the
quarter the month closes, and any account whose contracts all end in the month (its final
bill, for its own settlement period). Prepay accounts are charged daily instead (prepay.py).

Idempotent by construction:
- one active run per period and kind (partial unique index): a second run started while
  one works is refused with the first one's number;
- a chunk is one transaction that also sets its `done_at`; a chunk retried after its worker
  died finds itself done, or starts over from a rolled-back state;
- accounts that already have a live bill overlapping their period are skipped, and the
  bill constraints (unique + exclusion) turn a race into a retried chunk, never a second
  bill.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum

from accounts.models import Account, Contract, ContractStatus
from accounts.models import Payment as PaymentKind
from billing.models import (
    ACTIVE_RUN_STATUSES,
    Bill,
    BillingRun,
    BillStatus,
    RunChunk,
    RunKind,
    RunOutcome,
    RunStatus,
)
from core.errors import GridlineError
from core.metrics import billing_run_counted
from core.ranges import DateRange

from .corrections import bills_needing_correction, chunk_correct
from .loading import chunk_price
from .periods import InvalidBillingPeriod, closes_quarter, period_check_ended, quarter_of
from .run_issues import chunk_done, run_issues_record
from .settings import billing_settings_get
from .writing import IssueTerms, bills_issue, bills_write

logger = logging.getLogger(__name__)
CHUNK_ACCOUNTS = 500
RUN_ACTIVE_CONSTRAINT = "billing_run_one_active"


class UnableToStartRun(GridlineError):
    code = "billing_run_invalid"


class RunAlreadyActive(UnableToStartRun):
    code = "billing_run_active"
    status = 409


def bill_run_start(*, period: DateRange, kind: str, issue: bool, today: date, now: datetime,
                   account_ids: list[int] | None = None) -> BillingRun:
    """Create a QUEUED run (the caller enqueues its planning at commit). Refuses a period
    that has not ended, unknown accounts, and a second active run for the period."""
    if kind not in RunKind.values:
        raise UnableToStartRun(f"Kind {kind!r} is not one of {', '.join(RunKind.values)}.")
    try:
        period_check_ended(period=period, today=today)
    except InvalidBillingPeriod as exc:
        raise UnableToStartRun(exc.detail) from None
    if account_ids is not None:
        known = set(Account.objects.filter(pk__in=account_ids).values_list("pk", flat=True))
        unknown = sorted(set(account_ids) - known)
        if unknown:
            raise UnableToStartRun(f"Unknown account id(s): {', '.join(map(str, unknown))}.")
    try:
        with transaction.atomic():
            return BillingRun.objects.create(
                period_start=period.start, period_end=period.end, kind=kind, issue=issue,
                scope=account_ids, created_at=now)
    except IntegrityError as exc:
        if RUN_ACTIVE_CONSTRAINT not in str(exc):
            raise
    active = (BillingRun.objects.filter(period_start=period.start, period_end=period.end,
                                        kind=kind, status__in=ACTIVE_RUN_STATUSES)
              .order_by("pk").first())
    raise RunAlreadyActive(
        f"Run {active.pk if active else '?'} is already billing {period.start:%Y-%m} "
        f"({kind}); nothing was started. Wait for it to finish.")


@dataclass(frozen=True)
class _Planned:
    period: DateRange
    account_ids: list[int]


def _regular_accounts(run: BillingRun) -> list[_Planned]:
    month = DateRange(run.period_start, run.period_end)
    quarter = quarter_of(month)
    contracts = (Contract.objects.exclude(status=ContractStatus.CANCELLED)
                 .overlapping(month.start, month.end).order_by("account_id", "active_from"))
    if run.scope is not None:
        contracts = contracts.filter(account_id__in=run.scope)
    by_account = defaultdict(list)
    for row in contracts.values("account_id", "settlement", "payment", "active_to"):
        by_account[row["account_id"]].append(row)
    periods: dict[int, DateRange] = {}
    for account_id, rows in by_account.items():
        latest = rows[-1]
        if latest["payment"] == PaymentKind.PREPAY:
            continue
        ending = all(r["active_to"] is not None and r["active_to"] <= month.end for r in rows)
        if latest["settlement"] == "QUARTERLY":
            if closes_quarter(month) or ending:
                periods[account_id] = quarter
        else:
            periods[account_id] = month
    if not periods:
        return []
    live = Bill.objects.filter(account_id__in=list(periods)).exclude(
        status=BillStatus.CANCELLED).filter(period_start__lt=month.end,
                                            period_end__gt=quarter.start)
    if not run.issue:
        live_rows = live
    else:  # drafts are still to issue: their accounts stay in the plan
        live_rows = live.exclude(status=BillStatus.DRAFT)
    for account_id, start, end in live_rows.values_list("account_id", "period_start",
                                                        "period_end"):
        period = periods.get(account_id)
        if period is not None and start < period.end and end > period.start:
            del periods[account_id]
    grouped = defaultdict(list)
    for account_id, period in sorted(periods.items()):
        grouped[period].append(account_id)
    return [_Planned(period, ids) for period, ids in grouped.items()]


def _correction_accounts(run: BillingRun, time_zone: str) -> list[_Planned]:
    month = DateRange(run.period_start, run.period_end)
    grouped = defaultdict(list)
    for bill in bills_needing_correction(period=month, time_zone=time_zone,
                                         account_ids=run.scope):
        grouped[DateRange(bill.period_start, bill.period_end)].append(bill.account_id)
    return [_Planned(period, sorted(set(ids))) for period, ids in grouped.items()]


def run_plan(*, run_id: int, time_zone: str, now: datetime,
             chunk_accounts: int = CHUNK_ACCOUNTS) -> list[int]:
    """Split the run's accounts into chunks (saved) and mark it RUNNING; returns the chunk
    numbers to bill. Planned once: a second call returns the chunks already planned."""
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            return list(run.chunk_rows.filter(done_at__isnull=True)
                        .order_by("number").values_list("number", flat=True))
        planned = (_correction_accounts(run, time_zone) if run.kind == RunKind.CORRECTION
                   else _regular_accounts(run))
        chunks, number = [], 0
        for plan in planned:
            for at in range(0, len(plan.account_ids), chunk_accounts):
                number += 1
                chunks.append(RunChunk(
                    run=run, number=number, period_start=plan.period.start,
                    period_end=plan.period.end,
                    account_ids=plan.account_ids[at:at + chunk_accounts]))
        RunChunk.objects.bulk_create(chunks)
        run.status = RunStatus.RUNNING
        run.started_at = now
        run.chunks = len(chunks)
        run.accounts = sum(len(c.account_ids) for c in chunks)
        run.save(update_fields=["status", "started_at", "chunks", "accounts"])
        return [c.number for c in chunks]


def chunk_claim(*, run_id: int, number: int, worker_pid: int, now: datetime) -> bool:
    """Record (committed at once) that this worker takes the chunk; False when done."""
    return bool(RunChunk.objects.filter(run_id=run_id, number=number, done_at__isnull=True)
                .update(worker_pid=worker_pid, started_at=now,
                        attempts=F("attempts") + 1))


def run_chunk_bill(*, run_id: int, number: int, time_zone: str, currency: str,
                   today: date, now: datetime) -> dict:
    """Bill one chunk in one transaction; returns its counts. A done chunk is left alone."""
    with transaction.atomic():
        chunk = (RunChunk.objects.select_for_update().select_related("run")
                 .get(run_id=run_id, number=number))
        if chunk.done_at is not None:
            return {"chunk": number, "already_done": True}
        run = chunk.run
        period = DateRange(chunk.period_start, chunk.period_end)
        settings = billing_settings_get()
        terms = IssueTerms(issue_date=today, due_days=settings.due_days)
        if run.kind == RunKind.CORRECTION:
            counts = chunk_correct(run=run, chunk=chunk, period=period,
                                   account_ids=chunk.account_ids, time_zone=time_zone,
                                   currency=currency, terms=terms, now=now)
        else:
            counts = _chunk_regular(run=run, chunk=chunk, period=period,
                                    account_ids=chunk.account_ids, time_zone=time_zone,
                                    currency=currency, terms=terms, now=now)
        return {"chunk": number, **counts}


def _chunk_regular(*, run, chunk, period, account_ids, time_zone, currency, terms,
                   now) -> dict:
    existing = {b.account_id: b for b in Bill.objects.filter(account_id__in=account_ids)
                .exclude(status=BillStatus.CANCELLED)
                .filter(period_start__lt=period.end, period_end__gt=period.start)
                .order_by("pk")}
    # Drafts of an earlier run are issued by a run that issues (not priced again).
    drafts = [b for b in existing.values() if b.status == BillStatus.DRAFT] if run.issue \
        else []
    to_price = [a for a in account_ids if a not in existing]
    priced, holds, failures = _price_tolerant(period=period, time_zone=time_zone,
                                              account_ids=to_price)
    run_issues_record(run=run, holds=holds, failures=failures)
    billed = len(priced) + len(drafts)
    # Skipped: billed before (a live bill) or no contract supplies a day of the period.
    counts = {"billed": billed, "held": len(holds), "failed": len(failures),
              "skipped": len(account_ids) - billed - len(holds) - len(failures)}
    chunk_done(chunk=chunk, counts=counts, now=now)
    # Numbers last (the counter row stays locked until commit).
    bills_issue(bills=drafts, issue=terms, now=now)
    bills_write(priced=priced, run_id=run.pk, currency=currency, now=now,
                issue=terms if run.issue else None)
    return counts


def _price_tolerant(*, period, time_zone, account_ids):
    """chunk_price for all; if something unexpected breaks it, account by account, so one
    account's failure is reported (and logged) without stopping the others."""
    try:
        priced, holds = chunk_price(period=period, time_zone=time_zone,
                                    account_ids=account_ids)
        return priced, holds, []
    except Exception:  # noqa: BLE001 - narrowed below, account by account
        logger.exception("Billing a chunk failed unexpectedly; retrying account by account")
    priced, holds, failures = [], [], []
    for account_id in account_ids:
        try:
            with transaction.atomic():
                one, held = chunk_price(period=period, time_zone=time_zone,
                                        account_ids=[account_id])
            priced += one
            holds += held
        except Exception as exc:  # noqa: BLE001 - reported as FAILED with the reason
            logger.exception("Billing account %s failed unexpectedly", account_id)
            failures.append((account_id, f"unexpected error: {type(exc).__name__}"))
    return priced, holds, failures


def run_close(*, run_id: int, now: datetime) -> BillingRun:
    """DONE when every chunk is done, else FAILED naming the chunks left."""
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run_id)
        if run.status not in ACTIVE_RUN_STATUSES:
            return run
        left = list(run.chunk_rows.filter(done_at__isnull=True).order_by("number")
                    .values_list("number", flat=True))
        run.status = RunStatus.FAILED if left else RunStatus.DONE
        run.detail = f"chunks not done: {left}" if left else ""
        run.finished_at = now
        run.save(update_fields=["status", "detail", "finished_at"])
        _run_counted(run)
        return run


def run_fail(*, run_id: int, detail: str, now: datetime) -> None:
    with transaction.atomic():
        failed = BillingRun.objects.filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).update(
            status=RunStatus.FAILED, detail=detail[:2000], finished_at=now)
        if failed:
            _run_counted(BillingRun.objects.get(pk=run_id))


def _run_counted(run: BillingRun) -> None:
    """The run's metrics (core/metrics.py), once: by the transaction that finished it,
    when it commits."""
    progress = run_progress(run=run)
    began = run.started_at or run.created_at
    counts = {"schema": connection.schema_name, "kind": run.kind, "status": run.status,
              "duration_seconds": (run.finished_at - began).total_seconds(),
              "billed": progress["billed"], "held": progress["held"],
              "failed": progress["failed"]}
    transaction.on_commit(lambda: billing_run_counted(**counts))


def run_progress(*, run: BillingRun) -> dict:
    """Counts so far (while running) or final: from the chunks, one query."""
    totals = run.chunk_rows.aggregate(
        done=Count("pk", filter=Q(done_at__isnull=False)), billed=Sum("billed"),
        skipped=Sum("skipped"), held=Sum("held"), failed=Sum("failed"))
    return {"run": run.pk, "status": run.status, "kind": run.kind,
            "period": f"{run.period_start:%Y-%m}", "chunks": run.chunks,
            "chunks_done": totals["done"], "accounts": run.accounts,
            "billed": totals["billed"] or 0, "skipped": totals["skipped"] or 0,
            "held": totals["held"] or 0, "failed": totals["failed"] or 0}


def run_report(*, run: BillingRun) -> dict:
    """What `bill_run` prints: {"run", "status", "accounts", "billed", "held": [{"account",
    "reason"}], "failed"}."""
    progress = run_progress(run=run)
    held = [{"account": number, "reason": reason} for number, reason in
            run.issues.filter(outcome=RunOutcome.HELD).order_by("account__number")
            .values_list("account__number", "reason")]
    return {"run": run.pk, "status": run.status, "accounts": run.accounts,
            "billed": progress["billed"], "held": held, "failed": progress["failed"]}


def run_execute_inline(*, run_id: int, time_zone: str, currency: str, today: date,
                       now: datetime, chunk_accounts: int = CHUNK_ACCOUNTS) -> BillingRun:
    """Plan, bill every chunk and close in this process (the demo seed and the domain
    tests; staff and the commands go through the workers, billing/tasks.py)."""
    for number in run_plan(run_id=run_id, time_zone=time_zone, now=now,
                           chunk_accounts=chunk_accounts):
        run_chunk_bill(run_id=run_id, number=number, time_zone=time_zone, currency=currency,
                       today=today, now=now)
    return run_close(run_id=run_id, now=now)
