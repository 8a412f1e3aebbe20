"""Properties that hold for any tariff and load (hypothesis): totals are the sum of their
lines, splitting at a month boundary changes nothing, and unit charges scale with load."""
from datetime import time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tariffs.domain import (
    WEEKDAYS,
    BandRate,
    BandRule,
    ChargeBasis,
    DemandCharge,
    ExportRate,
    GroupDiscount,
    Levy,
    LineKind,
    MinimumCharge,
    Schedule,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    Tier,
    load_profile_from_series,
    money_round,
    price_by_billing_period,
    price_period,
)

from .factories import LONDON, local, starts

CHECKS = settings(max_examples=60, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
JANUARY, FEBRUARY, MARCH = local(2026, 1, 1), local(2026, 2, 1), local(2026, 3, 1)
INDEX = starts(JANUARY, MARCH)
SCHEDULE = Schedule(
    bands=("peak", "day", "night"),
    rules=(
        BandRule(band="night", start=time(23), end=time(7)),
        BandRule(band="peak", start=time(16), end=time(19), days=WEEKDAYS),
    ),
    default_band="day",
)
UNIT_KINDS = (LineKind.ENERGY, LineKind.SPOT, LineKind.LEVY, LineKind.EXPORT)

prices = st.decimals(min_value=Decimal("-0.05"), max_value=Decimal("0.80"), places=4)
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=3)


@st.composite
def band_tiers(draw, tiered: bool):
    if tiered and draw(st.booleans()):
        upper = draw(st.integers(min_value=1, max_value=300))
        return (Tier(unit_price=draw(prices), upper=Decimal(upper)),
                Tier(unit_price=draw(prices)))
    return (Tier(unit_price=draw(prices)),)


@st.composite
def tariffs(draw, tiered: bool = True):
    maybe = st.booleans()
    return TariffDefinition(
        name="Random", time_zone=LONDON, energy_schedule=SCHEDULE,
        unit_rates=tuple(BandRate(band=b, tiers=draw(band_tiers(tiered))) for b in SCHEDULE.bands),
        standing_charge=StandingCharge(amount=draw(amounts),
                                       per=draw(st.sampled_from(ChargeBasis)))
        if draw(maybe) else None,
        minimum_charge=MinimumCharge(amount=draw(amounts) * 5) if tiered and draw(maybe) else None,
        demand_charges=(DemandCharge(tiers=draw(band_tiers(True))),)
        if tiered and draw(maybe) else (),
        spot_rates=(SpotRate(instrument="DA", multiplier=Decimal("0.001"), adder=draw(prices)),)
        if draw(maybe) else (),
        export_rates=(ExportRate(unit_price=draw(prices), band=draw(st.sampled_from(
            (None, "day")))),) if draw(maybe) else (),
        levies=(Levy(name="levy", unit_price=draw(prices)),) if draw(maybe) else (),
        group_discounts=(GroupDiscount(group="staff", percent=Decimal(draw(st.integers(1, 50)))),)
        if tiered and draw(maybe) else (),
        vat_rate=draw(st.sampled_from([Decimal(0), Decimal("0.05"), Decimal("0.20")])),
    )


def load(seed: int, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    imported = rng.gamma(shape=1.5, scale=0.3, size=len(INDEX)) * scale
    exported = np.where(rng.random(len(INDEX)) < 0.2, rng.random(len(INDEX)), 0.0) * scale
    return load_profile_from_series(
        import_kwh=pd.Series(imported, index=INDEX), export_kwh=pd.Series(exported, index=INDEX),
        interval=timedelta(minutes=30),
    )


def market(seed: int):
    rng = np.random.default_rng(seed + 1)
    return {"DA": pd.Series(rng.normal(80, 60, size=len(INDEX)), index=INDEX)}


@CHECKS
@given(tariff=tariffs(), seed=st.integers(0, 2**32 - 1))
def test_totals_are_the_sum_of_their_lines(tariff, seed):
    bills = price_by_billing_period(tariff=tariff, profile=load(seed), start=JANUARY,
                                    end=MARCH, spot_prices=market(seed), customer_group="staff")
    assert len(bills) == 2  # January and February
    for bill in bills:
        taxes = [line.amount for line in bill.lines if line.kind == LineKind.TAX]
        charges = [line.amount for line in bill.lines if line.kind != LineKind.TAX]
        assert bill.total_before_tax == sum(charges, Decimal(0))
        assert bill.tax == sum(taxes, Decimal(0))
        assert bill.total_after_tax == sum((line.amount for line in bill.lines), Decimal(0))
        for line in bill.lines:
            assert line.amount == money_round(line.amount)
            if line.kind in (LineKind.ENERGY, LineKind.DEMAND, LineKind.LEVY):
                assert line.amount == money_round(line.quantity * line.unit_price)


@CHECKS
@given(tariff=tariffs(), seed=st.integers(0, 2**32 - 1))
def test_pricing_by_month_is_the_same_whole_or_in_halves(tariff, seed):
    profile, spot = load(seed), market(seed)
    whole = price_by_billing_period(tariff=tariff, profile=profile, start=JANUARY, end=MARCH,
                                    spot_prices=spot, customer_group="staff")
    halves = price_by_billing_period(tariff=tariff, profile=profile, start=JANUARY,
                                     end=FEBRUARY, spot_prices=spot, customer_group="staff")
    halves += price_by_billing_period(tariff=tariff, profile=profile, start=FEBRUARY, end=MARCH,
                                      spot_prices=spot, customer_group="staff")
    assert whole == halves


@CHECKS
@given(tariff=tariffs(tiered=False), seed=st.integers(0, 2**32 - 1))
def test_energy_charges_of_a_period_equal_its_halves_to_the_cent(tariff, seed):
    profile, spot = load(seed), market(seed)
    whole = price_period(tariff=tariff, profile=profile, start=JANUARY, end=MARCH,
                         spot_prices=spot)
    january = price_period(tariff=tariff, profile=profile, start=JANUARY, end=FEBRUARY,
                           spot_prices=spot)
    february = price_period(tariff=tariff, profile=profile, start=FEBRUARY, end=MARCH,
                            spot_prices=spot)
    for band in SCHEDULE.bands:
        def energy(bill, band=band):
            return sum((line.amount for line in bill.lines
                        if line.kind == LineKind.ENERGY and line.band == band), Decimal(0))
        # each side rounds its own lines once, so they may differ by a rounding step
        assert abs(energy(whole) - energy(january) - energy(february)) <= Decimal("0.01")


def unit_charges(bills):
    found: dict[tuple, tuple[Decimal, Decimal]] = {}
    for bill in bills:
        for line in bill.lines:
            if line.kind in UNIT_KINDS:
                key = (bill.period, line.kind, line.band, line.name)
                found[key] = (line.quantity, line.amount)
    return found


@CHECKS
@given(tariff=tariffs(tiered=False), seed=st.integers(0, 2**32 - 1),
       k=st.integers(min_value=2, max_value=20))
def test_unit_charges_scale_with_load_without_tiers(tariff, seed, k):
    spot = market(seed)
    base = unit_charges(price_by_billing_period(
        tariff=tariff, profile=load(seed), start=JANUARY, end=MARCH, spot_prices=spot))
    scaled = unit_charges(price_by_billing_period(
        tariff=tariff, profile=load(seed, scale=k), start=JANUARY, end=MARCH, spot_prices=spot))
    assert scaled.keys() == base.keys()
    for key, (quantity, amount) in base.items():
        scaled_quantity, scaled_amount = scaled[key]
        assert abs(scaled_quantity - k * quantity) <= Decimal("0.000001") * k
        # both amounts were rounded once: at most half a cent each, k times over for the base
        assert abs(scaled_amount - k * amount) <= Decimal("0.005") * (k + 1) + Decimal("0.0001")
