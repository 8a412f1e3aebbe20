"""The billable contracts of a period with their versions, meter points and meters, in a
constant number of queries (the seam a billing run loads accounts through)."""
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.domain.billable import billable_contracts
from accounts.models import Account, Contract, ContractStatus, Customer, MeterPoint, Premise
from core.ranges import DateRange
from metering.models import Meter
from tariffs.models import TariffVersion

JUNE = DateRange(date(2026, 6, 1), date(2026, 7, 1))
LONDON = "Europe/London"


@pytest.fixture
def in_alpha(db):
    with schema_context("alpha"):
        yield


def _household(number: int, *, active_from=date(2026, 1, 1), active_to=None, meters=1,
               status=ContractStatus.ACTIVE) -> Account:
    customer = Customer.objects.create(reference=f"BILL-{number}", kind="HOUSEHOLD",
                                       name=f"Billable {number}")
    premise = Premise.objects.create(customer=customer, address_line="1 Road", city="Town",
                                     region="North")
    point = MeterPoint.objects.create(premise=premise, identifier=f"BILL-MP-{number}")
    account = Account.objects.create(customer=customer, number=f"BILL-A-{number}")
    Contract.objects.create(
        customer=customer, account=account, meter_point=point, active_from=active_from,
        active_to=active_to, status=status,
        tariff_version=TariffVersion.objects.get(product__code="ALPHA-FLEX"))
    for index in range(meters):
        Meter.objects.create(serial=f"BILL-M-{number}-{index}", meter_point=point,
                             installed_at=datetime(2025, 1, 1 + index, tzinfo=UTC))
    return account


def test_constant_queries_for_few_or_many_accounts(in_alpha):
    few = [_household(1).pk]
    many = few + [_household(n).pk for n in range(2, 30)]
    with CaptureQueriesContext(connection) as one:
        billable_contracts(period=JUNE, time_zone=LONDON, account_ids=few)
    with CaptureQueriesContext(connection) as lots:
        found = billable_contracts(period=JUNE, time_zone=LONDON, account_ids=many)
        # What billing reads next (the versions' products) costs nothing more.
        codes = {found.versions[c.tariff_version_id].product.code for c in found.contracts}
    assert len(one) == len(lots) == 3
    assert [c.account_id for c in found.contracts] == sorted(many)
    assert codes == {"ALPHA-FLEX"}
    first = found.contracts[0]
    assert (first.account_number, first.customer_kind, len(first.meters)) == (
        "BILL-A-1", "HOUSEHOLD", 1)
    assert first.meters[0].serial == "BILL-M-1-0" and first.meters[0].interval_minutes == 30


def test_days_are_clipped_to_the_contract_and_meters_to_their_installation(in_alpha):
    ends = _household(40, active_from=date(2026, 6, 10), active_to=date(2026, 6, 20), meters=2)
    billable, = billable_contracts(period=JUNE, time_zone=LONDON,
                                   account_ids=[ends.pk]).contracts
    assert billable.days == DateRange(date(2026, 6, 10), date(2026, 6, 20))
    # Local midnights in British summer time: 23:00 UTC the day before.
    assert billable.instants.start == datetime(2026, 6, 9, 23, tzinfo=UTC)
    assert [m.serial for m in billable.meters] == ["BILL-M-40-0", "BILL-M-40-1"]
    first = Meter.objects.get(serial="BILL-M-40-0")
    first.removed_at = datetime(2026, 6, 9, 23, tzinfo=UTC)  # gone at the first midnight
    first.save(update_fields=["removed_at"])
    billable, = billable_contracts(period=JUNE, time_zone=LONDON,
                                   account_ids=[ends.pk]).contracts
    assert [m.serial for m in billable.meters] == ["BILL-M-40-1"]


def test_cancelled_and_other_periods_are_left_out(in_alpha):
    cancelled = _household(50, status=ContractStatus.CANCELLED)
    later = _household(51, active_from=date(2026, 7, 1))
    ended = _household(52, active_to=date(2026, 6, 1))
    found = billable_contracts(period=JUNE, time_zone=LONDON,
                               account_ids=[cancelled.pk, later.pk, ended.pk])
    assert found.contracts == [] and found.versions == {}


def test_all_accounts_of_the_retailer_only(in_alpha):
    found = billable_contracts(period=JUNE, time_zone=LONDON).contracts
    assert {b.account_number for b in found} == {"ALPHA-H-0001-A", "ALPHA-E-0001-A"}
    assert len(found) == 3  # alice's supply and acme's two
    with schema_context("beta"):
        beta = billable_contracts(period=JUNE, time_zone=LONDON).contracts
    assert {b.account_number for b in beta} == {"BETA-H-0001-A", "BETA-E-0001-A"}
