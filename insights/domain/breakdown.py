"""Where the energy goes: base load, heating, cooling and the rest; for enterprises also
weekday vs weekend and in vs out of opening hours.

- Base load (always on): each local night's lowest interval between 00:00 and 06:00, as
  kW; the base load is the median over the nights. Every interval contributes
  min(its kWh, base kW x interval hours).
- Heating and cooling: each day's heating and cooling terms of the baseline model at that
  day's mean temperature. Where base + heating + cooling would exceed what the day used,
  heating and cooling are scaled down together to fit.
- The rest: what is left (appliances, cooking, lighting...).
Only measured intervals count: a missing interval adds nothing anywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time, tzinfo

import numpy as np
import pandas as pd

from core.errors import GridlineError

from .caltrack import BaselineModel

NIGHT_START, NIGHT_END = time(0), time(6)
OPENING_HOURS = (time(8), time(18))
WEEKEND_DAYS = (5, 6)  # Saturday, Sunday (Monday = 0)


class InvalidReadings(GridlineError):
    code = "invalid_readings"


@dataclass(frozen=True)
class EnergyBreakdown:
    total_kwh: float
    base_load_kw: float
    base_kwh: float
    heating_kwh: float | None  # None without a baseline model
    cooling_kwh: float | None
    other_kwh: float
    days: int
    days_without_temperature: int


@dataclass(frozen=True)
class OpeningHoursSplit:
    weekday_kwh: float
    weekend_kwh: float
    in_hours_kwh: float  # weekdays within opening hours
    out_of_hours_kwh: float  # weekday evenings and nights, and weekends
    weekdays: int
    weekend_days: int


def _local(readings: pd.Series, tz: tzinfo) -> pd.DatetimeIndex:
    index = pd.DatetimeIndex(readings.index)
    if index.tz is None:
        raise InvalidReadings("reading times must be timezone-aware")
    return index.tz_convert(tz)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _minute_of_day(local: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(local.hour * 60 + local.minute)


def _local_dates(local: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each instant's local date, as a midnight timestamp without zone."""
    return local.tz_localize(None).normalize().rename("date")


def _clean(readings: pd.Series) -> pd.Series:
    values = readings.dropna()
    if (values < 0).any():
        raise InvalidReadings("kWh readings must be >= 0")
    if values.empty:
        raise InvalidReadings("there are no readings to break down")
    return values[~values.index.duplicated(keep="first")]


def base_load_kw(*, readings: pd.Series, tz: tzinfo, interval_hours: float) -> float:
    """The median over local nights of the lowest interval between 00:00 and 06:00, in kW."""
    values = _clean(readings)
    local = _local(values, tz)
    minute = _minute_of_day(local)
    night = (minute >= _minutes(NIGHT_START)) & (minute < _minutes(NIGHT_END))
    if not night.any():
        raise InvalidReadings("no readings between 00:00 and 06:00: no night minimum")
    minima = values[night].groupby(_local_dates(local)[night]).min()
    return float(minima.median() / interval_hours)


def energy_breakdown(
    *, readings: pd.Series, tz: tzinfo, interval_hours: float, model: BaselineModel | None,
    daily_temperature: pd.Series,
) -> EnergyBreakdown:
    """`readings`: kWh by tz-aware interval start; `daily_temperature`: °F by local date
    (midnight timestamps, as `days.daily_temperature` gives)."""
    values = _clean(readings)
    base_kw = base_load_kw(readings=values, tz=tz, interval_hours=interval_hours)
    kwh = values.to_numpy(dtype=float)
    base = np.minimum(kwh, base_kw * interval_hours)
    dates = _local_dates(_local(values, tz))
    per_day = pd.DataFrame({"kwh": kwh, "base": base}, index=dates).groupby(level=0).sum()
    temperature = daily_temperature.reindex(per_day.index).to_numpy(dtype=float)
    has_temperature = ~np.isnan(temperature)
    heating = cooling = None
    weather_kwh = np.zeros(len(per_day))
    if model is not None:
        known = np.where(has_temperature, temperature, 0.0)
        heat = np.where(has_temperature, model.heating_kwh(known), 0.0)
        cool = np.where(has_temperature, model.cooling_kwh(known), 0.0)
        room = np.maximum(per_day["kwh"].to_numpy() - per_day["base"].to_numpy(), 0.0)
        wanted = heat + cool
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(wanted > room, room / wanted, 1.0)
        heating, cooling = float((heat * scale).sum()), float((cool * scale).sum())
        weather_kwh = (heat + cool) * scale
    total, base_total = float(kwh.sum()), float(base.sum())
    return EnergyBreakdown(
        total_kwh=total, base_load_kw=base_kw, base_kwh=base_total, heating_kwh=heating,
        cooling_kwh=cooling, other_kwh=total - base_total - float(weather_kwh.sum()),
        days=len(per_day), days_without_temperature=int((~has_temperature).sum()),
    )


def opening_hours_split(
    *, readings: pd.Series, tz: tzinfo, opening_hours: tuple[time, time] = OPENING_HOURS,
) -> OpeningHoursSplit:
    """Weekday vs weekend kWh and in vs out of opening hours (local time)."""
    values = _clean(readings)
    local = _local(values, tz)
    weekend = np.isin(local.day_of_week, WEEKEND_DAYS)
    minute = _minute_of_day(local)
    opened, closed = (_minutes(moment) for moment in opening_hours)
    in_hours = ~weekend & (minute >= opened) & (minute < closed)
    kwh = values.to_numpy(dtype=float)
    dates = pd.Series(_local_dates(local))
    return OpeningHoursSplit(
        weekday_kwh=float(kwh[~weekend].sum()), weekend_kwh=float(kwh[weekend].sum()),
        in_hours_kwh=float(kwh[in_hours].sum()), out_of_hours_kwh=float(kwh[~in_hours].sum()),
        weekdays=int(dates[~weekend].nunique()), weekend_days=int(dates[weekend].nunique()),
    )


@dataclass(frozen=True, eq=False)
class LocalGrid:
    """The local-time facts of a grid of interval starts, worked out once for every
    customer whose readings lie on it (the nightly job's chunk: one tz conversion instead
    of several per customer). `day[slot]` indexes `dates` and never decreases."""

    minute: np.ndarray  # minute of the local day, per slot
    day: np.ndarray  # index into `dates`, per slot
    dates: pd.DatetimeIndex  # the local dates (midnights without zone)

    @classmethod
    def of(cls, *, starts: np.ndarray, tz: tzinfo) -> LocalGrid:
        """`starts`: int64 ns since the epoch (UTC), ascending."""
        local = pd.DatetimeIndex(np.asarray(starts, dtype="datetime64[ns]"),
                                 tz="UTC").tz_convert(tz)
        dates, day = np.unique(np.asarray(_local_dates(local)), return_inverse=True)
        return cls(minute=_minute_of_day(local), day=day.ravel(),
                   dates=pd.DatetimeIndex(dates, name="date"))


def _group_starts(codes: np.ndarray) -> np.ndarray:
    """Where each run of equal codes begins (codes sorted)."""
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


def energy_breakdown_on_grid(
    *, kwh: np.ndarray, grid: LocalGrid, interval_hours: float, model: BaselineModel | None,
    temperature: np.ndarray,
) -> EnergyBreakdown:
    """`energy_breakdown` for readings on a known grid, with numpy only: `kwh[slot]` (NaN =
    no reading) and `temperature[date]` (°F per `grid.dates`, NaN = none). Gives the same
    figures as `energy_breakdown` (tests/insights/test_breakdown_grid.py)."""
    present = ~np.isnan(kwh)
    values = kwh[present]
    if (values < 0).any():
        raise InvalidReadings("kWh readings must be >= 0")
    if not len(values):
        raise InvalidReadings("there are no readings to break down")
    minute = grid.minute[present]
    day = grid.day[present]
    night = (minute >= _minutes(NIGHT_START)) & (minute < _minutes(NIGHT_END))
    if not night.any():
        raise InvalidReadings("no readings between 00:00 and 06:00: no night minimum")
    night_day = day[night]
    minima = np.minimum.reduceat(values[night], _group_starts(night_day))
    base_kw = float(np.median(minima) / interval_hours)
    base = np.minimum(values, base_kw * interval_hours)
    starts = _group_starts(day)
    # in order, one after the other: the same floats as the pandas groupby sum
    day_kwh = np.add.reduceat(values, starts)
    day_base = np.add.reduceat(base, starts)
    day_temperature = np.asarray(temperature, dtype=float)[day[starts]]
    has_temperature = ~np.isnan(day_temperature)
    heating = cooling = None
    weather_kwh = np.zeros(len(starts))
    if model is not None:
        known = np.where(has_temperature, day_temperature, 0.0)
        heat = np.where(has_temperature, model.heating_kwh(known), 0.0)
        cool = np.where(has_temperature, model.cooling_kwh(known), 0.0)
        room = np.maximum(day_kwh - day_base, 0.0)
        wanted = heat + cool
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(wanted > room, room / wanted, 1.0)
        heating, cooling = float((heat * scale).sum()), float((cool * scale).sum())
        weather_kwh = (heat + cool) * scale
    total, base_total = float(values.sum()), float(base.sum())
    return EnergyBreakdown(
        total_kwh=total, base_load_kw=base_kw, base_kwh=base_total, heating_kwh=heating,
        cooling_kwh=cooling, other_kwh=total - base_total - float(weather_kwh.sum()),
        days=len(starts), days_without_temperature=int((~has_temperature).sum()),
    )
