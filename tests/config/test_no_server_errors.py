"""Inputs that once answered 500 get a 4xx in the API's error shape, and change nothing.

Each case goes through the real HTTP entry point with a token holding every scope, on a
meter with readings and the partner's consent; the rows of every table an API call can
write are counted before and after.
"""
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from accounts.models import AuditEvent, Consent, Contract
from billing.models import LedgerEntry, Payment
from metering.models import IdempotentResponse, IngestReport, Reading
from tests.accounts.test_api import bearer
from tests.metering.conftest import NOW, csv_lines, ingest_csv, meter_create

ALL_SCOPES = ("customers:read contracts:read contracts:write readings:read readings:write "
              "bills:read payments:write insights:read")
DAY = "period_from=2026-03-01T00:00:00Z&period_to=2026-03-02T00:00:00Z"
CONSUMPTION = "/api/v1/meters/ALPHA-M-0001/consumption/"
READINGS = "/api/v1/meters/ALPHA-M-0001/readings/"


def reading(kwh="0.5", start="2026-03-03T00:00:00Z"):
    return {"readings": [{"interval_start": start, "kwh": kwh}]}


def quote(**changes):
    return {"interval_minutes": 30, "start": "2026-01-01T00:00:00Z", "import_kwh": [1, 1],
            **changes}


def payment(**changes):
    return {"account": 1, "amount": "10.00", "method": "CARD", "external_reference": "R-1",
            "received_at": "2026-11-21T09:00:00Z", **changes}


CASES = {
    # control characters in a reading's strings
    "kwh with \\x01": ("POST", READINGS, reading("0.5\x01"), 400),
    "kwh with a newline": ("POST", READINGS, reading("0.5\n"), 400),
    "start with a tab": ("POST", READINGS, reading(start="2026-03-03T00:00:00Z\t"), 400),
    # JSON nested deeper than Python's recursion limit
    "deeply nested JSON": ("POST", READINGS, "[" * 100_000 + "]" * 100_000, 400),
    # pages
    "page=abc on consumption": ("GET", f"{CONSUMPTION}?{DAY}&page=abc", None, 400),
    "page= on consumption": ("GET", f"{CONSUMPTION}?{DAY}&page=", None, 400),
    "page=0 on customers": ("GET", "/api/v1/customers/?page=0", None, 400),
    # UTC offsets beyond what PostgreSQL (±15:59) or the real world (±14:59) knows
    "created_after +20:00": ("GET", "/api/v1/customers/?created_after=2026-01-01T00:00:00"
                             "%2B20:00", None, 400),
    "created_after=": ("GET", "/api/v1/customers/?created_after=", None, 400),
    "period_from +16:00": ("GET", f"{CONSUMPTION}?period_from=2026-03-01T00:00:00%2B16:00"
                           "&period_to=2026-03-02T00:00:00Z", None, 400),
    "market period_from -18:00": ("GET", "/api/v1/market/instruments/DA-NORTH/prices/"
                                  "?period_from=2026-01-01T00:00:00-18:00", None, 400),
    "quote start +15:30": ("POST", "/api/v1/quotes/",
                           quote(start="2026-01-01T00:00:00+15:30"), 400),
    # NUL bytes in a path segment or a filter
    "NUL in a serial": ("GET", f"/api/v1/meters/A%00/consumption/?{DAY}", None, 400),
    "NUL in a product code": ("GET", "/api/v1/products/%00/versions/", None, 400),
    "NUL in an instrument": ("GET", "/api/v1/market/instruments/%00/prices/", None, 400),
    "NUL in a filter": ("GET", "/api/v1/customers/?reference=a%00b", None, 400),
    # quotes the pricing engine cannot price
    "quote of 1e308 kWh": ("POST", "/api/v1/quotes/", quote(import_kwh=[1e308, 1e308]), 400),
    "quote in year 9999": ("POST", "/api/v1/quotes/",
                           quote(start="9999-12-31T00:00:00Z"), 400),
    "quote in year 1000": ("POST", "/api/v1/quotes/",
                           quote(start="1000-01-01T00:00:00Z"), 400),
    # billing: filters, paths and payments
    "period=2026-13 on bills": ("GET", "/api/v1/bills/?period=2026-13", None, 400),
    "period= on bills": ("GET", "/api/v1/bills/?period=", None, 400),
    "period with NUL on bills": ("GET", "/api/v1/bills/?period=2026%00-01", None, 400),
    "status=LOST on bills": ("GET", "/api/v1/bills/?status=LOST", None, 400),
    "account=abc on bills": ("GET", "/api/v1/bills/?account=abc", None, 400),
    "a bill id past bigint": ("GET", f"/api/v1/bills/{2**70}/", None, 404),
    "a ledger id past bigint": ("GET", f"/api/v1/accounts/{2**70}/ledger/", None, 404),
    "payment of 1e20": ("POST", "/api/v1/payments/", payment(amount="1e20"), 400),
    "payment of NaN": ("POST", "/api/v1/payments/", payment(amount="NaN"), 400),
    "payment reference with NUL": ("POST", "/api/v1/payments/",
                                   payment(external_reference="A\x00B"), 400),
    "payment reference of spaces": ("POST", "/api/v1/payments/",
                                    payment(external_reference="   "), 400),
    "payment received +16:00": ("POST", "/api/v1/payments/",
                                payment(received_at="2026-11-21T09:00:00+16:00"), 400),
    "payment account past bigint": ("POST", "/api/v1/payments/", payment(account=2**70), 400),
    # a body over the upload limit
    "6 MB body": ("POST", READINGS, json.dumps(
        {"readings": [{"interval_start": "2026-03-03T00:00:00Z", "kwh": "0.5"}] * 100_000}),
        413),
}


@pytest.fixture
def partner(alpha, db):
    with schema_context("alpha"):
        yield _partner(alpha)


def _partner(alpha):
    alpha_meter = meter_create("ALPHA-M-0001", "ALPHA-H-0001-MP1")
    ingest_csv(csv_lines("ALPHA-M-0001", NOW.replace(year=2026, month=3, day=1), [0.5] * 48))
    Consent.objects.create(customer=alpha_meter.meter_point.premise.customer,
                           client_id="alpha-partner", granted_at=NOW - timedelta(days=300))
    alpha.raise_request_exception = False  # a 500 is an answer to assert, not a crash
    return bearer(alpha, "alpha", scope=ALL_SCOPES)


def table_counts() -> dict:
    return {model.__name__: model.objects.count()
            for model in (Reading, IngestReport, IdempotentResponse, AuditEvent, Contract,
                          Payment, LedgerEntry)}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_a_4xx_in_the_error_shape_and_changes_nothing(alpha, partner, case):
    method, url, body, expected = CASES[case]
    before = table_counts()
    with transaction.atomic():  # a failed statement would otherwise spoil the test's
        if method == "GET":
            response = alpha.get(url, **partner)
        else:
            response = alpha.post(url, body if isinstance(body, str) else json.dumps(body),
                                  content_type="application/json", **partner)
    assert response.status_code == expected, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert {"error", "detail"} <= set(body)
    assert body["detail"]
    assert table_counts() == before
