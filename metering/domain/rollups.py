"""Daily rollups (per meter per local day), recomputed in SQL for the affected days only.

Each affected meter-day is aggregated with its own index range scan on the reading table
(a LATERAL subquery over `[local midnight, next local midnight)`), which is several times
faster than converting every reading's timestamp to local time and grouping.

Each rollup also carries the day's readings `packed` for the profile seam
(metering/domain/profiles.py): 16 bytes per reading in time order, its interval start as
PostgreSQL sends a timestamptz (int8 microseconds since 2000-01-01 UTC) and its kWh x
4,000,000 plus the quality code as an int8 (`kwh` is numeric(16, 6): the product is a whole
number). Billing then reads ~31 short rows per meter and month instead of 1,440 readings.
Every write of readings (ingest's inserts and updates, VEE's estimates) ends with a refresh
of the meter-days it touched, so `packed` always holds what the reading table holds.
"""
from datetime import datetime

_REFRESH = """
    INSERT INTO metering_dailyrollup AS d (meter_id, day_date, kwh, interval_count, kwh_min,
        kwh_max, actual_count, estimated_count, edited_count, missing_count, packed)
    SELECT days.meter_id, days.day_date, a.kwh, a.n, a.kwh_min, a.kwh_max, a.actual,
           a.estimated, a.edited, a.missing, a.packed
    FROM days CROSS JOIN LATERAL (
        SELECT sum(r.kwh) AS kwh, count(*) AS n, min(r.kwh) AS kwh_min, max(r.kwh) AS kwh_max,
               count(*) FILTER (WHERE r.quality = 'ACTUAL') AS actual,
               count(*) FILTER (WHERE r.quality = 'ESTIMATED') AS estimated,
               count(*) FILTER (WHERE r.quality = 'EDITED') AS edited,
               count(*) FILTER (WHERE r.quality = 'MISSING') AS missing,
               string_agg(timestamptz_send(r.interval_start)
                          || int8send((r.kwh * 4000000)::int8
                                      + CASE r.quality WHEN 'ACTUAL' THEN 0
                                                       WHEN 'ESTIMATED' THEN 1
                                                       WHEN 'EDITED' THEN 2 ELSE 3 END),
                          ''::bytea ORDER BY r.interval_start) AS packed
        FROM metering_reading r
        WHERE r.meter_id = days.meter_id AND r.interval_start >= days.day_lo
          AND r.interval_start < days.day_hi
    ) a
    WHERE a.n > 0
    ON CONFLICT (meter_id, day_date) DO UPDATE
        SET kwh = EXCLUDED.kwh, interval_count = EXCLUDED.interval_count,
            kwh_min = EXCLUDED.kwh_min, kwh_max = EXCLUDED.kwh_max,
            actual_count = EXCLUDED.actual_count, estimated_count = EXCLUDED.estimated_count,
            edited_count = EXCLUDED.edited_count, missing_count = EXCLUDED.missing_count,
            packed = EXCLUDED.packed
        WHERE (d.kwh, d.interval_count, d.kwh_min, d.kwh_max, d.actual_count,
               d.estimated_count, d.edited_count, d.missing_count, d.packed)
              IS DISTINCT FROM
              (EXCLUDED.kwh, EXCLUDED.interval_count, EXCLUDED.kwh_min, EXCLUDED.kwh_max,
               EXCLUDED.actual_count, EXCLUDED.estimated_count, EXCLUDED.edited_count,
               EXCLUDED.missing_count, EXCLUDED.packed)
"""

_LOCAL_DAYS = """
    SELECT meter_id, local::date AS day_date, local AT TIME ZONE %(tz)s AS day_lo,
           (local + interval '1 day') AT TIME ZONE %(tz)s AS day_hi
    FROM {source},
         generate_series(date_trunc('day', {lo} AT TIME ZONE %(tz)s),
                         date_trunc('day', {hi} AT TIME ZONE %(tz)s), interval '1 day') local
"""


def rollups_refresh_staged(cursor, *, tz: str) -> None:
    """Recompute the local days that the current ingest's meters touched (ingest_ranges)."""
    days = _LOCAL_DAYS.format(source="ingest_ranges", lo="lo", hi="hi")
    cursor.execute(f"WITH days AS ({days}) {_REFRESH}", {"tz": tz})


def rollups_refresh(cursor, *, meter_ids: list[int], lo: datetime, hi: datetime,
                    tz: str) -> None:
    """Recompute the local days from `lo`'s to `hi`'s for these meters."""
    days = _LOCAL_DAYS.format(source="unnest(%(meters)s::bigint[]) AS meter_id",
                              lo="%(lo)s::timestamptz", hi="%(hi)s::timestamptz")
    cursor.execute(f"WITH days AS ({days}) {_REFRESH}",
                   {"tz": tz, "lo": lo, "hi": hi, "meters": meter_ids})
