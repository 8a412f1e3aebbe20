"""Load shifting: the evening's flexible load moved to the cheapest window."""
from datetime import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from insights.domain.load_shift import InvalidLoadShiftInput, load_shift

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
