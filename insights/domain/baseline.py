"""The baseline of one customer: sufficiency, the CalTRACK 2.0 fit, reporting figures.

Input is a daily frame (`days.daily_frame`): one row per local date, `kwh` and
`temperature` (°F), NaN where missing; or the same as `DailyArrays` over gap-free dates.
Only days with both count, in the baseline and in the reporting period alike; periods are
half-open local dates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core.ranges import DateRange

from .caltrack import BaselineModel, fit_baseline_model, fit_baseline_models
from .days import period_dates
from .sufficiency import InsufficientData, baseline_reasons


@dataclass(frozen=True)
class DailyArrays:
    """The daily frame as two arrays over gap-free dates from `first` (NaN where missing):
    what the nightly job holds per customer, without building a DataFrame for each. The
    functions here take either."""

    first: date
    kwh: np.ndarray
    temperature: np.ndarray

    def positions(self, period: DateRange) -> np.ndarray:
        """The period's dates as positions in the arrays, -1 outside them."""
        offset = (period.start - self.first).days
        positions = np.arange(offset, offset + period.days)
        return np.where((positions >= 0) & (positions < len(self.kwh)), positions, -1)


@dataclass(frozen=True)
class PeriodDays:
    """The days of a period with usage, with temperature and with both."""

    period: DateRange
    kwh: np.ndarray  # per date of the period, NaN where missing
    temperature: np.ndarray

    @classmethod
    def of(cls, daily: pd.DataFrame | DailyArrays, period: DateRange) -> PeriodDays:
        if isinstance(daily, DailyArrays):
            positions = daily.positions(period)
            columns = {"kwh": daily.kwh, "temperature": daily.temperature}
        else:
            index = period_dates(period)
            # one lookup of the period's dates for both columns (a reindex of each, in numpy)
            positions = daily.index.get_indexer(index) if daily.index.is_unique else None
            if positions is None:
                return cls(
                    period=period,
                    kwh=daily["kwh"].reindex(index).to_numpy(dtype=float),
                    temperature=daily["temperature"].reindex(index).to_numpy(dtype=float),
                )
            columns = {name: daily[name].to_numpy(dtype=float)
                       for name in ("kwh", "temperature")}
        found = positions >= 0

        def take(values):
            return np.where(found, values[np.where(found, positions, 0)] if len(values)
                            else np.nan, np.nan)

        return cls(period=period, kwh=take(columns["kwh"]),
                   temperature=take(columns["temperature"]))

    @property
    def valid(self) -> np.ndarray:
        return ~np.isnan(self.kwh) & ~np.isnan(self.temperature)

    @property
    def days_with_both(self) -> int:
        return int(self.valid.sum())

    @property
    def days_with_usage(self) -> int:
        return int((~np.isnan(self.kwh)).sum())

    @property
    def days_with_temperature(self) -> int:
        return int((~np.isnan(self.temperature)).sum())

    @property
    def observed_kwh(self) -> float:
        return float(self.kwh[self.valid].sum())


@dataclass(frozen=True)
class BaselineFit:
    """The fitted model (None when no day has both usage and temperature) and, when the
    baseline is insufficient, why. An insufficient baseline's model is for diagnosis only:
    no figure shown to a customer may come from it."""

    model: BaselineModel | None
    days: int
    observed_kwh: float
    insufficient: tuple[str, ...] = ()

    @property
    def sufficient(self) -> bool:
        return not self.insufficient and self.model is not None

    def usable_model(self) -> BaselineModel:
        """The model, or InsufficientData with the reasons."""
        if not self.sufficient:
            raise InsufficientData("; ".join(self.insufficient) or "no baseline model")
        return self.model


def baseline_fit(*, daily: pd.DataFrame | DailyArrays, period: DateRange) -> BaselineFit:
    """Fit the baseline over `period` and say whether it is sufficient."""
    days = PeriodDays.of(daily, period)
    reasons = baseline_reasons(
        period=period, days_with_usage=days.days_with_usage,
        days_with_temperature=days.days_with_temperature, days_with_both=days.days_with_both,
    )
    model = None
    if days.days_with_both:
        model = fit_baseline_model(kwh=days.kwh, temperature_f=days.temperature)
    return BaselineFit(model=model, days=days.days_with_both, observed_kwh=days.observed_kwh,
                       insufficient=tuple(reasons))


def baseline_fits(*, kwh: np.ndarray, temperature: np.ndarray, first: date,
                  period: DateRange) -> list[BaselineFit]:
    """`baseline_fit` for many customers whose days are rows of arrays over the same
    gap-free dates from `first`: `kwh[customer, day]`, `temperature[customer, day]` (NaN
    where missing). The models are fitted together (`fit_baseline_models`); each fit is
    the one `baseline_fit` gives that customer alone."""
    positions = DailyArrays(first=first, kwh=kwh[0] if len(kwh) else np.array([]),
                            temperature=np.array([])).positions(period)
    found = positions >= 0
    at = np.where(found, positions, 0)
    period_kwh = np.where(found, kwh[:, at], np.nan)
    period_temperature = np.where(found, temperature[:, at], np.nan)
    with_usage = ~np.isnan(period_kwh)
    with_temperature = ~np.isnan(period_temperature)
    valid = with_usage & with_temperature
    both = valid.sum(axis=1)
    fitted = np.flatnonzero(both)
    models = dict(zip(fitted.tolist(), fit_baseline_models(
        kwh=period_kwh[fitted], temperature_f=period_temperature[fitted]), strict=True))
    fits = []
    for row, (usage_days, temperature_days, days) in enumerate(zip(
            with_usage.sum(axis=1).tolist(), with_temperature.sum(axis=1).tolist(),
            both.tolist(), strict=True)):
        reasons = baseline_reasons(period=period, days_with_usage=usage_days,
                                   days_with_temperature=temperature_days,
                                   days_with_both=days)
        fits.append(BaselineFit(
            model=models.get(row), days=days,
            observed_kwh=float(period_kwh[row][valid[row]].sum()),
            insufficient=tuple(reasons)))
    return fits


@dataclass(frozen=True)
class ReportingFigures:
    """Observed and predicted usage over the reporting days with both usage and
    temperature; savings = predicted - observed."""

    days: int
    observed_kwh: float
    predicted_kwh: float

    @property
    def savings_kwh(self) -> float:
        return self.predicted_kwh - self.observed_kwh


def reporting_figures(
    *, model: BaselineModel, daily: pd.DataFrame | DailyArrays, period: DateRange,
) -> ReportingFigures:
    days = PeriodDays.of(daily, period)
    valid = days.valid
    return ReportingFigures(
        days=int(valid.sum()), observed_kwh=days.observed_kwh,
        predicted_kwh=float(model.predict(days.temperature[valid]).sum()),
    )
