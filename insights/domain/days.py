"""Local days: daily usage from interval rows and daily mean temperature (CalTRACK 2.0).

Instants are UTC; a "day" is a local calendar day of some clock:
- `ZoneDays(tz)`: a time zone or a fixed offset (what the database path uses: the
  premise's zone), with 23- and 25-hour days where the zone changes its clocks;
- `FileOffsetDays`: the offsets a usage file itself carries, so that "the usage file's
  local days" holds even for a file whose offsets change (e.g. -06:00 in winter and -05:00
  in summer). Temperature rows are put on the same clock before they are grouped.

Usage: a day with more than half of its intervals present counts, scaled up by intervals
in the day / intervals present; otherwise it is missing. An absent row is a missing
interval (nothing is spread over a gap); of duplicate rows the first is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, tzinfo
from functools import lru_cache

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.ranges import DateRange

NS_PER_S = 1_000_000_000
DAY_NS = 86_400 * NS_PER_S


class InvalidSeries(GridlineError):
    code = "invalid_series"


def utc_ns(instants) -> np.ndarray:
    """Timezone-aware instants as int64 nanoseconds since the epoch (UTC)."""
    index = pd.DatetimeIndex(instants)
    if index.tz is None:
        raise InvalidSeries("instants must be timezone-aware (UTC or with an offset)")
    return index.tz_convert("UTC").as_unit("ns").asi8


def _dates_from_local_ns(local_ns: np.ndarray) -> np.ndarray:
    return (local_ns // DAY_NS).astype("datetime64[D]")


@dataclass(frozen=True)
class ZoneDays:
    """Local days of a time zone (ZoneInfo) or fixed offset (datetime.timezone)."""

    tz: tzinfo

    def dates(self, instants_ns: np.ndarray) -> np.ndarray:
        local = (pd.DatetimeIndex(instants_ns.astype("datetime64[ns]"), tz="UTC")
                 .tz_convert(self.tz).tz_localize(None).as_unit("ns").asi8)
        return _dates_from_local_ns(local)

    def day_seconds(self, dates: np.ndarray) -> np.ndarray:
        midnights = dates.astype("datetime64[ns]")

        def start(days):
            index = pd.DatetimeIndex(days)
            # A midnight that happens twice starts the day at its first occurrence.
            return index.tz_localize(self.tz, ambiguous=np.ones(len(index), dtype=bool),
                                     nonexistent="shift_forward").as_unit("ns").asi8

        return (start(midnights + np.timedelta64(1, "D")) - start(midnights)) / NS_PER_S


@dataclass(frozen=True)
class FileOffsetDays:
    """Local days as a file's own UTC offsets define them.

    An offset applies from the first row that carries it until the next change; any other
    instant (a temperature row) takes the offset in force at that moment.
    """

    since_ns: np.ndarray  # sorted instants from which each offset applies
    offsets_s: np.ndarray

    @classmethod
    def from_rows(cls, *, instants_ns: np.ndarray, offsets_s: np.ndarray) -> FileOffsetDays:
        if len(instants_ns) == 0:
            raise InvalidSeries("no rows to take UTC offsets from")
        order = np.argsort(instants_ns, kind="stable")
        instants, offsets = instants_ns[order], np.asarray(offsets_s, dtype=np.int64)[order]
        change = np.concatenate([[True], offsets[1:] != offsets[:-1]])
        return cls(since_ns=instants[change], offsets_s=offsets[change])

    def offsets_at(self, instants_ns: np.ndarray) -> np.ndarray:
        position = np.searchsorted(self.since_ns, instants_ns, side="right") - 1
        return self.offsets_s[np.clip(position, 0, None)]

    def dates(self, instants_ns: np.ndarray) -> np.ndarray:
        return _dates_from_local_ns(instants_ns + self.offsets_at(instants_ns) * NS_PER_S)

    def _instants_of_local(self, local_ns: np.ndarray) -> np.ndarray:
        """The first instant showing each local wall-clock time (the moment after a gap
        for a time the clock skipped)."""
        found = np.full(len(local_ns), np.iinfo(np.int64).max)
        for offset in np.unique(self.offsets_s):
            candidate = local_ns - offset * NS_PER_S
            fits = (self.offsets_at(candidate) == offset) & (candidate < found)
            found = np.where(fits, candidate, found)
        skipped = found == np.iinfo(np.int64).max
        if skipped.any():
            before = self.offsets_at(local_ns[skipped] - self.offsets_s.max() * NS_PER_S)
            found[skipped] = local_ns[skipped] - before * NS_PER_S
        return found

    def day_seconds(self, dates: np.ndarray) -> np.ndarray:
        midnights = dates.astype("datetime64[ns]").astype(np.int64)
        return (self._instants_of_local(midnights + DAY_NS)
                - self._instants_of_local(midnights)) / NS_PER_S


LocalDays = ZoneDays | FileOffsetDays


def _first_of_each_instant(instants_ns: np.ndarray, values: np.ndarray):
    """Rows with distinct instants, the first of duplicates kept, sorted by instant."""
    order = np.argsort(instants_ns, kind="stable")  # stable: duplicates stay in file order
    ordered = instants_ns[order]
    first = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    return ordered[first], values[order[first]]


def _runs(sorted_values: np.ndarray):
    """The distinct values of a sorted array, each one's position of first occurrence and
    its count (a run-length encoding; cheaper than np.unique on sorted data)."""
    starts = np.flatnonzero(np.concatenate([[True], sorted_values[1:] != sorted_values[:-1]]))
    counts = np.diff(np.concatenate([starts, [len(sorted_values)]]))
    return sorted_values[starts], starts, counts


def _date_index(dates: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(dates.astype("datetime64[ns]"), name="date")


def _interval_of_sorted(unique_ns: np.ndarray) -> int:
    """The usual interval of a series: the most common gap between distinct starts."""
    if len(unique_ns) < 2:
        raise InvalidSeries("one reading alone does not tell the interval length; "
                            "give the interval")
    gaps, _, counts = _runs(np.sort(np.diff(unique_ns)))
    return int(gaps[np.argmax(counts)] // NS_PER_S)


def _per_date(days: LocalDays, instants_ns: np.ndarray, values: np.ndarray):
    """Sum and count of the values per local date (instants sorted, NaN values dropped)."""
    present = ~np.isnan(values)
    local_dates, values = days.dates(instants_ns[present]), values[present]
    # Nearly always sorted already; not when a clock goes back across midnight.
    order = np.argsort(local_dates, kind="stable")
    dates, starts, counts = _runs(local_dates[order])
    totals = np.add.reduceat(values[order], starts) if len(starts) else np.array([])
    return dates, totals, counts


def daily_usage(
    *, instants, kwh, days: LocalDays, interval: timedelta | None = None,
) -> pd.Series:
    """kWh per local day, for the days with more than half of their intervals present.

    `instants` are the interval starts (tz-aware), `kwh` the readings (NaN = no reading).
    Returns a Series indexed by date (midnight, no zone) holding only the counted days.
    """
    instants_ns = utc_ns(instants)
    values = np.asarray(kwh, dtype=float)
    if len(values) != len(instants_ns):
        raise InvalidSeries(f"{len(instants_ns)} interval starts but {len(values)} kWh values")
    if np.isinf(values).any() or (values < 0).any():
        raise InvalidSeries("kWh readings must be finite and >= 0")
    if len(values) == 0:
        return pd.Series([], index=_date_index(np.array([], "datetime64[D]")), dtype=float)
    instants_ns, values = _first_of_each_instant(instants_ns, values)
    step_s = (int(interval.total_seconds()) if interval is not None
              else _interval_of_sorted(instants_ns))
    if step_s <= 0:
        raise InvalidSeries("the interval length must be positive")
    dates, total, count = _per_date(days, instants_ns, values)
    expected = np.maximum(np.rint(days.day_seconds(dates) / step_s), 1)
    counted = 2 * count > expected
    scaled = total[counted] * expected[counted] / count[counted]
    return pd.Series(scaled, index=_date_index(dates[counted]), name="kwh")


def daily_usage_from_counts(
    *, kwh: np.ndarray, intervals_present: np.ndarray, intervals_in_day: np.ndarray,
) -> np.ndarray:
    """The same day rule on per-day totals (e.g. the metering daily rollups, which keep
    each local day's kWh and interval count): kWh scaled by in-day / present when more
    than half are present, else NaN. Any array shape (e.g. [customer, day])."""
    kwh = np.asarray(kwh, dtype=float)
    present = np.asarray(intervals_present, dtype=float)
    in_day = np.asarray(intervals_in_day, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(2 * present > in_day, kwh * in_day / present, np.nan)


def daily_temperature(*, instants, temperature, days: LocalDays) -> pd.Series:
    """Mean of each local day's temperature readings present (NaN = no reading)."""
    instants_ns = utc_ns(instants)
    values = np.asarray(temperature, dtype=float)
    if len(values) != len(instants_ns):
        raise InvalidSeries(f"{len(instants_ns)} timestamps but {len(values)} temperatures")
    if len(values) == 0:
        return pd.Series([], index=_date_index(np.array([], "datetime64[D]")), dtype=float)
    instants_ns, values = _first_of_each_instant(instants_ns, values)
    dates, total, count = _per_date(days, instants_ns, values)
    return pd.Series(total / count, index=_date_index(dates), name="temperature")


@lru_cache(maxsize=256)
def period_dates(period: DateRange) -> pd.DatetimeIndex:
    """Every local date of a half-open period (an immutable index: a nightly chunk asks
    for the same few periods for every customer)."""
    return pd.date_range(period.start, period.end, freq="D", inclusive="left", name="date")


def daily_frame(*, usage: pd.Series, temperature: pd.Series) -> pd.DataFrame:
    """One row per date that has usage or temperature: `kwh` and `temperature` (°F), NaN
    where one of them is missing. Periods are cut from it by the functions that use it."""
    index = usage.index.union(temperature.index).rename("date")
    return pd.DataFrame({
        "kwh": usage.reindex(index).to_numpy(dtype=float),
        "temperature": temperature.reindex(index).to_numpy(dtype=float),
    }, index=index)
