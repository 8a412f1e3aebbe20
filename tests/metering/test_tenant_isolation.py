"""Alice's retailer (alpha) and Bob's (beta) never see or write each other's meter data."""
from datetime import UTC, datetime

from django_tenants.utils import schema_context

from metering.models import DailyRollup, IngestReport, Reading
from tests.metering.conftest import csv_lines, ingest_csv, meter_create

START = datetime(2026, 4, 1, tzinfo=UTC)


def test_a_file_at_alpha_naming_betas_meter_lands_nowhere(db):
    with schema_context("beta"):
        meter_create("BETA-M-0001", "BETA-H-0001-MP1")
    with schema_context("alpha"):
        report = ingest_csv(csv_lines("BETA-M-0001", START, ["0.2", "0.3"]))
        assert report.rejected == [
            {"line": 2, "reason": "unknown meter 'BETA-M-0001'"},
            {"line": 3, "reason": "unknown meter 'BETA-M-0001'"},
        ]
    with schema_context("beta"):
        assert not Reading.objects.exists()
        assert not IngestReport.objects.exists()


def test_same_serial_at_both_retailers_keeps_separate_data(db):
    for schema, point, value in (("alpha", "ALPHA-H-0001-MP1", "0.1"),
                                 ("beta", "BETA-H-0001-MP1", "0.9")):
        with schema_context(schema):
            meter_create("SHARED-0001", point)
            ingest_csv(csv_lines("SHARED-0001", START, [value] * 4))
    for schema, expected in (("alpha", "0.400000"), ("beta", "3.600000")):
        with schema_context(schema):
            assert Reading.objects.count() == 4
            assert str(DailyRollup.objects.get().kwh) == expected
