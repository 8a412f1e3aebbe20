"""Local days are the retailer's: a retailer in Asia/Shanghai gets its rollup days, its
wide-CSV days and its contracts' "today" in its own zone, read by the interfaces."""
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import Contract, ContractStatus, Customer
from accounts.tasks import contracts_close_ended
from metering.models import DailyRollup, Meter, Reading
from tenants.models import Retailer
from tests.accounts.test_api import bearer
from tests.conftest import login
from tests.metering.conftest import INSTALLED, csv_lines

# 00:00 on 2 March in Shanghai (UTC+8) is 16:00 UTC on 1 March.
SHANGHAI_MARCH_2 = datetime(2026, 3, 1, 16, tzinfo=UTC)


@pytest.fixture
def shanghai(db):
    """Alpha moved to Shanghai for this test (rolled back after it)."""
    alpha = Retailer.objects.get(schema_name="alpha")
    alpha.time_zone, alpha.currency = "Asia/Shanghai", "CNY"
    alpha.save()  # also forgets the host cache, so requests see the new zone
    with schema_context("alpha"):
        meter = Meter.objects.create(
            serial="SH-1", installed_at=INSTALLED,
            meter_point=Customer.objects.get(reference="ALPHA-H-0001")
            .premises.get().meter_points.get())
        yield meter


def _rollup_days(meter):
    with schema_context("alpha"):
        return list(DailyRollup.objects.filter(meter=meter).order_by("day_date")
                    .values_list("day_date", "interval_count"))


def test_the_ingest_command_rolls_up_the_retailers_days(shanghai, tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(csv_lines("SH-1", SHANGHAI_MARCH_2, ["0.5"] * 48))
    call_command("ingest_readings", str(path), "--schema=alpha", stdout=io.StringIO())
    # One whole Shanghai day (in London the same readings span 1 and 2 March).
    assert _rollup_days(shanghai) == [(date(2026, 3, 2), 48)]


def test_wide_csv_days_are_the_retailers_days(shanghai, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("SH-1,2026-03-02," + ",".join(["0.25"] * 48) + "\n")
    call_command("ingest_readings", str(path), "--schema=alpha", "--format=wide-csv",
                 stdout=io.StringIO())
    with schema_context("alpha"):
        first = Reading.objects.filter(meter=shanghai).order_by("interval_start").first()
    assert first.interval_start == SHANGHAI_MARCH_2
    assert _rollup_days(shanghai) == [(date(2026, 3, 2), 48)]


def test_the_admin_upload_rolls_up_the_retailers_days(shanghai, alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    text = csv_lines("SH-1", SHANGHAI_MARCH_2 + timedelta(hours=12), ["0.5"] * 48)
    response = alpha.post("/admin/metering/ingestreport/upload/", {
        "file": SimpleUploadedFile("day.csv", text.encode()), "file_format": "csv"})
    assert response.status_code == 302
    # 12:00 on 2 March to 12:00 on 3 March, Shanghai time.
    assert _rollup_days(shanghai) == [(date(2026, 3, 2), 24), (date(2026, 3, 3), 24)]


def _frozen(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_contract_starting_on_the_retailers_today_is_active(shanghai, alpha, monkeypatch):
    auth = bearer(alpha, "alpha")
    # 17:00 UTC on 31 May is already 1 June in Shanghai.
    _frozen(monkeypatch, datetime(2026, 5, 31, 17, tzinfo=UTC))
    with schema_context("alpha"):
        alice = Customer.objects.get(reference="ALPHA-H-0001")
        Contract.objects.filter(customer=alice).update(active_to=date(2026, 6, 1))
    response = alpha.post("/api/v1/contracts/", {
        "customer": alice.pk, "account": "ALPHA-H-0001-A", "meter_point": "ALPHA-H-0001-MP1",
        "active_from": "2026-06-01", "settlement": "MONTHLY", "payment": "POSTPAY",
        "product": "ALPHA-FLEX"}, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "ACTIVE"  # PENDING by the UTC date


def test_the_status_task_ends_contracts_on_the_retailers_day(shanghai, monkeypatch):
    with schema_context("alpha"):
        contract = Contract.objects.get(meter_point__identifier="ALPHA-H-0001-MP1")
        Contract.objects.filter(pk=contract.pk).update(active_to=date(2026, 6, 1))
        _frozen(monkeypatch, datetime(2026, 5, 31, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
        assert contracts_close_ended.apply().get()["ended"] == 0
        _frozen(monkeypatch, datetime(2026, 5, 31, 16, tzinfo=UTC))  # midnight in Shanghai
        assert contracts_close_ended.apply().get()["ended"] == 1
        contract.refresh_from_db()
        assert contract.status == ContractStatus.ENDED
