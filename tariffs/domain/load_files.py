"""Load files for pricing and quotes, and the JSON shape of a priced period.

Two file layouts are read:
- `interval_start,kwh` rows with ISO 8601 offsets (a header line is optional);
- one kWh value per line, with the first interval's start and the interval length given
  separately (`--start=ISO --interval=60`).
Bad lines are reported with their line number; nothing is priced from a file with errors.
"""
from collections.abc import Iterable
from datetime import datetime, timedelta

import pandas as pd

from core.errors import GridlineError

from .lines import PriceBreakdown
from .profile import LoadProfile, load_profile_from_series


class UnreadableLoadFile(GridlineError):
    code = "load_file_invalid"


def _kwh(text: str, line_number: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UnreadableLoadFile(f"line {line_number}: {text!r} is not a kWh number") from None
    if value != value or value < 0:
        raise UnreadableLoadFile(f"line {line_number}: kWh must be a number >= 0, got {text}")
    return value


def load_profile_from_lines(
    *, lines: Iterable[str], start: datetime | None = None,
    interval: timedelta | None = None,
) -> LoadProfile:
    starts, values = [], []
    for line_number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "," in line:
            stamp, _, kwh = line.partition(",")
            if stamp.strip().lower() == "interval_start":
                continue
            try:
                moment = datetime.fromisoformat(stamp.strip())
            except ValueError:
                raise UnreadableLoadFile(
                    f"line {line_number}: {stamp!r} is not an ISO 8601 date-time"
                ) from None
            if moment.tzinfo is None:
                raise UnreadableLoadFile(
                    f"line {line_number}: {stamp!r} has no UTC offset (write e.g. +01:00)"
                )
            starts.append(moment)
            values.append(_kwh(kwh.strip(), line_number))
        else:
            if start is None or interval is None:
                raise UnreadableLoadFile(
                    f"line {line_number}: a bare kWh value needs --start and --interval"
                )
            starts.append(start + interval * len(values))
            values.append(_kwh(line, line_number))
    if not values:
        raise UnreadableLoadFile("the load file has no readings")
    index = pd.DatetimeIndex(pd.to_datetime(starts, utc=True))
    if interval is None:
        gaps = index[1:] - index[:-1]
        interval = gaps.min().to_pytimedelta() if len(gaps) else timedelta(hours=1)
    return load_profile_from_series(import_kwh=pd.Series(values, index=index),
                                    interval=interval)


def breakdown_json(breakdown: PriceBreakdown) -> dict:
    return {
        "start": breakdown.period.start.isoformat(),
        "end": breakdown.period.end.isoformat(),
        "lines": [
            {
                "kind": str(line.kind), "band": line.band, "tier": line.tier,
                "name": line.name, "quantity": str(line.quantity), "unit": line.unit,
                "unit_price": str(line.unit_price), "amount": str(line.amount),
            }
            for line in breakdown.lines
        ],
        "total_exc_tax": str(breakdown.total_before_tax),
        "total_inc_tax": str(breakdown.total_after_tax),
    }


def sample_household_profile(*, start: datetime, end: datetime) -> LoadProfile:
    """A plain household day (about 8 kWh, evening peak) over [start, end), half-hourly:
    enough to preview what a tariff charges."""
    index = pd.date_range(start, end, freq="30min", inclusive="left")
    hour = index.tz_convert(start.tzinfo).hour if start.tzinfo else index.hour
    shape = pd.Series(0.1, index=index)
    shape[(hour >= 7) & (hour < 9)] = 0.2
    shape[(hour >= 17) & (hour < 21)] = 0.35
    return load_profile_from_series(import_kwh=shape, interval=timedelta(minutes=30))
