"""The read functions the front doors call: a bill's detail and the "why" of a line."""
from decimal import Decimal

from billing.domain.reads import bill_detail, bill_line_explanation, bills_of_account
from billing.models import Bill
from tests.billing.conftest import bill_now
from tests.billing.test_hand_worked_bills import economy7
from tests.billing.world import LONDON, household, month, product, readings


def test_a_lines_why_lists_the_intervals_band_and_rate_behind_it(in_alpha):
    account, meter, _ = household("WHY1", product("WHY-E7", economy7(standing="0.40")))
    readings(meter, month(2026, 10), lambda at: "1.5" if at.hour == 3 else "1")
    bill_now(month(2026, 10), account_ids=[account.pk])
    bill = Bill.objects.get(account=account)
    night = bill.lines.get(kind="energy", band="night")
    why = bill_line_explanation(line=night, time_zone=LONDON)
    # 436 night half-hours (the 25th has two more: 01:00-02:00 came twice); the 03:00 and
    # 03:30 ones read 1.5 kWh: 436 + 31 x 2 x 0.5 = 467 kWh at 0.10.
    assert len(why["intervals"]) == 436
    assert {i["band"] for i in why["intervals"]} == {"night"}
    assert Decimal(why["interval_kwh_total"]) == night.quantity == Decimal("467")
    assert why["rate"] == "0.100000"
    assert why["intervals"][0]["start"] == "2026-10-01T00:30:00+01:00"
    assert {i["quality"] for i in why["intervals"]} == {"ACTUAL"}
    detail = bill_detail(bill=bill)
    assert detail["number"] == bill.number and len(detail["lines"]) == 3
    assert detail["outstanding"] == str(bill.total_inc_tax)
    assert [b.pk for b in bills_of_account(account_id=account.pk)] == [bill.pk]
