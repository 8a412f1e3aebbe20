"""Tiered (block) unit rates inside a band, per billing period."""
from datetime import time
from decimal import Decimal

from tariffs.domain import (
    BandRate,
    BandRule,
    LineKind,
    Schedule,
    TariffDefinition,
    Tier,
    TierScope,
    price_by_billing_period,
    price_period,
)

from .factories import LONDON, lines_of, local, profile, starts


def tiered_economy7(scope: TierScope = TierScope.BAND) -> TariffDefinition:
    """Day: first 200 kWh at 0.30, the rest at 0.20. Night: first 200 at 0.10, then 0.05."""
    return TariffDefinition(
        name="Tiered E7", time_zone=LONDON, tier_scope=scope,
        energy_schedule=Schedule(
            bands=("day", "night"),
            rules=(BandRule(band="night", start=time(0, 30), end=time(7, 30)),),
            default_band="day",
        ),
        unit_rates=(
            BandRate(band="day", tiers=(
                Tier(unit_price=Decimal("0.30"), upper=Decimal(200)),
                Tier(unit_price=Decimal("0.20")),
            )),
            BandRate(band="night", tiers=(
                Tier(unit_price=Decimal("0.10"), upper=Decimal(200)),
                Tier(unit_price=Decimal("0.05")),
            )),
        ),
    )


def energy_lines(bill):
    return [(line.band, line.tier, line.quantity, line.amount)
            for line in lines_of(bill, LineKind.ENERGY)]


def test_tier_boundary_falls_inside_the_day_band_only():
    start, end = local(2026, 1, 1), local(2026, 2, 1)
    bill = price_period(tariff=tiered_economy7(), profile=profile(starts(start, end), 0.25),
                        start=start, end=end)
    # 31 days x 34 day half-hours x 0.25 = 263.5 kWh; 31 x 14 x 0.25 = 108.5 kWh of night
    assert energy_lines(bill) == [
        ("day", 1, Decimal("200"), Decimal("60.00")),
        ("day", 2, Decimal("63.5"), Decimal("12.70")),
        ("night", 1, Decimal("108.5"), Decimal("10.85")),
    ]


def test_exactly_the_tier_limit_stays_in_the_first_tier_despite_float_noise():
    tariff = TariffDefinition(
        name="Block", time_zone=LONDON,
        unit_rates=(BandRate(band="standard", tiers=(
            Tier(unit_price=Decimal("0.30"), upper=Decimal(200)),
            Tier(unit_price=Decimal("0.20")),
        )),),
    )
    start, end = local(2026, 1, 5), local(2026, 1, 6)
    # 48 x (200 / 48) sums to 199.99999999999997 in floats
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 200 / 48),
                        start=start, end=end)
    assert energy_lines(bill) == [("standard", 1, Decimal("200"), Decimal("60.00"))]


def test_tiers_restart_every_billing_period():
    start, end = local(2026, 1, 1), local(2026, 3, 1)
    one_period = price_period(tariff=tiered_economy7(), profile=profile(starts(start, end), 0.2),
                              start=start, end=end)
    monthly = price_by_billing_period(
        tariff=tiered_economy7(), profile=profile(starts(start, end), 0.2), start=start, end=end
    )
    # day kWh: January 31 x 34 x 0.2 = 210.8, February 28 x 34 x 0.2 = 190.4
    assert [line[:3] for line in energy_lines(monthly[0]) if line[0] == "day"] == [
        ("day", 1, Decimal("200")), ("day", 2, Decimal("10.8"))]
    assert [line[:3] for line in energy_lines(monthly[1]) if line[0] == "day"] == [
        ("day", 1, Decimal("190.4"))]
    assert [line[:3] for line in energy_lines(one_period) if line[0] == "day"] == [
        ("day", 1, Decimal("200")), ("day", 2, Decimal("201.2"))]


def test_all_bands_scope_applies_limits_to_the_period_total_in_proportion():
    start, end = local(2026, 1, 1), local(2026, 2, 1)
    bill = price_period(tariff=tiered_economy7(TierScope.ALL_BANDS),
                        profile=profile(starts(start, end), 0.25), start=start, end=end)
    # 372 kWh in total, so 200/372 of each band's energy is in tier 1:
    # day 263.5 x 200/372 = 141.666667, night 108.5 x 200/372 = 58.333333
    assert energy_lines(bill) == [
        ("day", 1, Decimal("141.666667"), Decimal("42.50")),
        ("day", 2, Decimal("121.833333"), Decimal("24.37")),
        ("night", 1, Decimal("58.333333"), Decimal("5.83")),
        ("night", 2, Decimal("50.166667"), Decimal("2.51")),
    ]
