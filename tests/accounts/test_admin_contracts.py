"""Staff write contracts through the admin only by the domain's door: contract_create for a
new contract (its own page and the inline on the customer's page), contract_change for an
existing one. The domain's refusals show with its message and nothing is saved."""
import pytest
from django_tenants.utils import schema_context

from accounts.models import (
    Account,
    AuditEvent,
    Contract,
    ContractStatus,
    Customer,
    MeterPoint,
    Premise,
)
from tariffs.models import TariffVersion
from tests.admin_forms import admin_post_data
from tests.isolation.test_tenant_isolation import login_admin

ENTERPRISE_ONLY = "Product ALPHA-BUSINESS is offered to ENTERPRISE; this customer is HOUSEHOLD"


@pytest.fixture
def staff(alpha):
    assert login_admin(alpha, "alpha-staff").status_code == 302
    return alpha


@pytest.fixture
def alice_new_point(db):
    """Alice (household) with a second meter point and no contract on it yet."""
    with schema_context("alpha"):
        alice = Customer.objects.get(reference="ALPHA-H-0001")
        premise = Premise.objects.create(customer=alice, address_line="2 Lane", city="Town",
                                         region="North")
        point = MeterPoint.objects.create(premise=premise, identifier="ALPHA-H-0001-MP7")
        return {"customer": alice, "point": point,
                "account": Account.objects.get(customer=alice),
                "business": TariffVersion.objects.get(product__code="ALPHA-BUSINESS"),
                "flex": TariffVersion.objects.get(product__code="ALPHA-FLEX")}


def _counts():
    with schema_context("alpha"):
        return (Contract.objects.count(),
                AuditEvent.objects.filter(subject__startswith="contract.").count())


def _new_contract(world, version, **changes):
    data = {"customer": world["customer"].pk, "account": world["account"].pk,
            "meter_point": world["point"].pk, "tariff_version": version.pk,
            "active_from": "2026-03-01", "active_to": "", "settlement": "MONTHLY",
            "payment": "POSTPAY"}
    data.update(changes)
    return data


def test_add_form_refuses_an_ineligible_tariff_with_the_domains_message(staff,
                                                                       alice_new_point):
    before = _counts()
    response = staff.post("/admin/accounts/contract/add/",
                          _new_contract(alice_new_point, alice_new_point["business"]))
    assert response.status_code == 200
    assert ENTERPRISE_ONLY in response.content.decode()
    assert _counts() == before


def test_add_form_saves_through_the_domain_with_the_status_it_decides(staff, alice_new_point):
    before = _counts()
    response = staff.post("/admin/accounts/contract/add/", _new_contract(
        alice_new_point, alice_new_point["flex"], active_from="2030-01-01",
        status="ACTIVE"))  # a posted status is not the form's to take
    assert response.status_code == 302, response.content.decode()[:2000]
    with schema_context("alpha"):
        contract = Contract.objects.get(meter_point=alice_new_point["point"])
        assert contract.status == ContractStatus.PENDING  # starts in 2030
        assert contract.tariff_version == alice_new_point["flex"]
        event = AuditEvent.objects.filter(subject="contract.create").order_by("-pk").first()
        assert (event.channel, event.actor_user.username, event.detail["contract"]) == (
            "ADMIN", "alpha-staff", contract.pk)
    assert _counts() == (before[0] + 1, before[1] + 1)


def _change_page(staff, contract):
    url = f"/admin/accounts/contract/{contract.pk}/change/"
    return url, admin_post_data(staff.get(url))


@pytest.fixture
def alice_contract(db):
    with schema_context("alpha"):
        return Contract.objects.get(meter_point__identifier="ALPHA-H-0001-MP1")


def test_a_status_the_calendar_does_not_give_is_refused(staff, alice_contract):
    url, data = _change_page(staff, alice_contract)
    assert alice_contract.status == ContractStatus.ACTIVE
    before = _counts()
    response = staff.post(url, {**data, "status": "ENDED"})
    assert response.status_code == 200
    assert "status follows its period; it cannot be set to ENDED" in response.content.decode()
    response = staff.post(url, {**data, "status": "CANCELLED"})
    assert "a started contract is ended (set active_to), not cancelled" in (
        response.content.decode())
    with schema_context("alpha"):
        alice_contract.refresh_from_db()
        assert alice_contract.status == ContractStatus.ACTIVE
    assert _counts() == before


def test_ending_a_contract_goes_through_the_domain(staff, alice_contract):
    url, data = _change_page(staff, alice_contract)
    response = staff.post(url, {**data, "active_to": "2020-06-01"})
    assert "active_to must be after active_from" in response.content.decode()
    response = staff.post(url, {**data, "active_to": "2099-01-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with schema_context("alpha"):
        alice_contract.refresh_from_db()
        assert str(alice_contract.active_to) == "2099-01-01"
        assert alice_contract.status == ContractStatus.ACTIVE
        event = AuditEvent.objects.filter(subject="contract.change").order_by("-pk").first()
        assert event.detail == {"contract": alice_contract.pk, "fields": ["active_to"]}
        assert event.channel == "ADMIN"


def test_contracts_are_never_deleted_in_the_admin(staff, alice_contract):
    response = staff.get(f"/admin/accounts/contract/{alice_contract.pk}/delete/")
    assert response.status_code == 403


def _customer_page_with_new_contract(staff, world, version):
    url = f"/admin/accounts/customer/{world['customer'].pk}/change/"
    data = admin_post_data(staff.get(url))
    total = int(data["contracts-TOTAL_FORMS"])
    row = {"meter_point": world["point"].pk, "account": world["account"].pk,
           "tariff_version": version.pk, "active_from": "2026-03-01", "active_to": "",
           "settlement": "MONTHLY", "payment": "POSTPAY"}
    data.update({f"contracts-{total}-{name}": value for name, value in row.items()})
    data["contracts-TOTAL_FORMS"] = str(total + 1)
    return url, data


def test_inline_contract_with_an_ineligible_tariff_is_refused(staff, alice_new_point):
    url, data = _customer_page_with_new_contract(staff, alice_new_point,
                                                 alice_new_point["business"])
    before = _counts()
    response = staff.post(url, data)
    assert response.status_code == 200
    assert ENTERPRISE_ONLY in response.content.decode()
    assert _counts() == before


def test_inline_contract_is_created_by_the_domain(staff, alice_new_point):
    url, data = _customer_page_with_new_contract(staff, alice_new_point,
                                                 alice_new_point["flex"])
    before = _counts()
    response = staff.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with schema_context("alpha"):
        contract = Contract.objects.get(meter_point=alice_new_point["point"])
        assert contract.status == ContractStatus.ACTIVE  # started 2026-03-01
        assert AuditEvent.objects.filter(subject="contract.create",
                                         detail__contract=contract.pk).count() == 1
    assert _counts()[0] == before[0] + 1
