"""Sales staff in the retailer admin: search, filters, inline editing, overlap errors, audit."""
import pytest
from django_tenants.utils import schema_context

from accounts.models import Account, AuditEvent, Contract, Customer, MeterPoint
from tariffs.models import TariffVersion
from tests.isolation.test_tenant_isolation import login_admin


@pytest.fixture
def staff(alpha):
    assert login_admin(alpha, "alpha-staff").status_code == 302
    return alpha


def test_search_and_filter_customers(staff):
    found = staff.get("/admin/accounts/customer/?q=Acme").content.decode()
    assert "Acme Bakeries" in found and "Alice Archer" not in found
    households = staff.get("/admin/accounts/customer/?kind__exact=HOUSEHOLD").content.decode()
    assert "Alice Archer" in households and "Acme Bakeries" not in households
    by_meter = staff.get("/admin/accounts/contract/?q=ALPHA-E-0001-MP2").content.decode()
    assert "ALPHA-E-0001-MP2" in by_meter and "ALPHA-H-0001-MP1" not in by_meter


def test_customer_page_has_inlines_and_its_read_is_audited(staff):
    with schema_context("alpha"):
        acme = Customer.objects.get(reference="ALPHA-E-0001")
    page = staff.get(f"/admin/accounts/customer/{acme.pk}/change/").content.decode()
    assert 'id="premises-group"' in page and 'id="contracts-group"' in page
    with schema_context("alpha"):
        event = AuditEvent.objects.filter(channel="ADMIN").order_by("-pk").first()
        assert (event.action, event.customer_id_value) == ("READ", acme.pk)
        assert event.actor_user.username == "alpha-staff"


def test_overlapping_contract_in_admin_shows_the_error_and_saves_nothing(staff):
    with schema_context("alpha"):
        mp = MeterPoint.objects.select_related("premise__customer").get(
            identifier="ALPHA-H-0001-MP1"
        )
        customer = mp.premise.customer
        account = customer.accounts.get()
        flex = TariffVersion.objects.get(product__code="ALPHA-FLEX")
        before = Contract.objects.count()
    response = staff.post(
        "/admin/accounts/contract/add/",
        {"customer": customer.pk, "account": account.pk, "meter_point": mp.pk,
         "tariff_version": flex.pk, "active_from": "2032-01-01", "active_to": "",
         "settlement": "MONTHLY", "payment": "POSTPAY"},
    )
    assert response.status_code == 200
    assert "Meter point ALPHA-H-0001-MP1 is already supplied by contract" in (
        response.content.decode())
    with schema_context("alpha"):
        assert Contract.objects.count() == before


def test_account_edit_is_audited_with_changed_fields(staff):
    with schema_context("alpha"):
        account = Account.objects.get(number="ALPHA-H-0001-A")
    response = staff.post(
        f"/admin/accounts/account/{account.pk}/change/",
        {"customer": account.customer_id, "number": account.number,
         "billing_email": "bills@alice.example"},
    )
    assert response.status_code == 302
    with schema_context("alpha"):
        account.refresh_from_db()
        assert account.billing_email == "bills@alice.example"
        event = AuditEvent.objects.filter(channel="ADMIN", action="CHANGE").order_by("-pk")[0]
        assert event.customer_id_value == account.customer_id
        assert event.detail == {"fields": ["billing_email"]}
