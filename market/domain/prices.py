"""Saving batches of price points: validate each point, upsert the good ones, record
revisions, and publish the newest point per instrument once the transaction commits.

A bad point is rejected with a reason (logged and returned); it never stops the rest of
its batch.
"""
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from market.domain.publish import tick_publish
from market.models import Instrument, PricePoint, PriceRevision

logger = logging.getLogger(__name__)

VALUE_QUANTUM = Decimal("0.0001")
VALUE_LIMIT = Decimal("1e10")  # max_digits=14, decimal_places=4
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RawPoint:
    """A point as a feed delivered it; nothing about it is trusted yet."""

    instrument: str
    interval_start: Any
    value: Any
    unit: str | None = None
    line: int | None = None  # where it came from in a file, for the rejection message


@dataclass(frozen=True)
class Rejection:
    point: RawPoint
    reason: str


@dataclass
class SaveResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def counts(self) -> dict:
        return {"read": self.read, "inserted": self.inserted, "updated": self.updated,
                "rejected": self.rejected}

    def add(self, other: "SaveResult") -> None:
        self.read += other.read
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejections.extend(other.rejections)


class PointRejected(ValueError):
    pass


def _parse_value(raw) -> Decimal:
    if raw is None or isinstance(raw, bool):
        raise PointRejected(f"value {raw!r} is not a number")
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else str(raw))
    except (InvalidOperation, ValueError):
        raise PointRejected(f"value {raw!r} is not a number") from None
    if not value.is_finite():
        raise PointRejected(f"value {raw!r} is not a finite number")
    if abs(value) >= VALUE_LIMIT:
        raise PointRejected(f"value {raw!r} is out of range")
    return value.quantize(VALUE_QUANTUM)


def _parse_start(raw) -> datetime:
    if isinstance(raw, str):
        try:
            parsed = parse_datetime(raw.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise PointRejected(f"interval_start {raw!r} is not an ISO 8601 date-time")
        raw = parsed
    if not isinstance(raw, datetime):
        raise PointRejected(f"interval_start {raw!r} is not a date-time")
    if raw.tzinfo is None or raw.utcoffset() is None:
        raise PointRejected(f"interval_start {raw.isoformat()} has no UTC offset")
    return raw.astimezone(UTC)


def _check_grid(start: datetime, instrument: Instrument) -> None:
    step = instrument.interval_minutes * 60
    offset = (start - EPOCH).total_seconds()
    if offset % step:
        raise PointRejected(
            f"interval_start {start.isoformat()} is off the {instrument.interval_minutes}-minute"
            " grid"
        )


def _validate(points, instruments, result):
    """Good points as {(instrument_id, start): (instrument, value)}; rejections into result."""
    good = {}
    for point in points:
        result.read += 1
        try:
            instrument = instruments.get(point.instrument)
            if instrument is None:
                raise PointRejected(f"unknown instrument {point.instrument!r}")
            value = _parse_value(point.value)
            if point.unit not in (None, "") and point.unit != instrument.unit:
                raise PointRejected(
                    f"unit {point.unit!r} is not the instrument's unit {instrument.unit!r}"
                )
            start = _parse_start(point.interval_start)
            _check_grid(start, instrument)
            key = (instrument.pk, start)
            if key in good:
                raise PointRejected(
                    f"duplicate of an earlier point for {instrument.code} at {start.isoformat()}"
                )
        except PointRejected as exc:
            where = f" (line {point.line})" if point.line is not None else ""
            logger.warning("market point rejected%s: %s", where, exc)
            result.rejections.append(Rejection(point=point, reason=str(exc)))
            continue
        good[key] = (instrument, value)
    return good


# Two feeds (or a feed and an import) writing the same new interval at once would both
# find nothing and both insert; one would fail on the unique constraint and lose its whole
# batch. Writers of an instrument take turns instead (a transaction-scoped advisory lock,
# taken in id order so two batches never wait on each other crosswise).
LOCK_NAMESPACE = 0x4D4B  # "MK"


def _lock_instruments(instrument_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, ids.id) FROM unnest(%s::int[]) AS ids(id) "
            "ORDER BY ids.id",
            [LOCK_NAMESPACE, instrument_ids],
        )


def prices_save(*, points: Iterable[RawPoint], received_at: datetime, source: str,
                publish: bool = True) -> SaveResult:
    """Validate and upsert a batch; the newest saved point of each instrument is pushed to
    its subscribers after commit (one group_send per instrument, not per point)."""
    points = list(points)
    result = SaveResult()
    codes = {p.instrument for p in points if isinstance(p.instrument, str)}
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=codes)}
    good = _validate(points, instruments, result)
    if not good:
        return result

    with transaction.atomic():
        existing = {}
        by_instrument = {}
        for instrument_id, start in good:
            by_instrument.setdefault(instrument_id, []).append(start)
        _lock_instruments(sorted(by_instrument))
        for instrument_id, starts in by_instrument.items():
            rows = PricePoint.objects.select_for_update().filter(
                instrument_id=instrument_id, interval_start__in=starts
            )
            existing.update({(row.instrument_id, row.interval_start): row for row in rows})

        new_rows, changed_rows, revisions = [], [], []
        for key, (instrument, value) in good.items():
            row = existing.get(key)
            if row is None:
                new_rows.append(PricePoint(instrument=instrument, interval_start=key[1],
                                           value=value, received_at=received_at,
                                           source=source))
            elif row.value != value:
                revisions.append(PriceRevision(point=row, old_value=row.value, new_value=value,
                                               old_source=row.source, new_source=source,
                                               revised_at=received_at))
                row.value, row.source, row.received_at = value, source, received_at
                changed_rows.append(row)
            else:
                result.unchanged += 1
        PricePoint.objects.bulk_create(new_rows, batch_size=2000)
        PricePoint.objects.bulk_update(changed_rows, ["value", "source", "received_at"],
                                       batch_size=2000)
        PriceRevision.objects.bulk_create(revisions, batch_size=2000)
        result.inserted, result.updated = len(new_rows), len(changed_rows)

        if publish:
            newest = {}
            for row in new_rows + changed_rows:
                best = newest.get(row.instrument_id)
                if best is None or row.interval_start > best.interval_start:
                    newest[row.instrument_id] = row
            if newest:
                ticks = [tick_payload(point=row) for row in newest.values()]
                # robust: the points are saved whatever happens to the push; Django logs a
                # failed push, and clients catch up on (re)subscribe with the latest value.
                transaction.on_commit(lambda: tick_publish(ticks=ticks), robust=True)
    return result


def tick_payload(*, point: PricePoint) -> dict:
    instrument = point.instrument
    return {
        "type": "tick",
        "instrument": instrument.code,
        "interval_start": point.interval_start.astimezone(UTC).isoformat(),
        "value": str(point.value),
        "unit": instrument.unit,
        "received_at": point.received_at.astimezone(UTC).isoformat(),
        "source": point.source,
    }


def latest_point(*, instrument: Instrument) -> PricePoint | None:
    """The point most recently received for the instrument (what a live client last saw)."""
    return (
        PricePoint.objects.select_related("instrument")
        .filter(instrument=instrument)
        .order_by("-received_at", "-interval_start")
        .first()
    )
