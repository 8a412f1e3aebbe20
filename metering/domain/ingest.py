"""The one entry point for interval readings: files (CSV, wide CSV, Green Button) and API
batches all end up in `readings_ingest`.

The path, all in SQL inside one transaction (no Python object per reading):
1. COPY the lines into an UNLOGGED staging table (metering/domain/staging.py);
2. parse and validate into `ingest_rows`, in parallel workers for large files: field
   count, unknown meter, timestamp with offset, kWh number, negative, off the meter's
   interval grid, future, outside the meter's installation, duplicates within the file;
   each bad line gets its reason; rows sorted by meter and time, each good row with the
   meter's previous good reading;
3. summarise per meter (`ingest_ranges`) and create any missing monthly partitions;
4. lock the file's meters; for meters with stored readings in the file's span, log the
   edits (an existing reading whose value or quality changes) and update those; insert
   the rest with a plain `INSERT ... SELECT`;
5. VEE: flag spikes, fill gaps with ESTIMATED values (metering/domain/vee.py);
6. refresh the daily rollups of the affected meter-days (metering/domain/rollups.py);
7. store the report.
"""
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils.module_loading import import_string

from core.metrics import readings_counted
from metering.domain import rollups, staging, vee
from metering.domain.errors import UnableToIngestReadings
from metering.domain.greenbutton import greenbutton_rows
from metering.domain.partitions import partitions_ensure
from metering.domain.widecsv import wide_csv_rows
from metering.models import IngestReport

logger = logging.getLogger(__name__)

REJECTED_KEPT = 10_000  # lines listed in a stored report; the count is always complete

# Checks that cannot fail, so a bad line is reported instead of aborting the statement:
# plain string functions (regular expressions cost several times more per row).
# Interval starts: YYYY-MM-DDTHH:MM:SS (or a space for T) then ±HH:MM or Z.
_TS_LIKE = """({t} LIKE '____-__-_____:__:__+__:__' OR {t} LIKE '____-__-_____:__:__-__:__'
    OR {t} LIKE '____-__-_____:__:__Z')"""
_TS_SHAPE = """translate({t}, '0123456789 ', '9999999999T') IN (
    '9999-99-99T99:99:99+99:99', '9999-99-99T99:99:99-99:99', '9999-99-99T99:99:99Z')"""
# Field ranges by comparing characters (the shape is fixed, so positions are known).
_TS_RANGES = """substr({t}, 1, 4) <> '0000'
    AND substr({t}, 6, 2) BETWEEN '01' AND '12'
    AND substr({t}, 9, 2) BETWEEN '01' AND CASE substr({t}, 6, 2)
        WHEN '02' THEN CASE WHEN substr({t}, 1, 4)::int %% 4 = 0
                             AND (substr({t}, 1, 4)::int %% 100 <> 0
                                  OR substr({t}, 1, 4)::int %% 400 = 0) THEN '29' ELSE '28' END
        WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30'
        ELSE '31' END
    AND substr({t}, 12, 2) <= '23' AND substr({t}, 15, 1) <= '5'
    AND substr({t}, 18, 1) <= '5'
    AND (length({t}) = 20 OR (substr({t}, 21, 2) <= '14' AND substr({t}, 24, 1) <= '5'))"""
# kWh (the one grammar, docs/metering.md "kWh values"): at most 30 characters after
# trimming spaces and tabs; an optional leading + or -, digits with at most one decimal
# point, at least one digit; no exponent, no spaces inside, no NaN or Infinity. The fast
# statement lets only such characters reach PostgreSQL's cast, which accepts exactly that
# grammar of them (or raises, and the careful statement decides); the careful one spells
# the grammar out.
_KWH_CHARACTERS = """length({k}) <= 30 AND translate({k}, '0123456789.+-', '') = ''"""
_KWH_VALID = """length({k}) <= 30
    AND length({k}) - length(ltrim({k}, '+-')) <= 1
    AND translate(ltrim({k}, '+-'), '0123456789', '') IN ('', '.')
    AND translate(ltrim({k}, '+-'), '.', '') <> ''"""
# Interval starts: the shape, then ranges; offsets within ±14:59 on both statements.
_TS_OFFSET = "(length({t}) = 20 OR substr({t}, 21, 2) <= '14')"


@dataclass(frozen=True, kw_only=True)
class IngestOptions:
    """`time_zone` is the retailer's (its local days: rollups, wide-CSV days, the weekday
    profile VEE estimates from); the interface reads it from the retailer and passes it."""

    time_zone: str
    spike_factor: Decimal = Decimal("10")
    # What the ingested values are: ACTUAL (meter data) or ESTIMATED (e.g. the usage
    # between two register reads a customer sent, spread over the half-hours).
    quality: str = "ACTUAL"
    short_gap_intervals: int = 6


FORMATS = ("csv", "wide-csv", "greenbutton")


def readings_ingest_file(*, stream, file_format: str, source: str, now: datetime,
                         options: IngestOptions, serial: str | None = None) -> IngestReport:
    """Any supported file (a binary stream); `serial` names the meter of a Green Button
    file whose UsagePoint has no usable title."""
    if file_format == "csv":
        return readings_ingest_csv(stream=stream, source=source, now=now, options=options)
    if file_format == "wide-csv":
        rows = wide_csv_rows(stream, time_zone=options.time_zone)
    elif file_format == "greenbutton":
        rows = greenbutton_rows(stream, serial=serial)
    else:
        raise UnableToIngestReadings(
            f"Unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")
    return readings_ingest_rows(rows=rows, file_format=file_format, source=source, now=now,
                                options=options)


def readings_ingest_csv(*, stream, source: str, now: datetime,
                        options: IngestOptions) -> IngestReport:
    """The fast path: the CSV file goes to COPY as it is (header line optional)."""
    return readings_ingest(
        stage=lambda cursor: staging.stage_csv(cursor, stream=stream),
        file_format="csv", source=source, now=now, options=options,
    )


def readings_ingest_rows(*, rows, file_format: str, source: str, now: datetime,
                         options: IngestOptions) -> IngestReport:
    """Rows from a parser: an iterable of `(line, serial, interval_start_iso, kwh_text)`."""
    return readings_ingest(
        stage=lambda cursor: staging.stage_rows(cursor, rows=rows),
        file_format=file_format, source=source, now=now, options=options,
    )


def readings_ingest_for_meter(*, meter, readings, source: str, now: datetime,
                              options: IngestOptions) -> IngestReport:
    """A batch for one meter (the API): `readings` are `(interval_start_text, kwh_text)`
    pairs, lines numbered from 1. The meter is not taken from the rows: each is staged
    under this meter's serial, and validation looks up no other meter, so whatever the
    values hold, no other meter's readings can change."""
    rows = ((line, meter.serial, start, kwh)
            for line, (start, kwh) in enumerate(readings, start=1))
    return readings_ingest(
        stage=lambda cursor: staging.stage_rows(cursor, rows=rows),
        file_format="api", source=source, now=now, options=options, meter_id=meter.pk,
    )


def readings_ingest(*, stage, file_format: str, source: str, now: datetime,
                    options: IngestOptions, meter_id: int | None = None) -> IngestReport:
    """`stage(cursor)` COPYs the lines into staging and returns what it staged
    (metering/domain/staging.py); everything after that is the same for every format.
    `meter_id`: the only meter the rows may write (None: any meter they name)."""
    if now.tzinfo is None:
        raise UnableToIngestReadings("`now` must be timezone-aware.")
    if options.quality not in ("ACTUAL", "ESTIMATED"):
        raise UnableToIngestReadings("quality must be ACTUAL or ESTIMATED.")
    report = IngestReport(started_at=now, source=source[:200], file_format=file_format)
    with transaction.atomic(), connection.cursor() as cursor:
        # Staging tables and sorts stay in memory up to this size (this transaction only).
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # JIT compiling these one-off statements costs more than it saves (~0.7 s each).
        cursor.execute("SET LOCAL jit = off")
        report.save()
        staged = stage(cursor)
        report.read = _validate(cursor, staged=staged, now=now, meter_id=meter_id)
        bounds = vee.ranges_stage(cursor)
        if bounds is not None:
            lo, hi, months = bounds
            partitions_ensure(months=months)
            _meters_lock(cursor)
            if _stored_find(cursor):
                quality = options.quality
                _existing_stage(cursor, lo=lo, hi=hi, quality=quality)
                report.updated = _log_edits(cursor, source=source, now=now,
                                            report_id=report.pk, quality=quality)
                _update_changed(cursor, lo=lo, hi=hi, source=source, now=now,
                                quality=quality)
                report.inserted = _insert_new(cursor, source=source, now=now, existing=True,
                                              quality=quality)
            else:
                report.inserted = _insert_new(cursor, source=source, now=now, existing=False,
                                              quality=options.quality)
            report.flagged = vee.spikes_flag(cursor, factor=options.spike_factor,
                                             tz=options.time_zone)
            report.estimated = vee.gaps_fill(
                cursor, source=source, now=now, short_gap=options.short_gap_intervals,
                tz=options.time_zone)
            if report.inserted or report.updated or report.estimated:
                rollups.rollups_refresh_staged(cursor, tz=options.time_zone)
        report.rejected_count, report.rejected = _rejections(cursor)
        staging.staging_drop(cursor)
        report.finished_at = now
        report.save()
        if bounds is not None and (report.inserted or report.updated):
            _listeners_after_commit(lo=bounds[0], hi=bounds[1])
        # Counted once the readings are committed (never for a rolled-back ingest).
        counts = {"schema": connection.schema_name,
                  "ingested": report.inserted + report.updated,
                  "rejected": report.rejected_count, "estimated": report.estimated}
        transaction.on_commit(lambda: readings_counted(**counts))
    return report


def _listeners_after_commit(*, lo: datetime, hi: datetime) -> None:
    """Apps above metering that follow new readings (the cooperatives' live generator
    output: settings.METERING_INGEST_LISTENERS) are told the interval starts ingested,
    [lo, hi] inclusive, with the schema, once the readings are committed."""
    schema_name = connection.schema_name
    for path in getattr(settings, "METERING_INGEST_LISTENERS", ()):
        listener = import_string(path)

        def notify(listener=listener):
            try:
                listener(schema_name=schema_name, lo=lo, hi=hi)
            except Exception:  # noqa: BLE001
                # The readings are committed and the ingest succeeded; a live push that
                # fails (e.g. the channel layer is down) must not turn it into an error.
                logger.exception("A reading listener failed after an ingest")
        transaction.on_commit(notify)


# Files from this many lines are validated by parallel workers as well (their start-up,
# a few milliseconds, would dominate a small batch).
PARALLEL_FROM_LINES = 50_000
_PARALLEL = {"parallel_setup_cost": "10", "parallel_tuple_cost": "0.0001",
             "min_parallel_table_scan_size": "0"}


def _validate(cursor, *, staged: staging.Staged, now: datetime, meter_id: int | None) -> int:
    """Parse and check every staged line into `ingest_rows` (reason NULL = good); returns
    the number of lines read.

    Optimistic: the fast statement casts any value of the right shape directly; if one of
    them is still not a valid time or number (e.g. 2026-02-30), PostgreSQL raises, and
    the careful statement, which checks each field with string functions before casting,
    runs instead. Both accept and reject the same lines; clean files take the fast path.
    """
    parallel = staged.lines >= PARALLEL_FROM_LINES
    if parallel:
        for name, value in _PARALLEL.items():
            cursor.execute(f"SET LOCAL {name} = {value}")
    try:
        with transaction.atomic():
            cursor.execute(_parse_sql(staged.texts_sql, careful=False, meter_id=meter_id),
                           {"now": now})
    except DataError:
        cursor.execute(_parse_sql(staged.texts_sql, careful=True, meter_id=meter_id),
                       {"now": now})
    read = cursor.rowcount
    if parallel:  # the later statements are small or write (no parallel plans there)
        for name in _PARALLEL:
            cursor.execute(f"RESET {name}")
    return read


def _parse_sql(texts_sql: str, *, careful: bool, meter_id: int | None = None) -> str:
    """One pass: parse, check, then sort by meter and time, so that duplicates within the
    file (the first line wins; a later copy names the copy before it) and each good row's
    previous good reading (the gap search in VEE) come from one window over that sort. The
    rows are stored in that order, the order the reading table's primary key wants.
    `meter_id`: the only meter rows may name (any other serial is an unknown meter)."""
    meters = "" if meter_id is None else f"WHERE id = {int(meter_id)}"
    # Both statements check the shape (digits where digits go) and the offset's hours.
    shape = " AND ".join([_TS_LIKE.format(t="t.ts_text"), _TS_SHAPE.format(t="t.ts_text"),
                          _TS_OFFSET.format(t="t.ts_text")])
    if careful:
        # Nested CASEs: the range checks cast digits, so they run only on the right shape.
        ts_expr = (f"CASE WHEN {shape} THEN CASE WHEN {_TS_RANGES.format(t='t.ts_text')} "
                   "THEN t.ts_text::timestamptz END END")
        kwh_ok = _KWH_VALID.format(k="t.kwh_text")
    else:
        # PostgreSQL itself raises on other out-of-range fields but takes hour 24 and
        # second 60 (rolling over), which the careful statement rejects: so do these.
        ts_expr = (f"CASE WHEN {shape} AND t.ts_text NOT LIKE '___________24%%' "
                   "AND t.ts_text NOT LIKE '_________________60%%' "
                   "THEN t.ts_text::timestamptz END")
        kwh_ok = _KWH_CHARACTERS.format(k="t.kwh_text")
    # Nested subqueries rather than CTEs, so the whole parse and check can run in parallel
    # workers; each layer selects clock_timestamp() to be computed once per row (see
    # staging.py), and the sort for the window is done by the workers and merged.
    return f"""
        CREATE TEMP TABLE ingest_rows AS
        SELECT line, meter_id, interval_minutes, ts, kwh,
               CASE WHEN reason IS NOT NULL THEN reason
                    WHEN lag(ts) OVER by_meter = ts
                        THEN 'duplicate of line ' || lag(line) OVER by_meter
               END AS reason,
               CASE WHEN reason IS NULL THEN lag(ts) OVER by_meter END AS prev_ts
        FROM (
            SELECT line, meter_id, interval_minutes, ts,
                   -- the column's scale rounds to 6 decimals (half away from zero); only
                   -- good rows' values are used
                   CASE WHEN scaled < 1000000000 AND scaled > -1000000000
                        THEN scaled::numeric(16, 6) END AS kwh,
                   clock_timestamp() AS computed_once,
                CASE
                    WHEN parse_error IS NOT NULL THEN parse_error
                    WHEN meter_id IS NULL THEN 'unknown meter ' || quote_literal(serial)
                    WHEN ts IS NULL
                        THEN 'invalid interval start (YYYY-MM-DDTHH:MM:SS with a UTC offset)'
                    -- NaN compares above every number, so it fails here too
                    WHEN scaled IS NULL OR NOT (scaled < 1000000000 AND scaled > -1000000000)
                        THEN 'invalid kWh value'
                    WHEN scaled < 0 THEN 'negative kWh'
                    WHEN date_part('epoch', ts)::bigint %% interval_seconds <> 0
                        THEN 'not on the meter''s ' || interval_minutes || '-minute grid'
                    WHEN ts > latest_start THEN 'interval in the future'
                    WHEN ts < installed_at OR ts >= removed_at
                        THEN 'meter not installed at this time'
                END AS reason
            FROM (
                SELECT t.line, t.parse_error, t.serial, m.id AS meter_id,
                       m.interval_minutes, m.interval_seconds, m.latest_start,
                       m.installed_at, m.removed_at,
                       {ts_expr} AS ts,
                       CASE WHEN {kwh_ok} THEN t.kwh_text::numeric END * m.multiplier
                           AS scaled,
                       clock_timestamp() AS computed_once
                FROM ({texts_sql}) t
                LEFT JOIN (
                    -- per-meter bounds computed once, so each row costs plain comparisons
                    SELECT id, serial, multiplier, interval_minutes,
                           interval_minutes * 60 AS interval_seconds,
                           %(now)s::timestamptz - make_interval(mins => interval_minutes)
                               AS latest_start,
                           installed_at, removed_at
                    FROM metering_meter {meters}
                ) m ON m.serial = t.serial
            ) parsed
        ) checked
        WINDOW by_meter AS (PARTITION BY meter_id, reason IS NULL ORDER BY ts, line)
        """


def _meters_lock(cursor) -> None:
    """Serialise ingests that touch the same meters (in this schema): a reading found
    absent below is then still absent when it is inserted, so new readings need no
    ON CONFLICT (which costs ~3x a plain insert). Locks are taken in meter order, so two
    ingests cannot deadlock; ingests of different meters run side by side."""
    cursor.execute(
        """
        SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.metering_reading'),
                                     meter_id::int)
        FROM (SELECT meter_id FROM ingest_ranges ORDER BY meter_id) meters
        """
    )


def _stored_find(cursor) -> bool:
    """Mark the file's meters that already have readings within the file's span (one
    index probe per meter); only their rows need comparing with stored readings."""
    cursor.execute(
        """
        UPDATE ingest_ranges g SET has_stored = true
        WHERE EXISTS (SELECT 1 FROM metering_reading r WHERE r.meter_id = g.meter_id
                      AND r.interval_start BETWEEN g.lo AND g.hi)
        """
    )
    return cursor.rowcount > 0


def _existing_stage(cursor, *, lo, hi, quality: str = "ACTUAL") -> None:
    """The good rows that already have a stored reading, with the stored value."""
    # Temp tables get no statistics by themselves; with them the planner picks a join
    # that suits a million rows.
    cursor.execute("ANALYZE ingest_rows")
    cursor.execute(
        """
        CREATE TEMP TABLE ingest_existing AS
        SELECT g.line, g.meter_id, g.ts, r.kwh AS old_kwh, r.quality AS old_quality,
               g.kwh AS new_kwh, (r.kwh <> g.kwh OR r.quality <> %(quality)s) AS changed
        FROM ingest_rows g
        JOIN ingest_ranges x ON x.meter_id = g.meter_id AND x.has_stored
        JOIN metering_reading r ON r.meter_id = g.meter_id AND r.interval_start = g.ts
        WHERE g.reason IS NULL AND r.interval_start BETWEEN %(lo)s AND %(hi)s
        """,
        {"lo": lo, "hi": hi, "quality": quality},
    )
    cursor.execute("ANALYZE ingest_existing")


def _log_edits(cursor, *, source: str, now: datetime, report_id: int,
               quality: str = "ACTUAL") -> int:
    cursor.execute(
        """
        INSERT INTO metering_readingedit (meter_id, interval_start, old_kwh, old_quality,
                                          new_kwh, new_quality, edited_at, source, report_id)
        SELECT meter_id, ts, old_kwh, old_quality, new_kwh, %(quality)s, %(now)s, %(source)s,
               %(report)s
        FROM ingest_existing WHERE changed
        """,
        {"now": now, "source": source[:100], "report": report_id, "quality": quality},
    )
    return cursor.rowcount


def _update_changed(cursor, *, lo, hi, source: str, now: datetime,
                    quality: str = "ACTUAL") -> None:
    cursor.execute(
        """
        UPDATE metering_reading r
        SET kwh = e.new_kwh, quality = %(quality)s, source = %(source)s,
            received_at = %(now)s
        FROM ingest_existing e
        WHERE e.changed AND r.meter_id = e.meter_id AND r.interval_start = e.ts
          AND r.interval_start BETWEEN %(lo)s AND %(hi)s
        """,
        {"source": source[:100], "now": now, "lo": lo, "hi": hi, "quality": quality},
    )


def _insert_new(cursor, *, source: str, now: datetime, existing: bool,
                quality: str = "ACTUAL") -> int:
    """The good rows without a stored reading (`existing`: some may have one, listed in
    ingest_existing), in the staged (meter, time) order."""
    not_stored = ("AND NOT EXISTS (SELECT 1 FROM ingest_existing e WHERE e.line = g.line)"
                  if existing else "")
    cursor.execute(
        f"""
        INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source,
                                      received_at)
        SELECT g.meter_id, g.ts, g.kwh, %(quality)s, %(source)s, %(now)s
        FROM ingest_rows g
        WHERE g.reason IS NULL {not_stored}
        """,
        {"source": source[:100], "now": now, "quality": quality},
    )
    return cursor.rowcount


def _rejections(cursor) -> tuple[int, list[dict]]:
    """How many lines were rejected, and the first REJECTED_KEPT of them."""
    cursor.execute(
        """
        SELECT line, reason, count(*) OVER () FROM ingest_rows WHERE reason IS NOT NULL
        ORDER BY line LIMIT %s
        """,
        [REJECTED_KEPT],
    )
    rows = cursor.fetchall()
    return (rows[0][2] if rows else 0), [{"line": line, "reason": reason}
                                         for line, reason, _ in rows]
