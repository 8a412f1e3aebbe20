"""Load shifting: the evening's flexible load moved to the cheapest window, on prices
per interval given, and on a time-of-use tariff's own prices (tariffs.domain.unit_prices),
re-priced through the engine."""
from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from insights.domain.breakdown import LocalGrid
from insights.domain.load_shift import InvalidLoadShiftInput, load_shift, load_shift_on_grid
from tariffs.domain import (
    BandRate,
    BandRule,
    LineKind,
    Schedule,
    StandingCharge,
    TariffDefinition,
    Tier,
    load_profile_from_series,
    price_period,
)
from tariffs.domain.unit_prices import unit_prices_on_grid

LONDON = ZoneInfo("Europe/London")


def day_of(values, start="2026-01-05"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="h",
                                                 tz=LONDON))


def evening_household(days=1):
    """0.5 kWh an hour, 2.5 kWh an hour 17:00-20:59: 2 kWh an hour above a 0.5 kW base."""
    kwh = np.tile(np.r_[np.full(17, 0.5), np.full(4, 2.5), np.full(3, 0.5)], days)
    return day_of(kwh)


def tou_prices(days=1):
    """0.30 a kWh, 0.50 at 17:00-20:59, 0.10 at 02:00-05:59."""
    price = np.full(24, 0.30)
    price[17:21] = 0.50
    price[2:6] = 0.10
    return day_of(np.tile(price, days))


def test_the_evening_load_above_base_moves_to_the_cheapest_window():
    shift = load_shift(readings=evening_household(), prices=tou_prices(), tz=LONDON,
                       interval_minutes=60, base_load_kw=0.5)
    assert shift.kwh_moved == pytest.approx(8.0)
    assert shift.cost_before == Decimal("4.00")
    assert shift.cost_after == Decimal("0.80")
    assert shift.saving == Decimal("3.20")
    assert shift.usual_window_start == time(2)
    assert (shift.days, shift.days_skipped) == (1, 0)


def test_equally_cheap_windows_pick_the_earliest_and_flat_prices_save_nothing():
    price = np.full(24, 0.30)
    price[17:21] = 0.50
    price[1:5] = 0.10
    price[10:14] = 0.10
    shift = load_shift(readings=evening_household(), prices=day_of(price), tz=LONDON,
                       interval_minutes=60, base_load_kw=0.5)
    assert shift.usual_window_start == time(1)
    flat = load_shift(readings=evening_household(), prices=day_of(np.full(24, 0.3)),
                      tz=LONDON, interval_minutes=60, base_load_kw=0.5)
    assert flat.saving == Decimal("0.00")


def test_the_shape_of_the_load_moves_with_it():
    """3, 1, 1, 1 kWh above base from 17:00 meet each window's prices in the same order.
    Window 01:00 (0.05, 0.35, 0.35, 0.35: 0.275 on average) costs 0.15 + 1.05 = 1.20;
    window 10:00 (0.40, 0.05, 0.05, 0.05: 0.1375 on average) costs 1.20 + 0.15 = 1.35. The
    first wins although its average price is higher. Every other hour costs 5.00."""
    kwh = np.r_[np.full(17, 0.5), [3.5, 1.5, 1.5, 1.5], np.full(3, 0.5)]
    price = np.full(24, 5.0)
    price[17:21] = 0.50
    price[1:5] = [0.05, 0.35, 0.35, 0.35]
    price[10:14] = [0.40, 0.05, 0.05, 0.05]
    shift = load_shift(readings=day_of(kwh), prices=day_of(price), tz=LONDON,
                       interval_minutes=60, base_load_kw=0.5)
    assert shift.cost_before == Decimal("3.00")
    assert shift.cost_after == Decimal("1.20")
    assert shift.usual_window_start == time(1)


def test_days_with_a_missing_interval_or_price_are_skipped():
    readings = evening_household(days=3)
    prices = tou_prices(days=3)
    readings = readings.drop(readings.index[30])
    prices = prices.drop(prices.index[60])
    shift = load_shift(readings=readings, prices=prices, tz=LONDON, interval_minutes=60,
                       base_load_kw=0.5)
    assert (shift.days, shift.days_skipped) == (1, 2)
    assert shift.saving == Decimal("3.20")


def test_a_daylight_saving_day_is_skipped():
    start = pd.Timestamp("2026-03-28", tz=LONDON)
    index = pd.date_range(start, pd.Timestamp("2026-03-30", tz=LONDON), freq="h",
                          inclusive="left")  # 24 + 23 hours
    shift = load_shift(readings=pd.Series(1.0, index=index), prices=pd.Series(0.3, index=index),
                       tz=LONDON, interval_minutes=60, base_load_kw=0.5)
    assert (shift.days, shift.days_skipped) == (1, 1)


def test_bad_input_is_refused():
    with pytest.raises(InvalidLoadShiftInput, match="divide a day"):
        load_shift(readings=evening_household(), prices=tou_prices(), tz=LONDON,
                   interval_minutes=7, base_load_kw=0.5)
    with pytest.raises(InvalidLoadShiftInput, match="evening window"):
        load_shift(readings=evening_household(), prices=tou_prices(), tz=LONDON,
                   interval_minutes=60, base_load_kw=0.5, evening=(time(21), time(17)))


def test_on_the_chunk_grid_the_figures_are_those_of_the_series_version():
    """Ten half-hourly days across the spring clock change, with missing readings and
    prices: `load_shift_on_grid` (the nightly chunk's) gives `load_shift`'s figures."""
    index = pd.date_range(pd.Timestamp("2026-03-24", tz=LONDON),
                          pd.Timestamp("2026-04-03", tz=LONDON), freq="30min",
                          inclusive="left")
    rng = np.random.default_rng(7)
    kwh = rng.gamma(2.0, 0.2, len(index))
    price = rng.uniform(0.05, 0.45, len(index))
    kwh[[30, 200]] = np.nan
    price[[100]] = np.nan
    series = load_shift(readings=pd.Series(kwh, index=index).dropna(),
                        prices=pd.Series(price, index=index).dropna(), tz=LONDON,
                        interval_minutes=30, base_load_kw=0.3)
    grid = LocalGrid.of(starts=index.tz_convert("UTC").as_unit("ns").asi8, tz=LONDON)
    on_grid = load_shift_on_grid(kwh=kwh, price=price, grid=grid, interval_minutes=30,
                                 base_load_kw=0.3)
    assert on_grid == series
    assert (on_grid.days, on_grid.days_skipped) == (6, 4)  # 29 March: 46 half-hours


def three_band_tariff() -> TariffDefinition:
    """Evening peak 17:00-21:00 at 0.40, night 00:00-04:00 at 0.10, day 0.25; 0.50 a day
    standing charge and 5% VAT."""
    schedule = Schedule(bands=("peak", "night", "day"), rules=(
        BandRule(band="peak", start=time(17), end=time(21)),
        BandRule(band="night", start=time(0), end=time(4))), default_band="day")
    return TariffDefinition(
        name="Three bands", time_zone="Europe/London", energy_schedule=schedule,
        unit_rates=(BandRate(band="peak", tiers=(Tier(unit_price=Decimal("0.40")),)),
                    BandRate(band="night", tiers=(Tier(unit_price=Decimal("0.10")),)),
                    BandRate(band="day", tiers=(Tier(unit_price=Decimal("0.25")),))),
        standing_charge=StandingCharge(amount=Decimal("0.50")), vat_rate=Decimal("0.05"))


def test_a_time_of_use_shift_by_hand_and_repriced_by_the_engine():
    """Three January days of half-hours: 0.2 kWh each (a 0.4 kW base load), 1.2 kWh from
    17:00 to 21:00, so 1.0 kWh above base in each of 8 evening half-hours: 8 kWh a day.
    At the peak's 0.40 that is 3.20 a day; the cheapest 4 hours are the night band's
    00:00-04:00 at 0.10: 0.80 a day. Three days: 9.60 before, 2.40 after, 7.20 saved.
    The engine prices the moved profile 7.20 lower on its energy lines, and 7.56 lower
    after 5% VAT (the standing charge does not move)."""
    start, end = pd.Timestamp("2026-01-05", tz=LONDON), pd.Timestamp("2026-01-08", tz=LONDON)
    index = pd.date_range(start, end, freq="30min", inclusive="left")
    hour = np.asarray(index.hour)
    kwh = np.where((hour >= 17) & (hour < 21), 1.2, 0.2)
    tariff = three_band_tariff()
    starts_ns = index.tz_convert("UTC").as_unit("ns").asi8
    price = unit_prices_on_grid(tariff=tariff, interval_starts=starts_ns,
                                interval=timedelta(minutes=30))
    shift = load_shift_on_grid(kwh=kwh, price=price,
                               grid=LocalGrid.of(starts=starts_ns, tz=LONDON),
                               interval_minutes=30, base_load_kw=0.4)
    assert shift.kwh_moved == pytest.approx(24.0)
    assert (shift.cost_before, shift.cost_after, shift.saving) == (
        Decimal("9.60"), Decimal("2.40"), Decimal("7.20"))
    assert shift.usual_window_start == time(0)
    moved = np.where((hour >= 17) & (hour < 21), 0.2, np.where(hour < 4, 1.2, 0.2))
    before = price_period(tariff=tariff, profile=_profile(index, kwh), start=start, end=end)
    after = price_period(tariff=tariff, profile=_profile(index, moved), start=start, end=end)
    assert (_energy(before) - _energy(after)) == shift.saving
    assert before.total_after_tax - after.total_after_tax == Decimal("7.56")


def _profile(index, kwh):
    return load_profile_from_series(import_kwh=pd.Series(kwh, index=index),
                                    interval=timedelta(minutes=30))


def _energy(breakdown) -> Decimal:
    return sum((line.amount for line in breakdown.lines if line.kind == LineKind.ENERGY),
               Decimal(0))
