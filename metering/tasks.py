"""Celery tasks of metering: partition upkeep and ingest of large uploaded files."""
import logging
import os

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from core.tasks import RetailerTask
from metering.domain.ingest import UnableToIngestReadings, readings_ingest_file
from metering.domain.partitions import partitions_ensure_ahead
from metering.domain.progress import ProgressReader

logger = logging.getLogger(__name__)
UPLOAD_STATE_SECONDS = 24 * 3600


def upload_state_key(upload_id: str) -> str:
    # The cache key function adds the schema, so one retailer cannot read another's.
    return f"metering:upload:{upload_id}"


@shared_task(name="metering.partitions_ensure_ahead", base=RetailerTask)
def partitions_ensure_ahead_task() -> dict:
    """Per retailer, every 6 hours (beat fans it out): this month, the last and the next 3."""
    created = partitions_ensure_ahead(today=timezone.now().date())
    return {"schema": connection.schema_name, "created": created}


@shared_task(name="metering.ingest_uploaded_file", base=RetailerTask)
def ingest_uploaded_file(*, path: str, file_format: str, source: str, serial: str | None,
                         upload_id: str) -> dict:
    """Ingest a file the admin saved to `path` (then delete it), publishing progress."""
    key = upload_state_key(upload_id)
    total = os.path.getsize(path)

    def report(bytes_read: int) -> None:
        cache.set(key, {"state": "reading", "bytes_read": bytes_read, "total": total},
                  UPLOAD_STATE_SECONDS)

    report(0)
    try:
        with open(path, "rb") as raw:
            stream = ProgressReader(raw, report=report)
            result = readings_ingest_file(stream=stream, file_format=file_format,
                                          source=source, now=timezone.now(), serial=serial)
    except UnableToIngestReadings as error:
        cache.set(key, {"state": "failed", "detail": error.detail}, UPLOAD_STATE_SECONDS)
        return {"state": "failed"}
    except Exception:
        logger.exception("Ingest of an uploaded file failed unexpectedly")
        cache.set(key, {"state": "failed", "detail": "Unexpected error; see the worker log."},
                  UPLOAD_STATE_SECONDS)
        raise
    finally:
        os.unlink(path)
    cache.set(key, {"state": "done", "report": result.pk, "total": total},
              UPLOAD_STATE_SECONDS)
    return {"state": "done", "report": result.pk}
