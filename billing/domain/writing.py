"""Writing priced bills: bills with bulk_create, their lines with one COPY, and when they
are issued their numbers, ledger entries and payment settlement, all in the caller's
transaction (a chunk of a run is one transaction: all of its bills or none)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from billing.models import Bill, BillLine, BillStatus, LedgerKind
from core.ranges import DateRange
from tariffs.domain.catalogue import tariff_versions_mark_billed

from .copying import ids_take, rows_copy
from .generation import generation_source
from .ledger import NewEntry, ledger_append
from .numbering import numbers_take
from .payments import payments_settle
from .pricing import PricedBill

_BILL_COLUMNS = ("id", "account_id", "period_start", "period_end", "kind", "status",
                 "number", "currency", "total_exc_tax", "tax", "total_inc_tax", "paid", "kwh",
                 "estimated_share", "run_id", "replaces_id", "created_at", "issued_at",
                 "issue_date", "due_date", "cancelled_at")
_LINE_COLUMNS = ("bill_id", "position", "kind", "band", "tier", "name", "quantity", "unit",
                 "unit_price", "amount", "description", "contract_id_value",
                 "tariff_version_id", "meter_id", "segment_start", "segment_end")


@dataclass(frozen=True)
class IssueTerms:
    issue_date: date  # the retailer's local date of issue
    due_days: int


@dataclass
class NewBill:
    """A bill about to be written with COPY: the columns of billing_bill (a model instance
    per bill cost more than the rest of writing it)."""

    id: int
    account_id: int
    period_start: date
    period_end: date
    kind: str
    currency: str
    total_exc_tax: Decimal
    tax: Decimal
    total_inc_tax: Decimal
    kwh: Decimal
    estimated_share: Decimal
    run_id: int | None
    replaces_id: int | None
    created_at: datetime
    status: str = BillStatus.DRAFT
    number: str | None = None
    paid: Decimal = Decimal(0)
    issued_at: datetime | None = None
    issue_date: date | None = None
    due_date: date | None = None
    cancelled_at: datetime | None = None

    @property
    def pk(self) -> int:
        return self.id


def bills_write(*, priced: list[PricedBill], run_id: int | None, currency: str,
                now: datetime, issue: IssueTerms | None,
                replaces: dict[int, int] | None = None) -> list[NewBill]:
    """Create the bills and their lines; issue them too when `issue` is given. `replaces`
    maps account ids to the bill each new bill replaces (corrections).

    Numbers are taken last but for the ledger: the counter row stays locked until the
    transaction commits, so everything that does not need a number (the lines: their
    foreign key to the bill is checked at commit) is written before, and callers should
    make this the last write of their transaction."""
    if not priced:
        return []
    replaces = replaces or {}
    ids = ids_take(table="billing_bill", count=len(priced))
    bills = [NewBill(id=pk, account_id=p.account_id, period_start=p.period.start,
                     period_end=p.period.end, kind=p.kind, currency=currency,
                     total_exc_tax=p.total_exc_tax, tax=p.tax, total_inc_tax=p.total_inc_tax,
                     kwh=p.kwh, estimated_share=p.estimated_share, run_id=run_id,
                     replaces_id=replaces.get(p.account_id), created_at=now)
             for pk, p in zip(ids, priced, strict=True)]
    _lines_copy(bills, priced)
    if issue is not None:
        versions = set()
        for p in priced:
            versions |= p.version_ids
        tariff_versions_mark_billed(version_ids=versions, at=now)
        _stamp_issued(bills, issue=issue, now=now)
    rows_copy(table="billing_bill", columns=_BILL_COLUMNS,
              rows=([getattr(bill, name) for name in _BILL_COLUMNS] for bill in bills))
    with_generation = [(bill.pk, p) for bill, p in zip(bills, priced, strict=True)
                       if p.generation]
    if with_generation:
        generation_source().bills_written(bills=with_generation, now=now)
    if issue is not None:
        _ledger_and_settle(bills, now=now)
    return bills


def bills_issue(*, bills: list[Bill], issue: IssueTerms, now: datetime) -> int:
    """Issue draft bills (already saved): the versions their lines used become immutable,
    then number, due date, ledger. Returns how many."""
    drafts = [b for b in bills if b.status == BillStatus.DRAFT]
    if not drafts:
        return 0
    versions = set(BillLine.objects.filter(bill__in=[b.pk for b in drafts],
                                           tariff_version__isnull=False)
                   .values_list("tariff_version_id", flat=True).distinct())
    tariff_versions_mark_billed(version_ids=versions, at=now)
    _stamp_issued(drafts, issue=issue, now=now)
    for bill in drafts:
        Bill.objects.filter(pk=bill.pk, status=BillStatus.DRAFT).update(
            status=bill.status, number=bill.number, issued_at=now, issue_date=bill.issue_date,
            due_date=bill.due_date)
    _ledger_and_settle(drafts, now=now)
    return len(drafts)


def _stamp_issued(bills: list[Bill], *, issue: IssueTerms, now: datetime) -> None:
    numbers = numbers_take(series="BILL", year=issue.issue_date.year, count=len(bills))
    due = issue.issue_date + timedelta(days=issue.due_days)
    for bill, number in zip(bills, numbers, strict=True):
        bill.number = number
        bill.issued_at = now
        bill.issue_date = issue.issue_date
        bill.due_date = due
        # Nothing to pay (an export credit larger than the charges): settled at once.
        bill.status = BillStatus.ISSUED if bill.total_inc_tax > 0 else BillStatus.PAID


def _ledger_and_settle(bills: list[Bill], *, now: datetime) -> None:
    if not bills:
        return
    ledger_append(entries=[NewEntry(
        account_id=bill.account_id, kind=LedgerKind.BILL, amount=bill.total_inc_tax,
        bill_id=bill.pk, description=f"Bill {bill.number} ({_period_text(bill)})")
        for bill in bills], at=now)
    payments_settle(account_ids={bill.account_id for bill in bills})


def _period_text(bill: Bill) -> str:
    last = bill.period_end - timedelta(days=1)
    return f"{bill.period_start:%d %b %Y}–{last:%d %b %Y}"


def _lines_copy(bills: list[Bill], priced: list[PricedBill]) -> None:
    def rows():
        for bill, p in zip(bills, priced, strict=True):
            for position, line in enumerate(p.lines, start=1):
                segment: DateRange | None = line.segment
                yield (bill.pk, position, line.kind, line.band, line.tier, line.name,
                       line.quantity, line.unit, line.unit_price, line.amount,
                       line.description, line.contract_id, line.version_id, line.meter_id,
                       segment.start if segment else None, segment.end if segment else None)

    rows_copy(table="billing_billline", columns=_LINE_COLUMNS, rows=rows())
