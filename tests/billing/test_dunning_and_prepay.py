"""Dunning steps once per bill and stopped by payment; prepay accounts charged daily with a
low-balance alert once and top-ups as payments."""
from datetime import date
from decimal import Decimal

from accounts.domain.audit import Actor
from billing.domain.dunning import dunning_advance
from billing.domain.ledger import account_balance
from billing.domain.payments import payment_record
from billing.domain.prepay import prepay_charge_day
from billing.models import Bill, DunningNotice, PrepayAlert, PrepayCharge
from billing.tasks import billing_daily
from core.ranges import DateRange
from tests.billing.conftest import bill_now
from tests.billing.world import LONDON, NOW, flat, household, month, product, readings


def test_overdue_bills_get_each_step_once_and_a_payment_stops_them(in_alpha):
    account, meter, _ = household("DUN1", product("DUN-FLAT", flat(standing="0")))
    other, other_meter, _ = household("DUN2", product("DUN-FLAT2", flat(standing="0")))
    readings(meter, month(2026, 4), "0.5")
    readings(other_meter, month(2026, 4), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk, other.pk], today=date(2026, 5, 2))
    bill = Bill.objects.get(account=account)
    assert bill.due_date == date(2026, 5, 16)  # 14 days, the default terms
    # 8 days late: the reminder (+7) only; run twice, recorded once.
    for _ in range(2):
        dunning_advance(today=date(2026, 5, 24), now=NOW)
    assert list(DunningNotice.objects.filter(bill=bill).values_list("step", flat=True)) == [
        "REMINDER"]
    bill.refresh_from_db()
    assert bill.status == "OVERDUE"
    # The other customer pays; 40 days late, only the unpaid bill goes further.
    payment_record(account=other, amount="144.00", method="CARD", external_reference="D-2",
                   received_at=NOW, actor=Actor.system(at=NOW))
    dunning_advance(today=date(2026, 6, 25), now=NOW)
    assert sorted(DunningNotice.objects.filter(bill=bill).values_list("step", flat=True)) == [
        "DISCONNECTION_WARNING", "FINAL_NOTICE", "REMINDER"]
    assert not DunningNotice.objects.filter(bill__account=other).exclude(step="REMINDER")


def test_prepay_is_charged_daily_with_one_low_balance_alert(in_alpha):
    account, meter, _ = household("PRE1", product("PRE-FLAT", flat(unit="0.20",
                                                                  standing="0.50")),
                                  payment="PREPAY")
    readings(meter, DateRange(date(2026, 4, 1), date(2026, 4, 6)), "0.5")
    payment_record(account=account, amount="20.00", method="TOP_UP",
                   external_reference="TOP-1", received_at=NOW, actor=Actor.system(at=NOW))
    # A day: 24 kWh x 0.20 = 4.80 + 0.50 standing = 5.30. A regular run leaves it alone.
    bill_now(month(2026, 4), account_ids=[account.pk])
    assert not Bill.objects.filter(account=account).exists()
    for day in range(1, 5):
        result = prepay_charge_day(day=date(2026, 4, day), time_zone=LONDON, now=NOW)
        assert result["charged"] == 1
    assert prepay_charge_day(day=date(2026, 4, 4), time_zone=LONDON, now=NOW)["charged"] == 0
    charges = PrepayCharge.objects.filter(account=account).order_by("day_date")
    assert [c.total_inc_tax for c in charges] == [Decimal("5.30")] * 4
    # 20.00 - 4 x 5.30 = -1.20 of credit: the alert (below 5.00) was raised once, on the
    # 3rd (20.00 - 15.90 = 4.10 left).
    assert account_balance(account_id=account.pk) == Decimal("1.20")
    (alert,) = PrepayAlert.objects.filter(account=account)
    assert (alert.raised_on, alert.credit, alert.cleared_at) == (
        date(2026, 4, 3), Decimal("4.10"), None)
    payment_record(account=account, amount="30.00", method="TOP_UP",
                   external_reference="TOP-2", received_at=NOW, actor=Actor.system(at=NOW))
    alert.refresh_from_db()
    assert alert.cleared_at == NOW


def test_the_daily_task_runs_dunning_in_its_retailer(in_alpha):
    account, meter, _ = household("DUN3", product("DUN-FLAT3", flat(standing="0")))
    readings(meter, month(2026, 4), "0.5")
    bill_now(month(2026, 4), account_ids=[account.pk], today=date(2026, 5, 2))
    # The task decides "today" from the clock (after 20 June 2026, when this was written):
    # the bill due 16 May is more than 35 days late, so every step is due.
    result = billing_daily.apply(headers={"_schema_name": "alpha"}).get()
    assert result["dunning"]["notices"] == 3
    assert Bill.objects.get(account=account).status == "OVERDUE"
