"""The profile seam reads the readings packed on the daily rollups: it must give exactly the
arrays the reading table gives, whatever the data (random kWh and qualities, gaps, both
clock-change days, periods that are not whole days, two meters on one meter point, a
15-minute meter), after raw writes with a rollup refresh and after ingest's own writes
(inserts, VEE estimates, an estimate replaced by an actual read)."""
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection

from core.ranges import DateRange, DateTimeRange, local_days
from metering.domain import profiles
from metering.domain.partitions import partitions_ensure
from metering.domain.profiles import (
    NO_READING,
    QUALITY_CODES,
    UnableToLoadProfiles,
    interval_profiles_load,
)
from metering.domain.rollups import rollups_refresh
from metering.models import DailyRollup
from tests.metering.conftest import csv_lines, ingest_csv, meter_create

LONDON = "Europe/London"


def from_readings(meter_ids, period: DateTimeRange, minutes: int = 30):
    """The oracle: the same arrays built row by row from the reading table."""
    step = timedelta(minutes=minutes)
    start = period.start.astimezone(UTC)  # (a difference in one zone is wall-clock time)
    slots = (period.end.astimezone(UTC) - start) // step
    kwh = np.full((len(meter_ids), slots), np.nan)
    quality = np.full((len(meter_ids), slots), NO_READING, dtype=np.int8)
    with connection.cursor() as cursor:
        cursor.execute("SELECT meter_id, interval_start, kwh, quality FROM metering_reading "
                       "WHERE meter_id = ANY(%s) AND interval_start >= %s "
                       "AND interval_start < %s", [list(meter_ids), period.start, period.end])
        for meter_id, at, value, code in cursor.fetchall():
            row, slot = list(meter_ids).index(meter_id), (at - start) // step
            kwh[row, slot], quality[row, slot] = float(value), QUALITY_CODES[code]
    return kwh, quality


def assert_same(meter_ids, period: DateTimeRange, minutes: int = 30):
    loaded = interval_profiles_load(meter_ids=meter_ids, period=period,
                                    interval_minutes=minutes)
    kwh, quality = from_readings(meter_ids, period, minutes)
    assert np.array_equal(loaded.kwh, kwh, equal_nan=True)
    assert np.array_equal(loaded.quality, quality)
    return loaded


def write_random(meter, days: DateRange, rng: random.Random, minutes: int = 30) -> int:
    """Readings of random kWh (6 decimals, zeros, a few large values) and qualities, about
    one in eight intervals missing, written straight into the table, then the rollups
    refreshed as ingest does last."""
    instants = local_days(days, LONDON)
    partitions_ensure(months=sorted({date(d.year, d.month, 1) for d in days.each_day()}))
    rows, at = [], instants.start.astimezone(UTC)
    while at < instants.end:
        if rng.random() > 0.125:
            value = rng.choice([Decimal(rng.randrange(0, 3_000_000)) / 1_000_000,
                                Decimal(0), Decimal(rng.randrange(10**12, 10**15)) / 10**6])
            rows.append((meter.pk, at, value, rng.choice(list(QUALITY_CODES))))
        at += timedelta(minutes=minutes)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, "
            "received_at) VALUES (%s, %s, %s, %s, 'test', now())", rows)
        rollups_refresh(cursor, meter_ids=[meter.pk], lo=instants.start, hi=instants.end,
                        tz=LONDON)
    return len(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_packed_rollups_give_the_reading_tables_arrays(alpha_meter, seed):
    rng = random.Random(seed)
    # alpha_meter and a second meter on the same meter point (a meter exchange), a third
    # meter elsewhere with 15-minute intervals; both clock-change weeks of 2026.
    second = meter_create("ALPHA-M-0002", "ALPHA-H-0001-MP1")
    quarter = meter_create("ALPHA-M-Q", "ALPHA-E-0001-MP1", interval_minutes=15)
    spring, autumn = (DateRange(date(2026, 3, 26), date(2026, 4, 2)),
                      DateRange(date(2026, 10, 22), date(2026, 10, 29)))
    for days in (spring, autumn):
        write_random(alpha_meter, days, rng)
        write_random(second, DateRange(days.start + timedelta(days=2), days.end), rng)
        write_random(quarter, days, rng, minutes=15)
    meters = [second.pk, alpha_meter.pk, 999_999]  # an unknown meter: no readings
    for days in (spring, autumn, DateRange(date(2026, 3, 29), date(2026, 3, 30)),
                 DateRange(date(2026, 10, 25), date(2026, 10, 26)),
                 DateRange(date(2026, 3, 1), date(2026, 11, 1))):
        assert_same(meters, local_days(days, LONDON))
        assert_same([quarter.pk], local_days(days, LONDON), minutes=15)
    # periods that are not local days: UTC days, Tokyo days, a few hours across midnight
    for period in (DateTimeRange(datetime(2026, 3, 27, tzinfo=UTC),
                                 datetime(2026, 3, 31, tzinfo=UTC)),
                   local_days(DateRange(date(2026, 10, 23), date(2026, 10, 28)),
                              "Asia/Tokyo"),
                   DateTimeRange(datetime(2026, 10, 24, 21, 30, tzinfo=UTC),
                                 datetime(2026, 10, 25, 3, 0, tzinfo=UTC))):
        assert_same(meters, period)
    loaded = assert_same(meters, local_days(spring, LONDON))
    seen = set(np.unique(loaded.quality).tolist())
    assert seen == {NO_READING, *QUALITY_CODES.values()}


def test_packed_rollups_follow_ingest_estimates_and_corrections(alpha_meter):
    day = datetime(2026, 3, 2, tzinfo=UTC)
    period = DateTimeRange(day, day + timedelta(days=2))
    values = [f"{0.1 + i / 1000:.3f}" for i in range(96)]
    lines = csv_lines("ALPHA-M-0001", day, values).splitlines()
    del lines[21:31]  # ten intervals missing: VEE estimates them
    ingest_csv("\n".join(lines) + "\n")
    loaded = assert_same([alpha_meter.pk], period)
    assert (loaded.quality[0] == QUALITY_CODES["ESTIMATED"]).sum() == 10
    # the actual reads arrive: the estimates are replaced, the rollups repacked
    report = ingest_csv(csv_lines("ALPHA-M-0001", day + timedelta(minutes=30 * 20),
                                  ["2.5"] * 10))
    assert report.updated == 10
    loaded = assert_same([alpha_meter.pk], period)
    assert (loaded.quality[0] == QUALITY_CODES["ACTUAL"]).all()
    assert loaded.kwh[0, 20:30] == pytest.approx([2.5] * 10)
    # the same file again changes nothing, not even the rollups' packed readings
    before = list(DailyRollup.objects.filter(meter=alpha_meter).values_list("packed", flat=True))
    ingest_csv(csv_lines("ALPHA-M-0001", day + timedelta(minutes=30 * 20), ["2.5"] * 10))
    after = list(DailyRollup.objects.filter(meter=alpha_meter).values_list("packed", flat=True))
    assert sorted(map(bytes, before)) == sorted(map(bytes, after))


def test_rollups_of_two_zones_that_overlap_are_refused(alpha_meter):
    """Rollups refreshed in one zone, then some days in another, can hold a reading twice:
    the seam refuses rather than choose."""
    days = DateRange(date(2026, 3, 2), date(2026, 3, 5))
    write_random(alpha_meter, days, random.Random(4))
    instants = local_days(days, LONDON)
    # Tokyo's 3 March, [2 March 15:00, 3 March 15:00) UTC, overlaps London's 2 March
    tokyo_3_march = datetime(2026, 3, 2, 18, tzinfo=UTC)
    with connection.cursor() as cursor:
        rollups_refresh(cursor, meter_ids=[alpha_meter.pk], lo=tokyo_3_march,
                        hi=tokyo_3_march, tz="Asia/Tokyo")
    with pytest.raises(UnableToLoadProfiles, match="hold a reading twice"):
        interval_profiles_load(meter_ids=[alpha_meter.pk], period=instants)


def test_rows_split_anywhere_across_writes_parse_the_same(alpha_meter, monkeypatch):
    """The COPY's bytes fed to the parser seven at a time (a row, even its header, cut
    anywhere) give the same arrays as the whole stream."""
    days = DateRange(date(2026, 3, 27), date(2026, 3, 31))
    write_random(alpha_meter, days, random.Random(5))
    period = local_days(days, LONDON)
    expected = assert_same([alpha_meter.pk, 999_999], period)

    real = profiles._ProfileRows

    class Pieces:
        """The parser, fed seven bytes at a time."""

        def __init__(self, **kwargs):
            self.sink = real(**kwargs)
            self.writes = 0

        def write(self, data):
            for at in range(0, len(data), 7):
                self.writes += 1
                self.sink.write(data[at:at + 7])
            return len(data)

        def finish(self):
            assert self.writes > 100
            self.sink.finish()

    monkeypatch.setattr(profiles, "_ProfileRows", Pieces)
    split = interval_profiles_load(meter_ids=[alpha_meter.pk, 999_999], period=period)
    assert np.array_equal(split.kwh, expected.kwh, equal_nan=True)
    assert np.array_equal(split.quality, expected.quality)
