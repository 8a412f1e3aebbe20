"""Time bands: which band (peak, off-peak, ...) each moment of local time belongs to.

A `Schedule` declares its band names and an ordered list of `BandRule`s; the first rule that
matches an interval's local date and wall-clock time wins, and `default_band` (if any) takes
whatever no rule matched. Rules are matched against the *local* calendar date of the interval
start in the tariff's time zone, and its wall-clock minute of the day. That makes daylight-
saving days come out right without special cases: on a 46-interval spring-forward day the
missing hour simply never occurs, and on a 50-interval fall-back day the repeated hour is
priced in the band its wall-clock time says (the same as URDB's 12x24 hour-of-day grids).

A rule whose end is at or before its start crosses midnight: 22:00-07:00 covers 22:00-24:00
*and* 00:00-07:00 of every matching date (again URDB's convention, which keeps the band a pure
function of local date and time). A rule with start == end covers the whole day.

Day codes are 0-6 for Monday-Sunday and 7 (`HOLIDAY`) for dates in `Schedule.holidays`; a
holiday is *only* a holiday, so a rule meant for "weekends and holidays" says
`days=WEEKEND | HOLIDAYS`.

For speed a schedule is compiled once (and cached) into a flat lookup table over
(day code, month, minute of day), so banding a year of intervals is one numpy gather.
"""
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache, reduce
from math import gcd

import numpy as np

from .validation import IncompleteSchedule, InvalidTariffDefinition, UndefinedBand

MINUTES_PER_DAY = 1440
MONTHS = 12
DAY_CODES = 8
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY, HOLIDAY = range(DAY_CODES)
WEEKDAYS = frozenset(range(MONDAY, SATURDAY))
WEEKEND = frozenset({SATURDAY, SUNDAY})
HOLIDAYS = frozenset({HOLIDAY})
EVERY_DAY = frozenset(range(DAY_CODES))
ALL_MONTHS = frozenset(range(1, MONTHS + 1))
SLOTS_PER_DAY_CODE = MONTHS * MINUTES_PER_DAY

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
             "holidays")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def _minute_of_day(moment: time, *, field: str) -> int:
    if not isinstance(moment, time):
        raise InvalidTariffDefinition(f"{field} must be a datetime.time, got {moment!r}")
    if moment.tzinfo is not None:
        raise InvalidTariffDefinition(
            f"{field} must be a local wall-clock time without tzinfo; the tariff's time zone "
            "applies"
        )
    if moment.second or moment.microsecond:
        raise InvalidTariffDefinition(f"{field} must be a whole minute, got {moment}")
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True)
class BandRule:
    band: str
    start: time
    end: time
    days: frozenset[int] = EVERY_DAY
    months: frozenset[int] = ALL_MONTHS

    def __post_init__(self):
        object.__setattr__(self, "days", frozenset(self.days))
        object.__setattr__(self, "months", frozenset(self.months))
        _minute_of_day(self.start, field=f"rule for band {self.band!r}: start")
        _minute_of_day(self.end, field=f"rule for band {self.band!r}: end")
        if not self.days or not self.days <= EVERY_DAY:
            raise InvalidTariffDefinition(
                f"rule for band {self.band!r}: days must be a non-empty set of day codes 0-7 "
                f"(Monday=0 ... Sunday=6, HOLIDAY=7), got {sorted(self.days)}"
            )
        if not self.months or not self.months <= ALL_MONTHS:
            raise InvalidTariffDefinition(
                f"rule for band {self.band!r}: months must be a non-empty set of 1-12, "
                f"got {sorted(self.months)}"
            )

    def minute_mask(self) -> np.ndarray:
        start = _minute_of_day(self.start, field="start")
        end = _minute_of_day(self.end, field="end")
        mask = np.zeros(MINUTES_PER_DAY, dtype=bool)
        if start < end:
            mask[start:end] = True
        else:  # crosses midnight, or start == end: the whole day
            mask[start:] = True
            mask[:end] = True
        return mask


@dataclass(frozen=True)
class Schedule:
    bands: tuple[str, ...]
    rules: tuple[BandRule, ...] = ()
    default_band: str | None = None
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.bands:
            raise InvalidTariffDefinition("a schedule must declare at least one band")
        if len(set(self.bands)) != len(self.bands):
            raise InvalidTariffDefinition(f"schedule declares a band twice: {self.bands}")
        declared = set(self.bands)
        for position, rule in enumerate(self.rules, start=1):
            if rule.band not in declared:
                raise UndefinedBand(
                    f"schedule rule {position} uses band {rule.band!r}, which the schedule "
                    f"does not declare (declared: {', '.join(map(repr, self.bands))})"
                )
        if self.default_band is not None and self.default_band not in declared:
            raise UndefinedBand(
                f"schedule default band {self.default_band!r} is not declared "
                f"(declared: {', '.join(map(repr, self.bands))})"
            )
        compile_schedule(self)  # reports gaps now rather than at billing time

    @classmethod
    def flat(cls, band: str = "standard") -> "Schedule":
        """One band all the time: the schedule of a single-rate tariff."""
        return cls(bands=(band,), default_band=band)


@dataclass(frozen=True, eq=False)
class CompiledSchedule:
    bands: tuple[str, ...]
    # band index per (day code, month - 1, minute of day), flattened
    table: np.ndarray
    # every band change falls on a multiple of this many minutes after local midnight;
    # None when the schedule has a single band everywhere, so nothing ever changes
    step_minutes: int | None
    # local day numbers (days since 1970-01-01) of the holidays, sorted
    holiday_days: np.ndarray

    def band_grid(self, *, day_code: int) -> np.ndarray:
        """(12, 1440) band indexes for one day code; used by URDB export and tests."""
        view = self.table.reshape(DAY_CODES, MONTHS, MINUTES_PER_DAY)
        return view[day_code]


@lru_cache(maxsize=1024)
def compile_schedule(schedule: Schedule) -> CompiledSchedule:
    index = {band: position for position, band in enumerate(schedule.bands)}
    grid = np.full((DAY_CODES, MONTHS, MINUTES_PER_DAY), -1, dtype=np.int16)
    for rule in schedule.rules:
        day_mask = np.zeros(DAY_CODES, dtype=bool)
        day_mask[list(rule.days)] = True
        month_mask = np.zeros(MONTHS, dtype=bool)
        month_mask[[month - 1 for month in rule.months]] = True
        hit = day_mask[:, None, None] & month_mask[None, :, None] & rule.minute_mask()
        grid[hit & (grid < 0)] = index[rule.band]  # first matching rule wins
    if schedule.default_band is not None:
        grid[grid < 0] = index[schedule.default_band]

    used_codes = DAY_CODES if schedule.holidays else HOLIDAY
    gaps = np.argwhere(grid[:used_codes] < 0)
    if len(gaps):
        day_code, month0, minute = (int(v) for v in gaps[0])
        raise IncompleteSchedule(
            f"schedule gives no band for {DAY_NAMES[day_code]} at "
            f"{minute // 60:02d}:{minute % 60:02d} in {MONTH_NAMES[month0]}; add a rule "
            "covering it or set default_band"
        )
    if not schedule.holidays:
        grid[HOLIDAY] = grid[SUNDAY]  # never looked up; keeps the table free of -1

    changes = np.nonzero((grid[:, :, 1:] != grid[:, :, :-1]).any(axis=(0, 1)))[0] + 1
    step = reduce(gcd, changes.tolist(), MINUTES_PER_DAY)
    if (grid == grid.flat[0]).all():
        step = None
    epoch = date(1970, 1, 1)
    holiday_days = np.array(sorted((d - epoch).days for d in schedule.holidays), dtype=np.int64)
    table = grid.reshape(-1)
    table.flags.writeable = False
    return CompiledSchedule(
        bands=schedule.bands, table=table, step_minutes=step, holiday_days=holiday_days
    )
