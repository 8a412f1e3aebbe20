"""Weather-normalised usage, and "this period vs the same period last year, and how much of
the difference was the weather".

Both apply a sufficient baseline model (see `baseline.BaselineFit.usable_model`) to
temperatures: normal ones (the mean of each calendar day over past years) or the two
periods' actual ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core.ranges import DateRange

from .baseline import DailyArrays, PeriodDays
from .caltrack import BaselineModel
from .days import period_dates
from .sufficiency import InsufficientData, coverage_reasons


def normal_temperatures(*, daily_temperature: pd.Series, period: DateRange) -> pd.Series:
    """For each date of `period`, the mean temperature of that calendar day over the
    history given (a 29 February without history takes the mean of 28 February and
    1 March). NaN where the history has no such day."""
    history = daily_temperature.dropna()
    by_day = history.groupby([history.index.month, history.index.day]).mean()
    dates = period_dates(period)
    keys = list(zip(dates.month, dates.day, strict=True))
    normals = by_day.reindex(pd.MultiIndex.from_tuples(keys)).to_numpy(dtype=float, copy=True)
    leap = [i for i, key in enumerate(keys) if key == (2, 29) and np.isnan(normals[i])]
    if leap:
        around = by_day.reindex(pd.MultiIndex.from_tuples([(2, 28), (3, 1)])).to_numpy(float)
        normals[leap] = np.nan if np.isnan(around).any() else around.mean()
    return pd.Series(normals, index=dates, name="temperature")


def weather_normalised_kwh(*, model: BaselineModel, normal_temperature: pd.Series) -> float:
    """What the customer would use in a period of normal weather (every day needs a normal
    temperature)."""
    values = normal_temperature.to_numpy(dtype=float)
    if len(values) == 0 or np.isnan(values).any():
        missing = int(np.isnan(values).sum())
        raise InsufficientData(f"{missing} of the {len(values)} days have no normal "
                               "temperature: not enough weather history")
    return float(model.predict(values).sum())


def same_period_last_year(period: DateRange) -> DateRange:
    """The same dates a year earlier (29 February becomes 28 February)."""
    return DateRange(_year_earlier(period.start), _year_earlier(period.end))


def _year_earlier(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class PeriodComparison:
    """This period against an earlier one, per valid day (days with both usage and
    temperature) and scaled to this period's length, so that missing days and a leap day
    do not count as a change:

    change_kwh = (this kWh/day - earlier kWh/day) * days in this period
    weather_kwh = (model's kWh/day for this weather - for the earlier weather) * days
    other_kwh = change_kwh - weather_kwh  (what the customer changed)
    """

    period: DateRange
    earlier: DateRange
    days: int  # days in this period
    valid_days: int
    earlier_valid_days: int
    kwh_per_day: float
    earlier_kwh_per_day: float
    predicted_kwh_per_day: float
    earlier_predicted_kwh_per_day: float

    @property
    def change_kwh(self) -> float:
        return (self.kwh_per_day - self.earlier_kwh_per_day) * self.days

    @property
    def weather_kwh(self) -> float:
        return (self.predicted_kwh_per_day - self.earlier_predicted_kwh_per_day) * self.days

    @property
    def other_kwh(self) -> float:
        return self.change_kwh - self.weather_kwh


def period_comparison(
    *, model: BaselineModel, daily: pd.DataFrame | DailyArrays, period: DateRange,
    earlier: DateRange | None = None,
) -> PeriodComparison:
    """`period` against `earlier` (default: the same period last year). Each needs at least
    90% of its days with both usage and temperature, else InsufficientData says which."""
    earlier = earlier or same_period_last_year(period)
    this_days, earlier_days = PeriodDays.of(daily, period), PeriodDays.of(daily, earlier)
    reasons = []
    for name, days in (("this", this_days), ("earlier", earlier_days)):
        reasons += coverage_reasons(
            what=name, period=days.period, days_with_usage=days.days_with_usage,
            days_with_temperature=days.days_with_temperature,
            days_with_both=days.days_with_both,
        )
    if reasons:
        raise InsufficientData("; ".join(reasons))

    def per_day(days: PeriodDays):
        valid = days.valid
        return (float(days.kwh[valid].mean()),
                float(model.predict(days.temperature[valid]).mean()), int(valid.sum()))

    kwh, predicted, valid = per_day(this_days)
    earlier_kwh, earlier_predicted, earlier_valid = per_day(earlier_days)
    return PeriodComparison(
        period=period, earlier=earlier, days=period.days, valid_days=valid,
        earlier_valid_days=earlier_valid, kwh_per_day=kwh, earlier_kwh_per_day=earlier_kwh,
        predicted_kwh_per_day=predicted, earlier_predicted_kwh_per_day=earlier_predicted,
    )
