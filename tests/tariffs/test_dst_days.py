"""Daylight-saving days in Europe/London: 46 half-hours in spring, 50 in autumn, banded by
wall-clock time and counted as one day for the standing charge."""
from decimal import Decimal

import pytest

from tariffs.domain import (
    DemandCharge,
    LineKind,
    StandingCharge,
    Tier,
    price_by_billing_period,
    price_period,
)

from .factories import economy7, lines_of, local, profile, starts


@pytest.mark.parametrize(
    ("day", "intervals", "night_half_hours"),
    [
        # 00:30, then 02:00-07:00 BST (01:00 and 01:30 never happen): 1 + 11
        ((2026, 3, 29), 46, 12),
        # 00:30, 01:00 and 01:30 twice (BST then GMT), then 02:00-07:00: 1 + 4 + 11
        ((2026, 10, 25), 50, 16),
    ],
)
def test_dst_day_is_banded_by_wall_clock(day, intervals, night_half_hours):
    start, end = local(*day), local(day[0], day[1], day[2] + 1)
    index = starts(start, end)
    assert len(index) == intervals
    tariff = economy7(
        standing_charge=StandingCharge(amount=Decimal("0.60")),
        demand_charges=(DemandCharge(tiers=(Tier(unit_price=Decimal("1.50")),)),),
    )
    bill = price_period(tariff=tariff, profile=profile(index, 1.0), start=start, end=end)

    energy = {line.band: line.quantity for line in lines_of(bill, LineKind.ENERGY)}
    assert energy == {"night": night_half_hours, "day": intervals - night_half_hours}
    (standing,) = lines_of(bill, LineKind.STANDING)
    assert (standing.quantity, standing.amount) == (1, Decimal("0.60"))
    # 1 kWh in half an hour is 2 kW, however long the day is
    (demand,) = lines_of(bill, LineKind.DEMAND)
    assert (demand.quantity, demand.amount) == (2, Decimal("3.00"))
    day_kwh = intervals - night_half_hours
    expected = Decimal("0.60") + Decimal("3.00") + Decimal("0.30") * day_kwh + (
        Decimal("0.10") * night_half_hours)
    assert bill.total_after_tax == expected


def test_months_with_a_clock_change_have_their_real_interval_counts():
    start, end = local(2026, 3, 1), local(2026, 11, 1)
    bills = price_by_billing_period(
        tariff=economy7(standing_charge=StandingCharge(amount=Decimal("0.50"))),
        profile=profile(starts(start, end), 1.0), start=start, end=end,
    )
    kwh = [sum(line.quantity for line in lines_of(b, LineKind.ENERGY)) for b in bills]
    days = [lines_of(b, LineKind.STANDING)[0].quantity for b in bills]
    assert days == [31, 30, 31, 30, 31, 31, 30, 31]
    assert kwh[0] == 31 * 48 - 2  # March loses an hour
    assert kwh[-1] == 31 * 48 + 2  # October gains one
    assert kwh[1:-1] == [d * 48 for d in days[1:-1]]
