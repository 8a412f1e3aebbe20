"""`make run`'s billing history: months of issued bills per retailer, one correction, one
overdue bill in dunning; the dynamic tariff billed from hourly day-ahead history; a second
start changes nothing."""
import io
import json

from django.core.management import call_command
from django_tenants.utils import schema_context

from billing.models import Bill, CreditNote, DunningNotice


def _command(*args) -> dict:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])


def test_demo_history_is_billed_corrected_and_dunned_once(db):
    _command("generate_demo_readings", "--schema=beta", "--meters=3", "--months=5")
    first = _command("billing_demo", "--schema=beta")
    again = _command("billing_demo", "--schema=beta")
    assert first["months"] >= 4 and first["credit_notes"] == 1 and first["overdue"] == 1
    assert (again["bills"], again["credit_notes"], again["overdue"]) == (
        first["bills"], 1, 1)
    with schema_context("beta"):
        bob = Bill.objects.filter(account__customer__reference="BETA-H-0001")
        # bob's dynamic tariff: hourly prices applied to his half-hours, every month billed
        assert bob.exclude(status="CANCELLED").count() == first["months"]
        assert bob.filter(lines__kind="spot").exists()
        (note,) = CreditNote.objects.all()
        assert Bill.objects.get(replaces=note.bill).status in ("PAID", "PARTLY_PAID")
        overdue = Bill.objects.get(status="OVERDUE")
        assert DunningNotice.objects.filter(bill=overdue).exists()
