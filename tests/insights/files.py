"""Writers of synthetic usage and temperature CSV files for `insights_baseline`."""
from datetime import date, datetime, timedelta, timezone

import numpy as np

MINUS_6 = timezone(timedelta(hours=-6))


def write_meter(tmp_path, *, start: date, temperatures, daily_kwh, skip_days=(),
                celsius=False, header=True, temperature_skip_days=()):
    """Hourly usage (each day's kWh spread evenly over its 24 hours) and hourly temperature
    (constant over each day) with -06:00 offsets, from `start`, one value per day."""
    usage_lines = ["interval_start,kwh"] if header else []
    temperature_lines = ["timestamp,temperature"] if header else []
    for number, (degrees, kwh) in enumerate(zip(temperatures, daily_kwh, strict=True)):
        day = start + timedelta(days=number)
        for hour in range(24):
            stamp = datetime(day.year, day.month, day.day, hour, tzinfo=MINUS_6).isoformat()
            if number not in skip_days:
                usage_lines.append(f"{stamp},{float(kwh) / 24!r}")
            if number not in temperature_skip_days:
                value = float((degrees - 32) * 5 / 9 if celsius else degrees)
                temperature_lines.append(f"{stamp},{value!r}")
    usage = tmp_path / "usage.csv"
    temperature = tmp_path / "temperature.csv"
    usage.write_text("\n".join(usage_lines) + "\n")
    temperature.write_text("\n".join(temperature_lines) + "\n")
    return usage, temperature


def two_years(seed=0):
    """730 days of temperatures from 2024-01-01 and the usage of a known hdd_cdd meter."""
    rng = np.random.default_rng(seed)
    days = np.arange(730)
    t = 52 - 24 * np.cos(2 * np.pi * days / 365) + rng.normal(0, 6, len(days))
    kwh = 9 + 0.8 * np.maximum(58 - t, 0) + 1.7 * np.maximum(t - 71, 0)
    return t, kwh
