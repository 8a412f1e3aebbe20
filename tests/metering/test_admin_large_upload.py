"""Large admin uploads go to a worker; the page shows their progress, then the report."""
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from metering import admin as metering_admin
from metering.domain.progress import ProgressReader
from metering.models import IngestReport, Reading
from metering.tasks import ingest_uploaded_file, upload_state_key
from tests.conftest import login
from tests.metering.conftest import csv_lines


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


class RunInProcess:
    """Stands in for the Celery task: `.delay` runs its body here, in the same schema."""

    @staticmethod
    def delay(**kwargs):
        return ingest_uploaded_file.run(**kwargs)


def test_a_large_upload_is_queued_then_shows_its_report(staff, alpha_meter, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from datetime import UTC, datetime

    monkeypatch.setattr(metering_admin, "SYNC_UPLOAD_BYTES", 100)
    monkeypatch.setattr(metering_admin, "ingest_uploaded_file", RunInProcess)
    text = csv_lines("ALPHA-M-0001", datetime(2026, 2, 1, tzinfo=UTC), ["0.3"] * 48)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/admin/metering/ingestreport/upload/", {
            "file": SimpleUploadedFile("big.csv", text.encode()), "file_format": "csv"})
    assert response.status_code == 302
    assert "/admin/metering/ingestreport/upload/" in response.url
    done = staff.get(response.url)
    report = IngestReport.objects.get()
    assert done.status_code == 302
    assert done.url.endswith(f"/ingestreport/{report.pk}/change/")
    assert Reading.objects.count() == 48


def test_progress_page_while_reading(staff, in_alpha):
    cache.set(upload_state_key("abc"), {"state": "reading", "bytes_read": 250, "total": 1000})
    page = staff.get("/admin/metering/ingestreport/upload/abc/")
    assert page.status_code == 200
    assert b"25% of" in page.content
    assert b'http-equiv="refresh"' in page.content
    assert staff.get("/admin/metering/ingestreport/upload/nope/").status_code == 404
