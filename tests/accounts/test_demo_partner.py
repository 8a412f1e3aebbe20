"""The demo partner can read consumption out of the box: the seed gives it a customer's
consent, and demo_credentials lists every scope it may ask for."""
import json
from decimal import Decimal
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import Consent
from tests.accounts.test_api import bearer
from tests.metering.conftest import NOW, csv_lines, ingest_csv, meter_create


def test_demo_credentials_list_every_partner_scope_and_the_consent(db):
    out = StringIO()
    call_command("demo_credentials", "--port=8000", stdout=out)
    creds = json.loads(out.getvalue())
    for slug in ("alpha", "beta"):
        scopes = set(creds[slug]["partner"]["scopes"].split())
        assert scopes == set(settings.OAUTH2_PROVIDER["SCOPES"])
        assert "readings:read" in scopes
        assert creds[slug]["partner"]["consent"]["customer"]
        assert creds[slug]["administrator"]["username"] == f"{slug}-admin"


def test_the_demo_partner_reads_the_consenting_customers_meter(alpha):
    with schema_context("alpha"):
        consent = Consent.objects.get(client_id="alpha-partner", revoked_at__isnull=True)
        assert consent.customer.reference == "ALPHA-E-0001"
        meter_create("ALPHA-M-DEMO", "ALPHA-E-0001-MP1")
        ingest_csv(csv_lines("ALPHA-M-DEMO", NOW.replace(hour=0), ["1.5", "2.5"]))
    headers = bearer(alpha, "alpha", scope="readings:read")
    response = alpha.get("/api/v1/meters/ALPHA-M-DEMO/consumption/",
                         {"period_from": "2026-11-23T00:00:00Z",
                          "period_to": "2026-11-24T00:00:00Z", "group_by": "day"}, **headers)
    assert response.status_code == 200, response.content
    assert Decimal(response.json()["results"][0]["consumption"]) == Decimal("4")
