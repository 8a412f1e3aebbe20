from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from accounts.domain.audit import Actor
from accounts.domain.contracts import (
    ContractOverlaps,
    UnableToCreateContract,
    contract_create,
    contracts_refresh_status,
)
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

TODAY = date(2026, 6, 15)
SYSTEM = Actor.system(at=datetime(2026, 6, 15, 9, tzinfo=UTC))


@pytest.fixture
def world(db):
    with schema_context("alpha"):
        customer = Customer.objects.create(reference="T-1", kind="HOUSEHOLD", name="Test")
        premise = Premise.objects.create(customer=customer, address_line="1 Road",
                                         city="Town", region="North")
        meter_point = MeterPoint.objects.create(premise=premise, identifier="T-MP1")
        account = Account.objects.create(customer=customer, number="T-A")
        flex = TariffVersion.objects.get(product__code="ALPHA-FLEX")
        yield {"customer": customer, "meter_point": meter_point, "account": account,
               "version": flex}


def make(world, active_from, active_to=None):
    return contract_create(
        customer=world["customer"], account=world["account"],
        meter_point=world["meter_point"], active_from=active_from, active_to=active_to,
        settlement="MONTHLY", payment="POSTPAY", today=TODAY,
        tariff_version=world["version"], actor=SYSTEM,
    )


def test_back_to_back_periods_do_not_overlap(world):
    first = make(world, date(2026, 1, 1), date(2026, 7, 1))
    second = make(world, date(2026, 7, 1))
    assert first.status == ContractStatus.ACTIVE
    assert second.status == ContractStatus.PENDING


def test_overlap_is_refused_with_the_clashing_contract_named(world):
    first = make(world, date(2026, 1, 1), date(2026, 7, 1))
    with pytest.raises(ContractOverlaps) as caught:
        make(world, date(2026, 6, 30), date(2026, 8, 1))
    assert f"contract {first.pk} [2026-01-01, 2026-07-01)" in caught.value.detail
    assert Contract.objects.filter(meter_point=world["meter_point"]).count() == 1


def test_open_ended_contract_blocks_every_later_start(world):
    make(world, date(2026, 1, 1))
    with pytest.raises(ContractOverlaps):
        make(world, date(2040, 1, 1), date(2041, 1, 1))


def test_cancelled_contract_frees_the_period(world):
    first = make(world, date(2026, 1, 1))
    first.status = ContractStatus.CANCELLED
    first.save(update_fields=["status"])
    assert make(world, date(2026, 3, 1)).pk != first.pk


def test_the_database_itself_refuses_overlaps(world):
    make(world, date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            customer=world["customer"], account=world["account"],
            meter_point=world["meter_point"], active_from=date(2026, 2, 1),
            status=ContractStatus.ACTIVE,
        )


def test_empty_period_is_refused(world):
    with pytest.raises(UnableToCreateContract, match="empty"):
        make(world, date(2026, 1, 1), date(2026, 1, 1))


def test_account_of_another_customer_is_refused(world):
    with schema_context("alpha"):
        other = Account.objects.get(number="ALPHA-E-0001-A")
    with pytest.raises(UnableToCreateContract, match="belongs to another customer"):
        contract_create(
            customer=world["customer"], account=other, meter_point=world["meter_point"],
            active_from=date(2026, 1, 1), active_to=None, settlement="MONTHLY",
            payment="POSTPAY", today=TODAY, tariff_version=world["version"], actor=SYSTEM,
        )


def test_status_follows_the_calendar(world):
    pending = make(world, date(2026, 7, 1), date(2026, 8, 1))
    assert pending.status == ContractStatus.PENDING
    assert contracts_refresh_status(today=date(2026, 7, 1), actor=SYSTEM)["started"] >= 1
    pending.refresh_from_db()
    assert pending.status == ContractStatus.ACTIVE
    contracts_refresh_status(today=date(2026, 8, 1), actor=SYSTEM)
    pending.refresh_from_db()
    assert pending.status == ContractStatus.ENDED
    changes = AuditEvent.objects.filter(subject="contract.status",
                                        customer_id_value=world["customer"].pk)
    assert sorted(e.detail["status"] for e in changes) == ["ACTIVE", "ENDED"]


def test_create_writes_its_audit_row_with_the_contract(world):
    contract = make(world, date(2026, 1, 1))
    event = AuditEvent.objects.get(subject="contract.create",
                                   customer_id_value=world["customer"].pk)
    assert (event.action, event.channel, event.detail["contract"]) == (
        "CREATE", "SYSTEM", contract.pk)


def test_a_failed_audit_row_leaves_no_contract(world, monkeypatch):
    """The contract and its audit row are one transaction: no row, no contract."""
    import accounts.domain.contracts as contracts

    def audit_fails(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(contracts, "audit_by", audit_fails)
    with pytest.raises(RuntimeError):
        make(world, date(2026, 1, 1))
    assert not Contract.objects.filter(meter_point=world["meter_point"]).exists()


def test_a_contract_needs_a_tariff_version(world):
    with pytest.raises(UnableToCreateContract, match="needs a tariff version"):
        contract_create(
            customer=world["customer"], account=world["account"],
            meter_point=world["meter_point"], active_from=date(2026, 1, 1), active_to=None,
            settlement="MONTHLY", payment="POSTPAY", today=TODAY, tariff_version=None,
            actor=SYSTEM)
