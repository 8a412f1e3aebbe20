"""Corrections: cancel and replace, never edit.

An issued bill needs correcting when metering's edit log shows an ESTIMATED reading of one
of its meters, inside its period, replaced by an ACTUAL one after the bill was issued. A
CORRECTION run then, per such bill and in one transaction: prices the account again from
today's readings, cancels the bill with a credit note for its full amount, issues the
replacement (`replaces` names the cancelled bill) and puts both on the ledger. The
replacement was issued after the edit, so running the correction again finds nothing.
"""
from datetime import datetime

from django.db import connection

from billing.models import Bill, BillStatus, CreditNote, LedgerKind
from core.ranges import DateRange

from .generation import generation_source
from .ledger import NewEntry, ledger_append
from .loading import chunk_price
from .numbering import numbers_take
from .run_issues import chunk_done, run_issues_record
from .writing import bills_write

_NEEDING = """
    SELECT DISTINCT b.id
    FROM billing_bill b
    JOIN accounts_contract c ON c.account_id = b.account_id AND c.status <> 'CANCELLED'
         AND c.active_from < b.period_end
         AND (c.active_to IS NULL OR c.active_to > b.period_start)
    JOIN metering_meter m ON m.meter_point_id = c.meter_point_id
    JOIN metering_readingedit e ON e.meter_id = m.id
    WHERE b.status NOT IN ('DRAFT', 'CANCELLED')
      AND b.period_start < %(end)s AND b.period_end > %(start)s
      AND e.old_quality = 'ESTIMATED' AND e.new_quality = 'ACTUAL'
      AND e.edited_at > b.issued_at
      AND e.interval_start >= (GREATEST(b.period_start, c.active_from)::timestamp
                               AT TIME ZONE %(tz)s)
      AND e.interval_start < (LEAST(b.period_end, COALESCE(c.active_to, b.period_end))
                              ::timestamp AT TIME ZONE %(tz)s)
      {accounts}
"""


def bills_needing_correction(*, period: DateRange, time_zone: str,
                             account_ids=None) -> list[Bill]:
    """Live issued bills whose period meets `period` and that an estimated-to-actual edit
    made after their issue touches (one query)."""
    params = {"start": period.start, "end": period.end, "tz": time_zone}
    accounts = ""
    if account_ids is not None:
        accounts = "AND b.account_id = ANY(%(accounts)s)"
        params["accounts"] = list(account_ids)
    with connection.cursor() as cursor:
        cursor.execute(_NEEDING.format(accounts=accounts), params)
        ids = [row[0] for row in cursor.fetchall()]
    return list(Bill.objects.filter(pk__in=ids).order_by("account_id", "period_start"))


def chunk_correct(*, run, chunk, period: DateRange, account_ids, time_zone: str,
                  currency: str, terms, now: datetime) -> dict:
    """Cancel and replace the bills of these accounts for `period` that still need it."""
    needing = [b for b in bills_needing_correction(period=period, time_zone=time_zone,
                                                   account_ids=account_ids)
               if b.period_start == period.start and b.period_end == period.end]
    bills = list(Bill.objects.select_for_update().filter(
        pk__in=[b.pk for b in needing]).exclude(status=BillStatus.CANCELLED).order_by("pk"))
    priced, holds = chunk_price(period=period, time_zone=time_zone,
                                account_ids=[b.account_id for b in bills])
    priced_of = {p.account_id: p for p in priced if p.kind in {b.kind for b in bills}}
    replaced = [b for b in bills if b.account_id in priced_of]
    run_issues_record(run=run, holds=holds, failures=[])
    counts = {"billed": len(replaced), "skipped": len(account_ids) - len(replaced)
              - len(holds), "held": len(holds), "failed": 0}
    chunk_done(chunk=chunk, counts=counts, now=now)
    credit_notes_issue(bills=replaced, reason=(
        "Actual meter readings replaced estimated ones after this bill was issued; a "
        "replacement bill follows."), run=run, issue_date=terms.issue_date, now=now)
    bills_write(priced=[priced_of[b.account_id] for b in replaced], run_id=run.pk,
                currency=currency, now=now, issue=terms,
                replaces={b.account_id: b.pk for b in replaced})
    return counts


def credit_notes_issue(*, bills: list[Bill], reason: str, run, issue_date,
                       now: datetime) -> list[CreditNote]:
    """Cancel each bill with a credit note for its full amount, on the ledger."""
    if not bills:
        return []
    numbers = numbers_take(series="CREDIT", year=issue_date.year, count=len(bills))
    notes = CreditNote.objects.bulk_create([
        CreditNote(bill=bill, number=number, reason=reason, total_exc_tax=bill.total_exc_tax,
                   tax=bill.tax, total_inc_tax=bill.total_inc_tax, run=run, issued_at=now)
        for bill, number in zip(bills, numbers, strict=True)])
    Bill.objects.filter(pk__in=[b.pk for b in bills]).update(
        status=BillStatus.CANCELLED, cancelled_at=now)
    source = generation_source()
    if source is not None:  # the cancelled bills give their allocations back
        source.bills_cancelled(bill_ids=[b.pk for b in bills], now=now)
    ledger_append(entries=[NewEntry(
        account_id=bill.account_id, kind=LedgerKind.CREDIT_NOTE, amount=-bill.total_inc_tax,
        credit_note_id=note.pk, description=f"Credit note {note.number} cancels {bill.number}")
        for bill, note in zip(bills, notes, strict=True)], at=now)
    return notes
