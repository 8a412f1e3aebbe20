"""Large admin uploads: stored through Django's storage with a record, ingested by a worker
(the ingest queue) from the record's id; the page shows their progress, then the report."""
import io
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from accounts.models import MeterPoint
from metering import admin as metering_admin
from metering.domain import uploads
from metering.domain.progress import ProgressReader
from metering.models import IngestReport, Meter, MeterDataUpload, Reading, UploadState
from metering.tasks import ingest_upload, upload_progress_key
from tests.conftest import host_client, login, wait_for
from tests.metering.conftest import INSTALLED, csv_lines

FEBRUARY = datetime(2026, 2, 1, tzinfo=UTC)


def test_progress_reader_reports_every_chunk():
    seen = []
    reader = ProgressReader(io.BytesIO(b"x" * 10_000), report=seen.append, every=4096)
    while reader.read(1000):
        pass
    assert seen == [5000, 10_000]
    assert reader.bytes_read == 10_000


@pytest.fixture
def staff(alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    return alpha


def _upload(staff, text: str, name="big.csv"):
    return staff.post("/admin/metering/ingestreport/upload/", {
        "file": SimpleUploadedFile(name, text.encode()), "file_format": "csv"})


def test_a_large_upload_is_stored_with_a_record_and_queued_after_commit(
        staff, alpha_meter, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(metering_admin, "SYNC_UPLOAD_BYTES", 100)
    text = csv_lines("ALPHA-M-0001", FEBRUARY, ["0.3"] * 48)
    with django_capture_on_commit_callbacks(execute=False) as enqueues:
        response = _upload(staff, text)
    assert response.status_code == 302
    upload = MeterDataUpload.objects.get()
    assert response.url.endswith(f"/ingestreport/upload/{upload.pk}/")
    assert (upload.state, upload.size_bytes, upload.uploaded_by.username) == (
        "QUEUED", len(text), "alpha-staff")
    assert upload.file.name.startswith("uploads/alpha/meter-data/")
    assert default_storage.open(upload.file.name).read().decode() == text
    assert len(enqueues) == 1  # the task is sent only once the record is committed
    assert Reading.objects.count() == 0

    # What the worker runs, here in the same schema:
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_upload.run(upload_id=upload.pk)["state"] == "DONE"
    upload.refresh_from_db()
    assert upload.state == UploadState.DONE and upload.file.name == ""
    assert Reading.objects.count() == 48
    done = staff.get(response.url)
    assert done.status_code == 302
    assert done.url.endswith(f"/ingestreport/{upload.report_id}/change/")
    # Run again (a redelivered message): nothing happens twice.
    assert ingest_upload.run(upload_id=upload.pk)["report"] == upload.report_id
    assert IngestReport.objects.count() == 1


def test_a_worker_that_fails_half_way_leaves_the_file_for_the_retry(
        staff, alpha_meter, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(metering_admin, "SYNC_UPLOAD_BYTES", 100)
    with django_capture_on_commit_callbacks(execute=False):
        _upload(staff, csv_lines("ALPHA-M-0001", FEBRUARY, ["0.3"] * 48))
    upload = MeterDataUpload.objects.get()
    real_ingest = uploads.readings_ingest_file

    def database_gone(**kwargs):
        raise ConnectionError("the worker lost its database half-way")

    monkeypatch.setattr(uploads, "readings_ingest_file", database_gone)
    with pytest.raises(ConnectionError):
        ingest_upload.run(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.state == UploadState.READING and default_storage.exists(upload.file.name)

    monkeypatch.setattr(uploads, "readings_ingest_file", real_ingest)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_upload.run(upload_id=upload.pk)
    upload.refresh_from_db()
    assert (upload.state, upload.attempts) == (UploadState.DONE, 2)
    assert Reading.objects.count() == 48


def test_a_file_ingest_refuses_ends_as_failed_with_the_reason(
        staff, alpha_meter, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(metering_admin, "SYNC_UPLOAD_BYTES", 10)
    with django_capture_on_commit_callbacks(execute=False):
        response = staff.post("/admin/metering/ingestreport/upload/", {
            "file": SimpleUploadedFile("usage.xml", b"<feed>not espi</feed>" * 3),
            "file_format": "greenbutton"})
    upload = MeterDataUpload.objects.get()
    stored = upload.file.name
    with django_capture_on_commit_callbacks(execute=True):
        ingest_upload.run(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.state == UploadState.FAILED and upload.detail
    assert not default_storage.exists(stored)
    page = staff.get(response.url)
    assert b'data-testid="upload-failed"' in page.content
    assert upload.detail.encode() in page.content


def test_progress_page_while_reading(staff, in_alpha):
    upload = MeterDataUpload.objects.create(
        file="uploads/alpha/meter-data/x.csv", original_name="x.csv", file_format="csv",
        size_bytes=1000, state=UploadState.READING, uploaded_at=FEBRUARY)
    cache.set(upload_progress_key(upload.pk), 250)
    page = staff.get(f"/admin/metering/ingestreport/upload/{upload.pk}/")
    assert page.status_code == 200
    assert b"25% of" in page.content
    assert b'http-equiv="refresh"' in page.content
    assert staff.get("/admin/metering/ingestreport/upload/999999/").status_code == 404


def test_beta_staff_cannot_follow_alphas_upload(beta, in_alpha):
    upload = MeterDataUpload.objects.create(
        original_name="x.csv", file_format="csv", size_bytes=1, uploaded_at=FEBRUARY)
    assert login(beta, "beta-staff").status_code == 302
    assert beta.get(f"/admin/metering/ingestreport/upload/{upload.pk}/").status_code == 404


@pytest.fixture
def committed_meter(django_db_blocker):
    """A meter the worker process can see, and everything ingested for it removed after."""
    with django_db_blocker.unblock(), schema_context("alpha"):
        meter = Meter.objects.create(
            serial="ALPHA-M-WORKER", installed_at=INSTALLED,
            meter_point=MeterPoint.objects.get(identifier="ALPHA-E-0001-MP2"))
        yield meter
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metering_reading WHERE meter_id = %s", [meter.pk])
        reports = list(MeterDataUpload.objects.values_list("report_id", flat=True))
        MeterDataUpload.objects.all().delete()
        IngestReport.objects.filter(pk__in=reports).delete()
        meter.delete()


def test_a_real_worker_ingests_the_upload_from_the_ingest_queue(
        celery_worker, committed_meter, django_db_blocker, monkeypatch):
    monkeypatch.setattr(metering_admin, "SYNC_UPLOAD_BYTES", 100)
    with django_db_blocker.unblock():
        client = host_client("alpha.localhost")
        assert login(client, "alpha-staff").status_code == 302
        response = _upload(client, csv_lines("ALPHA-M-WORKER", FEBRUARY, ["0.2"] * 96))
        assert response.status_code == 302

        def finished():
            return client.get(response.url).status_code == 302

        wait_for(finished, timeout=60, what="the worker ingesting the upload")
        with schema_context("alpha"):
            upload = MeterDataUpload.objects.get()
            assert upload.state == UploadState.DONE
            assert Reading.objects.filter(meter=committed_meter).count() == 96
