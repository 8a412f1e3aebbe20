"""The cheapest contiguous window of N hours in a period (plan EV charging, appliances).

Pure maths on arrays (no ORM): a loader puts the prices on the full interval grid with NaN
for missing intervals; windows that touch a gap are not candidates.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import numpy as np

from core.errors import GridlineError


class NoCompleteWindow(GridlineError):
    code = "no_complete_window"
    status = 404


class WindowInvalid(GridlineError):
    code = "invalid_window"
    status = 400


@dataclass(frozen=True)
class CheapestWindow:
    window_from: datetime
    window_to: datetime  # exclusive
    average: Decimal
    starts: list[datetime]
    values: list[Decimal]


def window_length(*, hours: int, interval_minutes: int) -> int:
    if hours <= 0:
        raise WindowInvalid("hours must be at least 1.")
    if (hours * 60) % interval_minutes:
        raise WindowInvalid(f"{hours} h is not a whole number of {interval_minutes}-minute "
                            "intervals.")
    return hours * 60 // interval_minutes


def cheapest_window_index(*, values: np.ndarray, length: int) -> int | None:
    """Start index of the contiguous run of `length` values with the lowest sum (earliest on
    ties), skipping runs with a NaN; None when there is no complete run."""
    if length > len(values):
        return None
    missing = np.isnan(values)
    filled = np.where(missing, 0.0, values)
    sums = np.convolve(filled, np.ones(length), mode="valid")
    gaps = np.convolve(missing.astype(np.int64), np.ones(length, dtype=np.int64),
                       mode="valid")
    sums[gaps > 0] = np.inf
    best = int(np.argmin(sums))
    return None if np.isinf(sums[best]) else best


def cheapest_window(*, points: list[tuple[datetime, Decimal]], period_from: datetime,
                    period_to: datetime, interval_minutes: int, hours: int) -> CheapestWindow:
    """points: (interval_start, value) inside [period_from, period_to), on the grid."""
    if period_to <= period_from:
        raise WindowInvalid("period_to must be after period_from.")
    length = window_length(hours=hours, interval_minutes=interval_minutes)
    step = timedelta(minutes=interval_minutes)
    count = int((period_to - period_from) / step)
    grid = np.full(count, np.nan)
    for start, value in points:
        index = int((start - period_from) / step)
        if 0 <= index < count:
            grid[index] = float(value)
    best = cheapest_window_index(values=grid, length=length)
    if best is None:
        raise NoCompleteWindow(
            f"No complete {hours}-hour window of prices between {period_from.isoformat()} "
            f"and {period_to.isoformat()}."
        )
    by_start = dict(points)
    starts = [period_from + step * (best + i) for i in range(length)]
    values = [by_start[s] for s in starts]
    average = (sum(values, Decimal(0)) / length).quantize(Decimal("0.0001"))
    return CheapestWindow(window_from=starts[0], window_to=starts[-1] + step, average=average,
                          starts=starts, values=values)
