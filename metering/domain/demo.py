"""Demo interval data: realistic half-hourly profiles for households and enterprises.

Vectorised with numpy (one array per meter, no ORM): a daily shape per customer kind
(household morning and evening peaks; enterprise working-hours plateau, quiet weekends),
a seasonal swing, a heating/cooling response to a synthetic temperature series, lognormal
noise, then a few gaps (readings left out) and spikes. Deterministic for a given seed.
"""
from datetime import datetime

import numpy as np
import pandas as pd

HOUSEHOLD, ENTERPRISE = "HOUSEHOLD", "ENTERPRISE"

_HOUSEHOLD_SHAPE = np.array([  # kWh per half-hour, by local hour
    0.18, 0.15, 0.14, 0.13, 0.13, 0.14, 0.22, 0.38, 0.42, 0.30, 0.24, 0.23,
    0.25, 0.24, 0.22, 0.24, 0.32, 0.48, 0.62, 0.58, 0.48, 0.40, 0.30, 0.22])
_ENTERPRISE_SHAPE = np.array([
    1.6, 1.5, 1.5, 1.5, 1.6, 2.0, 3.5, 6.5, 8.5, 9.0, 9.2, 9.0,
    8.6, 9.0, 9.1, 8.8, 8.0, 6.0, 3.8, 2.6, 2.1, 1.9, 1.8, 1.7])


def demo_time_index(*, start_at: datetime, intervals: int, time_zone: str,
                    minutes: int = 30) -> pd.DatetimeIndex:
    return pd.date_range(start_at, periods=intervals, freq=f"{minutes}min", tz="UTC"
                         ).tz_convert(time_zone)


def demo_temperature(index: pd.DatetimeIndex, *, rng: np.random.Generator) -> np.ndarray:
    """°C: a yearly cycle (coldest mid-January), a daily swing, weather noise."""
    day_of_year = index.day_of_year.to_numpy()
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60
    yearly = 10.5 - 7.5 * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
    daily = 3.0 * np.sin(2 * np.pi * (hour - 9) / 24)
    weather = np.repeat(rng.normal(0, 2.5, size=len(index) // 48 + 1), 48)[: len(index)]
    return yearly + daily + weather


def demo_profiles(*, kinds: list[str], index: pd.DatetimeIndex, seed: int = 7,
                  minutes: int = 30) -> np.ndarray:
    """kWh per interval, shape (meters, intervals)."""
    rng = np.random.default_rng(seed)
    hour = index.hour.to_numpy()
    weekend = index.day_of_week.to_numpy() >= 5
    temperature = demo_temperature(index, rng=rng)
    heating = np.clip(15.5 - temperature, 0, None)
    cooling = np.clip(temperature - 22.0, 0, None)
    scale = minutes / 30
    out = np.empty((len(kinds), len(index)))
    for row, kind in enumerate(kinds):
        size = rng.lognormal(0, 0.35)
        if kind == ENTERPRISE:
            base = _ENTERPRISE_SHAPE[hour] * np.where(weekend, 0.35, 1.0) * size * 6
            weather = 0.08 * heating * size * 6 + 0.25 * cooling * size * 6
        else:
            base = _HOUSEHOLD_SHAPE[hour] * np.where(weekend, 1.12, 1.0) * size
            weather = 0.025 * heating * size + 0.04 * cooling * size
        noise = rng.lognormal(0, 0.18, size=len(index))
        out[row] = (base + weather) * noise * scale
    return np.round(out, 3)


def demo_csv_write(*, out, serials: list[str], kinds: list[str], start_at: datetime,
                   intervals: int, time_zone: str, seed: int = 7, gap_rate: float = 0.0005,
                   spike_rate: float = 0.0002, minutes: int = 30) -> int:
    """Write `meter_serial,interval_start,kwh` CSV (with header) to a text stream, leaving
    out a few gaps and adding a few spikes; returns the number of readings written. The
    daily shapes follow the local clock of `time_zone` (the retailer's)."""
    index = demo_time_index(start_at=start_at, intervals=intervals, minutes=minutes,
                            time_zone=time_zone)
    stamps = index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00").to_numpy()
    rng = np.random.default_rng(seed + 1)
    out.write("meter_serial,interval_start,kwh\n")
    written = 0
    for start in range(0, len(serials), 200):
        chunk = slice(start, start + 200)
        values = demo_profiles(kinds=kinds[chunk], index=index, seed=seed + start,
                               minutes=minutes)
        spikes = rng.random(values.shape) < spike_rate
        values[spikes] *= 15
        keep = rng.random(values.shape) >= gap_rate
        for serial, row, mask in zip(serials[chunk], values, keep, strict=True):
            texts = np.char.mod("%.3f", row[mask])
            prefix = serial + ","
            out.write("".join(
                f"{prefix}{stamp},{text}\n"
                for stamp, text in zip(stamps[mask], texts, strict=True)))
            written += int(mask.sum())
    return written


def demo_hourly_temperature(*, start_at: datetime, intervals: int, time_zone: str,
                            seed: int = 7, minutes: int = 30) -> pd.Series:
    """°C on the hour (UTC index) over the demo's intervals: the very temperature that
    drives the heating and cooling of the first 200 demo meters (demo_profiles draws it
    first from the same seed), so a baseline fitted on their readings finds that response."""
    index = demo_time_index(start_at=start_at, intervals=intervals, minutes=minutes,
                            time_zone=time_zone)
    values = demo_temperature(index, rng=np.random.default_rng(seed))
    on_the_hour = index.minute == 0
    return pd.Series(values[on_the_hour], index=index[on_the_hour].tz_convert("UTC"))
