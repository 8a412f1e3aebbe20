"""A real worker process (started by the tests) runs retailer tasks in their caller's schema."""
from datetime import date

import pytest
from celery.signals import before_task_publish
from django_tenants.utils import schema_context
from tenant_schemas_celery.scheduler import TenantAwareScheduler

from accounts.models import Account, Contract, ContractStatus, Customer, MeterPoint, Premise
from accounts.tasks import customer_census
from config.celery import app
from config.ops.heartbeat import heartbeats_read
from tests.conftest import wait_for


@pytest.fixture
def committed(django_db_blocker):
    """Rows the worker process can see (committed), removed again afterwards."""
    created = []
    with django_db_blocker.unblock():
        yield created
        for schema, obj in reversed(created):
            with schema_context(schema):
                obj.delete()


def test_worker_reports_heartbeats(celery_worker):
    assert celery_worker in heartbeats_read()


def test_task_runs_in_the_schema_it_was_sent_from(celery_worker, committed):
    with schema_context("alpha"):
        extra = Customer.objects.create(reference="ALPHA-X-1", kind="HOUSEHOLD", name="Extra")
        committed.append(("alpha", extra))
        alpha_result = customer_census.delay()
    with schema_context("beta"):
        beta_result = customer_census.delay()
    # Each demo retailer's household, enterprise and cooperative site, and alpha's extra.
    assert alpha_result.get(timeout=60) == {"schema": "alpha", "customers": 4}
    assert beta_result.get(timeout=60) == {"schema": "beta", "customers": 3}


def test_retailer_task_sent_without_a_schema_fails_clearly(celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        result = customer_census.delay()  # from the public schema
    with pytest.raises(Exception) as caught:
        result.get(timeout=60)
    assert "sent without a retailer schema" in str(caught.value)
    assert type(caught.value).__name__ == "TaskSentWithoutTenant"


def _ended_contract(schema, committed):
    with schema_context(schema):
        customer = Customer.objects.create(reference=f"{schema}-P-1", kind="HOUSEHOLD",
                                           name="Periodic")
        premise = Premise.objects.create(customer=customer, address_line="1 Road",
                                         city="Town", region="North")
        mp = MeterPoint.objects.create(premise=premise, identifier=f"{schema}-P-MP")
        account = Account.objects.create(customer=customer, number=f"{schema}-P-A")
        contract = Contract.objects.create(
            customer=customer, account=account, meter_point=mp, active_from=date(2020, 1, 1),
            active_to=date(2021, 1, 1), status=ContractStatus.ACTIVE,
        )
    committed.extend([(schema, customer), (schema, premise), (schema, mp), (schema, account),
                      (schema, contract)])
    return contract


def test_periodic_job_is_sent_once_per_retailer(celery_worker, committed):
    contracts = {schema: _ended_contract(schema, committed) for schema in ("alpha", "beta")}
    sent = []

    def record(sender=None, headers=None, **kwargs):
        if sender == "accounts.contracts_close_ended":
            sent.append(headers["_schema_name"])

    before_task_publish.connect(record, weak=False)
    try:
        scheduler = TenantAwareScheduler(app=app)
        entry = scheduler.schedule["contracts-close-ended@__all_tenants_only__"]
        scheduler.apply_entry(entry)
    finally:
        before_task_publish.disconnect(record)
    assert sorted(sent) == ["alpha", "beta"]

    def all_ended():
        for schema, contract in contracts.items():
            with schema_context(schema):
                if Contract.objects.get(pk=contract.pk).status != ContractStatus.ENDED:
                    return False
        return True

    wait_for(all_ended, timeout=60, what="both retailers' ended contracts closed")
