"""What a generator should have produced, and how its actual output compares.

- Expected yield from a monthly profile in kWh per kW of capacity (the figure installers and
  PVGIS give): a month's kWh = capacity x profile[month], spread over the month's hours
  (evenly, or following a shape such as a clear-sky curve for PV, see pv_model.py).
- Performance index: actual ÷ expected over the same intervals. Performance ratio (IEC
  61724-1, PV): (actual kWh ÷ kWp) ÷ (plane-of-array insolation kWh/m² ÷ 1 kW/m²).
- Availability: the share of intervals where output was expected (expected > threshold)
  that had output (> 0); outages are the runs of zero output, a run continuing across
  intervals where nothing was expected (a PV plant down for two days is one outage, not two).
- The low-output alert: a generator produced less than half its expected output on each of
  three consecutive local days. One alert per run of such days; a day without data breaks a
  run (a missing reading is metering's alert, not this one).
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from core.errors import GridlineError

RATIO_STEP = Decimal("0.0001")


class InvalidExpectation(GridlineError):
    code = "invalid_expectation"


def _interval_index(interval_starts, *, what: str = "interval starts") -> pd.DatetimeIndex:
    if not isinstance(interval_starts, pd.DatetimeIndex) or interval_starts.tz is None:
        raise InvalidExpectation(f"{what} must be a timezone-aware DatetimeIndex")
    return interval_starts


def _monthly_profile(kwh_per_kw_by_month: Sequence[float]) -> np.ndarray:
    profile = np.asarray(kwh_per_kw_by_month, dtype=np.float64)
    if profile.shape != (12,) or not np.isfinite(profile).all() or (profile < 0).any():
        raise InvalidExpectation(
            "the monthly profile needs 12 numbers >= 0 (kWh per kW, January to December)"
        )
    return profile


def expected_from_monthly_profile(
    *, capacity_kw: float, kwh_per_kw_by_month: Sequence[float], interval_starts,
    interval: timedelta, time_zone: str, shape: np.ndarray | None = None,
) -> pd.Series:
    """Expected kWh per interval: each local month's yield at the month's average hourly rate,
    weighted by `shape` (>= 0 per interval, e.g. clear-sky irradiance) within the month."""
    starts = _interval_index(interval_starts)
    profile = _monthly_profile(kwh_per_kw_by_month)
    if not capacity_kw > 0:
        raise InvalidExpectation(f"capacity must be positive, got {capacity_kw!r} kW")
    local = starts.tz_convert(time_zone)
    month_start = local.tz_localize(None).to_period("M").to_timestamp()
    month_hours = _month_hours(month_start, time_zone)
    rate = capacity_kw * profile[local.month - 1] / month_hours * (interval / timedelta(hours=1))
    if shape is not None:
        weights = np.asarray(shape, dtype=np.float64)
        if weights.shape != (len(starts),) or (weights < 0).any() or ~np.isfinite(weights).all():
            raise InvalidExpectation("shape needs one number >= 0 per interval")
        mean = pd.Series(weights).groupby(np.asarray(month_start)).transform("mean").to_numpy()
        rate = np.where(mean > 0, rate * weights / np.where(mean > 0, mean, 1), 0.0)
    return pd.Series(rate, index=starts, name="expected_kwh")


def _month_hours(month_start: pd.DatetimeIndex, time_zone: str) -> np.ndarray:
    hours = {}
    for month in month_start.unique():
        begin = pd.Timestamp(month).tz_localize(time_zone)
        end = pd.Timestamp(month + pd.offsets.MonthBegin(1)).tz_localize(time_zone)
        hours[month] = (end - begin) / pd.Timedelta(hours=1)
    return np.array([hours[m] for m in month_start])


def daily_totals(*, kwh: pd.Series, time_zone: str) -> pd.Series:
    """Interval kWh summed per local day (index: `datetime.date`)."""
    starts = _interval_index(kwh.index, what="the series' index")
    days = starts.tz_convert(time_zone).date
    return kwh.groupby(days).sum(min_count=1)


def _aligned(actual: pd.Series, expected: pd.Series) -> None:
    if not actual.index.equals(expected.index):
        raise InvalidExpectation("actual and expected output must cover the same intervals")


def performance_index(*, actual_kwh: pd.Series, expected_kwh: pd.Series) -> Decimal | None:
    """Σ actual ÷ Σ expected over the intervals both know (None when nothing was expected)."""
    _aligned(actual_kwh, expected_kwh)
    known = actual_kwh.notna() & expected_kwh.notna()
    expected = float(expected_kwh[known].sum())
    if expected <= 0:
        return None
    return Decimal(repr(float(actual_kwh[known].sum()) / expected)).quantize(RATIO_STEP)


def performance_ratio(
    *, actual_kwh: float, capacity_kw: float, poa_insolation_kwh_per_m2: float
) -> Decimal | None:
    """IEC 61724-1 PR: final yield (kWh/kWp) ÷ reference yield (insolation ÷ 1 kW/m²)."""
    if not capacity_kw > 0:
        raise InvalidExpectation(f"capacity must be positive, got {capacity_kw!r} kW")
    if not poa_insolation_kwh_per_m2 > 0:
        return None
    ratio = (actual_kwh / capacity_kw) / poa_insolation_kwh_per_m2
    return Decimal(repr(float(ratio))).quantize(RATIO_STEP)


@dataclass(frozen=True)
class Outage:
    start: datetime  # the first interval with no output
    end: datetime  # the end of the last one: [start, end)
    intervals: int


@dataclass(frozen=True)
class Availability:
    ratio: Decimal | None  # None when no output was expected at all
    expected_intervals: int
    down_intervals: int
    outages: tuple[Outage, ...]


def availability(
    *, actual_kwh: pd.Series, expected_kwh: pd.Series, interval: timedelta,
    min_expected_kwh: float = 0.0,
) -> Availability:
    """Intervals with zero output when more than `min_expected_kwh` was expected."""
    _aligned(actual_kwh, expected_kwh)
    starts = _interval_index(actual_kwh.index)
    expected = ((expected_kwh.to_numpy(dtype=np.float64) > min_expected_kwh)
                & actual_kwh.notna().to_numpy())
    down = expected & (actual_kwh.to_numpy(dtype=np.float64) <= 0)
    outages = []
    run_first = run_last = None
    count = 0
    for position in np.flatnonzero(expected):
        if down[position]:
            if run_first is None:
                run_first, count = position, 0
            run_last, count = position, count + 1
        elif run_first is not None:
            outages.append(Outage(start=starts[run_first].to_pydatetime(),
                                  end=(starts[run_last] + interval).to_pydatetime(),
                                  intervals=count))
            run_first = None
    if run_first is not None:
        outages.append(Outage(start=starts[run_first].to_pydatetime(),
                              end=(starts[run_last] + interval).to_pydatetime(), intervals=count))
    expected_count = int(expected.sum())
    down_count = int(down.sum())
    ratio = None
    if expected_count:
        ratio = (Decimal(expected_count - down_count) / expected_count).quantize(RATIO_STEP)
    return Availability(ratio=ratio, expected_intervals=expected_count,
                        down_intervals=down_count, outages=tuple(outages))


@dataclass(frozen=True)
class LowOutputAlert:
    first_day: date
    last_day: date
    actual_kwh: Decimal
    expected_kwh: Decimal


def low_output_alerts(
    *, daily_actual: pd.Series, daily_expected: pd.Series, fraction: float = 0.5,
    days: int = 3,
) -> list[LowOutputAlert]:
    """Runs of at least `days` consecutive days each below `fraction` of expected."""
    if not 0 < fraction <= 1 or days < 1:
        raise InvalidExpectation("fraction must be in (0, 1] and days at least 1")
    if not daily_actual.index.equals(daily_expected.index):
        raise InvalidExpectation("daily actual and expected output must cover the same days")
    alerts = []
    run: list[date] = []

    def close():
        if len(run) >= days:
            alerts.append(LowOutputAlert(
                first_day=run[0], last_day=run[-1],
                actual_kwh=Decimal(repr(float(daily_actual[run].sum()))).quantize(RATIO_STEP),
                expected_kwh=Decimal(repr(float(daily_expected[run].sum()))).quantize(
                    RATIO_STEP),
            ))
        run.clear()

    for day in sorted(daily_actual.index):
        actual, expected = daily_actual[day], daily_expected[day]
        low = (pd.notna(actual) and pd.notna(expected) and expected > 0
               and actual < fraction * expected)
        if run and (not low or day != run[-1] + timedelta(days=1)):
            close()
        if low:
            run.append(day)
    close()
    return alerts
