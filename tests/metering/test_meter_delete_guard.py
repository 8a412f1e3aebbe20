"""A meter with readings cannot be deleted (a trigger guards it: the reading table has no
per-row foreign key, see metering/migrations/0003)."""
from datetime import UTC, datetime
from io import BytesIO

import pytest
from django.db import DatabaseError, transaction
from django_tenants.utils import schema_context

from accounts.models import MeterPoint
from metering.domain.ingest import readings_ingest_file
from metering.models import Meter
from tests.metering.conftest import LONDON

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_meter_with_readings_cannot_be_deleted_one_without_can(db):
    with schema_context("alpha"):
        point = MeterPoint.objects.get(identifier="ALPHA-H-0001-MP1")
        kept = Meter.objects.create(serial="GUARD-1", meter_point=point, interval_minutes=30,
                                    installed_at=datetime(2026, 1, 1, tzinfo=UTC))
        spare = Meter.objects.create(serial="GUARD-2", meter_point=point, interval_minutes=30,
                                     installed_at=datetime(2026, 1, 1, tzinfo=UTC))
        report = readings_ingest_file(
            stream=BytesIO(b"GUARD-1,2026-05-01T00:00:00+00:00,0.5\n"), file_format="csv",
            source="test", now=NOW, options=LONDON)
        assert report.inserted == 1
        with pytest.raises(DatabaseError, match="meter GUARD-1 has readings"), \
                transaction.atomic():
            kept.delete()
        spare.delete()
        assert list(Meter.objects.filter(serial__startswith="GUARD").values_list(
            "serial", flat=True)) == ["GUARD-1"]
