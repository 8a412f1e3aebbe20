"""Interval load profiles: imported and exported kWh per interval of a known length.

A profile is stored as numpy arrays (UTC nanoseconds for interval starts) because the engine
works on whole arrays. Intervals missing from a profile are priced as zero; estimating them
is the metering app's job (VEE), not the pricing engine's.
"""
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from core.errors import GridlineError

NS_PER_MINUTE = 60_000_000_000


class InvalidLoadProfile(GridlineError):
    code = "invalid_load_profile"


@dataclass(frozen=True, eq=False)
class LoadProfile:
    interval_starts: np.ndarray  # int64 nanoseconds since the epoch (UTC), strictly increasing
    import_kwh: np.ndarray  # float64, >= 0
    export_kwh: np.ndarray  # float64, >= 0
    interval: timedelta

    @property
    def interval_minutes(self) -> int:
        return int(self.interval / timedelta(minutes=1))

    @property
    def interval_hours(self) -> float:
        return self.interval / timedelta(hours=1)


def _index_ns(index: pd.Index, *, what: str) -> np.ndarray:
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise InvalidLoadProfile(
            f"{what} must be indexed by timezone-aware interval starts "
            f"(got {type(index).__name__}{'' if getattr(index, 'tz', None) else ' without tz'})"
        )
    try:
        starts = index.tz_convert("UTC").as_unit("ns").asi8
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise InvalidLoadProfile(
            f"{what}: interval starts must lie between {pd.Timestamp.min:%Y-%m-%d} and "
            f"{pd.Timestamp.max:%Y-%m-%d}") from None
    if len(starts) > 1 and not (np.diff(starts) > 0).all():
        raise InvalidLoadProfile(f"{what}: interval starts must be strictly increasing")
    return starts


# kWh per interval above this is no meter's reading (and sums of such values overflow).
MAX_INTERVAL_KWH = 1e9


def _values(series: pd.Series, *, what: str) -> np.ndarray:
    values = np.asarray(series, dtype=np.float64)
    if np.isnan(values).any():
        first = series.index[np.isnan(values)][0]
        raise InvalidLoadProfile(f"{what} has no value for the interval at {first.isoformat()}")
    if (np.abs(values) >= MAX_INTERVAL_KWH).any():
        first = series.index[np.abs(values) >= MAX_INTERVAL_KWH][0]
        raise InvalidLoadProfile(f"{what} is {MAX_INTERVAL_KWH:,.0f} kWh or more for the "
                                 f"interval at {first.isoformat()}")
    if (values < 0).any():
        first = series.index[values < 0][0]
        raise InvalidLoadProfile(f"{what} is negative for the interval at {first.isoformat()}")
    return values


def load_profile_from_series(
    *, import_kwh: pd.Series, interval: timedelta, export_kwh: pd.Series | None = None
) -> LoadProfile:
    """Build a profile from kWh per interval, indexed by tz-aware interval start."""
    if not isinstance(interval, timedelta) or interval <= timedelta(0):
        raise InvalidLoadProfile(f"interval must be a positive timedelta, got {interval!r}")
    if interval % timedelta(minutes=1):
        raise InvalidLoadProfile(f"interval must be whole minutes, got {interval}")
    starts = _index_ns(import_kwh.index, what="import_kwh")
    interval_ns = interval // timedelta(microseconds=1) * 1000
    if len(starts) > 1 and (np.diff(starts) < interval_ns).any():
        raise InvalidLoadProfile(
            f"interval starts are closer together than the interval {interval}"
        )
    imported = _values(import_kwh, what="import_kwh")
    if export_kwh is None:
        exported = np.zeros_like(imported)
    else:
        export_starts = _index_ns(export_kwh.index, what="export_kwh")
        if not np.array_equal(export_starts, starts):
            raise InvalidLoadProfile("export_kwh must have the same interval starts as import_kwh")
        exported = _values(export_kwh, what="export_kwh")
    return LoadProfile(
        interval_starts=starts, import_kwh=imported, export_kwh=exported, interval=interval
    )


def load_profile_from_frame(*, frame: pd.DataFrame, interval: timedelta) -> LoadProfile:
    """Columns `import_kwh` and optionally `export_kwh`, indexed by tz-aware interval start."""
    if "import_kwh" not in frame.columns:
        raise InvalidLoadProfile(
            f"frame needs an import_kwh column (has: {', '.join(map(str, frame.columns))})"
        )
    return load_profile_from_series(
        import_kwh=frame["import_kwh"],
        export_kwh=frame["export_kwh"] if "export_kwh" in frame.columns else None,
        interval=interval,
    )
