"""Wide CSV: one row per meter per local day, `meter_serial,date,v1,...,vN`.

N is the number of intervals in that local day: 48 half-hours normally, 46 on the spring
daylight-saving day and 50 on the autumn one (Europe/London 2026-03-29 and 2026-10-25);
96/92/100 for 15-minute meters, 24/23/25 for hourly ones. The interval length is the day's
length divided by N, so a row with the wrong count for its day is rejected with a reason.
An empty cell is a missing reading (a gap that VEE may fill).
"""
import codecs
import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    following = day + timedelta(days=1)
    end = datetime(following.year, following.month, following.day, tzinfo=tz).astimezone(UTC)
    return start, end


def wide_csv_rows(stream, *, time_zone: str) -> Iterator[tuple]:
    """`(line, serial, interval_start_iso, kwh_text)` per cell, or `(line, None, None,
    reason)` for a row that cannot be read."""
    tz = ZoneInfo(time_zone)
    text = codecs.getreader("utf-8")(stream) if _is_binary(stream) else stream
    for line, row in enumerate(csv.reader(text), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if line == 1 and len(row) > 1 and not any(c.isdigit() for c in row[1]):
            continue  # a header: a data row's second field is a date
        if len(row) < 3:
            yield line, None, None, "expected meter serial, date and interval values"
            continue
        serial, day_text, values = row[0].strip(), row[1].strip(), row[2:]
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            yield line, None, None, f"invalid date {day_text!r} (YYYY-MM-DD)"
            continue
        start, end = local_day_bounds(day, tz)
        day_seconds = int((end - start).total_seconds())
        if day_seconds % len(values) or (day_seconds // len(values)) not in (900, 1800, 3600):
            yield line, None, None, (
                f"{len(values)} values do not divide the {day_seconds // 3600}-hour local day "
                f"{day} into 15-, 30- or 60-minute intervals"
            )
            continue
        step = timedelta(seconds=day_seconds // len(values))
        for index, value in enumerate(values):
            value = value.strip()
            if value:
                yield line, serial, (start + step * index).isoformat(), value


def _is_binary(stream) -> bool:
    return "b" in getattr(stream, "mode", "b") and not hasattr(stream, "encoding")
