"""Billing periods: half-open [start, end) spans of time, and local-calendar splitting.

A local day belongs to the period that contains its first instant (local midnight), so
consecutive periods never count a day twice and a period that starts mid-day does not
charge that day's standing charge (the period before it already did). Monthly amounts are
prorated by local days: a whole calendar month is exactly one month, 10 days of a 30-day
month are 1/3 of one.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Literal
from zoneinfo import ZoneInfo

from core.errors import GridlineError

BillingCycle = Literal["month", "quarter"]
_CYCLE_MONTHS = {"month": 1, "quarter": 3}


class InvalidPeriod(GridlineError):
    code = "invalid_period"


def _require_aware(moment: datetime, *, field: str) -> None:
    if not isinstance(moment, datetime):
        raise InvalidPeriod(f"{field} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidPeriod(f"{field} must be timezone-aware, got naive {moment.isoformat()}")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def __post_init__(self):
        _require_aware(self.start, field="period start")
        _require_aware(self.end, field="period end")
        if not self.start < self.end:
            raise InvalidPeriod(
                f"period start {self.start.isoformat()} must be before its end "
                f"{self.end.isoformat()}"
            )


def check_periods(periods) -> tuple[Period, ...]:
    periods = tuple(periods)
    if not periods:
        raise InvalidPeriod("no billing periods to price")
    for before, after in zip(periods, periods[1:], strict=False):
        if after.start < before.end:
            raise InvalidPeriod(
                f"billing periods must be in order and not overlap: {after.start.isoformat()} "
                f"starts before {before.end.isoformat()}"
            )
    return periods


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def billing_periods(
    *, start: datetime, end: datetime, time_zone: str, by: BillingCycle = "month"
) -> tuple[Period, ...]:
    """Split [start, end) at local calendar month (or quarter) boundaries."""
    whole = Period(start=start, end=end)
    if by not in _CYCLE_MONTHS:
        raise InvalidPeriod(f"unknown billing cycle {by!r}; use 'month' or 'quarter'")
    step = _CYCLE_MONTHS[by]
    zone = ZoneInfo(time_zone)
    local_start = whole.start.astimezone(zone)
    first = date(local_start.year, local_start.month - (local_start.month - 1) % step, 1)
    periods = []
    cursor = whole.start
    boundary = _add_months(first, step)
    while cursor < whole.end:
        boundary_at = _local_midnight(boundary, zone)
        period_end = min(boundary_at, whole.end)
        if period_end > cursor:
            periods.append(Period(start=cursor, end=period_end))
        cursor = period_end
        boundary = _add_months(boundary, step)
    return tuple(periods)


def _days_counted(period: Period, zone: ZoneInfo) -> tuple[date, date]:
    """[first, last) local dates whose midnight lies in the period."""
    local_start = period.start.astimezone(zone)
    local_end = period.end.astimezone(zone)
    first = local_start.date()
    if local_start.time() != time(0):
        first += timedelta(days=1)
    last = local_end.date()
    if local_end.time() != time(0):
        last += timedelta(days=1)
    return first, max(first, last)


def local_day_count(period: Period, *, time_zone: str) -> int:
    first, last = _days_counted(period, ZoneInfo(time_zone))
    return (last - first).days


def local_month_count(period: Period, *, time_zone: str) -> Fraction:
    """Calendar months in the period, prorating partial months by their local days."""
    first, last = _days_counted(period, ZoneInfo(time_zone))
    months = Fraction(0)
    cursor = first
    while cursor < last:
        month_start = date(cursor.year, cursor.month, 1)
        next_month = _add_months(month_start, 1)
        chunk_end = min(next_month, last)
        months += Fraction((chunk_end - cursor).days, (next_month - month_start).days)
        cursor = chunk_end
    return months
