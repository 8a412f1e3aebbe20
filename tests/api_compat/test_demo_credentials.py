"""demo_credentials prints, per demo customer, what an Octopus-API app needs: the API key,
account number, MPAN and meter serial, and the demo's time-of-use and spot-indexed
products; the key it prints works."""
import json
from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import Account, MeterPoint
from tests.api_compat.conftest import basic
from tests.conftest import host_client


def test_demo_credentials_list_the_octopus_api_identifiers(alice_meter, db):
    mpan, serial, _ = alice_meter
    out = StringIO()
    call_command("demo_credentials", "--port=8000", stdout=out)
    creds = json.loads(out.getvalue())
    octopus = creds["alpha"]["octopus_api"]
    assert octopus["base_url"] == "http://alpha.localhost:8000"
    assert octopus["products"] == {"time_of_use": ["ALPHA-NIGHT-SAVER"],
                                   "spot_indexed": ["ALPHA-AGILE"]}
    alice = next(c for c in octopus["customers"] if c["username"] == "alice")
    with schema_context("alpha"):
        number = Account.objects.get(number="ALPHA-H-0001-A").public_number
        assert MeterPoint.objects.get(identifier="ALPHA-H-0001-MP1").mpan == mpan
    assert (alice["api_key"], alice["account_number"], alice["mpan"], alice["meter_serial"],
            alice["tariff_code"]) == ("sk_demo_alpha_alice", number, mpan, serial,
                                      "E-1R-ALPHA-FLEX-F")
    assert {c["username"] for c in octopus["customers"]} == {"alice", "carol", "dave"}
    assert creds["beta"]["octopus_api"]["products"]["spot_indexed"] == ["BETA-AGILE"]
    response = host_client("alpha.localhost").get(f"/v1/accounts/{number}/",
                                                   **basic(alice["api_key"]))
    assert response.status_code == 200
