"""A small CSV lands, with its report; rows land in the partitioned table."""
from datetime import UTC, datetime
from decimal import Decimal

from metering.models import DailyRollup, IngestReport, Reading
from tests.metering.conftest import csv_lines, ingest_csv


def test_a_day_of_half_hours_lands_with_a_report(alpha_meter):
    start = datetime(2026, 6, 1, 23, 0, tzinfo=UTC)  # local midnight, Europe/London (BST)
    report = ingest_csv(csv_lines("ALPHA-M-0001", start, ["0.250"] * 48))
    assert report.as_dict() | {"id": None} == {
        "id": None, "read": 48, "inserted": 48, "updated": 0, "rejected": [], "estimated": 0,
        "flagged": [],
    }
    assert Reading.objects.filter(meter=alpha_meter).count() == 48
    assert IngestReport.objects.filter(pk=report.pk).exists()
    rollup = DailyRollup.objects.get(meter=alpha_meter)
    assert (rollup.day_date.isoformat(), rollup.kwh, rollup.interval_count) == (
        "2026-06-02", Decimal("12.000000"), 48)
