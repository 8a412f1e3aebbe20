"""Interval starts as the rest of the domain takes them, and how errors name an interval.

Interval starts are int64 nanoseconds since the epoch in UTC, strictly increasing (the same
arrays as `tariffs.domain.profile.LoadProfile.interval_starts`); a tz-aware
`pandas.DatetimeIndex` is accepted and converted.
"""
import numpy as np
import pandas as pd

from core.errors import GridlineError


class InvalidIntervals(GridlineError):
    code = "invalid_intervals"


def starts_ns(interval_starts) -> np.ndarray:
    """The starts as int64 UTC nanoseconds, checked strictly increasing."""
    if isinstance(interval_starts, pd.DatetimeIndex):
        if interval_starts.tz is None:
            raise InvalidIntervals("interval starts must be timezone-aware")
        values = interval_starts.tz_convert("UTC").as_unit("ns").asi8
    else:
        values = np.asarray(interval_starts)
        if values.dtype != np.int64:
            raise InvalidIntervals(
                "interval starts must be a tz-aware DatetimeIndex or int64 UTC nanoseconds, "
                f"got an array of {values.dtype}"
            )
    if values.ndim != 1:
        raise InvalidIntervals(f"interval starts must be one-dimensional, got shape {values.shape}")
    if len(values) > 1 and not (np.diff(values) > 0).all():
        raise InvalidIntervals("interval starts must be strictly increasing")
    return values


def interval_label(position: int, interval_starts=None) -> str:
    """'interval 17 (starting 2026-03-01T08:30:00+00:00)', or 'interval 17' without starts."""
    if interval_starts is None:
        return f"interval {position}"
    moment = pd.Timestamp(int(starts_ns(interval_starts)[position]), tz="UTC")
    return f"interval {position} (starting {moment.isoformat()})"
