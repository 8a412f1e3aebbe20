"""Load shifting: what moving the flexible evening load to the cheapest window would save.

The flexible load of a day is the part of each interval above the base load between 17:00
and 21:00 local time. It is moved, keeping its shape, to the window of the same length on
the same day where it would cost least (the evening itself is a candidate, so the saving is
never negative; on a tie the earliest window wins). Prices are the customer's own price per
kWh for each interval (from their tariff and the stored market prices), given as input:
pricing is the tariff engine's job.

Only days with every interval present and priced are used (a daylight-saving day, with 23
or 25 hours, has no same-length wall-clock day to shift within, and is skipped).
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


def _slot_matrix(frame: pd.DataFrame, tz: tzinfo, interval_minutes: int):
    """kWh and price as [day, slot of the local day] for the complete days."""
    local = pd.DatetimeIndex(frame.index).tz_convert(tz)
    minute = np.asarray(local.hour * 60 + local.minute)
    if (minute % interval_minutes).any():
        raise InvalidLoadShiftInput(f"interval starts are not on a {interval_minutes}-minute "
                                    "grid of local time")
    slots = 1440 // interval_minutes
    dates, day = np.unique(np.asarray(local.tz_localize(None).normalize()), return_inverse=True)
    slot = minute // interval_minutes
    kwh = np.full((len(dates), slots), np.nan)
    price = np.full((len(dates), slots), np.nan)
    filled = np.zeros((len(dates), slots), dtype=int)
    np.add.at(filled, (day, slot), 1)
    kwh[day, slot] = frame["kwh"].to_numpy(dtype=float)
    price[day, slot] = frame["price"].to_numpy(dtype=float)
    complete = (filled == 1).all(axis=1) & ~np.isnan(kwh).any(axis=1) & ~np.isnan(price).any(
        axis=1)
    return kwh[complete], price[complete], int((~complete).sum())


def load_shift(
    *, readings: pd.Series, prices: pd.Series, tz: tzinfo, interval_minutes: int,
    base_load_kw: float, evening: tuple[time, time] = EVENING,
) -> LoadShift:
    """`readings` (kWh) and `prices` (money per kWh) by tz-aware interval start."""
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise InvalidLoadShiftInput("the interval must divide a day (e.g. 15, 30 or 60 min)")
    start, end = (moment.hour * 60 + moment.minute for moment in evening)
    if not start < end or start % interval_minutes or end % interval_minutes:
        raise InvalidLoadShiftInput("the evening window must be a whole number of intervals "
                                    "within one day")
    frame = pd.DataFrame({"kwh": readings}).join(pd.DataFrame({"price": prices}), how="inner")
    frame = frame[~frame.index.duplicated(keep="first")]
    if (frame["kwh"] < 0).any():
        raise InvalidLoadShiftInput("kWh readings must be >= 0")
    kwh, price, skipped = _slot_matrix(frame, tz, interval_minutes)
    first, last = start // interval_minutes, end // interval_minutes
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
