"""Staff admin: meters and reports listed; the upload page ingests a file."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metering.models import IngestReport, Reading
from tests.conftest import login


@pytest.fixture
def staff(alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    return alpha


def test_upload_page_ingests_and_shows_the_report(staff, alpha_meter):
    text = ("meter_serial,interval_start,kwh\n"
            "ALPHA-M-0001,2026-02-01T00:00:00+00:00,0.5\n"
            "ALPHA-M-0001,2026-02-01T00:30:00+00:00,-1\n")
    page = staff.get("/admin/metering/ingestreport/upload/")
    assert page.status_code == 200
    response = staff.post("/admin/metering/ingestreport/upload/", {
        "file": SimpleUploadedFile("r.csv", text.encode()), "file_format": "csv"})
    report = IngestReport.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"/admin/metering/ingestreport/{report.pk}/change/")
    assert (report.inserted, report.rejected_count) == (1, 1)
    assert Reading.objects.count() == 1
    detail = staff.get(response.url)
    assert b"negative kWh" in detail.content


def test_meter_and_report_lists_open(staff, alpha_meter):
    assert staff.get("/admin/metering/meter/").status_code == 200
    assert b"ALPHA-M-0001" in staff.get("/admin/metering/meter/").content
    assert staff.get("/admin/metering/ingestreport/").status_code == 200
    assert b"Upload readings" in staff.get("/admin/metering/ingestreport/").content


def test_staff_can_list_consents(staff):
    assert staff.get("/admin/accounts/consent/").status_code == 200
