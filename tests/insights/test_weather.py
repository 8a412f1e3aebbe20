"""Weather-normalised usage and "this period vs last year, and the weather's part"."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.ranges import DateRange
from insights.domain.caltrack import BaselineModel
from insights.domain.sufficiency import InsufficientData
from insights.domain.weather import (
    normal_temperatures,
    period_comparison,
    same_period_last_year,
    weather_normalised_kwh,
)

MODEL = BaselineModel(kind="hdd_only", intercept_kwh_per_day=5.0, beta_hdd=2.0,
                      heating_balance_point=60)


def test_normals_are_each_calendar_days_mean_over_the_years():
    dates = pd.date_range("2021-01-01", "2023-12-31", freq="D")
    history = pd.Series(10.0 * (dates.year - 2020), index=dates)  # 10, 20, 30 °F
    history[pd.Timestamp("2022-03-05")] = np.nan  # a missing day is left out
    normals = normal_temperatures(daily_temperature=history,
                                  period=DateRange(date(2024, 2, 28), date(2024, 3, 6)))
    assert normals.loc["2024-02-28"] == 20.0
    assert normals.loc["2024-02-29"] == 20.0  # no 29 February in history: 28 Feb and 1 Mar
    assert normals.loc["2024-03-05"] == 20.0  # (10 + 30) / 2
    assert len(normals) == 7


def test_weather_normalised_usage_applies_the_model_to_normal_weather():
    normals = pd.Series([40.0, 50.0, 70.0])
    assert weather_normalised_kwh(model=MODEL, normal_temperature=normals) == (
        5 + 2 * 20 + 5 + 2 * 10 + 5)
    with pytest.raises(InsufficientData, match="1 of the 3 days have no normal temperature"):
        weather_normalised_kwh(model=MODEL, normal_temperature=pd.Series([40.0, np.nan, 1.0]))


def two_januaries(extra_kwh_per_day=0.0):
    """January 2025 at 30 °F, January 2026 at 20 °F (colder); usage follows the model,
    plus `extra_kwh_per_day` in 2026."""
    last = pd.date_range("2025-01-01", periods=31, freq="D")
    this = pd.date_range("2026-01-01", periods=31, freq="D")
    index = last.append(this).rename("date")
    t = np.r_[np.full(31, 30.0), np.full(31, 20.0)]
    kwh = MODEL.predict(t) + np.r_[np.zeros(31), np.full(31, extra_kwh_per_day)]
    return pd.DataFrame({"kwh": kwh, "temperature": t}, index=index)


JANUARY_2026 = DateRange(date(2026, 1, 1), date(2026, 2, 1))


def test_a_colder_month_with_the_same_habits_is_all_weather():
    result = period_comparison(model=MODEL, daily=two_januaries(), period=JANUARY_2026)
    assert result.earlier == DateRange(date(2025, 1, 1), date(2025, 2, 1))
    assert result.change_kwh == pytest.approx(31 * 2 * 10)  # 10 more HDD a day, 2 kWh each
    assert result.weather_kwh == pytest.approx(31 * 2 * 10)
    assert result.other_kwh == pytest.approx(0.0, abs=1e-9)


def test_what_the_customer_changed_is_what_the_weather_does_not_explain():
    result = period_comparison(model=MODEL, daily=two_januaries(3.0), period=JANUARY_2026)
    assert result.change_kwh == pytest.approx(31 * (20 + 3))
    assert result.weather_kwh == pytest.approx(31 * 20)
    assert result.other_kwh == pytest.approx(31 * 3)


def test_missing_days_count_per_day_not_as_a_drop():
    frame = two_januaries()
    frame.loc[pd.Timestamp("2026-01-10"), "kwh"] = np.nan  # 30 of 31 days: 96.8%
    result = period_comparison(model=MODEL, daily=frame, period=JANUARY_2026)
    assert result.valid_days == 30
    assert result.other_kwh == pytest.approx(0.0, abs=1e-9)


def test_an_incomplete_period_gives_the_reason():
    frame = two_januaries()
    frame.loc[pd.date_range("2025-01-01", periods=4, freq="D"), "temperature"] = np.nan
    with pytest.raises(InsufficientData, match=r"only 27 of the 31 days of the earlier period "
                                               r"\[2025-01-01, 2025-02-01\)"):
        period_comparison(model=MODEL, daily=frame, period=JANUARY_2026)


def test_last_year_of_a_leap_day_is_the_28th():
    assert same_period_last_year(DateRange(date(2024, 2, 29), date(2024, 3, 31))) == DateRange(
        date(2023, 2, 28), date(2023, 3, 31))
