"""A member's bill worked out by hand: the "Community generation" line, the tariff's
energy lines reduced band by band, and a correction that returns the allocation and
allocates again. September 2026 (30 days, no clock change), London, no VAT.

The plant exports 2 kWh in each half-hour from 10:00 to 14:00 (8 a day: 240 half-hours,
480 kWh). Member M1 holds 1 share, M2 3 shares: M1's right is 2 x 1/4 = 0.5 kWh a sunny
half-hour, 120 kWh in the month; M2's 360 kWh. M1 uses 1 kWh every half-hour (1440 kWh),
so all of the right is used: 120 kWh, all of it in the day band (07:30-00:30).

    standing       30 x 0.40                          = 12.00
    night energy   14 x 30 = 420 kWh x 0.10           = 42.00
    day energy     34 x 30 = 1020 - 120 = 900 x 0.30  = 270.00
    generation     120 kWh x 0.08                     =  9.60
    total                                               333.60  (360.00 without the plant)

M2 (a contract, but no readings this month) uses none: their 360 kWh are surplus.
"""
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from billing.models import Bill
from cooperatives.models import Allocation
from cooperatives.services.billing_seam import detail_unpack
from cooperatives.services.period import cooperative_period_allocate
from metering.domain.rollups import rollups_refresh
from metering.models import ReadingEdit
from tests.billing.conftest import bill_now
from tests.billing.test_hand_worked_bills import economy7, lines
from tests.billing.world import LONDON, NOW, household, month, product, readings
from tests.cooperatives.world import cooperative, generator, member

SEPTEMBER = month(2026, 9)


def sunny(at) -> str:
    return "2" if 10 <= at.hour < 14 else "0"


def _world():
    version = product("COOP-E7", economy7(standing="0.40"))
    coop = cooperative("SUNNY")
    plant = generator(coop)
    readings(plant.export_meter, SEPTEMBER, sunny)
    account, meter, _ = household("M1", version)
    readings(meter, SEPTEMBER, "1")
    outsider, outsider_meter, _ = household("NM", version)
    readings(outsider_meter, SEPTEMBER, "1")
    member(coop, account.customer, 1)
    m2, _, _ = household("M2", version, active_to=None)
    member(coop, m2.customer, 3)
    return coop, account, meter, outsider, m2


def rights(unused, carried, expired, balance) -> dict:
    return {key: f"{value}.000000" for key, value in zip(
        ("unused_kwh", "carried_kwh", "expired_kwh", "carried_balance_kwh"),
        (unused, carried, expired, balance), strict=True)}


def live(account):
    (bill,) = Bill.objects.filter(account=account).exclude(status="CANCELLED")
    return bill


def correct_at_eleven(meter, account, kwh: str) -> None:
    """The estimated reading at 11:00 on 10 September (a sunny half-hour) was really `kwh`:
    the reading, its rollup and its edit as ingest leaves them, then a correction run over
    `account`."""
    at = datetime(2026, 9, 10, 11, tzinfo=ZoneInfo(LONDON)).astimezone(UTC)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE metering_reading SET kwh = %s WHERE meter_id = %s AND "
                       "interval_start = %s", [Decimal(kwh), meter.pk, at])
        # As ingest's last step does: the day's rollup (and its packed readings) follows.
        rollups_refresh(cursor, meter_ids=[meter.pk], lo=at, hi=at, tz=LONDON)
    ReadingEdit.objects.create(meter=meter, interval_start=at, old_kwh=1,
                               old_quality="ESTIMATED", new_kwh=Decimal(kwh),
                               new_quality="ACTUAL", edited_at=NOW + timedelta(hours=1))
    bill_now(SEPTEMBER, kind="CORRECTION", account_ids=[account.pk],
             now=NOW + timedelta(hours=2))


def test_a_members_bill_has_the_generation_line_and_less_day_energy(in_alpha):
    coop, account, _, outsider, m2 = _world()
    bill_now(SEPTEMBER, account_ids=[account.pk, outsider.pk])
    bill = live(account)
    assert lines(bill) == [
        ("standing", "", None, Decimal("30"), Decimal("0.4"), Decimal("12.00")),
        ("energy", "night", None, Decimal("420"), Decimal("0.1"), Decimal("42.00")),
        ("energy", "day", None, Decimal("900"), Decimal("0.3"), Decimal("270.00")),
        ("generation", "", None, Decimal("120"), Decimal("0.08"), Decimal("9.60")),
    ]
    assert bill.total_inc_tax == Decimal("333.60")
    assert bill.kwh == Decimal("1440")  # what the meter measured
    # The non-member in the same run: unchanged.
    assert [x[:4] for x in lines(live(outsider))] == [
        ("standing", "", None, Decimal("30")), ("energy", "night", None, Decimal("420")),
        ("energy", "day", None, Decimal("1020"))]
    (allocation,) = Allocation.objects.filter(bill=bill)
    assert (allocation.kwh, allocation.right_kwh, allocation.amount, allocation.status) == (
        Decimal("120"), Decimal("120"), Decimal("9.60"), "LIVE")
    detail = detail_unpack(allocation.detail)
    assert len(detail) == 1440 and detail.sum() == 120_000_000
    assert set(detail.tolist()) == {0, 500_000}
    # The period seen from the cooperative: coop_allocate's numbers.
    result = cooperative_period_allocate(cooperative=coop, period=SEPTEMBER, time_zone=LONDON)
    assert result.as_dict() == {
        "generated_kwh": "480.000000", "allocated_kwh": "120.000000",
        "surplus_kwh": "360.000000",
        "members": [{"customer": "M1", "shares": 1, "right_kwh": "120.000000",
                     "allocated_kwh": "120.000000", **rights("0", "0", "0", "0")},
                    {"customer": "M2", "shares": 3, "right_kwh": "360.000000",
                     "allocated_kwh": "0.000000", **rights("360", "0", "360", "0")}],
        # The rights figures (extra keys): without carrying, unused rights lapse at once.
        "rights_carry_months": 0, **rights("360", "0", "360", "0")}
    assert (result.generated == result.allocated + result.surplus).all()


def test_billing_the_period_again_allocates_nothing_twice(in_alpha):
    _, account, _, _, _ = _world()
    bill_now(SEPTEMBER, account_ids=[account.pk])
    bill_now(SEPTEMBER, account_ids=[account.pk])
    assert Allocation.objects.filter(contract__account=account).count() == 1


def test_a_correction_returns_the_allocation_and_the_replacement_allocates_again(in_alpha):
    _, account, meter, _, _ = _world()
    bill_now(SEPTEMBER, account_ids=[account.pk])
    first = live(account)
    # An estimated reading at 11:00 on 10 September (a sunny half-hour) was really 0.2 kWh:
    # M1 now uses 0.2 of their 0.5 there. Allocated 120 - 0.5 + 0.2 = 119.7 kWh;
    # day energy 1019.2 - 119.7 = 899.5 x 0.30 = 269.85; generation 119.7 x 0.08 = 9.576
    # -> 9.58; total 12.00 + 42.00 + 269.85 + 9.58 = 333.43.
    correct_at_eleven(meter, account, "0.2")
    replacement = live(account)
    assert replacement.replaces_id == first.pk
    assert [x[3] for x in lines(replacement)] == [
        Decimal("30"), Decimal("420"), Decimal("899.5"), Decimal("119.7")]
    assert replacement.total_inc_tax == Decimal("333.43")
    statuses = dict(Allocation.objects.filter(contract__account=account)
                    .values_list("bill_id", "status"))
    assert statuses == {first.pk: "RETURNED", replacement.pk: "LIVE"}
    assert Allocation.objects.get(bill=replacement).kwh == Decimal("119.7")


def test_the_surplus_is_sold_at_the_spot_price_and_settled(in_alpha):
    """M2's 360 kWh are surplus (M2 has a contract but no readings, so uses none of
    them): 240 sunny half-hours of 1.5 kWh. At 80.00 per MWh
    (x 0.001 per kWh) before 12:00 and 120.00 from 12:00 (half each): 180 kWh x 0.08 +
    180 kWh x 0.12 = 14.40 + 21.60 = 36.00. A missing price is never priced as zero."""
    import pytest
    from django_tenants.utils import schema_context

    from cooperatives.domain.revenue import InvalidRevenueInput
    from cooperatives.services.period import period_settle
    from market.models import Instrument
    from tests.billing.test_hand_worked_bills import _prices

    coop, _, _, _, _ = _world()
    coop.spot_instrument, coop.spot_multiplier = "COOP-DA", Decimal("0.001")
    coop.save()
    result = cooperative_period_allocate(cooperative=coop, period=SEPTEMBER, time_zone=LONDON)
    with schema_context("public"):
        instrument = Instrument.objects.create(code="COOP-DA", name="Coop day-ahead",
                                               kind="POWER_DAY_AHEAD", unit="GBP/MWh",
                                               currency="GBP", interval_minutes=30)
    with pytest.raises(InvalidRevenueInput, match="no spot price"):
        period_settle(result=result, now=NOW)
    zone = ZoneInfo(LONDON)
    _prices(instrument, SEPTEMBER,
            lambda at: "80.00" if at.astimezone(zone).hour < 12 else "120.00")
    settlement = period_settle(result=result, now=NOW)
    assert (settlement.generated_kwh, settlement.allocated_kwh, settlement.surplus_kwh,
            settlement.surplus_revenue) == (Decimal("480"), Decimal("120"), Decimal("360"),
                                            Decimal("36.00"))
