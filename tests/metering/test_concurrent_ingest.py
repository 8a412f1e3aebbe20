"""Two ingests of the same readings at the same time: one inserts, the other finds them
stored (the per-meter lock makes the plain INSERT of new rows safe); nothing fails."""
import threading
from datetime import UTC, datetime
from io import BytesIO

from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import MeterPoint
from metering.domain.ingest import readings_ingest_file
from metering.models import Meter, Reading
from tests.metering.conftest import LONDON, NOW, csv_lines


def test_simultaneous_ingests_of_one_file_both_succeed(django_db_setup, django_db_blocker):
    text = csv_lines("RACE-1", datetime(2026, 4, 1, tzinfo=UTC), ["0.25"] * 480).encode()
    results, errors = [], []
    start = threading.Barrier(2)

    def ingest():
        try:
            with schema_context("alpha"):
                start.wait(timeout=10)
                results.append(readings_ingest_file(stream=BytesIO(text), file_format="csv",
                                                    source="race", now=NOW,
                                                    options=LONDON))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        with schema_context("alpha"):
            meter = Meter.objects.create(
                serial="RACE-1", meter_point=MeterPoint.objects.get(identifier="ALPHA-H-0001-MP1"),
                interval_minutes=30, installed_at=datetime(2026, 1, 1, tzinfo=UTC))
        try:
            threads = [threading.Thread(target=ingest) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert errors == []
            assert sorted(r.inserted for r in results) == [0, 480]
            with schema_context("alpha"):
                assert Reading.objects.filter(meter=meter).count() == 480
        finally:
            with schema_context("alpha"), connection.cursor() as cursor:
                cursor.execute("DELETE FROM metering_reading WHERE meter_id = %s", [meter.pk])
                cursor.execute("DELETE FROM metering_dailyrollup WHERE meter_id = %s",
                               [meter.pk])
                meter.delete()
