"""Demand charges on the highest interval demand: kW = kWh / interval hours."""
from datetime import time
from decimal import Decimal

import pytest

from tariffs.domain import (
    WEEKDAYS,
    BandRule,
    DemandCharge,
    LineKind,
    Schedule,
    TariffDefinition,
    Tier,
    price_by_billing_period,
    price_period,
)

from .factories import LONDON, lines_of, local, profile, starts

PEAK_SCHEDULE = Schedule(
    bands=("peak", "other"),
    rules=(BandRule(band="peak", start=time(16), end=time(19), days=WEEKDAYS),),
    default_band="other",
)


def demand_tariff(*charges: DemandCharge) -> TariffDefinition:
    return TariffDefinition(name="Demand", time_zone=LONDON, demand_schedule=PEAK_SCHEDULE,
                            demand_charges=charges)


def price(tariff, *, minutes: int, spikes: dict[int, float], day=(2026, 1, 14)):
    start, end = local(*day), local(day[0], day[1], day[2] + 1)
    index = starts(start, end, minutes=minutes)
    kwh = [0.1] * len(index)
    for position, value in spikes.items():
        kwh[position] = value
    return price_period(tariff=tariff, profile=profile(index, kwh, minutes=minutes),
                        start=start, end=end)


def demand_lines(bill):
    return [(line.band, line.tier, line.quantity, line.amount)
            for line in lines_of(bill, LineKind.DEMAND)]


@pytest.mark.parametrize(("minutes", "kw"), [(30, "6"), (15, "12"), (60, "3")])
def test_flat_demand_converts_the_peak_interval_to_kw(minutes, kw):
    tariff = demand_tariff(DemandCharge(tiers=(Tier(unit_price=Decimal("5.00")),)))
    bill = price(tariff, minutes=minutes, spikes={3: 3.0})  # 3 kWh in one interval
    assert demand_lines(bill) == [(None, None, Decimal(kw), Decimal(kw) * 5)]


def test_banded_demand_only_sees_intervals_in_its_band():
    tariff = demand_tariff(
        DemandCharge(tiers=(Tier(unit_price=Decimal("10.00")),), bands={"peak"}),
        DemandCharge(tiers=(Tier(unit_price=Decimal("2.00")),)),
    )
    # 10 kWh at 08:00 (20 kW, not peak) and 2.5 kWh at 17:00 (5 kW, peak)
    bill = price(tariff, minutes=30, spikes={16: 10.0, 34: 2.5})
    assert demand_lines(bill) == [
        ("peak", None, Decimal("5"), Decimal("50.00")),
        (None, None, Decimal("20"), Decimal("40.00")),
    ]


def test_demand_charge_limited_to_summer_months_is_absent_in_january():
    tariff = demand_tariff(
        DemandCharge(tiers=(Tier(unit_price=Decimal("9.00")),), months={6, 7, 8}),
    )
    assert demand_lines(price(tariff, minutes=30, spikes={20: 4.0})) == []
    assert demand_lines(price(tariff, minutes=30, spikes={20: 4.0}, day=(2026, 7, 14))) == [
        (None, None, Decimal("8"), Decimal("72.00"))]


def test_demand_tiers_charge_only_the_kw_above_a_free_block():
    tariff = demand_tariff(DemandCharge(tiers=(
        Tier(unit_price=Decimal("0"), upper=Decimal(50)), Tier(unit_price=Decimal("12.00")),
    )))
    bill = price(tariff, minutes=30, spikes={30: 30.0})  # 60 kW
    assert demand_lines(bill) == [
        (None, 1, Decimal("50"), Decimal("0.00")),
        (None, 2, Decimal("10"), Decimal("120.00")),
    ]


def test_each_billing_period_has_its_own_peak():
    tariff = demand_tariff(DemandCharge(tiers=(Tier(unit_price=Decimal("3.00")),)))
    start, end = local(2026, 1, 1), local(2026, 3, 1)
    index = starts(start, end)
    kwh = [0.5] * len(index)
    kwh[100] = 3.0  # 6 kW in January
    kwh[31 * 48 + 7] = 2.0  # 4 kW in February
    january, february = price_by_billing_period(
        tariff=tariff, profile=profile(index, kwh), start=start, end=end
    )
    assert demand_lines(january) == [(None, None, Decimal("6"), Decimal("18.00"))]
    assert demand_lines(february) == [(None, None, Decimal("4"), Decimal("12.00"))]
