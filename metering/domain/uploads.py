"""Large meter-data files from the admin: stored through Django's storage with a record,
then ingested by a worker from the record's id.

The path includes the retailer's schema (`uploads/<schema>/meter-data/...`), so files of
different retailers never share a folder, and any storage backend (a shared disk, an object
store) lets the worker run on another host than the web server. The file is deleted once
the upload is done (ingested, or refused with a reason); a worker that dies half-way leaves
file and record as they were, and the task's retry reads them again. Ingest itself is
idempotent, so reading a file twice stores nothing twice.
"""
import uuid
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils.text import get_valid_filename

from core.errors import GridlineError
from metering.domain.ingest import IngestOptions, UnableToIngestReadings, readings_ingest_file
from metering.domain.progress import ProgressReader
from metering.models import MeterDataUpload, UploadState


class UploadNotFound(GridlineError):
    code = "not_found"
    status = 404


def upload_path(*, schema_name: str, original_name: str) -> str:
    safe = get_valid_filename(original_name)[-80:] or "upload"
    return f"uploads/{schema_name}/meter-data/{uuid.uuid4().hex}-{safe}"


def upload_store(*, content, original_name: str, size_bytes: int, file_format: str,
                 serial: str | None, user, now: datetime) -> MeterDataUpload:
    """Save the file (a Django File or file-like) and its record; the caller enqueues
    `metering.ingest_upload` with the record's id once the record is committed."""
    name = default_storage.save(
        upload_path(schema_name=connection.schema_name, original_name=original_name), content)
    try:
        return MeterDataUpload.objects.create(
            file=name, original_name=original_name[:200], file_format=file_format,
            serial=serial or "", size_bytes=size_bytes, uploaded_by=user, uploaded_at=now)
    except Exception:
        default_storage.delete(name)
        raise


def upload_ingest(*, upload_id: int, now: datetime, options: IngestOptions,
                  progress=lambda bytes_read: None) -> MeterDataUpload:
    """Ingest a stored upload (`progress(bytes_read)` is called as the file streams).

    Idempotent: an upload already done is returned as it is. A file the ingest refuses
    (UnableToIngestReadings) ends the upload as FAILED with the reason; any other error
    propagates with file and record left for a retry."""
    with transaction.atomic():
        upload = MeterDataUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            raise UploadNotFound(f"No upload {upload_id} in this retailer's schema.")
        if upload.state in (UploadState.DONE, UploadState.FAILED):
            return upload
        upload.state, upload.attempts = UploadState.READING, upload.attempts + 1
        upload.save(update_fields=["state", "attempts"])
    try:
        with default_storage.open(upload.file.name, "rb") as raw:
            report = readings_ingest_file(
                stream=ProgressReader(raw, report=progress), file_format=upload.file_format,
                source=f"admin:{upload.original_name}"[:200], now=now, options=options,
                serial=upload.serial or None)
    except UnableToIngestReadings as error:
        return _finish(upload, state=UploadState.FAILED, now=now, detail=error.detail)
    return _finish(upload, state=UploadState.DONE, now=now, report=report)


def _finish(upload: MeterDataUpload, *, state: str, now: datetime, report=None,
            detail: str = "") -> MeterDataUpload:
    name = upload.file.name
    upload.state, upload.report, upload.detail, upload.finished_at = state, report, detail, now
    upload.file = ""
    upload.save(update_fields=["state", "report", "detail", "finished_at", "file"])
    # After the record says so: a crash between the two leaves an orphan file, never a
    # record pointing at nothing.
    transaction.on_commit(lambda: default_storage.delete(name))
    return upload
