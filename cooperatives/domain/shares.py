"""Members' shareholdings as plain data: active shares per interval, share-days per year.

A holding is `shares` held over the local dates `[active_from, active_to)` (`active_to=None`:
still held). A member may hold several at once (each purchase is one); redeeming ends a
holding, and a partial redemption ends it and starts a smaller one the same day. Shares
count from local midnight of `active_from` in the cooperative's time zone, so an interval
counts a holding when the interval's start falls inside it: shares bought on the 16th give
rights from the first interval of the 16th, exactly, and none before.
"""
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.ranges import DateRange

from .intervals import starts_ns


class InvalidHolding(GridlineError):
    code = "invalid_holding"


@dataclass(frozen=True)
class Holding:
    member: Hashable
    shares: int
    active_from: date
    active_to: date | None = None

    def __post_init__(self):
        if isinstance(self.shares, bool) or not isinstance(self.shares, int) or self.shares <= 0:
            raise InvalidHolding(
                f"member {self.member!r}: shares must be a positive whole number, "
                f"got {self.shares!r}"
            )
        for name in ("active_from", "active_to"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise InvalidHolding(
                    f"member {self.member!r}: {name} must be a date, got {value!r}"
                )
        if self.active_to is not None and not self.active_from < self.active_to:
            raise InvalidHolding(
                f"member {self.member!r}: holding [{self.active_from}, {self.active_to}) is "
                "empty; active_to must be after active_from"
            )


def _member_rows(holdings: Sequence[Holding], members: Sequence[Hashable]) -> np.ndarray:
    row_of = {member: row for row, member in enumerate(members)}
    if len(row_of) != len(members):
        raise InvalidHolding("the member list names a member twice")
    rows = []
    for holding in holdings:
        row = row_of.get(holding.member)
        if row is None:
            raise InvalidHolding(f"holding of {holding.member!r}: not in the member list")
        rows.append(row)
    return np.array(rows, dtype=np.int64)


def shares_per_interval(
    *, holdings: Sequence[Holding], members: Sequence[Hashable], interval_starts, time_zone: str
) -> np.ndarray:
    """(members x intervals) int64: each member's active shares at each interval's start."""
    starts = starts_ns(interval_starts)
    rows = _member_rows(holdings, members)
    zone = ZoneInfo(time_zone)
    midnight_ns: dict[date, int] = {}

    def position(day: date | None) -> int:
        if day is None:
            return len(starts)
        if day not in midnight_ns:
            moment = pd.Timestamp(datetime.combine(day, time(0), tzinfo=zone))
            midnight_ns[day] = int(np.searchsorted(starts, moment.as_unit("ns").value))
        return midnight_ns[day]

    first = np.array([position(h.active_from) for h in holdings], dtype=np.int64)
    last = np.array([position(h.active_to) for h in holdings], dtype=np.int64)
    shares = np.array([h.shares for h in holdings], dtype=np.int64)
    # +shares where a holding starts, -shares where it ends, then a running sum over time
    steps = np.zeros((len(members), len(starts) + 1), dtype=np.int64)
    np.add.at(steps, (rows, first), shares)
    np.add.at(steps, (rows, last), -shares)
    return np.cumsum(steps[:, :-1], axis=1)


def share_days(*, holdings: Sequence[Holding], year: DateRange) -> dict[Hashable, int]:
    """Shares x days held inside `year` per member (members with none are left out)."""
    totals: dict[Hashable, int] = {}
    for holding in holdings:
        held = DateRange(holding.active_from, holding.active_to).intersection(year)
        if held is None:
            continue
        totals[holding.member] = totals.get(holding.member, 0) + holding.shares * held.days
    return totals
