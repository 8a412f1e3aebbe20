"""Bill forecast (usage so far + the baseline for the rest of the period) and the
high-bill alert rule. Pricing the forecast is the tariff engine's job; the alert rule
takes the priced amounts.

- `bill_forecast`: kWh per day (measured days, the model for the others);
- `interval_forecast`: kWh per interval of the period, what the engine prices: the
  intervals measured so far as read, every other interval the model's kWh for its day
  shaped over the day by the customer's typical day (`day_shares`);
- `expected_market_prices`: for a dynamic tariff, the market prices of intervals not
  published yet, as the mean of the recent prices at the same time of day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from decimal import Decimal

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.ranges import DateRange

from .caltrack import BaselineModel
from .days import period_dates
from .sufficiency import InsufficientData


class InvalidAlertRule(GridlineError):
    code = "invalid_alert_rule"


@dataclass(frozen=True)
class BillForecast:
    period: DateRange
    on: date  # the first day not measured yet
    measured_days: int
    measured_kwh: float
    predicted_days: int  # the days still to come, and past days without usage
    predicted_kwh: float
    daily_kwh: pd.Series  # every day of the period, measured or predicted

    @property
    def total_kwh(self) -> float:
        return self.measured_kwh + self.predicted_kwh


def bill_forecast(
    *, model: BaselineModel, period: DateRange, on: date, daily_usage: pd.Series,
    daily_temperature: pd.Series,
) -> BillForecast:
    """Measured kWh for the days of `period` before `on` that have usage; the model's kWh
    for every other day, at that day's temperature (actual for past days, a forecast or the
    normal for days to come: the caller chooses). A day to predict without a temperature
    makes the forecast impossible (InsufficientData), never a guess."""
    dates = period_dates(period)
    usage = daily_usage.reindex(dates).to_numpy(dtype=float)
    measured = (dates < pd.Timestamp(on)) & ~np.isnan(usage)
    temperature = daily_temperature.reindex(dates).to_numpy(dtype=float)
    to_predict = ~measured
    lacking = to_predict & np.isnan(temperature)
    if lacking.any():
        first = dates[lacking][0].date()
        raise InsufficientData(f"{int(lacking.sum())} day(s) to forecast have no temperature "
                               f"(the first is {first})")
    daily = np.where(measured, usage, model.predict(np.where(measured, 0.0, temperature)))
    return BillForecast(
        period=period, on=on, measured_days=int(measured.sum()),
        measured_kwh=float(usage[measured].sum()), predicted_days=int(to_predict.sum()),
        predicted_kwh=float(daily[to_predict].sum()),
        daily_kwh=pd.Series(daily, index=dates, name="kwh"),
    )


def day_shares(*, day: np.ndarray, minute: np.ndarray, typical_day: np.ndarray | None,
               interval_minutes: int) -> np.ndarray:
    """Each interval's share of its local day's kWh: the customer's typical day (mean kWh
    per slot of the day) at the interval's slot, over the sum for the intervals that day
    actually has (46 or 50 half-hours on clock-change days, so a day's shares always add
    up to 1). An even share without a complete typical day or where it sums to zero.
    `day[i]`: the interval's local day (ascending index), `minute[i]`: its local minute."""
    day = np.asarray(day, dtype=np.int64)
    counts = np.bincount(day)
    even = 1.0 / counts[day]
    if typical_day is None or np.isnan(typical_day).any() or np.sum(typical_day) <= 0:
        return even
    weights = np.asarray(typical_day, dtype=float)[np.asarray(minute) // interval_minutes]
    totals = np.bincount(day, weights=weights)[day]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, weights / totals, even)


@dataclass(frozen=True)
class IntervalForecast:
    kwh: np.ndarray  # per interval of the period: read or predicted
    measured: np.ndarray  # per interval: read before `on`
    measured_kwh: float
    predicted_kwh: float
    measured_days: int  # days of the period with every interval read
    predicted_days: int  # days with at least one interval predicted

    @property
    def total_kwh(self) -> float:
        return self.measured_kwh + self.predicted_kwh


def interval_forecast(
    *, model: BaselineModel, so_far: np.ndarray, past: np.ndarray, day: np.ndarray,
    dates: pd.DatetimeIndex, shares: np.ndarray, daily_temperature: pd.Series | np.ndarray,
) -> IntervalForecast:
    """The period's kWh per interval. An interval before `on` (`past[i]`) with a reading
    (`so_far[i]`, NaN = none) keeps it; every other interval gets the model's kWh for its
    local day (`day[i]` indexes `dates`) at that day's temperature (`daily_temperature`:
    actual for past days, a forecast or the normal for days to come: the caller chooses; a
    Series by local date, or an array already on `dates`) × its share of the day
    (`day_shares`). A day with an interval to predict but no temperature makes the
    forecast impossible (InsufficientData), never a guess."""
    day = np.asarray(day, dtype=np.int64)
    measured = np.asarray(past, dtype=bool) & ~np.isnan(so_far)
    to_predict = np.bincount(day[~measured], minlength=len(dates)) > 0
    if isinstance(daily_temperature, np.ndarray):  # the nightly job's, one per region
        temperature = daily_temperature.astype(float, copy=False)
    else:
        temperature = daily_temperature.reindex(dates).to_numpy(dtype=float)
    lacking = to_predict & np.isnan(temperature)
    if lacking.any():
        first = dates[lacking][0].date()
        raise InsufficientData(f"{int(lacking.sum())} day(s) to forecast have no temperature "
                               f"(the first is {first})")
    day_kwh = model.predict(np.where(to_predict, temperature, 0.0))
    kwh = np.where(measured, so_far, day_kwh[day] * shares)
    has_intervals = np.bincount(day, minlength=len(dates)) > 0
    return IntervalForecast(
        kwh=kwh, measured=measured, measured_kwh=float(kwh[measured].sum()),
        predicted_kwh=float(kwh[~measured].sum()),
        measured_days=int((has_intervals & ~to_predict).sum()),
        predicted_days=int(to_predict.sum()))


def expected_market_prices(*, known: pd.Series, starts: pd.DatetimeIndex, tz: tzinfo,
                           days: int = 28) -> pd.Series:
    """Market prices on `starts` (tz-aware interval starts): the known price where there
    is one, otherwise the mean of the known prices of the last `days` days at the same
    local time of day (NaN where there is none: pricing then refuses)."""
    known = known.dropna()
    on_grid = known.reindex(starts)
    if known.empty or not on_grid.isna().any():
        return on_grid
    recent = known[known.index >= known.index.max() - pd.Timedelta(days=days)]
    local = recent.index.tz_convert(tz)
    by_minute = recent.groupby(np.asarray(local.hour * 60 + local.minute)).mean()
    wanted = starts.tz_convert(tz)
    expected = by_minute.reindex(np.asarray(wanted.hour * 60 + wanted.minute)).to_numpy()
    return on_grid.fillna(pd.Series(expected, index=starts))


@dataclass(frozen=True)
class AlertDecision:
    send: bool
    reason: str


def high_bill_alert(
    *, forecast_amount: Decimal, threshold: Decimal | None = None,
    last_year_amount: Decimal | None = None, percentage: Decimal | None = None,
    already_alerted: bool,
) -> AlertDecision:
    """Whether to alert: at most once per period (`already_alerted` comes from the stored
    alerts of this period), when the forecast exceeds the customer's threshold, or last
    year's amount for the same period by more than `percentage` percent."""
    if last_year_amount is not None and percentage is None:
        raise InvalidAlertRule("comparing with last year needs a percentage")
    if percentage is not None and percentage < 0:
        raise InvalidAlertRule("the percentage must be >= 0")
    if already_alerted:
        return AlertDecision(send=False, reason="already alerted for this period")
    if threshold is not None and forecast_amount > threshold:
        return AlertDecision(send=True, reason=f"the forecast {forecast_amount} is above "
                                               f"your threshold {threshold}")
    if last_year_amount is not None:
        limit = last_year_amount * (1 + percentage / 100)
        if forecast_amount > limit:
            return AlertDecision(
                send=True, reason=f"the forecast {forecast_amount} is more than {percentage}% "
                                  f"above last year's {last_year_amount} for this period")
    return AlertDecision(send=False, reason="the forecast is within the limits")
