"""Where the energy goes, on a hand-built household and a hand-built shop."""
from datetime import time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from insights.domain.breakdown import (
    InvalidReadings,
    base_load_kw,
    energy_breakdown,
    opening_hours_split,
)
from insights.domain.caltrack import BaselineModel

LONDON = ZoneInfo("Europe/London")
MODEL = BaselineModel(kind="hdd_only", intercept_kwh_per_day=7.2, beta_hdd=1.0,
                      heating_balance_point=60)


def household():
    """Two winter days (London = UTC in January), hourly. Always 0.3 kWh (base load); on
    day 1 (50 °F) the heating adds 10 kWh over 08:00-17:59; each evening appliances add
    3 kWh over 18:00-20:59. Day 2 is mild (65 °F)."""
    index = pd.date_range("2026-01-05", periods=48, freq="h", tz=LONDON)
    kwh = np.full(48, 0.3)
    kwh[8:18] += 1.0
    kwh[18:21] += 1.0
    kwh[24 + 18:24 + 21] += 1.0
    temperature = pd.Series([50.0, 65.0], index=pd.DatetimeIndex(["2026-01-05", "2026-01-06"]))
    return pd.Series(kwh, index=index), temperature


def test_base_heating_and_the_rest():
    readings, temperature = household()
    result = energy_breakdown(readings=readings, tz=LONDON, interval_hours=1.0, model=MODEL,
                              daily_temperature=temperature)
    assert result.base_load_kw == pytest.approx(0.3)
    assert result.total_kwh == pytest.approx(14.4 + 10 + 6)
    assert result.base_kwh == pytest.approx(14.4)
    assert result.heating_kwh == pytest.approx(10.0)
    assert result.cooling_kwh == 0.0
    assert result.other_kwh == pytest.approx(6.0)
    assert (result.days, result.days_without_temperature) == (2, 0)


def test_heating_never_exceeds_what_the_day_used():
    readings, temperature = household()
    cold = temperature.copy()
    cold.iloc[0] = 30.0  # the model would say 30 kWh of heating; the day had 13 above base
    result = energy_breakdown(readings=readings, tz=LONDON, interval_hours=1.0, model=MODEL,
                              daily_temperature=cold)
    assert result.heating_kwh == pytest.approx(13.0)
    assert result.other_kwh == pytest.approx(3.0)  # only day 2's appliances are left


def test_without_a_model_there_is_no_heating_figure():
    readings, temperature = household()
    result = energy_breakdown(readings=readings, tz=LONDON, interval_hours=1.0, model=None,
                              daily_temperature=temperature)
    assert result.heating_kwh is None and result.cooling_kwh is None
    assert result.other_kwh == pytest.approx(16.0)


def test_a_day_without_temperature_has_no_heating_part():
    readings, temperature = household()
    result = energy_breakdown(readings=readings, tz=LONDON, interval_hours=1.0, model=MODEL,
                              daily_temperature=temperature.iloc[1:])
    assert result.heating_kwh == 0.0 and result.days_without_temperature == 1


def test_base_load_is_the_median_of_the_nightly_minima_in_local_time():
    """Summer in London (UTC+1): the night 00:00-05:59 local is 23:00-04:59 UTC. Nightly
    minima 0.2, 0.4 and 0.3 kWh per half hour -> median 0.3 -> 0.6 kW."""
    index = pd.date_range("2026-07-01T00:00+01:00", periods=3 * 48, freq="30min").tz_convert(
        "UTC")
    kwh = np.full(len(index), 2.0)
    for day, low in enumerate([0.2, 0.4, 0.3]):
        kwh[day * 48 + 5] = low  # 02:30 local
    kwh[47] = 0.01  # 23:30 local: not night
    assert base_load_kw(readings=pd.Series(kwh, index=index), tz=LONDON,
                        interval_hours=0.5) == pytest.approx(0.6)


def test_enterprise_weekday_weekend_and_out_of_hours():
    """Monday to Sunday, hourly: 5 kWh an hour 08:00-17:59 on weekdays, 1 kWh otherwise."""
    index = pd.date_range("2026-01-05", periods=7 * 24, freq="h", tz=LONDON)
    hour, weekday = index.hour, index.day_of_week < 5
    kwh = np.where(weekday & (hour >= 8) & (hour < 18), 5.0, 1.0)
    split = opening_hours_split(readings=pd.Series(kwh, index=index), tz=LONDON)
    assert (split.in_hours_kwh, split.out_of_hours_kwh) == (250.0, 70.0 + 48.0)
    assert (split.weekday_kwh, split.weekend_kwh) == (320.0, 48.0)
    assert (split.weekdays, split.weekend_days) == (5, 2)
    late = opening_hours_split(readings=pd.Series(kwh, index=index), tz=LONDON,
                               opening_hours=(time(10), time(16)))
    assert late.in_hours_kwh == 5 * 6 * 5.0


def test_bad_readings_are_refused():
    readings, temperature = household()
    with pytest.raises(InvalidReadings, match=">= 0"):
        energy_breakdown(readings=-readings, tz=LONDON, interval_hours=1.0, model=MODEL,
                         daily_temperature=temperature)
    with pytest.raises(InvalidReadings, match="no readings between 00:00 and 06:00"):
        base_load_kw(readings=readings[readings.index.hour >= 6], tz=LONDON, interval_hours=1.0)
