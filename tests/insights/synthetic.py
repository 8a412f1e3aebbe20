"""Synthetic meters with known truth: a year of daily mean temperatures and the usage a
given model makes of them (plus optional noise)."""
from datetime import date

import numpy as np
import pandas as pd

YEAR = pd.date_range(date(2025, 1, 1), periods=365, freq="D", name="date")


def temperatures(seed: int = 0, *, mean=52.0, swing=24.0, noise=6.0) -> np.ndarray:
    """A continental year (°F): cold January, hot July, day-to-day weather on top."""
    rng = np.random.default_rng(seed)
    season = -np.cos(2 * np.pi * np.arange(len(YEAR)) / len(YEAR))
    return mean + swing * season + rng.normal(0.0, noise, len(YEAR))


def usage(t, *, intercept, beta_hdd=0.0, heating=None, beta_cdd=0.0, cooling=None,
          noise=0.0, seed=1) -> np.ndarray:
    kwh = np.full(len(t), float(intercept))
    if heating is not None:
        kwh += beta_hdd * np.maximum(heating - t, 0.0)
    if cooling is not None:
        kwh += beta_cdd * np.maximum(t - cooling, 0.0)
    if noise:
        kwh += np.random.default_rng(seed).normal(0.0, noise, len(t))
    return kwh


def daily(t, kwh) -> pd.DataFrame:
    return pd.DataFrame({"kwh": kwh, "temperature": t}, index=YEAR)
