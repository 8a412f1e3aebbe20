"""Billing's staff admin through the admin client: start a run (queued for the workers)
and follow its progress with the held accounts and reasons, issue drafts, a bill with its
lines, PDF, dunning and each line's "why", record a payment (idempotent); who may do what."""
import io
from datetime import date

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from billing.domain.runs import run_execute_inline
from billing.models import Bill, BillingRun, DunningNotice, Payment, RunIssue
from tests.billing.doors import billed_customer, bills_of
from tests.billing.world import LONDON, NOW, TODAY, flat, household, product
from tests.conftest import login


@pytest.fixture
def admin(alpha):
    assert login(alpha, "alpha-admin").status_code == 302
    return alpha


@pytest.fixture
def staff(alpha):
    assert login(alpha, "alpha-staff").status_code == 302
    return alpha


def test_start_a_run_then_follow_its_progress_and_held_accounts(
        admin, django_capture_on_commit_callbacks):
    with schema_context("alpha"):
        billed_customer("ADM1", months=())
        # a household with no readings at all: held, with the reason
        household("ADM-HELD", product("ADM-FLAT", flat()))
    assert "Start a run" in admin.get("/admin/billing/billingrun/").content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin.post("/admin/billing/billingrun/start/",
                              {"period": "2026-10", "kind": "REGULAR", "issue": "on"})
    assert response.status_code == 302, response.content[:500]
    assert len(queued) == 1  # run_dispatch is sent to the workers at commit
    with schema_context("alpha"):
        run = BillingRun.objects.get()
    assert response["Location"] == f"/admin/billing/billingrun/{run.pk}/progress/"
    page = admin.get(response["Location"]).content.decode()
    assert "Queued" in page and 'http-equiv="refresh"' in page
    # The workers' part (tests/billing/test_worker_runs.py), here in this process:
    with schema_context("alpha"):
        run_execute_inline(run_id=run.pk, time_zone=LONDON, currency="GBP", today=TODAY,
                           now=NOW)
        held = RunIssue.objects.get(run=run, account__number="ADM-HELD-A")
    page = admin.get(f"/admin/billing/billingrun/{run.pk}/progress/").content.decode()
    assert "Done" in page and 'http-equiv="refresh"' not in page
    assert "ADM-HELD-A" in page and held.reason in page and "no readings" in held.reason
    # A second run of the same month is fine; a month not yet over is refused, plainly.
    refused = admin.post("/admin/billing/billingrun/start/",
                         {"period": "2099-01", "kind": "REGULAR"})
    assert refused.status_code == 200 and "has not ended" in refused.content.decode()


def test_issue_drafts_from_the_bills_list(admin):
    with schema_context("alpha"):
        account = billed_customer("ADM-DRAFT", months=((2026, 9),), issue=False)
        draft = bills_of(account)[0]
        assert draft.status == "DRAFT"
    response = admin.post("/admin/billing/bill/", {
        "action": "issue_drafts", "_selected_action": [draft.pk]}, follow=True)
    assert "1 draft(s) issued" in response.content.decode()
    with schema_context("alpha"):
        draft.refresh_from_db()
        assert draft.status == "ISSUED" and draft.number.startswith("ALPHA-")


def test_a_bill_page_has_lines_why_pdf_and_dunning(admin):
    with schema_context("alpha"):
        account = billed_customer("ADM-BILL")
        bill = bills_of(account)[0]
        DunningNotice.objects.create(bill=bill, step="REMINDER", days_overdue=7,
                                     sent_on=date(2026, 11, 1), created_at=NOW)
    page = admin.get(f"/admin/billing/bill/{bill.pk}/change/").content.decode()
    assert bill.number in page and "REMINDER on 2026-11-01" in page
    assert page.count('data-testid="line-why"') == 1  # the energy line
    with schema_context("alpha"):
        energy = bill.lines.get(kind="energy")
    why = admin.get(f"/admin/billing/bill/{bill.pk}/lines/{energy.pk}/why/")
    assert why.status_code == 200
    # September: 30 days x 48 half-hours, each 0.5 kWh, at 0.20
    assert why.context["why"]["intervals"].__len__() == 1440
    assert "1440 intervals, 720.000000 kWh" in why.content.decode()
    assert "0.200000" in why.content.decode()
    pdf = admin.get(f"/admin/billing/bill/{bill.pk}/pdf/")
    assert bill.number in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert admin.get(f"/admin/billing/bill/{bill.pk}/lines/{energy.pk + 999}/why/"
                     ).status_code == 404


def test_staff_record_a_payment_once_per_reference(staff):
    with schema_context("alpha"):
        account = billed_customer("ADM-PAY")
        september = bills_of(account)[0]
    form = {"account": account.number, "amount": str(september.total_inc_tax),
            "method": "BANK_TRANSFER", "external_reference": "BANK-9",
            "received_at": "2026-11-21 09:30"}
    first = staff.post("/admin/billing/payment/record/", form, follow=True)
    assert f"Payment of {september.total_inc_tax} recorded" in first.content.decode()
    again = staff.post("/admin/billing/payment/record/", form, follow=True)
    assert "was recorded before" in again.content.decode()
    with schema_context("alpha"):
        assert Payment.objects.filter(account=account).count() == 1
        assert bills_of(account)[0].status == "PAID"
    bad = staff.post("/admin/billing/payment/record/", {**form, "account": "NOPE"})
    assert bad.status_code == 200 and "No account" in bad.content.decode()


def test_sales_staff_may_not_start_runs_or_issue(staff):
    assert staff.get("/admin/billing/billingrun/start/").status_code == 403
    assert "Start a run" not in staff.get("/admin/billing/billingrun/").content.decode()
    assert "Issue the selected drafts" not in staff.get("/admin/billing/bill/").content.decode()
    assert staff.get("/admin/billing/payment/record/").status_code == 200


def test_bills_of_beta_are_not_found_in_alphas_admin(admin):
    with schema_context("beta"):
        bobs = bills_of(billed_customer("ADM-BETA"))[0]
    with schema_context("alpha"):
        assert not Bill.objects.filter(pk=bobs.pk).exists()
    assert admin.get(f"/admin/billing/bill/{bobs.pk}/pdf/").status_code == 404
    # the admin answers "not found" by a redirect to its index
    assert admin.get(f"/admin/billing/bill/{bobs.pk}/change/").status_code == 302
