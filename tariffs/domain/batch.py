"""Many load profiles on one time grid priced under one tariff: the engine's batch door.

A billing run prices thousands of meters under the same tariff version over the same local
days. What depends only on time (the selection of intervals per period, local calendar
fields, band lookup keys, holiday masks, aligned spot prices) is prepared once for the
grid; each profile then shares it and brings only its own kWh. Every profile still goes
through `price_prepared`, the same function `price_billing_periods` ends in, on arrays
equal to the ones `prepare_profile` would have made for it alone, so the lines are exactly
those of `price_billing_periods` for that profile (tests/tariffs/test_batch.py proves it
over random tariffs and profiles). Bills and quotes therefore stay one engine.

`price_profiles` takes the profiles as one matrix; `GridPricer` is the same shared
preparation for callers that build each profile as they go (the nightly insights job's
bill forecasts and load shifts).
"""
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pandas as pd

from core.errors import GridlineError

from .definitions import TariffDefinition
from .engine import price_prepared
from .lines import PriceBreakdown
from .periods import Period
from .prepared import PreparedProfile, prepare_profile
from .profile import LoadProfile


class UnableToPriceBatch(GridlineError):
    code = "batch_invalid"


class GridPricer:
    """One tariff's shared preparation of a grid (`interval_starts`, UTC ns, strictly
    increasing) and `periods`; `price` then prices one profile on that grid at a time.
    For callers that build each profile as they go (the nightly insights job's bill
    forecasts) rather than holding them all in one matrix."""

    def __init__(self, *, tariff: TariffDefinition, interval_starts: np.ndarray,
                 interval: timedelta, periods: Sequence[Period],
                 spot_prices: Mapping[str, pd.Series] | None = None):
        self.tariff, self.size = tariff, len(interval_starts)
        grid = LoadProfile(interval_starts=interval_starts, import_kwh=np.zeros(self.size),
                           export_kwh=np.zeros(self.size), interval=interval)
        self.shared = prepare_profile(profile=grid, periods=periods,
                                      time_zone=tariff.time_zone, spot_prices=spot_prices)
        self.selection = _selection(interval_starts, self.shared.periods)

    def prepared(self, import_kwh: np.ndarray,
                 export_kwh: np.ndarray | None = None) -> PreparedProfile:
        """One profile on the grid, prepared as `prepare_profile` would prepare it."""
        imported = np.asarray(import_kwh, dtype=np.float64)
        exported = (np.zeros_like(imported) if export_kwh is None
                    else np.asarray(export_kwh, dtype=np.float64))
        if imported.shape != (self.size,) or exported.shape != (self.size,):
            raise UnableToPriceBatch(f"a profile on this grid has {self.size} intervals")
        # replace() keeps the shared caches (band keys, spot prices, resolution checks).
        return replace(self.shared, import_kwh=imported[self.selection],
                       export_kwh=exported[self.selection])

    def price(self, import_kwh: np.ndarray, export_kwh: np.ndarray | None = None,
              customer_group: str | None = None) -> tuple[PriceBreakdown, ...]:
        return price_prepared(tariff=self.tariff, prepared=self.prepared(import_kwh, export_kwh),
                              customer_group=customer_group)


def price_profiles(
    *,
    tariff: TariffDefinition,
    interval_starts: np.ndarray,
    import_kwh: np.ndarray,
    export_kwh: np.ndarray | None,
    interval: timedelta,
    periods: Sequence[Period],
    spot_prices: Mapping[str, pd.Series] | None = None,
    customer_groups: Sequence[str | None] | None = None,
) -> list[tuple[PriceBreakdown, ...]]:
    """Price each row of `import_kwh` (profiles × intervals, on the grid `interval_starts`,
    UTC ns, strictly increasing) under `tariff` over `periods`; `export_kwh` the same shape
    or None. Row i's result equals `price_billing_periods(tariff=tariff,
    profile=LoadProfile(interval_starts, import_kwh[i], export_kwh[i], interval), ...)`."""
    rows = np.asarray(import_kwh, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] != len(interval_starts):
        raise UnableToPriceBatch(
            f"import_kwh must be profiles × {len(interval_starts)} intervals, got {rows.shape}")
    if export_kwh is None:
        # one shared row of zeros, not a second profiles × intervals matrix
        exported = np.broadcast_to(np.zeros(rows.shape[1]), rows.shape)
    else:
        exported = np.asarray(export_kwh, dtype=np.float64)
    if exported.shape != rows.shape:
        raise UnableToPriceBatch("export_kwh must have the shape of import_kwh")
    groups = list(customer_groups) if customer_groups is not None else [None] * len(rows)
    if len(groups) != len(rows):
        raise UnableToPriceBatch("one customer group (or None) per profile")
    pricer = GridPricer(tariff=tariff, interval_starts=interval_starts, interval=interval,
                        periods=periods, spot_prices=spot_prices)
    return [pricer.price(imported, exported_row, group)
            for imported, exported_row, group in zip(rows, exported, groups, strict=True)]


def _selection(starts: np.ndarray, periods: Sequence[Period]):
    """The positions prepare_profile selects for these periods, as it selects them."""
    bounds = np.array([[pd.Timestamp(p.start).as_unit("ns").value,
                        pd.Timestamp(p.end).as_unit("ns").value] for p in periods],
                      dtype=np.int64)
    lows = np.searchsorted(starts, bounds[:, 0], side="left")
    highs = np.searchsorted(starts, bounds[:, 1], side="left")
    if len(periods) == 1 or (lows[1:] == highs[:-1]).all():
        return slice(int(lows[0]), int(highs[-1]))
    return np.concatenate([np.arange(lo, hi) for lo, hi in zip(lows, highs, strict=True)])
