"""Month partitions: routing at the boundary, leap day, months without a partition yet."""
from datetime import UTC, date, datetime

from django.db import connection

from metering.domain.partitions import partitions_ensure_ahead, partitions_existing
from metering.models import DailyRollup, Reading
from tests.metering.conftest import csv_lines, ingest_csv


def partition_of(meter, at) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM metering_reading "
            "WHERE meter_id = %s AND interval_start = %s", [meter.pk, at])
        return cursor.fetchone()[0]


def test_readings_either_side_of_midnight_utc_land_in_their_months(alpha_meter):
    start = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)
    ingest_csv(csv_lines("ALPHA-M-0001", start, ["0.2"] * 4))
    assert partition_of(alpha_meter, start) == "metering_reading_p202601"
    assert partition_of(alpha_meter, datetime(2026, 2, 1, tzinfo=UTC)) == (
        "metering_reading_p202602")


def test_a_month_without_a_partition_gets_one_on_demand(alpha_meter):
    assert "metering_reading_p203001" not in partitions_existing()
    start = datetime(2030, 1, 15, tzinfo=UTC)
    report = ingest_csv(csv_lines("ALPHA-M-0001", start, ["0.3"] * 2),
                        now=datetime(2030, 2, 1, tzinfo=UTC))
    assert report.inserted == 2
    assert "metering_reading_p203001" in partitions_existing()


def test_leap_day_has_48_half_hours_in_february(alpha_meter):
    start = datetime(2028, 2, 29, tzinfo=UTC)  # GMT in February: local midnight is UTC
    report = ingest_csv(csv_lines("ALPHA-M-0001", start, ["0.25"] * 48),
                        now=datetime(2028, 3, 2, tzinfo=UTC))
    assert report.inserted == 48
    assert partition_of(alpha_meter, start) == "metering_reading_p202802"
    rollup = DailyRollup.objects.get(meter=alpha_meter, day_date=date(2028, 2, 29))
    assert rollup.interval_count == 48
    assert Reading.objects.filter(interval_start__date=date(2028, 2, 29)).count() == 48


def test_upkeep_creates_the_current_and_coming_months(in_alpha):
    partitions_ensure_ahead(today=date(2031, 12, 5), months_back=1, months_ahead=2)
    names = set(partitions_existing())
    assert {"metering_reading_p203111", "metering_reading_p203112",
            "metering_reading_p203201", "metering_reading_p203202"} <= names
