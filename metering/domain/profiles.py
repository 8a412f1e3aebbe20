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
import struct
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
# A row's head: field count (2), the ordinal's length (4) and value, the packed length (-1
# for NULL: no rollups).
_ROW_HEAD = struct.Struct(">hiii")


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
    """A file-like sink for the binary COPY: each write is parsed as it arrives (the driver
    hands over one row per write, so nothing is copied; a row cut across writes waits in
    `rest` for its end), and each meter's readings land on its row of the grid: one slice
    when they follow each other slot by slot, as they almost always do, else by position."""

    def __init__(self, *, kwh, quality, lo_ns, hi_ns, step_ns, ids):
        self.kwh, self.quality, self.lo_ns, self.hi_ns, self.step_ns, self.ids = (
            kwh, quality, lo_ns, hi_ns, step_ns, ids)
        self.rest = b""
        self.header_read = False
        self.ended = False
        # ns since lo of each slot's start, to recognise readings that fill slots in a row
        self.slot_starts = step_ns * np.arange(kwh.shape[1], dtype=np.int64)

    def write(self, data) -> int:
        self._parse(self.rest + bytes(data) if self.rest else bytes(data))
        return len(data)

    def finish(self) -> None:
        if not self.ended or self.rest:
            raise UnableToLoadProfiles("the COPY of profiles ended early")

    def _parse(self, buffer: bytes) -> None:
        size, position = len(buffer), 0
        if not self.header_read:
            if size < 19:
                self.rest = buffer
                return
            if buffer[:11] != _HEADER:
                raise UnableToLoadProfiles("unexpected COPY header")
            position, self.header_read = 19 + int.from_bytes(buffer[15:19], "big"), True
        while not self.ended and size - position >= 2:
            if buffer[position:position + 2] == b"\xff\xff":  # the trailer
                self.ended = True
                position += 2
                break
            if size - position < _ROW_HEAD.size:
                break
            fields, ord_length, ord_, length = _ROW_HEAD.unpack_from(buffer, position)
            if fields != 2 or ord_length != 4:
                raise UnableToLoadProfiles("unexpected COPY row")
            end = position + _ROW_HEAD.size + max(length, 0)
            if end > size:
                break
            if length > 0:
                if length % _PACKED.itemsize:
                    raise UnableToLoadProfiles(f"meter {int(self.ids[ord_ - 1])}'s packed "
                                               "readings are damaged")
                self._place(buffer, ord_ - 1, position + _ROW_HEAD.size,
                            length // _PACKED.itemsize)
            position = end
        self.rest = buffer[position:]

    def _place(self, buffer: bytes, row: int, offset: int, count: int) -> None:
        """One meter's readings (in time order, as its rollups hold them) onto its row."""
        packed = np.frombuffer(buffer, dtype=_PACKED, count=count, offset=offset)
        since_lo = packed["start"].astype(np.int64)
        since_lo *= 1000
        since_lo += _PG_EPOCH_US * 1000 - self.lo_ns
        coded = packed["coded"].astype(np.int64)
        if count > 1 and not (since_lo[1:] > since_lo[:-1]).all():
            # a reading that does not move forward: held twice if inside the period
            inside = (since_lo >= 0) & (since_lo < self.hi_ns - self.lo_ns)
            since_lo, coded = since_lo[inside], coded[inside]
            if (since_lo[1:] <= since_lo[:-1]).any():
                raise UnableToLoadProfiles(
                    f"meter {int(self.ids[row])}'s daily rollups hold a reading twice: "
                    "refresh them in the retailer's time zone")
        else:  # in time order: the period's readings are one run of them
            first, end = np.searchsorted(since_lo, [0, self.hi_ns - self.lo_ns])
            since_lo, coded = since_lo[first:end], coded[first:end]
        if not len(since_lo):
            return
        slot = int(since_lo[0]) // self.step_ns
        run = slice(slot, slot + len(since_lo))
        if np.array_equal(since_lo, self.slot_starts[run]):
            at = run  # slot after slot: the usual case
        else:
            at, off_grid = np.divmod(since_lo, self.step_ns)
            if off_grid.any():
                moment = pd.Timestamp(int(since_lo[np.flatnonzero(off_grid)[0]]) + self.lo_ns,
                                      tz="UTC")
                raise UnableToLoadProfiles(
                    f"meter {int(self.ids[row])} has a reading at {moment.isoformat()}, off "
                    f"the {self.step_ns // 60_000_000_000}-minute grid: load it with its own "
                    "interval length")
        # micro-kWh x 4 + code: the shift and the mask are divmod(coded, 4), negative too
        self.kwh[row, at] = (coded >> 2) / MICRO
        self.quality[row, at] = coded & 3
