"""CSV inputs of `insights_baseline`: `timestamp,value` rows with ISO 8601 offsets.

A header line is optional; an empty value is a missing reading. A line that cannot be read
is left out and reported with its number and the reason; the rest of the file is used (a
left-out usage row is a missing interval, like any other).
"""
from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from core.errors import GridlineError

from .days import FileOffsetDays

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class UnreadableFile(GridlineError):
    code = "file_invalid"


@dataclass(frozen=True)
class TimedValues:
    """The readable rows of a file, in file order."""

    instants_ns: np.ndarray  # UTC
    offsets_s: np.ndarray  # each row's own UTC offset
    values: np.ndarray  # NaN where the value was empty
    problems: tuple[str, ...]

    def local_days(self) -> FileOffsetDays:
        """The file's own local days (its offsets, even where they change)."""
        return FileOffsetDays.from_rows(instants_ns=self.instants_ns, offsets_s=self.offsets_s)

    def instants(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.instants_ns.astype("datetime64[ns]"), tz="UTC")


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def read_timed_values(
    *, lines: Iterable[str], what: str, allow_negative: bool = True,
) -> TimedValues:
    """Rows of `timestamp,value` (`what` names the value in messages, e.g. "kWh")."""
    instants, offsets, values, problems = [], [], [], []
    first_row = True
    for line_number, fields in enumerate(csv.reader(lines), start=1):
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        stamp = fields[0].strip()
        moment = _moment(stamp)
        if first_row and moment is None and not stamp[:1].isdigit():
            first_row = False
            continue  # a header line
        first_row = False
        if len(fields) != 2:
            problems.append(f"line {line_number}: expected 2 fields (timestamp,{what}), "
                            f"got {len(fields)}")
            continue
        if moment is None:
            problems.append(f"line {line_number}: {stamp!r} is not an ISO 8601 date-time")
            continue
        if moment.utcoffset() is None:
            problems.append(f"line {line_number}: {stamp!r} has no UTC offset "
                            "(write e.g. -06:00 or Z)")
            continue
        text = fields[1].strip()
        value = math.nan
        if text:
            try:
                value = float(text)
            except ValueError:
                problems.append(f"line {line_number}: {text!r} is not a {what} number")
                continue
            if math.isinf(value) or (not allow_negative and value < 0):
                problems.append(f"line {line_number}: {what} must be a finite number"
                                f"{'' if allow_negative else ' >= 0'}, got {text}")
                continue
        instants.append((moment - EPOCH) // MICROSECOND * 1000)
        offsets.append(int(moment.utcoffset().total_seconds()))
        values.append(value)
    return TimedValues(
        instants_ns=np.array(instants, dtype=np.int64),
        offsets_s=np.array(offsets, dtype=np.int64),
        values=np.array(values, dtype=float),
        problems=tuple(problems),
    )


def fahrenheit_from_celsius(celsius: np.ndarray) -> np.ndarray:
    return np.asarray(celsius, dtype=float) * 9.0 / 5.0 + 32.0


def zone_from_text(text: str) -> tzinfo:
    """A time zone name (America/Chicago) or a fixed offset (-06:00, +01:00, UTC, Z)."""
    if text.upper() in ("UTC", "Z"):
        return UTC
    sign = {"+": 1, "-": -1}.get(text[:1])
    if sign is not None:
        hours, _, minutes = text[1:].partition(":")
        if hours.isdigit() and (minutes.isdigit() or minutes == "") and len(hours) <= 2:
            offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
            if offset < timedelta(hours=24):
                return timezone(sign * offset)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnreadableFile(f"{text!r} is neither a time zone name (e.g. America/Chicago) "
                             "nor a UTC offset (e.g. -06:00)") from None
