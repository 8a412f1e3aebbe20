"""Half-open ranges as values: `[start, end)`, with an open end for "until further notice".

Contract × tariff version × billing period is three intersections; writing them as values
keeps the off-by-one out of every caller. Plain Python (no Django), so the pricing engine
and analytics can use it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from core.errors import GridlineError

T = TypeVar("T", date, datetime)


class InvalidRange(GridlineError):
    code = "invalid_range"


@dataclass(frozen=True)
class HalfOpen(Generic[T]):
    """`[start, end)`; `end=None` is open-ended. Never empty: start < end."""

    start: T
    end: T | None = None

    def __post_init__(self):
        if self.end is not None and not self.start < self.end:
            raise InvalidRange(
                f"[{self.start}, {self.end}) is empty: the end must be after the start."
            )

    @property
    def is_finite(self) -> bool:
        return self.end is not None

    def __contains__(self, moment: T) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)

    def overlaps(self, other: HalfOpen[T]) -> bool:
        return self.intersection(other) is not None

    def intersection(self, other: HalfOpen[T]) -> HalfOpen[T] | None:
        """The common part, or None when the two do not meet (touching ends do not)."""
        start = max(self.start, other.start)
        ends = [e for e in (self.end, other.end) if e is not None]
        end = min(ends) if ends else None
        if end is not None and not start < end:
            return None
        return type(self)(start, end)

    def clip(self, outer: HalfOpen[T]) -> HalfOpen[T] | None:
        """This range cut to `outer` (an alias that reads better at call sites)."""
        return self.intersection(outer)

    def __str__(self) -> str:
        return f"[{self.start}, {self.end if self.end is not None else '…'})"


class DateRange(HalfOpen[date]):
    """Local calendar days `[start, end)`."""

    @property
    def days(self) -> int:
        if self.end is None:
            raise InvalidRange(f"{self} is open-ended: it has no number of days.")
        return (self.end - self.start).days

    def each_day(self):
        if self.end is None:
            raise InvalidRange(f"{self} is open-ended: its days cannot be listed.")
        day = self.start
        while day < self.end:
            yield day
            day += timedelta(days=1)


class DateTimeRange(HalfOpen[datetime]):
    """Instants `[start, end)`, both timezone-aware."""

    def __post_init__(self):
        for name, moment in (("start", self.start), ("end", self.end)):
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise InvalidRange(f"The range's {name} {moment.isoformat()} must be "
                                   "timezone-aware.")
        super().__post_init__()


def active_on(start: date, end: date | None, on: date) -> bool:
    """Whether `[start, end)` holds `on`: the one "in force on a date" rule."""
    return start <= on and (end is None or on < end)


def local_date(moment: datetime, time_zone: str) -> date:
    """The calendar day `moment` falls on in `time_zone` (a retailer's "today" is
    `local_date(now, retailer.time_zone)`, decided by the interface, never the UTC date)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidRange(f"{moment.isoformat()} must be timezone-aware.")
    return moment.astimezone(ZoneInfo(time_zone)).date()


def local_midnight(day: date, time_zone: str) -> datetime:
    """The instant `day` starts in `time_zone`."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(time_zone))


def local_days(days: DateRange, time_zone: str) -> DateTimeRange:
    """The instants of local days `[start, end)` in `time_zone`: from the first day's
    midnight to the end day's (23, 24 or 25 hours a day across clock changes)."""
    if days.end is None:
        raise InvalidRange(f"{days} is open-ended: it has no last instant.")
    return DateTimeRange(local_midnight(days.start, time_zone),
                         local_midnight(days.end, time_zone))
