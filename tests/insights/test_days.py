"""Daily usage and temperature (CalTRACK 2.0 data rules), on hand-built rows."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from core.ranges import DateRange
from insights.domain.baseline import PeriodDays
from insights.domain.days import (
    FileOffsetDays,
    InvalidSeries,
    ZoneDays,
    daily_frame,
    daily_temperature,
    daily_usage,
    daily_usage_from_counts,
    utc_ns,
)

MINUS_6 = timezone(timedelta(hours=-6))
FIXED = ZoneDays(MINUS_6)


def hours(start: datetime, count: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=count, freq="h")


def one_day(values, *, day=date(2016, 3, 1), tz=MINUS_6):
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    return hours(start, len(values)), np.asarray(values, float)


def test_a_full_day_is_the_sum_of_its_hours():
    instants, kwh = one_day(np.arange(24) / 10)
    usage = daily_usage(instants=instants, kwh=kwh, days=FIXED)
    assert usage.to_dict() == {pd.Timestamp("2016-03-01"): pytest.approx(27.6)}


def test_more_than_half_present_is_scaled_up_half_or_fewer_is_missing():
    day1, kwh1 = one_day(np.ones(24), day=date(2016, 3, 1))
    day2, kwh2 = one_day(np.ones(24), day=date(2016, 3, 2))
    day3, kwh3 = one_day(np.ones(24), day=date(2016, 3, 3))
    keep = np.r_[day1[:13], day2[:12], day3[11:]]  # 13, 12 and 13 rows present
    kwh = np.full(len(keep), 2.0)
    usage = daily_usage(instants=pd.DatetimeIndex(keep), kwh=kwh, days=FIXED,
                        interval=timedelta(hours=1))
    assert usage.to_dict() == {pd.Timestamp("2016-03-01"): pytest.approx(26 * 24 / 13),
                               pd.Timestamp("2016-03-03"): pytest.approx(26 * 24 / 13)}


def test_an_empty_value_is_a_missing_hour_and_is_never_spread():
    instants, kwh = one_day(np.ones(48))  # two days
    kwh[20:36] = np.nan  # 4 hours of day 1 (present 20) and 12 of day 2 (present 12)
    usage = daily_usage(instants=instants, kwh=kwh, days=FIXED)
    assert usage.to_dict() == {pd.Timestamp("2016-03-01"): pytest.approx(24.0)}


def test_duplicate_rows_keep_the_first():
    instants, kwh = one_day(np.ones(24))
    instants = instants.append(instants[:3])
    kwh = np.r_[kwh, [100.0, 100.0, 100.0]]
    usage = daily_usage(instants=instants, kwh=kwh, days=FIXED)
    assert usage.iloc[0] == pytest.approx(24.0)
    later_first = daily_usage(instants=instants[::-1], kwh=kwh[::-1], days=FIXED)
    assert later_first.iloc[0] == pytest.approx(21.0 + 300.0)


def test_the_same_rule_on_daily_totals_and_counts():
    """What the metering daily rollups hold: per day kWh, intervals present, in the day."""
    result = daily_usage_from_counts(kwh=[[24.0, 13.0, 12.0], [46.0, 25.0, 0.0]],
                                     intervals_present=[[24, 13, 12], [46, 26, 0]],
                                     intervals_in_day=[[24, 24, 24], [46, 50, 48]])
    assert result[0].tolist()[:2] == [24.0, 24.0] and np.isnan(result[0, 2])
    assert result[1, 0] == 46.0 and result[1, 1] == pytest.approx(25 * 50 / 26)
    assert np.isnan(result[1, 2])


def test_the_interval_is_read_from_the_rows():
    start = datetime(2016, 3, 1, tzinfo=MINUS_6)
    half_hours = pd.date_range(start, periods=48, freq="30min")
    usage = daily_usage(instants=half_hours[:30], kwh=np.ones(30), days=FIXED)
    assert usage.iloc[0] == pytest.approx(30 * 48 / 30)
    daily_rows = pd.date_range(start, periods=3, freq="D")
    usage = daily_usage(instants=daily_rows, kwh=[5.0, 6.0, 7.0], days=FIXED)
    assert usage.tolist() == [5.0, 6.0, 7.0]


def test_daylight_saving_days_have_23_and_25_intervals():
    chicago = ZoneInfo("America/Chicago")
    spring = pd.date_range(datetime(2016, 3, 13, tzinfo=chicago),
                           datetime(2016, 3, 14, tzinfo=chicago), freq="h", inclusive="left")
    autumn = pd.date_range(datetime(2016, 11, 6, tzinfo=chicago),
                           datetime(2016, 11, 7, tzinfo=chicago), freq="h", inclusive="left")
    assert (len(spring), len(autumn)) == (23, 25)
    instants = spring.append(autumn)
    usage = daily_usage(instants=instants, kwh=np.ones(48), days=ZoneDays(chicago))
    assert usage.tolist() == [23.0, 25.0]  # complete days: not scaled to 24
    # 12 of the spring day's 23 hours is more than half; 12 of the autumn day's 25 is not.
    usage = daily_usage(instants=spring[:12].append(autumn[:12]), kwh=np.ones(24),
                        days=ZoneDays(chicago), interval=timedelta(hours=1))
    assert usage.to_dict() == {pd.Timestamp("2016-03-13"): pytest.approx(23.0)}


def test_a_files_own_offsets_give_its_local_days_even_when_they_change():
    """Rows stamped -06:00 in winter and -05:00 in summer: each lands on its own date, and
    the day the clocks go forward has 23 hours."""
    winter = pd.date_range("2016-03-12T00:00-06:00", periods=26, freq="h")  # to 03-13 01:00
    summer = pd.date_range("2016-03-13T08:00Z", periods=40, freq="h")  # 03:00-05:00 onward
    instants = winter.tz_convert("UTC").append(summer)
    offsets = np.r_[np.full(26, -6 * 3600), np.full(40, -5 * 3600)]
    days = FileOffsetDays.from_rows(instants_ns=utc_ns(instants), offsets_s=offsets)
    assert days.day_seconds(np.array(["2016-03-12", "2016-03-13", "2016-03-14"],
                                     dtype="datetime64[D]")).tolist() == [86400, 82800, 86400]
    usage = daily_usage(instants=instants, kwh=np.ones(66), days=days)
    assert usage.to_dict() == {pd.Timestamp("2016-03-12"): 24.0,
                               pd.Timestamp("2016-03-13"): 23.0,
                               pd.Timestamp("2016-03-14"): pytest.approx(19 * 24 / 19)}


def test_temperature_is_the_mean_of_the_hours_present_on_the_usage_files_days():
    """The temperature rows are in UTC; the usage file's days are -06:00 days, so the first
    six UTC hours of 2 March belong to 1 March."""
    utc_hours = pd.date_range("2016-03-01T00:00Z", periods=48, freq="h")
    degrees = np.r_[np.full(6, 10.0), np.full(24, 40.0), np.full(18, 70.0)]
    degrees[7] = 63.0
    degrees[10] = np.nan  # a missing hour is left out of the mean, not counted as 0
    means = daily_temperature(instants=utc_hours, temperature=degrees, days=FIXED)
    assert means.to_dict() == {
        pd.Timestamp("2016-02-29"): 10.0,  # 00:00-05:59 UTC on 1 March
        pd.Timestamp("2016-03-01"): pytest.approx((22 * 40.0 + 63.0) / 23),
        pd.Timestamp("2016-03-02"): 70.0,  # 06:00 UTC on 2 March onward
    }


def test_temperatures_are_not_rounded():
    instants, _ = one_day(np.zeros(24))
    degrees = np.full(24, 50.0)
    degrees[0] = 50.0001
    assert daily_temperature(instants=instants, temperature=degrees,
                             days=FIXED).iloc[0] == pytest.approx(50.0 + 0.0001 / 24, abs=1e-12)


def test_periods_are_half_open_and_a_leap_year_has_366_days():
    dates = pd.date_range("2015-12-30", "2017-01-02", freq="D")
    frame = daily_frame(usage=pd.Series(1.0, index=dates), temperature=pd.Series(50.0,
                                                                                 index=dates))
    year = PeriodDays.of(frame, DateRange(date(2016, 1, 1), date(2017, 1, 1)))
    assert year.days_with_both == 366
    assert year.observed_kwh == 366.0


def test_only_days_with_both_usage_and_temperature_count():
    dates = pd.date_range("2016-01-01", periods=10, freq="D")
    usage = pd.Series(np.arange(10.0), index=dates).drop(dates[[1, 2]])
    temperature = pd.Series(50.0, index=dates).drop(dates[[2, 5]])
    days = PeriodDays.of(daily_frame(usage=usage, temperature=temperature),
                         DateRange(date(2016, 1, 1), date(2016, 1, 11)))
    assert (days.days_with_usage, days.days_with_temperature, days.days_with_both) == (8, 8, 7)
    assert days.observed_kwh == sum(range(10)) - 1 - 2 - 5


def test_bad_series_are_refused_with_the_reason():
    instants, kwh = one_day(np.ones(24))
    with pytest.raises(InvalidSeries, match="timezone-aware"):
        daily_usage(instants=instants.tz_localize(None), kwh=kwh, days=FIXED)
    with pytest.raises(InvalidSeries, match=">= 0"):
        daily_usage(instants=instants, kwh=-kwh, days=FIXED)
    with pytest.raises(InvalidSeries, match="24 interval starts but 3"):
        daily_usage(instants=instants, kwh=kwh[:3], days=FIXED)
    with pytest.raises(InvalidSeries, match="interval length"):
        daily_usage(instants=instants[:1], kwh=kwh[:1], days=FIXED)
