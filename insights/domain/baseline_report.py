"""What `insights_baseline` computes: a usage file and a temperature file in, the fit and
the reporting figures out, as the JSON documented in the README."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo

from core.ranges import DateRange

from .baseline import BaselineFit, ReportingFigures, baseline_fit, reporting_figures
from .caltrack import BaselineModel
from .days import ZoneDays, daily_frame, daily_temperature, daily_usage
from .files import UnreadableFile, fahrenheit_from_celsius, read_timed_values
from .sufficiency import InsufficientData

KWH_DECIMALS = 3
COEFFICIENT_DECIMALS = 6


@dataclass(frozen=True)
class BaselineReport:
    fit: BaselineFit
    reporting: ReportingFigures
    problems: tuple[str, ...]  # lines of the input files that were left out

    def as_json(self) -> dict:
        return {
            "model": model_json(self.fit.model),
            "baseline": {"days": self.fit.days,
                         "observed_kwh": _kwh(self.fit.observed_kwh)},
            "reporting": {
                "days": self.reporting.days,
                "observed_kwh": _kwh(self.reporting.observed_kwh),
                "predicted_kwh": _kwh(self.reporting.predicted_kwh),
                "savings_kwh": _kwh(self.reporting.savings_kwh),
            },
        }


def _kwh(value: float) -> float:
    return round(value, KWH_DECIMALS) + 0.0  # + 0.0: no "-0.0"


def _coefficient(value: float | None) -> float | None:
    return None if value is None else round(value, COEFFICIENT_DECIMALS) + 0.0


def model_json(model: BaselineModel) -> dict:
    return {
        "kind": model.kind,
        "intercept_kwh_per_day": _coefficient(model.intercept_kwh_per_day),
        "beta_hdd": _coefficient(model.beta_hdd),
        "beta_cdd": _coefficient(model.beta_cdd),
        "heating_balance_point": model.heating_balance_point,
        "cooling_balance_point": model.cooling_balance_point,
        "r_squared_adj": _coefficient(model.r_squared_adj),
    }


def baseline_report_from_files(
    *, usage_lines: Iterable[str], temperature_lines: Iterable[str],
    baseline_period: DateRange, reporting_period: DateRange, celsius: bool = False,
    tz: tzinfo | None = None,
) -> BaselineReport:
    """Days are the usage file's own local days (its offsets), or `tz`'s when given.

    Raises InsufficientData when no model can be fitted at all; an insufficient but
    fittable baseline comes back with `fit.insufficient` set.
    """
    usage = read_timed_values(lines=usage_lines, what="kWh", allow_negative=False)
    temperature = read_timed_values(lines=temperature_lines, what="temperature")
    problems = ([f"usage {p}" for p in usage.problems]
                + [f"temperature {p}" for p in temperature.problems])
    if len(usage.values) == 0:
        raise UnreadableFile("the usage file has no readable rows"
                             + (f" ({problems[0]})" if problems else ""))
    days = ZoneDays(tz) if tz is not None else usage.local_days()
    degrees = temperature.values
    if celsius:
        degrees = fahrenheit_from_celsius(degrees)
    daily = daily_frame(
        usage=daily_usage(instants=usage.instants(), kwh=usage.values, days=days),
        temperature=daily_temperature(instants=temperature.instants(), temperature=degrees,
                                      days=days),
    )
    fit = baseline_fit(daily=daily, period=baseline_period)
    if fit.model is None:
        raise InsufficientData("cannot fit a baseline: " + "; ".join(fit.insufficient))
    reporting = reporting_figures(model=fit.model, daily=daily, period=reporting_period)
    return BaselineReport(fit=fit, reporting=reporting, problems=tuple(problems))
