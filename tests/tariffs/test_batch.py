"""The engine's batch door prices many profiles on one grid exactly as the one-profile door
does: for random tariffs (bands, tiers, demand, spot with negative prices, export, levies,
minimum charges, discounts, per-day and per-month standing charges), random profiles and
random local-month periods, every line of every profile is equal."""
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffs.domain import (
    BandRate,
    DemandCharge,
    ExportRate,
    GroupDiscount,
    Levy,
    MinimumCharge,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    Tier,
    billing_periods,
    price_billing_periods,
)
from tariffs.domain.batch import price_profiles
from tariffs.domain.profile import LoadProfile
from tests.tariffs.factories import LONDON, economy7, local

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.60"), places=4)


@st.composite
def tariffs(draw) -> TariffDefinition:
    extra = {}
    if draw(st.booleans()):
        extra["standing_charge"] = StandingCharge(amount=draw(prices),
                                                  per=draw(st.sampled_from(["day", "month"])))
    if draw(st.booleans()):
        extra["demand_charges"] = (DemandCharge(tiers=(Tier(unit_price=draw(prices)),)),)
    if draw(st.booleans()):
        extra["export_rates"] = (ExportRate(unit_price=draw(prices)),)
    if draw(st.booleans()):
        extra["levies"] = (Levy(name="levy", unit_price=draw(prices)),)
    if draw(st.booleans()):
        extra["minimum_charge"] = MinimumCharge(amount=Decimal(draw(st.integers(1, 400))))
    if draw(st.booleans()):
        extra["group_discounts"] = (GroupDiscount(group="staff", percent=Decimal("10")),)
    if draw(st.booleans()):
        extra["spot_rates"] = (SpotRate(instrument="DA"),)
    extra["vat_rate"] = draw(st.sampled_from([Decimal("0"), Decimal("0.05"), Decimal("0.2")]))
    if draw(st.booleans()):
        upper = Decimal(draw(st.integers(1, 300)))
        return replace(economy7(**extra), unit_rates=(
            BandRate(band="day", tiers=(Tier(unit_price=draw(prices), upper=upper),
                                        Tier(unit_price=draw(prices)))),
            BandRate(band="night", tiers=(Tier(unit_price=draw(prices)),))))
    return TariffDefinition(name="Flat", time_zone=LONDON, unit_rates=(
        BandRate(band="standard", tiers=(Tier(unit_price=draw(prices)),)),), **extra)


@settings(max_examples=40, deadline=None)
@given(tariff=tariffs(), seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 5),
       start_day=st.integers(1, 28), days=st.integers(1, 70))
def test_batch_lines_equal_one_profile_lines(tariff, seed, rows, start_day, days):
    rng = np.random.default_rng(seed)
    start = local(2026, 2, start_day)  # across the March clock change and month ends
    end = start + timedelta(days=days)
    index = pd.date_range(start, end, freq="30min", inclusive="left")
    starts = index.tz_convert("UTC").as_unit("ns").asi8
    imported = np.round(rng.uniform(0, 2, (rows, len(starts))) * rng.integers(0, 2, (rows, 1)
                                                                                 ), 3)
    exported = np.round(rng.uniform(0, 1, (rows, len(starts))), 3)
    spot = {"DA": pd.Series(np.round(rng.uniform(-0.1, 0.5, len(index)), 4), index=index)}
    periods = billing_periods(start=start, end=end, time_zone=LONDON)
    groups = [None if row % 2 else "staff" for row in range(rows)]
    batch = price_profiles(tariff=tariff, interval_starts=starts, import_kwh=imported,
                           export_kwh=exported, interval=timedelta(minutes=30),
                           periods=periods, spot_prices=spot, customer_groups=groups)
    assert len(batch) == rows
    for row in range(rows):
        profile = LoadProfile(interval_starts=starts, import_kwh=imported[row],
                              export_kwh=exported[row], interval=timedelta(minutes=30))
        alone = price_billing_periods(tariff=tariff, profile=profile, periods=periods,
                                      spot_prices=spot, customer_group=groups[row])
        assert batch[row] == alone
