"""The nightly job's grid versions of the breakdown and the typical day give exactly the
figures of the per-customer functions they replace there, on random data across both
clock changes, with gaps, missing temperatures and every kind of model."""
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from insights.domain.breakdown import (
    InvalidReadings,
    LocalGrid,
    energy_breakdown,
    energy_breakdown_on_grid,
)
from insights.domain.caltrack import BaselineModel
from insights.domain.segments import typical_day, typical_day_on_grid

LONDON = ZoneInfo("Europe/London")
MODELS = [
    None,
    BaselineModel(kind="intercept_only", intercept_kwh_per_day=9.0),
    BaselineModel(kind="hdd_only", intercept_kwh_per_day=4.0, beta_hdd=0.4,
                  heating_balance_point=60),
    BaselineModel(kind="hdd_cdd", intercept_kwh_per_day=3.0, beta_hdd=0.9, beta_cdd=0.7,
                  heating_balance_point=55, cooling_balance_point=66),
]


def world(seed, *, gaps):
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2025-06-01", "2026-06-01", freq="30min", inclusive="left",
                           tz=LONDON).tz_convert("UTC")
    kwh = rng.gamma(2.0, 0.2, len(starts)) * rng.uniform(0.5, 2.0)
    if gaps:
        kwh[rng.random(len(starts)) < gaps] = np.nan
        kwh[rng.integers(0, len(starts) - 200):][:150] = np.nan  # a gap of three days
    grid = LocalGrid.of(starts=starts.as_unit("ns").asi8, tz=LONDON)
    temperature = pd.Series(rng.uniform(20, 95, len(grid.dates)), index=grid.dates)
    temperature[rng.random(len(grid.dates)) < 0.05] = np.nan
    temperature = temperature.dropna()
    return starts, kwh, grid, temperature


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("gaps", [0.0, 0.1, 0.6])
def test_the_grid_breakdown_equals_the_per_customer_one(seed, gaps):
    starts, kwh, grid, temperature = world(seed, gaps=gaps)
    readings = pd.Series(kwh, index=starts).dropna()
    on_dates = temperature.reindex(grid.dates).to_numpy()
    for model in MODELS:
        before = energy_breakdown(readings=readings, tz=LONDON, interval_hours=0.5,
                                  model=model, daily_temperature=temperature)
        after = energy_breakdown_on_grid(kwh=kwh, grid=grid, interval_hours=0.5, model=model,
                                         temperature=on_dates)
        assert after == before  # exactly, every float
    np.testing.assert_array_equal(
        typical_day_on_grid(kwh=kwh, minute=grid.minute, interval_minutes=30),
        typical_day(readings=readings, tz=LONDON, interval_minutes=30))


def test_the_grid_breakdown_refuses_what_the_other_refuses():
    starts, kwh, grid, temperature = world(1, gaps=0.0)
    on_dates = temperature.reindex(grid.dates).to_numpy()
    with pytest.raises(InvalidReadings, match="no readings to break down"):
        energy_breakdown_on_grid(kwh=np.full(len(kwh), np.nan), grid=grid, interval_hours=0.5,
                                 model=None, temperature=on_dates)
    with pytest.raises(InvalidReadings, match=">= 0"):
        energy_breakdown_on_grid(kwh=-kwh, grid=grid, interval_hours=0.5, model=None,
                                 temperature=on_dates)
    daytime = np.where((grid.minute >= 360), kwh, np.nan)
    with pytest.raises(InvalidReadings, match="no night minimum"):
        energy_breakdown_on_grid(kwh=daytime, grid=grid, interval_hours=0.5, model=None,
                                 temperature=on_dates)
