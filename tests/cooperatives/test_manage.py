"""The manager's page of a cooperative (/cooperatives/<id>/manage/): costs, dividends and
the share register, each form one call into cooperatives/services; members and other
cooperatives' managers get 404 and change nothing."""
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import LedgerEntry
from cooperatives.models import (
    Cooperative,
    CooperativeCost,
    CooperativeEvent,
    DividendDistribution,
    PeriodSettlement,
    Shareholding,
)
from tests.conftest import host_client, login


@pytest.fixture
def coop(db):
    with schema_context("alpha"):
        return Cooperative.objects.get(code="ALPHA-COOP")


@pytest.fixture
def manager(db):
    client = host_client("alpha.localhost")
    assert login(client, "alpha-coop").status_code == 302
    return client


def _url(coop):
    return f"/cooperatives/{coop.pk}/manage/"


def test_the_manager_records_a_cost_and_a_bad_month_changes_nothing(coop, manager):
    assert 'data-testid="manage-link"' in manager.get(f"/cooperatives/{coop.pk}/").content.decode()
    answer = manager.post(_url(coop), {"action": "cost", "month": "2026-06",
                                       "description": "Inverter service", "amount": "240.00"})
    assert answer.status_code == 302
    page = manager.get(_url(coop)).content.decode()
    assert "Cost of 240.00 recorded for 2026-06." in page and "Inverter service" in page
    bad = manager.post(_url(coop), {"action": "cost", "month": "2026-13",
                                    "description": "Lease", "amount": "10.00"})
    assert bad.status_code == 200 and "is not a month written YYYY-MM" in bad.content.decode()
    with schema_context("alpha"):
        costs = list(CooperativeCost.objects.filter(cooperative=coop)
                     .values_list("period_start", "period_end", "amount"))
        assert costs == [(date(2026, 6, 1), date(2026, 7, 1), Decimal("240.00"))]
        assert CooperativeEvent.objects.filter(cooperative=coop,
                                               action="cost_recorded").count() == 1


def test_a_dividend_is_proposed_and_approved_into_the_members_ledgers(coop, manager):
    with schema_context("alpha"):
        PeriodSettlement.objects.create(
            cooperative=coop, period_start=date(2026, 6, 1), period_end=date(2026, 7, 1),
            generated_kwh=Decimal("1000"), allocated_kwh=Decimal("400"),
            surplus_kwh=Decimal("600"), surplus_revenue=Decimal("150.00"),
            settled_at=timezone.now())
        credits_before = LedgerEntry.objects.filter(kind="ADJUSTMENT").count()
    too_much = manager.post(_url(coop), {"action": "propose", "year": "2026",
                                         "method": "share_days", "amount": "150.01"})
    assert too_much.status_code == 200 and "is more than that" in too_much.content.decode()
    assert manager.post(_url(coop), {"action": "propose", "year": "2026",
                                     "method": "share_days", "amount": "100.00"}).status_code == 302
    with schema_context("alpha"):
        distribution = DividendDistribution.objects.get(cooperative=coop, year=2026)
    assert manager.post(_url(coop), {"action": "approve",
                                     "distribution": distribution.pk}).status_code == 302
    with schema_context("alpha"):
        distribution.refresh_from_db()
        credits = LedgerEntry.objects.filter(kind="ADJUSTMENT").order_by("pk")[credits_before:]
        assert distribution.status == "APPROVED"
        assert sum(entry.amount for entry in credits) == Decimal("-100.00")


def test_the_register_buys_and_redeems_shares_for_a_member(coop, manager):
    on = "2026-11-15"
    assert manager.post(_url(coop), {"action": "shares", "member": "ALPHA-E-0001",
                                     "shares": "5", "change": "buy", "on": on}).status_code == 302
    assert manager.post(_url(coop), {"action": "shares", "member": "ALPHA-E-0001",
                                     "shares": "3", "change": "redeem",
                                     "on": on}).status_code == 302
    unknown = manager.post(_url(coop), {"action": "shares", "member": "NOBODY",
                                        "shares": "1", "change": "buy", "on": on})
    assert "No customer &#x27;NOBODY&#x27;." in unknown.content.decode()  # escaped
    with schema_context("alpha"):
        held = sum(h.shares for h in Shareholding.objects.filter(
            cooperative=coop, member__reference="ALPHA-E-0001").active_on(date(2026, 11, 15)))
        assert held == 40 + 5 - 3


def test_members_cannot_manage(coop, alice):
    assert alice.get(_url(coop)).status_code == 404
    assert alice.post(_url(coop), {"action": "cost", "month": "2026-06",
                                   "description": "x", "amount": "1.00"}).status_code == 404
    with schema_context("alpha"):
        assert not CooperativeCost.objects.filter(cooperative=coop).exists()
