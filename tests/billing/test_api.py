"""Partner API of billing through its real entry points: a token from /o/token/ with the
billing scopes, then /api/v1/bills/, /bills/{id}/, /bills/{id}/pdf/,
/accounts/{id}/ledger/ and POST /api/v1/payments/."""
import io
import json
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from accounts.models import AuditEvent
from billing.models import Bill, LedgerEntry, Payment
from tests.accounts.test_api import bearer
from tests.billing.doors import billed_customer, bills_of

BILLS = "bills:read payments:write"


@pytest.fixture
def alpha_bills(alpha):
    with schema_context("alpha"):
        account = billed_customer("API1")
        drafts = billed_customer("API2", months=((2026, 10),), issue=False)
    return account, drafts


@pytest.fixture
def token(alpha):
    return bearer(alpha, "alpha", scope=BILLS)


def test_bills_list_filters_by_account_period_and_status(alpha, alpha_bills, token):
    account, drafts = alpha_bills
    body = alpha.get("/api/v1/bills/", **token).json()
    assert body["count"] == 3
    assert [row["period_start"] for row in body["results"]][:2] == ["2026-10-01"] * 2
    mine = alpha.get(f"/api/v1/bills/?account={account.pk}", **token).json()
    assert [row["period_start"] for row in mine["results"]] == ["2026-10-01", "2026-09-01"]
    assert mine["results"][0]["number"].startswith("ALPHA-2026-")
    september = alpha.get("/api/v1/bills/?period=2026-09", **token).json()
    assert [row["account"] for row in september["results"]] == [account.pk]
    draft = alpha.get("/api/v1/bills/?status=DRAFT", **token).json()
    assert [(row["account"], row["number"]) for row in draft["results"]] == [(drafts.pk, None)]
    bad = alpha.get("/api/v1/bills/?period=2026-13", **token)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
    assert alpha.get("/api/v1/bills/?status=LOST", **token).status_code == 400


def test_a_bill_has_its_lines_and_totals(alpha, alpha_bills, token):
    account, _ = alpha_bills
    with schema_context("alpha"):
        october = bills_of(account)[1]
    body = alpha.get(f"/api/v1/bills/{october.pk}/", **token).json()
    # 1,490 half-hours (the 25th has 50) x 0.5 kWh = 745 kWh at 0.20 = 149.00; 31 days x
    # 0.50 = 15.50; VAT 5% of 164.50 = 8.225 -> 8.23 (half up).
    assert [(line["kind"], line["quantity"], line["amount"]) for line in body["lines"]] == [
        ("standing", "31.000000", "15.50"), ("energy", "745.000000", "149.00"),
        ("tax", "164.500000", "8.23")]
    assert (body["total_exc_tax"], body["tax"], body["total_inc_tax"]) == (
        "164.50", "8.23", "172.73")
    assert body["number"] == october.number and body["outstanding"] == "172.73"


def test_the_pdf_parses_and_shows_number_period_and_total(alpha, alpha_bills, token):
    account, _ = alpha_bills
    with schema_context("alpha"):
        october = bills_of(account)[1]
    response = alpha.get(f"/api/v1/bills/{october.pk}/pdf/", **token)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in (october.number, "Alpha", "Customer API1", "01 Oct 2026 to 31 Oct 2026",
                     "172.73 GBP", "Due"):
        assert expected in text, (expected, text)


def test_the_ledger_runs_to_the_balance(alpha, alpha_bills, token):
    account, _ = alpha_bills
    body = alpha.get(f"/api/v1/accounts/{account.pk}/ledger/", **token).json()
    assert [entry["kind"] for entry in body["entries"]] == ["BILL", "BILL"]
    assert body["balance"] == str(sum(Decimal(e["amount"]) for e in body["entries"]))
    assert body["entries"][-1]["balance_after"] == body["balance"]
    assert alpha.get("/api/v1/accounts/999999/ledger/", **token).status_code == 404


def test_a_payment_is_recorded_once_per_external_reference(alpha, alpha_bills, token):
    account, _ = alpha_bills
    payment = {"account": account.pk, "amount": "50.00", "method": "BANK_TRANSFER",
               "external_reference": "BANK-0001", "received_at": "2026-11-21T09:00:00Z"}
    first = alpha.post("/api/v1/payments/", json.dumps(payment),
                       content_type="application/json", **token)
    assert first.status_code == 201, first.content
    again = alpha.post("/api/v1/payments/", json.dumps({**payment, "amount": "70.00"}),
                       content_type="application/json", **token)
    assert again.status_code == 200
    assert again.json() == first.json() and first.json()["amount"] == "50.00"
    with schema_context("alpha"):
        assert Payment.objects.filter(account=account).count() == 1
        assert LedgerEntry.objects.filter(account=account, kind="PAYMENT").count() == 1
        september = bills_of(account)[0]
        assert september.paid == Decimal("50.00")
        # Audited once, as the partner's write, in the payment's transaction.
        audits = list(AuditEvent.objects.filter(customer_id_value=account.customer_id,
                                                subject="payment")
                      .values_list("action", "channel", "actor_client_id"))
        assert audits == [("CREATE", "API", "alpha-partner")]
    ledger = alpha.get(f"/api/v1/accounts/{account.pk}/ledger/", **token).json()
    assert ledger["entries"][-1]["amount"] == "-50.00"


@pytest.mark.parametrize("change, status", [
    ({"amount": "0"}, 400), ({"amount": "1.234"}, 400), ({"method": "GOLD"}, 400),
    ({"external_reference": ""}, 400), ({"received_at": "2026-11-21T09:00:00+16:00"}, 400),
    ({"account": 999999}, 404)])
def test_a_bad_payment_is_refused_and_writes_nothing(alpha, alpha_bills, token, change,
                                                     status):
    account, _ = alpha_bills
    payment = {"account": account.pk, "amount": "50.00", "method": "CARD",
               "external_reference": "CARD-1", "received_at": "2026-11-21T09:00:00Z",
               **change}
    response = alpha.post("/api/v1/payments/", json.dumps(payment),
                          content_type="application/json", **token)
    assert response.status_code == status, response.content
    assert {"error", "detail"} <= set(response.json())
    with schema_context("alpha"):
        assert Payment.objects.count() == 0


def test_scopes_are_needed(alpha, alpha_bills):
    account, _ = alpha_bills
    readers = bearer(alpha, "alpha", scope="customers:read")
    assert alpha.get("/api/v1/bills/", **readers).status_code == 403
    reader = bearer(alpha, "alpha", scope="bills:read")
    assert alpha.get("/api/v1/bills/", **reader).status_code == 200
    refused = alpha.post("/api/v1/payments/", json.dumps({}), content_type="application/json",
                         **reader)
    assert refused.status_code == 403


def test_beta_bills_pdfs_ledger_and_payments_are_not_found_at_alpha(alpha, beta):
    with schema_context("beta"):
        bobs = billed_customer("ISO-API-B")
        bill = bills_of(bobs)[0]
    with schema_context("alpha"):
        # alpha's own rows have ids of their own: none with these
        assert not Bill.objects.filter(pk=bill.pk).exists()
        from accounts.models import Account
        assert not Account.objects.filter(pk=bobs.pk).exists()
    token = bearer(alpha, "alpha", scope=BILLS)
    for url in (f"/api/v1/bills/{bill.pk}/", f"/api/v1/bills/{bill.pk}/pdf/",
                f"/api/v1/accounts/{bobs.pk}/ledger/"):
        response = alpha.get(url, **token)
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"
    assert alpha.get(f"/api/v1/bills/?account={bobs.pk}", **token).json()["count"] == 0
    paid = alpha.post("/api/v1/payments/", json.dumps(
        {"account": bobs.pk, "amount": "5.00", "method": "CARD", "external_reference": "X",
         "received_at": "2026-11-21T09:00:00Z"}), content_type="application/json", **token)
    assert paid.status_code == 404
    with schema_context("beta"):
        assert not Payment.objects.filter(account=bobs).exists()
    # and at beta, with beta's token, they are there
    beta_token = bearer(beta, "beta", scope=BILLS)
    assert beta.get(f"/api/v1/bills/{bill.pk}/pdf/", **beta_token).status_code == 200


def test_the_bills_list_costs_the_same_queries_for_any_number_of_bills(alpha, token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alpha.get("/api/v1/bills/", **token).status_code == 200
        return len(captured)

    with schema_context("alpha"):
        billed_customer("API-Q1", months=((2026, 10),))
    queries()  # the token's first use reads it from the database, later ones the cache
    one = queries()
    with schema_context("alpha"):
        billed_customer("API-Q2", months=[(2026, m) for m in range(1, 10)])
    assert alpha.get("/api/v1/bills/", **token).json()["count"] == 10
    assert queries() == one
