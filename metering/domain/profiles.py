"""Many meters' interval profiles for a period, in one statement, straight into numpy: the
seam billing and advice read meter data through.

The readings come from the daily rollups, not from the reading table: each rollup carries
its meter-day's readings `packed` (metering/domain/rollups.py: 16 bytes per reading, the
interval start as int8 microseconds since 2000-01-01 UTC and kWh x 4,000,000 + quality
code as int8, both big-endian), kept current by every write of readings (ingest and its
estimates end with a refresh of the meter-days they touched). One `COPY (SELECT ...) TO
STDOUT (FORMAT binary)` returns a row per meter: its days' packed readings concatenated in
day order (one index range scan of ~31 rollups per meter and month, where the reading
table needed 1,440 rows and an aggregate over each). The days asked for are the UTC dates
of the period widened by a day on each side, so whatever the zone the rollups' days were
computed in, every reading of the period is among them; the readings outside the period
are dropped here. The rows are parsed as they arrive (no Python object per reading) and
placed on a dense grid: `kwh[meter, slot]`, NaN where a meter has no reading, and
`quality[meter, slot]` (QUALITY_CODES, NO_READING). The arrays are exactly those the
reading table gives (tests/metering/test_profiles_packed.py compares them).

Why kWh travel as integers: the column is `numeric(16, 6)`, so `kwh * 4000000` is a whole
number and `::int8` is exact; the quality code (0-3) is added into its two low bits, so
one integer carries both (`divmod(value, 4)` splits them again). numpy reads the binary
data in place, and micro-kWh / 1e6 is the same float64 as parsing the decimal text (both
are the correctly rounded nearest double).

Tenancy: the statement reads the connection's schema (the caller's retailer); a meter id of
another retailer simply finds no readings there.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from django.db import connection

from core.errors import GridlineError
from core.ranges import DateTimeRange
from tariffs.domain.profile import LoadProfile

QUALITY_CODES = {"ACTUAL": 0, "ESTIMATED": 1, "EDITED": 2, "MISSING": 3}
NO_READING = -1
# PostgreSQL's binary timestamps count microseconds from 2000-01-01 UTC.
_PG_EPOCH_US = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
_HEADER = b"PGCOPY\n\xff\r\n\x00"
MICRO = 1_000_000.0

_PROFILES = """
    COPY (
        SELECT m.ord::int4, a.packed
        FROM unnest(%(meters)s::int8[]) WITH ORDINALITY AS m(id, ord)
        CROSS JOIN LATERAL (
            SELECT string_agg(d.packed, ''::bytea ORDER BY d.day_date) AS packed
            FROM metering_dailyrollup d
            WHERE d.meter_id = m.id AND d.day_date >= %(first)s AND d.day_date <= %(last)s
        ) a
    ) TO STDOUT WITH (FORMAT binary)
"""
# One packed reading: interval start (PostgreSQL's binary timestamptz) and coded kWh.
_PACKED = np.dtype([("start", ">i8"), ("coded", ">i8")])


class UnableToLoadProfiles(GridlineError):
    code = "profiles_invalid"


@dataclass(frozen=True, eq=False)
class IntervalProfiles:
    """Meters × interval slots of one period. Rows follow `meter_ids` as asked."""

    meter_ids: np.ndarray  # int64 (meters,)
    starts: np.ndarray  # int64 ns since the epoch, UTC (slots,): the slot grid
    interval: timedelta
    kwh: np.ndarray  # float64 (meters, slots); NaN: no reading
    quality: np.ndarray  # int8 (meters, slots); QUALITY_CODES or NO_READING

    def row(self, meter_id: int) -> int:
        rows = np.flatnonzero(self.meter_ids == meter_id)
        if not len(rows):
            raise UnableToLoadProfiles(f"meter {meter_id} was not loaded")
        return int(rows[0])

    @property
    def present(self) -> np.ndarray:
        """(meters, slots) bool: a reading exists."""
        return self.quality != NO_READING

    def kwh_of_quality(self, quality: str) -> np.ndarray:
        """(meters,) kWh of readings of one quality (e.g. "ESTIMATED")."""
        return np.where(self.quality == QUALITY_CODES[quality], self.kwh, 0.0).sum(axis=1)

    def estimated_share(self) -> np.ndarray:
        """(meters,) the share of each meter's kWh that is ESTIMATED (0 without kWh): what a
        bill reports as "estimated"."""
        total = np.nansum(self.kwh, axis=1)
        estimated = self.kwh_of_quality("ESTIMATED")
        return np.divide(estimated, total, out=np.zeros_like(total), where=total > 0)

    def load_profile(self, meter_id: int, *, export_meter_id: int | None = None
                     ) -> LoadProfile:
        """The pricing engine's profile of one meter (its present intervals; an export
        meter's readings as export kWh on the same slots, missing ones as 0)."""
        row = self.row(meter_id)
        mask = self.present[row]
        if export_meter_id is not None:
            export_row = self.row(export_meter_id)
            mask = mask | self.present[export_row]
            exported = np.nan_to_num(self.kwh[export_row][mask])
        else:
            exported = np.zeros(int(mask.sum()))
        return LoadProfile(interval_starts=self.starts[mask],
                           import_kwh=np.nan_to_num(self.kwh[row][mask]),
                           export_kwh=exported, interval=self.interval)


def interval_profiles_load(*, meter_ids: Sequence[int], period: DateTimeRange,
                           interval_minutes: int = 30) -> IntervalProfiles:
    """The readings of `meter_ids` with an interval start in `period`, on a grid of
    `interval_minutes` slots from `period.start`, in one statement whatever the number of
    meters. Load meters of one interval length together (billing groups them by
    `Meter.interval_minutes`); a reading off the grid raises UnableToLoadProfiles."""
    if period.end is None:
        raise UnableToLoadProfiles("the period must have an end")
    step_ns = interval_minutes * 60 * 1_000_000_000
    lo_ns = pd.Timestamp(period.start).as_unit("ns").value
    hi_ns = pd.Timestamp(period.end).as_unit("ns").value
    if (hi_ns - lo_ns) % step_ns:
        raise UnableToLoadProfiles(
            f"the period {period} is not a whole number of {interval_minutes}-minute intervals")
    ids = np.asarray(meter_ids, dtype=np.int64)
    slots = (hi_ns - lo_ns) // step_ns
    kwh = np.full((len(ids), slots), np.nan)
    quality = np.full((len(ids), slots), NO_READING, dtype=np.int8)
    sink = _ProfileRows(kwh=kwh, quality=quality, lo_ns=lo_ns, hi_ns=hi_ns, step_ns=step_ns,
                        ids=ids)
    if len(ids):
        with connection.cursor() as cursor:
            # the UTC dates of the period and a day either side: any zone's local days
            # that hold a reading of the period
            first = period.start.astimezone(UTC).date() - timedelta(days=1)
            last = period.end.astimezone(UTC).date() + timedelta(days=1)
            sql = cursor.mogrify(_PROFILES, {"meters": ids.tolist(), "first": first,
                                             "last": last}).decode()
            cursor.copy_expert(sql, sink)
        sink.finish()
    return IntervalProfiles(meter_ids=ids, starts=lo_ns + step_ns * np.arange(slots),
                            interval=timedelta(minutes=interval_minutes), kwh=kwh,
                            quality=quality)


class _ProfileRows:
    """A file-like sink for the binary COPY: parses each meter's row as it arrives and puts
    its kWh and quality codes on the grid."""

    def __init__(self, *, kwh, quality, lo_ns, hi_ns, step_ns, ids):
        self.kwh, self.quality, self.lo_ns, self.hi_ns, self.step_ns, self.ids = (
            kwh, quality, lo_ns, hi_ns, step_ns, ids)
        self.buffer = bytearray()
        self.header_read = False
        self.ended = False

    def write(self, data) -> int:
        self.buffer += data
        position = 0
        if not self.header_read:
            if len(self.buffer) < 19:
                return len(data)
            if bytes(self.buffer[:11]) != _HEADER:
                raise UnableToLoadProfiles("unexpected COPY header")
            extension = int.from_bytes(self.buffer[15:19], "big")
            position, self.header_read = 19 + extension, True
        while not self.ended:
            parsed = self._row(position)
            if parsed is None:
                break
            position = parsed
        del self.buffer[:position]
        return len(data)

    def finish(self) -> None:
        if not self.ended or self.buffer:
            raise UnableToLoadProfiles("the COPY of profiles ended early")

    def _row(self, start: int) -> int | None:
        buffer = self.buffer
        if len(buffer) - start < 2:
            return None
        fields = int.from_bytes(buffer[start:start + 2], "big", signed=True)
        if fields == -1:
            self.ended = True
            return start + 2
        position = start + 2
        values = []
        for _ in range(fields):
            if len(buffer) - position < 4:
                return None
            length = int.from_bytes(buffer[position:position + 4], "big", signed=True)
            position += 4
            if length > 0 and len(buffer) - position < length:
                return None
            values.append((position, length))
            position += max(length, 0)
        (ord_at, _), (packed_at, packed_length) = values
        row = int.from_bytes(buffer[ord_at:ord_at + 4], "big") - 1
        if packed_length > 0:
            if packed_length % _PACKED.itemsize:
                raise UnableToLoadProfiles(f"meter {int(self.ids[row])}'s packed readings "
                                           "are damaged")
            records = np.frombuffer(buffer, dtype=_PACKED, offset=packed_at,
                                    count=packed_length // _PACKED.itemsize)
            at_ns = (records["start"].astype(np.int64) + _PG_EPOCH_US) * 1000
            coded = records["coded"].astype(np.int64)
            del records  # no view may outlive the row: the buffer is resized
            inside = (at_ns >= self.lo_ns) & (at_ns < self.hi_ns)
            if not inside.all():
                at_ns, coded = at_ns[inside], coded[inside]
            if len(at_ns):
                slots = self._slots(row, at_ns)
                micro, codes = np.divmod(coded, 4)
                self.kwh[row, slots] = micro / MICRO
                self.quality[row, slots] = codes
        return position

    def _slots(self, row: int, at_ns: np.ndarray) -> np.ndarray:
        slots, off_grid = np.divmod(at_ns - self.lo_ns, self.step_ns)
        if off_grid.any():
            first = pd.Timestamp(int(at_ns[off_grid != 0][0]), tz="UTC")
            raise UnableToLoadProfiles(
                f"meter {int(self.ids[row])} has a reading at {first.isoformat()}, off the "
                f"{self.step_ns // 60_000_000_000}-minute grid: load it with its own "
                "interval length")
        if len(slots) > 1 and not (slots[1:] > slots[:-1]).all():
            # the rollups' days overlap (computed in two zones): refuse rather than guess
            raise UnableToLoadProfiles(
                f"meter {int(self.ids[row])}'s daily rollups hold a reading twice: refresh "
                "them in the retailer's time zone")
        return slots
