"""Buying and redeeming shares (limits, the register, audit), costs, and dividends
credited to members' ledgers to the cent."""
from datetime import date
from decimal import Decimal

import pytest

from accounts.domain.audit import Actor
from accounts.models import AuditEvent
from billing.domain.ledger import account_balance
from billing.models import LedgerEntry
from cooperatives.models import CooperativeEvent, PeriodSettlement, Shareholding
from cooperatives.services.costs import UnableToRecordCost, cost_record
from cooperatives.services.dividends import (
    UnableToDistribute,
    dividend_approve,
    dividend_propose,
    year_result,
)
from cooperatives.services.shares import UnableToChangeShares, member_register, shares_redeem
from core.ranges import DateRange
from tests.billing.world import NOW, flat, household, product
from tests.cooperatives.world import cooperative, member

ACTOR = Actor.system(at=NOW)
YEAR = DateRange(date(2025, 1, 1), date(2026, 1, 1))


def _customers(*references):
    version = product("COOP-FLAT", flat())
    return [household(reference, version)[0] for reference in references]


def test_buying_beyond_the_limit_is_refused_and_nothing_is_written(in_alpha):
    coop = cooperative("LIMITED", max_shares=10)
    (account,) = _customers("S1")
    member(coop, account.customer, 6)
    with pytest.raises(UnableToChangeShares, match="would hold 11 shares"):
        member(coop, account.customer, 5, on=date(2026, 3, 1))
    assert Shareholding.objects.filter(cooperative=coop).count() == 1
    assert CooperativeEvent.objects.filter(cooperative=coop, action="shares_bought").count() == 1
    assert AuditEvent.objects.filter(customer_id_value=account.customer_id,
                                     subject="shareholding").count() == 1


def test_redeeming_ends_the_newest_holdings_first_and_keeps_the_history(in_alpha):
    coop = cooperative("REDEEM")
    (account,) = _customers("S2")
    customer = account.customer
    member(coop, customer, 4, on=date(2026, 1, 1))
    member(coop, customer, 3, on=date(2026, 2, 1))
    left = shares_redeem(cooperative=coop, member=customer, shares=5, on=date(2026, 3, 1),
                         actor=ACTOR)
    assert left == 2
    rows = list(Shareholding.objects.filter(cooperative=coop).order_by("active_from", "pk")
                .values_list("shares", "active_from", "active_to"))
    assert rows == [(4, date(2026, 1, 1), date(2026, 3, 1)),
                    (3, date(2026, 2, 1), date(2026, 3, 1)),
                    (2, date(2026, 3, 1), None)]
    assert [r.shares for r in member_register(cooperative=coop, on=date(2026, 2, 15))] == [7]
    assert [r.shares for r in member_register(cooperative=coop, on=date(2026, 3, 1))] == [2]
    with pytest.raises(UnableToChangeShares, match="holds 2 shares"):
        shares_redeem(cooperative=coop, member=customer, shares=3, on=date(2026, 4, 1),
                      actor=ACTOR)


def test_a_cost_needs_whole_cents(in_alpha):
    coop = cooperative("COSTS")
    with pytest.raises(UnableToRecordCost):
        cost_record(cooperative=coop, period=YEAR, description="Lease",
                    amount=Decimal("1.005"), actor=ACTOR)
    cost_record(cooperative=coop, period=YEAR, description="Lease", amount=Decimal("20.00"),
                actor=ACTOR)
    assert CooperativeEvent.objects.filter(cooperative=coop, action="cost_recorded").exists()


def test_dividend_credits_sum_to_the_approved_amount_to_the_cent(in_alpha):
    """100.00 over three members holding one share each all of 2025: 33.33 each is 99.99;
    the remainder cent goes by largest remainder (all equal), then larger share-days (all
    equal), then the lowest member id: the first member gets 33.34."""
    coop = cooperative("DIVIDEND")
    accounts = _customers("D1", "D2", "D3")
    for account in accounts:
        member(coop, account.customer, 1, on=date(2025, 1, 1))
    PeriodSettlement.objects.create(
        cooperative=coop, period_start=date(2025, 6, 1), period_end=date(2025, 7, 1),
        generated_kwh=Decimal("1000"), allocated_kwh=Decimal("400"),
        surplus_kwh=Decimal("600"), surplus_revenue=Decimal("150.00"), settled_at=NOW)
    cost_record(cooperative=coop, period=DateRange(date(2025, 6, 1), date(2025, 7, 1)),
                description="Maintenance", amount=Decimal("20.00"), actor=ACTOR)
    assert year_result(cooperative=coop, year=2025).result == Decimal("130.00")
    with pytest.raises(UnableToDistribute, match="result for 2025 is 130.00"):
        dividend_propose(cooperative=coop, year=2025, method="share_days",
                         amount=Decimal("130.01"), actor=ACTOR)
    proposal = dividend_propose(cooperative=coop, year=2025, method="share_days",
                                amount=Decimal("100.00"), actor=ACTOR)
    assert LedgerEntry.objects.filter(account__in=accounts).count() == 0
    credits = dividend_approve(distribution=proposal, actor=ACTOR)
    assert [(c.member_id, c.amount, c.got_remainder_cent) for c in credits] == [
        (accounts[0].customer_id, Decimal("33.34"), True),
        (accounts[1].customer_id, Decimal("33.33"), False),
        (accounts[2].customer_id, Decimal("33.33"), False)]
    balances = [account_balance(account_id=a.pk) for a in accounts]
    assert balances == [Decimal("-33.34"), Decimal("-33.33"), Decimal("-33.33")]
    assert sum(balances) == Decimal("-100.00")
    with pytest.raises(UnableToDistribute, match="APPROVED, not PROPOSED"):
        dividend_approve(distribution=proposal, actor=ACTOR)


def test_interest_on_capital(in_alpha):
    """4% on 100.00 shares: D4 holds 2 shares all year (8.00), D5 1 share from 1 July
    (184 days: 100 x 0.04 x 184 / 365 = 2.0164 -> 2.02). Approved amount 10.02."""
    coop = cooperative("INTEREST")
    a4, a5 = _customers("D4", "D5")
    member(coop, a4.customer, 2, on=date(2025, 1, 1))
    member(coop, a5.customer, 1, on=date(2025, 7, 1))
    PeriodSettlement.objects.create(
        cooperative=coop, period_start=date(2025, 6, 1), period_end=date(2025, 7, 1),
        generated_kwh=Decimal("10"), allocated_kwh=Decimal("0"), surplus_kwh=Decimal("10"),
        surplus_revenue=Decimal("50.00"), settled_at=NOW)
    proposal = dividend_propose(cooperative=coop, year=2025, method="interest",
                                rate=Decimal("0.04"), actor=ACTOR)
    assert proposal.amount == Decimal("10.02")
    credits = dividend_approve(distribution=proposal, actor=ACTOR)
    assert [c.amount for c in credits] == [Decimal("8.00"), Decimal("2.02")]
