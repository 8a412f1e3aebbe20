"""Generator expectations: monthly yield profile, performance, availability, the alert."""
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from cooperatives.domain import (
    availability,
    daily_totals,
    expected_from_monthly_profile,
    low_output_alerts,
    performance_index,
    performance_ratio,
)
from cooperatives.domain.expectations import InvalidExpectation

ZONE = "Europe/Madrid"
PROFILE = [60, 80, 120, 150, 170, 180, 190, 170, 130, 100, 70, 55]  # kWh per kW per month


def test_a_month_of_intervals_adds_up_to_capacity_times_the_months_yield():
    # March 2026 in Madrid has 743 hours (the clocks go forward on the 29th): 1486 half-hours
    starts = pd.date_range("2026-03-01", "2026-04-01", freq="30min", tz=ZONE, inclusive="left")
    expected = expected_from_monthly_profile(
        capacity_kw=10, kwh_per_kw_by_month=PROFILE, interval_starts=starts,
        interval=timedelta(minutes=30), time_zone=ZONE)
    assert len(expected) == 1486
    assert expected.sum() == pytest.approx(10 * 120)
    assert expected.iloc[0] == pytest.approx(1200 / 743 / 2)


def test_a_shape_moves_energy_within_the_month_but_keeps_its_total():
    starts = pd.date_range("2026-06-01", "2026-07-01", freq="h", tz=ZONE, inclusive="left")
    daylight = ((starts.hour >= 8) & (starts.hour < 20)).astype(float)
    expected = expected_from_monthly_profile(
        capacity_kw=2, kwh_per_kw_by_month=PROFILE, interval_starts=starts,
        interval=timedelta(hours=1), time_zone=ZONE, shape=daylight)
    assert expected.sum() == pytest.approx(2 * 180)
    assert expected[starts.hour == 3].sum() == 0
    assert expected[starts.hour == 12].iloc[0] == pytest.approx(360 / 360)  # 30 days x 12 h


def test_a_profile_without_twelve_months_is_refused():
    with pytest.raises(InvalidExpectation, match="12 numbers >= 0"):
        expected_from_monthly_profile(
            capacity_kw=1, kwh_per_kw_by_month=PROFILE[:11],
            interval_starts=pd.date_range("2026-01-01", periods=2, freq="h", tz=ZONE),
            interval=timedelta(hours=1), time_zone=ZONE)


def test_daily_totals_follow_local_days():
    starts = pd.date_range("2026-05-04 22:00", periods=4, freq="h", tz=ZONE)
    totals = daily_totals(kwh=pd.Series([1.0, 2.0, 3.0, 4.0], index=starts), time_zone=ZONE)
    assert totals.to_dict() == {date(2026, 5, 4): 3.0, date(2026, 5, 5): 7.0}


def test_performance_index_and_ratio():
    starts = pd.date_range("2026-05-04", periods=3, freq="h", tz=ZONE)
    assert performance_index(actual_kwh=pd.Series([1.0, 2.0, 0.5], index=starts),
                             expected_kwh=pd.Series([2.0, 2.0, 1.0], index=starts)) == \
        Decimal("0.7000")
    # 400 kWh from 10 kWp is 40 kWh/kWp; 50 kWh/m² of insolation: PR 0.8
    assert performance_ratio(actual_kwh=400, capacity_kw=10, poa_insolation_kwh_per_m2=50) == \
        Decimal("0.8000")
    assert performance_ratio(actual_kwh=0, capacity_kw=10, poa_insolation_kwh_per_m2=0) is None


def test_availability_counts_zero_output_when_output_was_expected():
    # two days of hourly data: output expected 08:00-20:00 (12 h a day, 24 in all); the
    # plant is down from 18:00 on day one to 10:00 on day two: 2 + 2 hours down, one outage
    # across the night (nothing was expected then).
    starts = pd.date_range("2026-05-04", periods=48, freq="h", tz=ZONE)
    hours = starts.hour
    expected = pd.Series(np.where((hours >= 8) & (hours < 20), 1.0, 0.0), index=starts)
    actual = expected.copy()
    actual.iloc[18:20] = 0.0
    actual.iloc[32:34] = 0.0
    result = availability(actual_kwh=actual, expected_kwh=expected, interval=timedelta(hours=1))
    assert (result.expected_intervals, result.down_intervals, result.ratio) == (
        24, 4, Decimal("0.8333"))
    assert [(o.start.isoformat(), o.end.isoformat(), o.intervals) for o in result.outages] == [
        ("2026-05-04T18:00:00+02:00", "2026-05-05T10:00:00+02:00", 4)]


def test_three_days_below_half_raise_one_alert_per_run():
    days = [date(2026, 6, 1) + timedelta(days=i) for i in range(12)]
    expected = pd.Series(10.0, index=days)
    actual = pd.Series([10, 4, 4, 4.9, 10, 3, 3, 10, 2, 2, 2, 2], index=days, dtype=float)
    alerts = low_output_alerts(daily_actual=actual, daily_expected=expected)
    assert [(a.first_day.day, a.last_day.day, a.actual_kwh, a.expected_kwh) for a in alerts] == [
        (2, 4, Decimal("12.9000"), Decimal("30.0000")),
        (9, 12, Decimal("8.0000"), Decimal("40.0000")),
    ]


def test_exactly_half_or_a_missing_day_does_not_alert():
    days = [date(2026, 6, 1) + timedelta(days=i) for i in range(4)]
    expected = pd.Series(10.0, index=days)
    assert low_output_alerts(daily_actual=pd.Series([5.0, 5.0, 5.0, 5.0], index=days),
                             daily_expected=expected) == []
    assert low_output_alerts(daily_actual=pd.Series([1.0, 1.0, np.nan, 1.0], index=days),
                             daily_expected=expected) == []
