"""The periodic upkeep job creates partitions ahead, per retailer, in a real worker."""
from django.conf import settings
from django_tenants.utils import schema_context

from metering.tasks import partitions_ensure_ahead_task


def test_beat_runs_upkeep_for_every_retailer():
    entry = settings.CELERY_BEAT_SCHEDULE["metering-partitions-ahead"]
    assert entry["task"] == "metering.partitions_ensure_ahead"
    assert "tenant_schemas" not in entry  # fans out to every retailer schema


def test_worker_creates_partitions_in_the_senders_schema(celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        for schema in ("alpha", "beta"):
            with schema_context(schema):
                result = partitions_ensure_ahead_task.delay().get(timeout=60)
            assert result["schema"] == schema
            with schema_context(schema):
                from metering.domain.partitions import partitions_existing

                assert len(partitions_existing()) >= 5
