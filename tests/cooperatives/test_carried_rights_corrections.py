"""Correcting a period whose rights a later bill carried away (docs/cooperatives.md,
"Carried rights on bills"): the world of test_carried_rights.py. After July and August are
billed, M1's July lot (right 124 kWh, allocated 62) is empty: August's bill carried its
62 kWh. A July correction may not allocate more than the lot still holds; the later bill
must be cancelled first (a correction of it draws the same rights again). A correction that
stays within what is left goes through.
"""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from billing.domain.corrections import credit_notes_issue
from billing.domain.runs import bill_run_start, run_fail, run_plan
from billing.models import ACTIVE_RUN_STATUSES, Bill, BillingRun, CreditNote
from billing.tasks import run_chunk
from cooperatives.models import Allocation, CarriedDraw, CarriedRights
from cooperatives.services.carrying import RightsAlreadyCarried, lot_balances_of
from metering.domain.rollups import rollups_refresh
from metering.models import Meter, ReadingEdit
from tests.billing.conftest import bill_now
from tests.billing.world import LONDON, NOW, TODAY
from tests.cooperatives.test_carried_rights import AUGUST, JULY, ZONE, _world, live, lot_of

SUNNY_JULY = datetime(2026, 7, 10, 11, tzinfo=ZONE).astimezone(UTC)  # 0.5 kWh of right each


def _edit(meter, at, kwh: str, *, old: str, edited_at: datetime | None = None) -> None:
    """The reading at `at` becomes `kwh`; with `edited_at`, as an estimate replaced by an
    actual reading then (what makes a correction run pick the bill up)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE metering_reading SET kwh = %s WHERE meter_id = %s AND "
                       "interval_start = %s", [kwh, meter.pk, at])
        rollups_refresh(cursor, meter_ids=[meter.pk], lo=at, hi=at, tz=LONDON)
    if edited_at is not None:
        ReadingEdit.objects.create(meter=meter, interval_start=at, old_kwh=Decimal(old),
                                   old_quality="ESTIMATED", new_kwh=Decimal(kwh),
                                   new_quality="ACTUAL", edited_at=edited_at)


def _billed(m1, m2):
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    return live(m1, JULY), live(m1, AUGUST)


def test_a_july_correction_using_rights_august_carried_is_refused_and_writes_nothing(
        in_alpha):
    """M1 really used 0.45 kWh (not 0.25) in a sunny July half-hour: July's allocation
    would grow by 0.2 kWh, which August's bill already carried away."""
    _, m1, m1_meter, m2 = _world()
    july, august = _billed(m1, m2)
    _edit(m1_meter, SUNNY_JULY, "0.45", old="0.25", edited_at=NOW + timedelta(hours=1))
    expected = (f"cannot re-allocate July 2026 for member M1 (Customer M1) of SUNNY: its "
                f"rights were carried (62 kWh to bill {august.number} (August 2026)), and the "
                "new allocation needs 0.2 kWh more than is left; cancel that bill first (a "
                "correction of it draws the same rights again), then correct July 2026 and "
                "bill the later period again")

    # Through the worker's task (what bill_run and staff use): the run fails saying why.
    run = bill_run_start(period=JULY, kind="CORRECTION", issue=True, today=TODAY,
                         now=NOW + timedelta(hours=2), account_ids=[m1.pk])
    (number,) = run_plan(run_id=run.pk, time_zone=LONDON, now=NOW + timedelta(hours=2))
    result = run_chunk.apply(kwargs={"run_id": run.pk, "number": number},
                             headers={"_schema_name": "alpha"}, throw=False)
    assert isinstance(result.result, RightsAlreadyCarried)
    run = BillingRun.objects.get(pk=run.pk)
    assert (run.status, run.detail) == ("FAILED", f"chunk {number}: {expected}")
    with pytest.raises(RightsAlreadyCarried) as refused:  # a run in this process: the same
        bill_now(JULY, kind="CORRECTION", account_ids=[m1.pk], now=NOW + timedelta(hours=4))
    assert refused.value.detail == expected

    # Nothing half-written: July's bill stands, no credit note, no replacement, the
    # allocations and the draw as they were.
    assert live(m1, JULY) == july and Bill.objects.get(pk=july.pk).status == "ISSUED"
    assert Bill.objects.filter(account=m1).count() == 2
    assert not CreditNote.objects.exists()
    assert [(a.bill_id, a.kwh, a.status) for a in Allocation.objects.filter(
        member=m1.customer).order_by("period_start")] == [
        (july.pk, Decimal("62"), "LIVE"), (august.pk, Decimal("124"), "LIVE")]
    assert CarriedDraw.objects.get().carried.bill_id == august.pk
    assert lot_balances_of([lot_of(m1, JULY)]) == {lot_of(m1, JULY).pk: 0}


def test_a_july_correction_within_what_is_left_of_the_lot_goes_through(in_alpha):
    """M2's August bill draws 10 kWh from its July lot (10 kWh at 02:00 on 5 August, outside
    the sunny hours): 238 kWh are left. M2 really used 1.2 kWh (not 0.5) in a sunny July
    half-hour: July's allocation grows by 1 kWh (its right there is 1.5), within the lot."""
    _, m1, _, m2 = _world()
    m2_meter = Meter.objects.get(serial="M2-M")
    _edit(m2_meter, datetime(2026, 8, 5, 2, tzinfo=ZONE).astimezone(UTC), "10", old="0")
    bill_now(JULY, account_ids=[m1.pk, m2.pk])
    bill_now(AUGUST, account_ids=[m1.pk, m2.pk])
    july, august = live(m2, JULY), live(m2, AUGUST)
    assert CarriedRights.objects.get(member=m2.customer).kwh == Decimal("10")
    lot = lot_of(m2, JULY)
    assert lot_balances_of([lot]) == {lot.pk: 238_000_000}

    _edit(m2_meter, SUNNY_JULY, "1.5", old="0.5", edited_at=NOW + timedelta(hours=1))
    bill_now(JULY, kind="CORRECTION", account_ids=[m2.pk], now=NOW + timedelta(hours=2))
    replacement = live(m2, JULY)
    assert replacement.replaces_id == july.pk
    assert Allocation.objects.get(bill=replacement).kwh == Decimal("125")
    assert live(m2, AUGUST) == august  # untouched: its draw still counts
    assert lot_balances_of([lot]) == {lot.pk: 237_000_000}


def test_cancelling_august_then_correcting_july_then_billing_august_again(in_alpha):
    """The order the refusal asks for. Correcting August (cancel and replace: here a reading
    in one of its sunny half-hours) does not free July's lot: the replacement draws the same
    62 kWh again. Cancelling August does; then July is corrected (allocation 62.2) and
    August billed again draws what July's lot holds now, 124 - 62.2 = 61.8 kWh."""
    _, m1, m1_meter, m2 = _world()
    july, august = _billed(m1, m2)
    sunny_august = datetime(2026, 8, 10, 11, tzinfo=ZONE).astimezone(UTC)
    _edit(m1_meter, sunny_august, "0.3", old="0.5", edited_at=NOW + timedelta(hours=1))
    _edit(m1_meter, SUNNY_JULY, "0.45", old="0.25", edited_at=NOW + timedelta(hours=1))
    bill_now(AUGUST, kind="CORRECTION", account_ids=[m1.pk], now=NOW + timedelta(hours=2))
    corrected = live(m1, AUGUST)
    assert corrected.replaces_id == august.pk
    assert CarriedRights.objects.get(bill=corrected).kwh == Decimal("62")
    with pytest.raises(RightsAlreadyCarried, match=f"to bill {corrected.number} "):
        bill_now(JULY, kind="CORRECTION", account_ids=[m1.pk], now=NOW + timedelta(hours=3))
    (stuck,) = BillingRun.objects.filter(status__in=ACTIVE_RUN_STATUSES)  # as a worker would
    run_fail(run_id=stuck.pk, detail="refused", now=NOW + timedelta(hours=3))

    credit_notes_issue(bills=[corrected], reason="July is corrected first", run=None,
                       issue_date=TODAY, now=NOW + timedelta(hours=3))
    bill_now(JULY, kind="CORRECTION", account_ids=[m1.pk], now=NOW + timedelta(hours=4))
    assert live(m1, JULY).replaces_id == july.pk
    assert Allocation.objects.get(bill=live(m1, JULY)).kwh == Decimal("62.2")
    lot = lot_of(m1, JULY)
    assert lot_balances_of([lot]) == {lot.pk: 61_800_000}
    bill_now(AUGUST, account_ids=[m1.pk], now=NOW + timedelta(hours=5))
    rebilled = live(m1, AUGUST)
    assert rebilled.pk not in (august.pk, corrected.pk)
    assert CarriedRights.objects.get(bill=rebilled).kwh == Decimal("61.8")
    assert Allocation.objects.get(bill=rebilled).kwh == Decimal("123.8")
    assert lot_balances_of([lot]) == {lot.pk: 0}
