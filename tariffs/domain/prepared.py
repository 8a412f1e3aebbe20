"""Per-profile work done once and shared by every tariff priced against it.

Preparing a profile for a time zone and a list of billing periods selects the intervals
inside the periods, tags each with its period, and computes its local calendar fields
(minute of day, month, weekday, day number) with a handful of numpy operations on the UTC
nanosecond starts. Band lookup keys, holiday masks and aligned spot prices are cached on the
prepared profile, so ranking fifty tariffs that share a time zone computes them once.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

import numpy as np
import pandas as pd

from core.errors import GridlineError

from .periods import Period, check_periods, local_day_count, local_month_count
from .profile import NS_PER_MINUTE, LoadProfile
from .schedule import HOLIDAY, MINUTES_PER_DAY, SLOTS_PER_DAY_CODE, CompiledSchedule

NS_PER_DAY = MINUTES_PER_DAY * NS_PER_MINUTE
# 1970-01-01 was a Thursday; with Monday = 0 that is weekday 3.
EPOCH_WEEKDAY = 3


class MissingSpotPrice(GridlineError):
    code = "missing_spot_price"


class IntervalsTooCoarse(GridlineError):
    code = "intervals_too_coarse"


def _ns(moment: datetime) -> int:
    return pd.Timestamp(moment).as_unit("ns").value


@dataclass(eq=False)
class PreparedProfile:
    time_zone: str
    periods: tuple[Period, ...]
    period_days: tuple[int, ...]
    period_months: tuple[Fraction, ...]
    interval_minutes: int
    interval_hours: float
    starts: np.ndarray
    import_kwh: np.ndarray
    export_kwh: np.ndarray
    period_index: np.ndarray  # which period each selected interval belongs to
    period_offsets: np.ndarray  # first array position of each period (periods are contiguous)
    period_counts: np.ndarray
    minute_of_day: np.ndarray
    month0: np.ndarray  # local month - 1
    weekday: np.ndarray
    day_number: np.ndarray  # local days since 1970-01-01
    spot_prices: Mapping[str, pd.Series]
    _keys: dict = field(default_factory=dict)
    _spot: dict = field(default_factory=dict)
    _checked_steps: set = field(default_factory=set)
    _by_time: dict = field(default_factory=dict)  # engine figures that depend on time only

    @property
    def period_count(self) -> int:
        return len(self.periods)

    def lookup_keys(self, holiday_days: np.ndarray) -> np.ndarray:
        """Positions in a compiled schedule's table, one per interval."""
        cache_key = holiday_days.tobytes()
        keys = self._keys.get(cache_key)
        if keys is None:
            day_code = self.weekday
            if len(holiday_days):
                day_code = np.where(np.isin(self.day_number, holiday_days), HOLIDAY, day_code)
            keys = day_code * SLOTS_PER_DAY_CODE + self.month0 * MINUTES_PER_DAY
            keys += self.minute_of_day
            self._keys[cache_key] = keys
        return keys

    def bands(self, compiled: CompiledSchedule) -> np.ndarray:
        self.check_resolution(compiled)
        return compiled.table[self.lookup_keys(compiled.holiday_days)]

    def check_resolution(self, compiled: CompiledSchedule) -> None:
        """Refuse to price when a band change would fall inside an interval."""
        step = compiled.step_minutes
        if step is None or step in self._checked_steps:
            return
        size = self.interval_minutes
        offset = self.minute_of_day % step
        if size > step or ((offset != 0) & (offset + size > step)).any():
            raise IntervalsTooCoarse(
                f"the tariff changes band at multiples of {step} minutes after local midnight, "
                f"but the load profile's {size}-minute intervals straddle those changes; "
                "price it from finer interval data"
            )
        self._checked_steps.add(step)

    def market_prices(self, instrument: str) -> np.ndarray:
        """The instrument's price for every selected interval, in profile order; refuses
        to go on when an interval has none (a bill is never priced with a gap)."""
        prices = self.aligned_market_prices(instrument)
        missing = np.isnan(prices)
        if missing.any():
            first = pd.Timestamp(int(self.starts[missing][0]), tz="UTC")
            raise MissingSpotPrice(
                f"no {instrument!r} spot price for the interval starting "
                f"{first.isoformat()} ({int(missing.sum())} intervals lack one)"
            )
        return prices

    def aligned_market_prices(self, instrument: str) -> np.ndarray:
        """The instrument's price for every selected interval, NaN where the series has
        none (advice such as load shifting skips those days; bills use market_prices)."""
        prices = self._spot.get(instrument)
        if prices is None:
            series = self.spot_prices.get(instrument)
            if series is None:
                raise MissingSpotPrice(f"no spot prices were given for instrument {instrument!r}")
            index = series.index
            if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
                raise MissingSpotPrice(
                    f"spot prices for {instrument!r} must be indexed by tz-aware interval starts"
                )
            known_ns = index.tz_convert("UTC").as_unit("ns").asi8
            order = np.argsort(known_ns, kind="stable")
            known = known_ns[order]
            values = np.asarray(series, dtype=np.float64)[order]
            if len(known) == 0:
                prices = np.full(len(self.starts), np.nan)
            else:
                position = np.minimum(np.searchsorted(known, self.starts), len(known) - 1)
                prices = np.where(known[position] == self.starts, values[position], np.nan)
            self._spot[instrument] = prices
        return prices


def prepare_profile(
    *,
    profile: LoadProfile,
    periods: Sequence[Period],
    time_zone: str,
    spot_prices: Mapping[str, pd.Series] | None = None,
) -> PreparedProfile:
    periods = check_periods(periods)
    bounds = np.array([[_ns(p.start), _ns(p.end)] for p in periods], dtype=np.int64)
    lows = np.searchsorted(profile.interval_starts, bounds[:, 0], side="left")
    highs = np.searchsorted(profile.interval_starts, bounds[:, 1], side="left")
    counts = highs - lows
    if len(periods) == 1 or (lows[1:] == highs[:-1]).all():
        selection = slice(int(lows[0]), int(highs[-1]))  # contiguous periods: no copy
    else:
        selection = np.concatenate([np.arange(lo, hi) for lo, hi in zip(lows, highs, strict=True)])
    starts = profile.interval_starts[selection]

    local = pd.DatetimeIndex(starts, tz="UTC").tz_convert(time_zone).tz_localize(None)
    local_ns = local.as_unit("ns").asi8
    day_number = local_ns // NS_PER_DAY
    month_index = day_number.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return PreparedProfile(
        time_zone=time_zone,
        periods=periods,
        period_days=tuple(local_day_count(p, time_zone=time_zone) for p in periods),
        period_months=tuple(local_month_count(p, time_zone=time_zone) for p in periods),
        interval_minutes=profile.interval_minutes,
        interval_hours=profile.interval_hours,
        starts=starts,
        import_kwh=profile.import_kwh[selection],
        export_kwh=profile.export_kwh[selection],
        period_index=np.repeat(np.arange(len(periods)), counts),
        period_offsets=np.concatenate(([0], np.cumsum(counts)[:-1])),
        period_counts=counts,
        minute_of_day=(local_ns - day_number * NS_PER_DAY) // NS_PER_MINUTE,
        month0=month_index % 12,
        weekday=(day_number + EPOCH_WEEKDAY) % 7,
        day_number=day_number,
        spot_prices=spot_prices or {},
    )
