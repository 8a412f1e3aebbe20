"""Validation, estimation and editing beyond the per-line checks in ingest: spikes and gaps.

Both work on the staged good rows of the current ingest (`ingest_rows`) summarised per
meter in `ingest_ranges`, in SQL.

- Spikes are flagged, not rejected (a real reading is never thrown away): a value above
  `factor` × the meter's mean interval over the 28 days before the file (from the daily
  rollups), or × the file's own mean for that meter when there is no history.
- Gaps are the grid slots missing between a meter's first and last reading in the ingest.
  A gap of up to `short_gap` intervals is filled by linear interpolation between the
  readings either side; a longer one with the mean of the same local time on the same
  weekday over the previous four weeks (ACTUAL readings), falling back to linear.
  Estimates are stored with quality ESTIMATED; a later ACTUAL replaces them and the
  replacement is logged (metering.ReadingEdit) by ingest.
"""
from decimal import Decimal

FLAGGED_KEPT = 10_000


def ranges_stage(cursor):
    """Summarise the good rows per meter into `ingest_ranges`; returns the first and last
    interval start and the months (UTC) they span, or None when no row is good."""
    cursor.execute("DROP TABLE IF EXISTS ingest_ranges")
    cursor.execute(
        """
        CREATE TEMP TABLE ingest_ranges AS
        SELECT meter_id, interval_minutes, min(ts) AS lo, max(ts) AS hi, count(*) AS n,
               avg(kwh) AS file_mean, max(kwh) AS kwh_max, false AS has_stored
        FROM ingest_rows WHERE reason IS NULL GROUP BY meter_id, interval_minutes
        """
    )
    cursor.execute(
        """
        SELECT min(lo), max(hi), array_agg(DISTINCT month::date)
        FROM ingest_ranges, generate_series(date_trunc('month', lo AT TIME ZONE 'UTC'),
                                            date_trunc('month', hi AT TIME ZONE 'UTC'),
                                            interval '1 month') month
        """
    )
    lo, hi, months = cursor.fetchone()
    return None if lo is None else (lo, hi, months)


def spikes_flag(cursor, *, factor: Decimal, tz: str) -> list[dict]:
    cursor.execute(
        """
        WITH history AS (
            SELECT g.meter_id, sum(d.kwh) / nullif(sum(d.interval_count), 0) AS mean
            FROM ingest_ranges g JOIN metering_dailyrollup d ON d.meter_id = g.meter_id
             AND d.day_date >= (g.lo AT TIME ZONE %(tz)s)::date - 28
             AND d.day_date < (g.lo AT TIME ZONE %(tz)s)::date
            GROUP BY g.meter_id
        ), baseline AS (
            SELECT meter_id, mean FROM (
                SELECT g.meter_id, g.kwh_max,
                       coalesce(h.mean, CASE WHEN g.n >= 48 THEN g.file_mean END) AS mean
                FROM ingest_ranges g LEFT JOIN history h ON h.meter_id = g.meter_id
            ) means
            -- only meters with a spike: with none, the rows are not read at all
            WHERE mean > 0 AND kwh_max > %(factor)s * mean
        )
        SELECT r.line, 'spike: ' || r.kwh || ' kWh is over ' || %(factor)s
               || ' times the meter''s recent mean of ' || round(b.mean, 4) || ' kWh'
        FROM ingest_rows r JOIN baseline b ON b.meter_id = r.meter_id
        WHERE r.reason IS NULL AND b.mean > 0 AND r.kwh > %(factor)s * b.mean
        ORDER BY r.line LIMIT %(kept)s
        """,
        {"tz": tz, "factor": factor, "kept": FLAGGED_KEPT},
    )
    return [{"line": line, "reason": reason} for line, reason in cursor.fetchall()]


def gaps_fill(cursor, *, source: str, now, short_gap: int, tz: str) -> int:
    """Insert ESTIMATED readings into the gaps; returns how many."""
    cursor.execute(
        """
        WITH holes AS (
            -- a good row more than one interval after the meter's previous good row
            SELECT meter_id, interval_minutes, make_interval(mins => interval_minutes) AS step,
                   prev_ts, ts
            FROM ingest_rows
            WHERE reason IS NULL AND ts - prev_ts > make_interval(mins => interval_minutes)
        ), not_in_file AS (
            SELECT h.meter_id, h.interval_minutes, s AS slot
            FROM holes h, generate_series(h.prev_ts + h.step, h.ts - h.step, h.step) s
        ), missing AS (
            SELECT s.*, s.slot - make_interval(mins => s.interval_minutes)
                   * row_number() OVER (PARTITION BY s.meter_id ORDER BY s.slot) AS island
            FROM not_in_file s
            -- OFFSET 0: an index probe per slot; as a join the planner guesses a thousand
            -- slots per hole and sorts the whole reading table instead
            WHERE NOT EXISTS (SELECT 1 FROM metering_reading r
                              WHERE r.meter_id = s.meter_id AND r.interval_start = s.slot
                              OFFSET 0)
        ), gaps AS (
            SELECT meter_id, island, interval_minutes, min(slot) AS first_slot,
                   max(slot) AS last_slot, count(*) AS len
            FROM missing GROUP BY meter_id, island, interval_minutes
        ), edges AS (
            SELECT g.*,
                   (SELECT kwh FROM metering_reading p WHERE p.meter_id = g.meter_id
                     AND p.interval_start = g.first_slot
                         - make_interval(mins => g.interval_minutes)) AS before_kwh,
                   (SELECT kwh FROM metering_reading a WHERE a.meter_id = g.meter_id
                     AND a.interval_start = g.last_slot
                         + make_interval(mins => g.interval_minutes)) AS after_kwh
            FROM gaps g
        ), estimates AS (
            SELECT m.meter_id, m.slot,
                   e.before_kwh + (e.after_kwh - e.before_kwh)
                       * (extract(epoch FROM m.slot - e.first_slot)
                          / (60 * e.interval_minutes) + 1) / (e.len + 1) AS linear_kwh,
                   CASE WHEN e.len > %(short)s THEN (
                       SELECT avg(w.kwh) FROM metering_reading w
                       WHERE w.meter_id = m.meter_id AND w.quality = 'ACTUAL'
                         AND w.interval_start IN (
                           ((m.slot AT TIME ZONE %(tz)s) - interval '7 days') AT TIME ZONE %(tz)s,
                           ((m.slot AT TIME ZONE %(tz)s) - interval '14 days') AT TIME ZONE %(tz)s,
                           ((m.slot AT TIME ZONE %(tz)s) - interval '21 days') AT TIME ZONE %(tz)s,
                           ((m.slot AT TIME ZONE %(tz)s) - interval '28 days') AT TIME ZONE %(tz)s)
                   ) END AS weekday_kwh
            FROM missing m JOIN edges e ON e.meter_id = m.meter_id AND e.island = m.island
        )
        INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source,
                                      received_at)
        SELECT meter_id, slot, round(coalesce(weekday_kwh, linear_kwh, 0), 6), 'ESTIMATED',
               %(source)s, %(now)s
        FROM estimates
        ON CONFLICT (meter_id, interval_start) DO NOTHING
        """,
        {"short": short_gap, "tz": tz, "source": source[:100], "now": now},
    )
    return cursor.rowcount
