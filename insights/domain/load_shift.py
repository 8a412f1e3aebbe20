"""Load shifting: what moving the flexible evening load to the cheapest window would save.

The flexible load of a day is the part of each interval above the base load between 17:00
and 21:00 local time. It is moved, keeping its shape, to the window of the same length on
the same day where it would cost least (the evening itself is a candidate, so the saving is
never negative; on a tie the earliest window wins). Prices are the customer's own price per
kWh for each interval, given as input: pricing is the tariff engine's job
(`tariffs.domain.unit_prices` gives them for time-of-use bands and spot rates alike).

`load_shift_on_grid` does the same for readings and prices on the nightly chunk's grid
(numpy only). Only days with every interval present and priced are used (a
daylight-saving day, with 23 or 25 hours, has no same-length wall-clock day to shift
within, and is skipped).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time, tzinfo
from decimal import Decimal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from core.errors import GridlineError
from core.money import amount_from_float, money_round

EVENING = (time(17), time(21))


class InvalidLoadShiftInput(GridlineError):
    code = "invalid_load_shift_input"


@dataclass(frozen=True)
class LoadShift:
    days: int  # days used
    days_skipped: int  # days without every interval measured and priced
    kwh_moved: float
    cost_before: Decimal  # the flexible kWh at the evening's prices
    cost_after: Decimal  # the same kWh in each day's cheapest window
    usual_window_start: time | None  # the cheapest window's most frequent start

    @property
    def saving(self) -> Decimal:
        return self.cost_before - self.cost_after


def _complete_days(kwh, price, filled):
    """The rows of the [day, slot] matrices with every slot filled once, measured and
    priced, and how many days fell short."""
    complete = (filled == 1).all(axis=1) & ~np.isnan(kwh).any(axis=1) & ~np.isnan(price).any(
        axis=1)
    return kwh[complete], price[complete], int((~complete).sum())


def _slot_matrix(frame: pd.DataFrame, tz: tzinfo, interval_minutes: int):
    """kWh and price as [day, slot of the local day] for the complete days."""
    local = pd.DatetimeIndex(frame.index).tz_convert(tz)
    minute = np.asarray(local.hour * 60 + local.minute)
    _, day = np.unique(np.asarray(local.tz_localize(None).normalize()), return_inverse=True)
    return _on_slots(kwh=frame["kwh"].to_numpy(dtype=float),
                     price=frame["price"].to_numpy(dtype=float), day=day.ravel(),
                     minute=minute, interval_minutes=interval_minutes)


def _on_slots(*, kwh, price, day, minute, interval_minutes):
    if (minute % interval_minutes).any():
        raise InvalidLoadShiftInput(f"interval starts are not on a {interval_minutes}-minute "
                                    "grid of local time")
    slots = 1440 // interval_minutes
    days = int(day.max()) + 1 if len(day) else 0
    slot = minute // interval_minutes
    kwh_matrix = np.full((days, slots), np.nan)
    price_matrix = np.full((days, slots), np.nan)
    filled = np.bincount(day * slots + slot, minlength=days * slots).reshape(days, slots)
    kwh_matrix[day, slot] = kwh
    price_matrix[day, slot] = price
    return _complete_days(kwh_matrix, price_matrix, filled)


def _window(interval_minutes: int, evening: tuple[time, time]) -> tuple[int, int]:
    """The evening as [first, last) slots of the day."""
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise InvalidLoadShiftInput("the interval must divide a day (e.g. 15, 30 or 60 min)")
    start, end = (moment.hour * 60 + moment.minute for moment in evening)
    if not start < end or start % interval_minutes or end % interval_minutes:
        raise InvalidLoadShiftInput("the evening window must be a whole number of intervals "
                                    "within one day")
    return start // interval_minutes, end // interval_minutes


def load_shift(
    *, readings: pd.Series, prices: pd.Series, tz: tzinfo, interval_minutes: int,
    base_load_kw: float, evening: tuple[time, time] = EVENING,
) -> LoadShift:
    """`readings` (kWh) and `prices` (money per kWh) by tz-aware interval start."""
    first, last = _window(interval_minutes, evening)
    frame = pd.DataFrame({"kwh": readings}).join(pd.DataFrame({"price": prices}), how="inner")
    frame = frame[~frame.index.duplicated(keep="first")]
    if (frame["kwh"] < 0).any():
        raise InvalidLoadShiftInput("kWh readings must be >= 0")
    kwh, price, skipped = _slot_matrix(frame, tz, interval_minutes)
    return _shifted(kwh=kwh, price=price, skipped=skipped, window=(first, last),
                    interval_minutes=interval_minutes, base_load_kw=base_load_kw)


def load_shift_on_grid(
    *, kwh: np.ndarray, price: np.ndarray, grid, interval_minutes: int, base_load_kw: float,
    evening: tuple[time, time] = EVENING,
) -> LoadShift:
    """`load_shift` for readings and prices on a known grid of interval starts: `kwh[i]`
    and `price[i]` (NaN = none) and `grid` (`breakdown.LocalGrid`: local day and minute of
    each interval), with numpy only: the nightly job's chunk converts its grid to local
    time once. Gives the figures of `load_shift` (tests/insights/test_load_shift.py)."""
    first, last = _window(interval_minutes, evening)
    if (np.nan_to_num(kwh) < 0).any():
        raise InvalidLoadShiftInput("kWh readings must be >= 0")
    kwh_days, price_days, skipped = _on_slots(
        kwh=np.asarray(kwh, dtype=float), price=np.asarray(price, dtype=float), day=grid.day,
        minute=grid.minute, interval_minutes=interval_minutes)
    return _shifted(kwh=kwh_days, price=price_days, skipped=skipped, window=(first, last),
                    interval_minutes=interval_minutes, base_load_kw=base_load_kw)


def _shifted(*, kwh, price, skipped, window, interval_minutes, base_load_kw) -> LoadShift:
    """The shift on [day, slot] matrices of complete days."""
    first, last = window
    base_kwh = base_load_kw * interval_minutes / 60
    flexible = np.maximum(kwh[:, first:last] - base_kwh, 0.0)  # [day, evening slot]
    if len(kwh) == 0:
        zero = money_round(Decimal(0))
        return LoadShift(days=0, days_skipped=skipped, kwh_moved=0.0, cost_before=zero,
                         cost_after=zero, usual_window_start=None)
    windows = sliding_window_view(price, last - first, axis=1)  # [day, window start, slot]
    cost = np.einsum("dwk,dk->dw", windows, flexible)
    best = np.argmin(cost, axis=1)  # first minimum: the earliest of equally cheap windows
    before = float((flexible * price[:, first:last]).sum())
    after = float(cost[np.arange(len(cost)), best].sum())
    starts, counts = np.unique(best, return_counts=True)
    usual = int(starts[np.argmax(counts)]) * interval_minutes
    return LoadShift(
        days=len(kwh), days_skipped=skipped, kwh_moved=float(flexible.sum()),
        cost_before=money_round(amount_from_float(before)),
        cost_after=money_round(amount_from_float(after)),
        usual_window_start=time(usual // 60, usual % 60),
    )
