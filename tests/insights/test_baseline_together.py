"""The nightly job fits a chunk's customers together (`fit_baseline_models`, a few at a
time; `baseline_fits` over shared dates): every customer's fit is exactly, float for float,
the one it gets alone, whatever its neighbours in the batch (gaps, no weather, usage that
never varies, too few days, every kind of model)."""
from datetime import date, timedelta

import numpy as np

from core.ranges import DateRange
from insights.domain.baseline import DailyArrays, baseline_fit, baseline_fits
from insights.domain.caltrack import FIT_BLOCK, fit_baseline_model, fit_baseline_models


def customers(count: int, days: int = 400, seed: int = 8):
    rng = np.random.default_rng(seed)
    kwh, temperature = [], []
    for c in range(count):
        t = rng.uniform(10, 100, days)
        y = (5 + rng.uniform(0, 0.6) * np.maximum(rng.integers(45, 70) - t, 0)
             + rng.uniform(0, 0.4) * np.maximum(t - rng.integers(60, 85), 0)
             + rng.normal(0, 1.5, days))
        if c % 3 == 0:
            y[rng.random(days) < 0.2] = np.nan  # gaps
        if c % 5 == 0:
            t[rng.random(days) < 0.1] = np.nan
        if c % 7 == 0:
            y = np.full(days, 4.0)  # never varies: intercept only
        if c % 11 == 0:
            t = np.round(t)  # ties between balance points
        if c % 13 == 0:
            t = np.full(days, np.nan)  # no weather at all
        if c % 17 == 0:
            y[3:] = np.nan  # three days: too few to fit a degree-day term
        kwh.append(y)
        temperature.append(t)
    return np.array(kwh), np.array(temperature)


def test_fitted_together_equals_fitted_alone():
    kwh, temperature = customers(5 * FIT_BLOCK + 3)
    together = fit_baseline_models(kwh=kwh, temperature_f=temperature)
    kinds = set()
    for row, model in enumerate(together):
        valid = ~np.isnan(kwh[row]) & ~np.isnan(temperature[row])
        if not valid.any():
            assert model is None
            continue
        alone = fit_baseline_model(kwh=kwh[row], temperature_f=temperature[row])
        assert model == alone  # every float
        kinds.add(model.kind)
    assert kinds == {"intercept_only", "hdd_only", "cdd_only", "hdd_cdd"}


def test_baseline_fits_of_a_chunk_equal_each_customers_baseline_fit():
    kwh, temperature = customers(2 * FIT_BLOCK + 5)
    first = date(2025, 4, 27)
    year = DateRange(first + timedelta(days=35), first + timedelta(days=400))
    fits = baseline_fits(kwh=kwh, temperature=temperature, first=first, period=year)
    assert len(fits) == len(kwh)
    for row, fit in enumerate(fits):
        alone = baseline_fit(daily=DailyArrays(first=first, kwh=kwh[row],
                                               temperature=temperature[row]), period=year)
        assert fit == alone
    assert any(fit.sufficient for fit in fits) and any(not fit.sufficient for fit in fits)
