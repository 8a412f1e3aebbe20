"""The energy price per interval (tariffs.domain.unit_prices) agrees with the engine: the
band comes from the same lookup, so sum(kWh × price) is what the energy and spot lines
charge."""
from datetime import time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tariffs.domain import (
    BandRate,
    BandRule,
    LineKind,
    Schedule,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    Tier,
    TierScope,
    price_period,
)
from tariffs.domain.prepared import MissingSpotPrice
from tariffs.domain.unit_prices import NoIntervalPrice, unit_prices_on_grid, varies_by_time

from .factories import LONDON, amount_of, economy7, flat_tariff, local, profile, starts

HALF_HOUR = timedelta(minutes=30)


def ns(index: pd.DatetimeIndex) -> np.ndarray:
    return index.tz_convert("UTC").as_unit("ns").asi8


def peak_tariff(**extra) -> TariffDefinition:
    """Weekday peak 16:00-19:00 at 0.40 in winter months, off-peak 0.20 otherwise,
    weekends and 25 December at 0.15; a standing charge that no interval price carries."""
    schedule = Schedule(
        bands=("peak", "off_peak", "weekend"),
        rules=(BandRule(band="weekend", start=time(0), end=time(0), days={5, 6, 7}),
               BandRule(band="peak", start=time(16), end=time(19), days=range(5),
                        months={1, 2, 11, 12})),
        default_band="off_peak",
        holidays=frozenset({pd.Timestamp("2026-12-25").date()}),
    )
    return TariffDefinition(
        name="Peak", time_zone=LONDON, energy_schedule=schedule,
        unit_rates=(BandRate(band="peak", tiers=(Tier(unit_price=Decimal("0.40")),)),
                    BandRate(band="off_peak", tiers=(Tier(unit_price=Decimal("0.20")),)),
                    BandRate(band="weekend", tiers=(Tier(unit_price=Decimal("0.15")),))),
        standing_charge=StandingCharge(amount=Decimal("0.50")), **extra)


def test_each_half_hour_takes_its_band_price_across_the_spring_clock_change():
    """Economy 7: night 00:30-07:30 local at 0.10, day 0.30. On 29 March 2026 London skips
    01:00-02:00, so the day has 46 half-hours: 00:30 and 02:00-07:00 are night."""
    index = starts(local(2026, 3, 29), local(2026, 3, 30))
    prices = unit_prices_on_grid(tariff=economy7(), interval_starts=ns(index),
                                 interval=HALF_HOUR)
    assert len(prices) == 46
    local_times = index.tz_convert(LONDON).strftime("%H:%M")
    night = {t for t, p in zip(local_times, prices, strict=True) if p == pytest.approx(0.10)}
    assert night == {"00:30", "02:00", "02:30", "03:00", "03:30", "04:00", "04:30", "05:00",
                     "05:30", "06:00", "06:30", "07:00"}
    assert (prices[[t not in night for t in local_times]] == pytest.approx(0.30))


def test_pricing_through_the_engine_equals_kwh_times_the_interval_price():
    """A December fortnight (weekdays, a weekend, Christmas Day as a holiday) with an
    uneven load: the energy lines add up to sum(kWh × price) to the cent."""
    start, end = local(2026, 12, 14), local(2026, 12, 28)
    index = starts(start, end)
    rng = np.random.default_rng(12)
    kwh = np.round(rng.uniform(0, 2, len(index)), 3)
    tariff = peak_tariff()
    prices = unit_prices_on_grid(tariff=tariff, interval_starts=ns(index), interval=HALF_HOUR)
    bill = price_period(tariff=tariff, profile=profile(index, kwh), start=start, end=end)
    # three bands, three energy lines, each rounded to the cent once
    assert float(amount_of(bill, LineKind.ENERGY)) == pytest.approx(float(kwh @ prices),
                                                                    abs=0.015)
    christmas = (index.tz_convert(LONDON).normalize() == pd.Timestamp("2026-12-25", tz=LONDON))
    assert (prices[christmas] == 0.15).all()
    # the hand figure of one interval: Monday 14 December 16:30 is peak
    assert prices[index.get_loc(local(2026, 12, 14, 16, 30))] == pytest.approx(0.40)


def test_a_hybrid_tariff_adds_the_spot_price_as_the_engine_does():
    """Bands plus a spot rate with an adder, a floor and a cap: energy + spot lines."""
    start, end = local(2026, 12, 14), local(2026, 12, 16)
    index = starts(start, end)
    rng = np.random.default_rng(3)
    market = pd.Series(np.round(rng.uniform(-80, 900, len(index)), 2), index=index)
    kwh = np.round(rng.uniform(0, 1.5, len(index)), 3)
    tariff = peak_tariff(spot_rates=(SpotRate(
        instrument="GB-DA", multiplier=Decimal("0.001"), adder=Decimal("0.02"),
        floor=Decimal("0"), cap=Decimal("0.60")),))
    prices = unit_prices_on_grid(tariff=tariff, interval_starts=ns(index), interval=HALF_HOUR,
                                 spot_prices={"GB-DA": market})
    bill = price_period(tariff=tariff, profile=profile(index, kwh), start=start, end=end,
                        spot_prices={"GB-DA": market})
    charged = amount_of(bill, LineKind.ENERGY) + amount_of(bill, LineKind.SPOT)
    assert float(charged) == pytest.approx(float(kwh @ prices), abs=0.02)
    assert prices.max() <= 0.40 + 0.60 + 1e-12


def test_a_missing_market_price_refuses_unless_asked_for_nan():
    index = starts(local(2026, 4, 6), local(2026, 4, 6, 2))
    market = pd.Series([10.0, 20.0, 30.0], index=index[[0, 1, 3]])
    tariff = TariffDefinition(name="Spot", time_zone=LONDON, spot_rates=(
        SpotRate(instrument="GB-DA", multiplier=Decimal("0.001")),))
    with pytest.raises(MissingSpotPrice, match="1 intervals lack one"):
        unit_prices_on_grid(tariff=tariff, interval_starts=ns(index), interval=HALF_HOUR,
                            spot_prices={"GB-DA": market})
    prices = unit_prices_on_grid(tariff=tariff, interval_starts=ns(index), interval=HALF_HOUR,
                                 spot_prices={"GB-DA": market}, missing_market="nan")
    np.testing.assert_allclose(prices, [0.01, 0.02, np.nan, 0.03])


def test_tiered_unit_rates_have_no_price_per_interval():
    tiered = TariffDefinition(name="Tiered", time_zone=LONDON, unit_rates=(
        BandRate(band="standard", tiers=(Tier(unit_price=Decimal("0.20"), upper=Decimal(100)),
                                         Tier(unit_price=Decimal("0.30")))),))
    index = starts(local(2026, 4, 6), local(2026, 4, 7))
    with pytest.raises(NoIntervalPrice, match="tiered unit rates"):
        unit_prices_on_grid(tariff=tiered, interval_starts=ns(index), interval=HALF_HOUR)


def test_only_band_or_market_differences_make_a_tariff_vary_by_time():
    assert not varies_by_time(flat_tariff())
    assert varies_by_time(economy7())
    assert varies_by_time(TariffDefinition(name="Spot", time_zone=LONDON, spot_rates=(
        SpotRate(instrument="GB-DA"),)))
    same = Schedule(bands=("day", "night"), rules=(
        BandRule(band="night", start=time(0, 30), end=time(7, 30)),), default_band="day")
    one_price = (Tier(unit_price=Decimal("0.25")),)
    assert not varies_by_time(TariffDefinition(
        name="Two bands, one price", time_zone=LONDON, energy_schedule=same,
        unit_rates=(BandRate(band="day", tiers=one_price),
                    BandRate(band="night", tiers=one_price))))


def night_saver(scope=TierScope.BAND) -> TariffDefinition:
    """Night 00:30-07:30 at 0.085; day 0.26 for the month's first 200 kWh (of the day
    band, or with ALL_BANDS of the month's total), 0.31 above."""
    schedule = Schedule(bands=("night", "day"), default_band="day", rules=(
        BandRule(band="night", start=time(0, 30), end=time(7, 30)),))
    return TariffDefinition(
        name="Night saver", time_zone=LONDON, energy_schedule=schedule, tier_scope=scope,
        unit_rates=(BandRate(band="night", tiers=(Tier(unit_price=Decimal("0.085")),)),
                    BandRate(band="day", tiers=(Tier(unit_price=Decimal("0.26"),
                                                     upper=Decimal(200)),
                                                Tier(unit_price=Decimal("0.31"))))))


@pytest.mark.parametrize(("day_kwh", "scope", "day_price"), [
    (0.25, TierScope.BAND, 0.26),  # 34 day half-hours × 0.25 × 10 days = 85 kWh
    (0.75, TierScope.BAND, 0.31),  # 255 kWh of day band: above 200
    (0.50, TierScope.BAND, 0.26),  # 170 kWh of day band, 240 in all
    # ALL_BANDS: 240 kWh in all, each band's kWh split 200 : 40 between the tiers, so
    # a day kWh averages (200 × 0.26 + 40 × 0.31) / 240
    (0.50, TierScope.ALL_BANDS, 0.2683),
])
def test_tiered_bands_at_their_marginal_price_move_the_bill_by_that_price(
        day_kwh, scope, day_price):
    """Ten days of 0.5 kWh a night half-hour and `day_kwh` a day one. Each band's price is
    the tier its last kWh reached (or the split's average with ALL_BANDS); moving 0.25 kWh
    from a day to a night half-hour (no tier limit crossed) lowers the energy lines by
    0.25 × (day price - 0.085), give or take the lines' rounding to the cent."""
    start, end = local(2026, 1, 5), local(2026, 1, 15)
    index = starts(start, end)
    night = (index.hour * 60 + index.minute >= 30) & (index.hour < 7) | (
        (index.hour == 7) & (index.minute == 0))
    kwh = np.where(night, 0.5, day_kwh)
    tariff = night_saver(scope)
    with pytest.raises(NoIntervalPrice):
        unit_prices_on_grid(tariff=tariff, interval_starts=ns(index), interval=HALF_HOUR)
    prices = unit_prices_on_grid(tariff=tariff, interval_starts=ns(index), interval=HALF_HOUR,
                                 import_kwh=kwh, tiers="marginal")
    assert set(np.round(prices[night], 4)) == {0.085}
    assert set(np.round(prices[~night], 4)) == {day_price}
    moved = kwh.copy()
    moved[np.flatnonzero(~night)[0]] -= 0.25
    moved[np.flatnonzero(night)[0]] += 0.25
    before = price_period(tariff=tariff, profile=profile(index, kwh), start=start, end=end)
    after = price_period(tariff=tariff, profile=profile(index, moved), start=start, end=end)
    change = amount_of(before, LineKind.ENERGY) - amount_of(after, LineKind.ENERGY)
    assert float(change) == pytest.approx(0.25 * (day_price - 0.085), abs=0.011)
