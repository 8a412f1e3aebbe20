"""Celery tasks of metering: partition upkeep (default queue) and ingest of uploaded files
(ingest queue; see CELERY_TASK_ROUTES in config/settings/base.py)."""
import logging

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError, connection
from django.utils import timezone

from core.ranges import local_date
from core.tasks import RetailerTask
from metering.domain.ingest import IngestOptions
from metering.domain.partitions import partitions_ensure_ahead
from metering.domain.uploads import upload_ingest
from tenants.domain.retailers import retailer_current

logger = logging.getLogger(__name__)
UPLOAD_PROGRESS_SECONDS = 24 * 3600


def upload_progress_key(upload_id: int) -> str:
    # The cache key function adds the schema, so one retailer cannot read another's.
    return f"metering:upload:{upload_id}:bytes_read"


@shared_task(name="metering.partitions_ensure_ahead", base=RetailerTask)
def partitions_ensure_ahead_task() -> dict:
    """Per retailer, every 6 hours (beat fans it out): this month, the last and the next 3,
    counted from the retailer's today."""
    today = local_date(timezone.now(), retailer_current().time_zone)
    created = partitions_ensure_ahead(today=today)
    return {"schema": connection.schema_name, "created": created}


@shared_task(name="metering.ingest_upload", base=RetailerTask, bind=True,
             autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def ingest_upload(self, *, upload_id: int) -> dict:
    """Ingest an upload the admin stored (metering/domain/uploads.py), publishing how many
    bytes have been read. Safe to run again: a done upload is left as it is."""
    key = upload_progress_key(upload_id)
    try:
        upload = upload_ingest(
            upload_id=upload_id, now=timezone.now(),
            options=IngestOptions(time_zone=retailer_current().time_zone),
            progress=lambda read: cache.set(key, read, UPLOAD_PROGRESS_SECONDS))
    except Exception:
        logger.exception("Ingest of upload %s failed unexpectedly", upload_id)
        raise
    return {"state": upload.state, "report": upload.report_id}
