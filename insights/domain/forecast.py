"""Bill forecast (usage so far + the baseline for the rest of the period) and the
high-bill alert rule. Pricing the forecast is the tariff engine's job; the alert rule
takes the priced amounts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
