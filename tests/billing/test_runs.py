"""Runs are idempotent by construction, and the Kill Bill cases that double-billed or
skipped a day (DST loop #445, non-UTC end of day #1856) cannot happen: periods are local
calendar dates and the database refuses a second live bill for any overlapping period."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.domain.runs import RunAlreadyActive, UnableToStartRun, bill_run_start
from billing.models import Bill, BillingRun, BillLine, LedgerEntry
from core.ranges import DateRange, local_days
from metering.domain.partitions import partitions_ensure
from metering.domain.rollups import rollups_refresh
from tests.billing.conftest import bill_now
from tests.billing.world import NOW, TODAY, flat, household, month, product, readings


def test_the_same_run_twice_bills_nothing_twice(in_alpha):
    account, meter, _ = household("RUN1", product("RUN-FLAT", flat()))
    readings(meter, month(2026, 4), "0.5")
    first = bill_now(month(2026, 4), account_ids=[account.pk])
    second = bill_now(month(2026, 4), account_ids=[account.pk])
    assert (first.status, second.status) == ("DONE", "DONE")
    assert Bill.objects.filter(account=account).count() == 1
    assert LedgerEntry.objects.filter(account=account).count() == 1
    assert first.accounts == 1 and second.accounts == 0  # nothing left to plan


def test_drafts_then_issue_gives_gap_free_numbers(in_alpha):
    version = product("RUN-DRAFT", flat())
    accounts = []
    for n in range(3):
        account, meter, _ = household(f"RUN2-{n}", version)
        readings(meter, month(2026, 4), "0.5")
        accounts.append(account.pk)
    bill_now(month(2026, 4), account_ids=accounts, issue=False)
    drafts = Bill.objects.filter(account_id__in=accounts)
    assert {b.status for b in drafts} == {"DRAFT"} and {b.number for b in drafts} == {None}
    assert not LedgerEntry.objects.filter(account_id__in=accounts).exists()
    bill_now(month(2026, 4), account_ids=accounts, issue=True)
    issued = list(Bill.objects.filter(account_id__in=accounts).order_by("number"))
    assert len(issued) == 3 and {b.status for b in issued} == {"ISSUED"}
    sequence = [int(b.number.rsplit("-", 1)[1]) for b in issued]
    assert sequence == list(range(sequence[0], sequence[0] + 3))
    assert LedgerEntry.objects.filter(account_id__in=accounts, kind="BILL").count() == 3


def test_a_second_active_run_for_the_period_is_refused(in_alpha):
    bill_run_start(period=month(2026, 4), kind="REGULAR", issue=False, today=TODAY, now=NOW)
    with pytest.raises(RunAlreadyActive, match="already billing 2026-04"):
        bill_run_start(period=month(2026, 4), kind="REGULAR", issue=True, today=TODAY,
                       now=NOW)
    assert BillingRun.objects.filter(period_start=date(2026, 4, 1)).count() == 1


def test_a_period_not_yet_ended_and_unknown_accounts_are_refused(in_alpha):
    with pytest.raises(UnableToStartRun, match="has not ended yet"):
        bill_run_start(period=month(2026, 11), kind="REGULAR", issue=True, today=TODAY,
                       now=NOW)
    with pytest.raises(UnableToStartRun, match=r"Unknown account id\(s\): 999999"):
        bill_run_start(period=month(2026, 4), kind="REGULAR", issue=True, today=TODAY,
                       now=NOW, account_ids=[999999])
    assert not BillingRun.objects.exists()


def test_the_database_refuses_an_overlapping_live_bill(in_alpha):
    account, meter, _ = household("RUN3", product("RUN-OVER", flat()))
    readings(meter, month(2026, 4), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk])
    # A quarterly bill over April-June would overlap April's live bill.
    with pytest.raises(IntegrityError, match="bill_live_periods_never_overlap"), \
            transaction.atomic():
        Bill.objects.create(account=account, period_start=date(2026, 4, 1),
                            period_end=date(2026, 7, 1), kind="FINAL", currency="GBP",
                            total_exc_tax=0, tax=0, total_inc_tax=0, created_at=NOW)


def test_an_issued_bill_and_the_ledger_cannot_be_edited(in_alpha):
    account, meter, _ = household("RUN4", product("RUN-LOCK", flat()))
    readings(meter, month(2026, 4), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk])
    bill = Bill.objects.get(account=account)
    with pytest.raises(IntegrityError, match="is issued"), transaction.atomic():
        Bill.objects.filter(pk=bill.pk).update(total_exc_tax=Decimal("1.00"),
                                               total_inc_tax=Decimal("1.00") + bill.tax)
    with pytest.raises(IntegrityError, match="never change"), transaction.atomic():
        BillLine.objects.filter(bill=bill).update(amount=Decimal("0"))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(account=account).update(amount=Decimal("0"))


def _all_kwh(meter) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(kwh) FROM metering_reading WHERE meter_id = %s",
                       [meter.pk])
        return cursor.fetchone()[0]


def test_months_across_clock_changes_never_bill_twice_or_miss_a_day(in_alpha):
    """Kill Bill #445: a DST change made the next billing date loop. Here March to November
    2026 in London, over both clock changes, month by month and each month twice: one bill
    per month, every local day's standing charge once, every reading on exactly one bill."""
    account, meter, _ = household("RUN5", product("RUN-DST", flat(unit="0.20",
                                                                 standing="0.50")))
    readings(meter, DateRange(date(2026, 3, 1), date(2026, 11, 1)), "0.5")
    for number in range(3, 11):
        bill_now(month(2026, number), account_ids=[account.pk])
        bill_now(month(2026, number), account_ids=[account.pk])
    bills = list(Bill.objects.filter(account=account).order_by("period_start"))
    assert [b.period_start.month for b in bills] == list(range(3, 11))
    for before, after in zip(bills, bills[1:], strict=False):
        assert before.period_end == after.period_start  # no gap, no overlap
    days = sum(line.quantity for line in BillLine.objects.filter(bill__in=bills,
                                                                 kind="standing"))
    assert days == (date(2026, 11, 1) - date(2026, 3, 1)).days == 245
    assert sum(b.kwh for b in bills) == _all_kwh(meter)


def test_a_retailer_far_from_utc_gets_one_bill_per_local_month(in_alpha):
    """Kill Bill #1856: an account in a non-UTC zone was billed twice around the end of
    day. Tokyo's 1 February starts at 15:00 UTC on 31 January: the UTC date and the local
    date differ for nine hours of every day, and still each local month is one bill."""
    tokyo = {**flat(unit="0.20", standing="0.50"), "time_zone": "Asia/Tokyo"}
    account, meter, _ = household("RUN6", product("RUN-TOKYO", tokyo))
    instants = local_days(DateRange(date(2026, 1, 1), date(2026, 3, 1)), "Asia/Tokyo")
    assert instants.start == datetime(2025, 12, 31, 15, tzinfo=UTC)
    partitions_ensure(months=[date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, "
            "received_at) SELECT %s, t, 0.5, 'ACTUAL', 'test', now() FROM generate_series("
            "%s::timestamptz, %s::timestamptz - interval '30 minutes', interval '30 minutes') t",
            [meter.pk, instants.start, instants.end])
        rollups_refresh(cursor, meter_ids=[meter.pk], lo=instants.start, hi=instants.end,
                        tz="Asia/Tokyo")
    for period in (month(2026, 1), month(2026, 2), month(2026, 1), month(2026, 2)):
        bill_now(period, account_ids=[account.pk], zone="Asia/Tokyo")
    bills = list(Bill.objects.filter(account=account).order_by("period_start"))
    assert [(b.period_start, b.period_end) for b in bills] == [
        (date(2026, 1, 1), date(2026, 2, 1)), (date(2026, 2, 1), date(2026, 3, 1))]
    # 31 + 28 local days of 48 half-hours x 0.5 kWh: 744 and 672 kWh, nothing lost at the
    # UTC midnights.
    assert [b.kwh for b in bills] == [Decimal("744"), Decimal("672")]
    standing = [line.quantity for line in BillLine.objects.filter(bill__in=bills,
                                                                  kind="standing")
                .order_by("bill__period_start")]
    assert standing == [Decimal("31"), Decimal("28")]
