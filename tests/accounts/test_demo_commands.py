"""The commands scripts rely on: seed_demo (idempotent) and demo_credentials (JSON)."""
import json
from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import Contract, Customer
from tests.conftest import host_client, login


def test_seed_demo_twice_changes_nothing(db):
    def census():
        counts = {}
        for schema in ("alpha", "beta"):
            with schema_context(schema):
                counts[schema] = (Customer.objects.count(), Contract.objects.count())
        return counts

    before = census()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert json.loads(out.getvalue())["created"] == []
    assert census() == before


def test_demo_credentials_log_in(db):
    out = StringIO()
    call_command("demo_credentials", "--port=8000", stdout=out)
    creds = json.loads(out.getvalue())
    assert set(creds) == {"platform", "alpha", "beta"}
    assert creds["alpha"]["url"] == "http://alpha.localhost:8000/"
    for slug in ("alpha", "beta"):
        client = host_client(f"{slug}.localhost")
        first = creds[slug]["customers"][0]
        assert login(client, first["username"], first["password"]).status_code == 302
        partner = creds[slug]["partner"]
        token = client.post("/o/token/", {
            "grant_type": partner["grant_type"], "client_id": partner["client_id"],
            "client_secret": partner["client_secret"], "scope": partner["scopes"],
        })
        assert token.status_code == 200
