"""Dividends to the cent: by share-days with the largest-remainder rule, or interest.

Year 2026 (365 days). alice holds 10 shares all year (3650 share-days), bob buys 5 on
1 July (184 days: 920 share-days), carol holds 3 all year (1095). Total 5665 share-days.
Approved 100.00 = 10000 cents:
  alice 10000 x 3650 / 5665 = 6443 remainder 405
  bob   10000 x  920 / 5665 = 1624 remainder 40
  carol 10000 x 1095 / 5665 = 1932 remainder 5220
  floors add up to 9999: the missing cent goes to the largest remainder, carol.
  -> 64.43 + 16.24 + 19.33 = 100.00
Interest at 4 % on shares of 100.00: alice 1000 x 4 % = 40.00; bob 500 x 4 % x 184/365 =
10.0821.. -> 10.08; carol 300 x 4 % = 12.00; total 62.08.
"""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperatives.domain import (
    Holding,
    NothingToDistribute,
    dividend_as_interest,
    dividend_by_share_days,
    share_days,
)
from cooperatives.domain.dividends import InvalidDividend
from core.ranges import DateRange

YEAR = DateRange(date(2026, 1, 1), date(2027, 1, 1))
HOLDINGS = [
    Holding(member="alice", shares=10, active_from=date(2024, 3, 1)),
    Holding(member="bob", shares=5, active_from=date(2026, 7, 1)),
    Holding(member="carol", shares=3, active_from=date(2025, 1, 1), active_to=date(2030, 1, 1)),
    Holding(member="dave", shares=8, active_from=date(2020, 1, 1), active_to=date(2026, 1, 1)),
]


def test_share_days_count_only_days_held_inside_the_year():
    assert share_days(holdings=HOLDINGS, year=YEAR) == {"alice": 3650, "bob": 920,
                                                        "carol": 1095}


def test_distribution_by_share_days_with_the_remainder_cent():
    proposal = dividend_by_share_days(amount=Decimal("100.00"),
                                      share_days=share_days(holdings=HOLDINGS, year=YEAR),
                                      days_in_year=YEAR.days)
    assert [(s.member, s.amount, s.got_remainder_cent) for s in proposal.statements] == [
        ("alice", Decimal("64.43"), False), ("bob", Decimal("16.24"), False),
        ("carol", Decimal("19.33"), True)]
    assert sum(s.amount for s in proposal.statements) == proposal.amount == Decimal("100.00")
    bob = proposal.statements[1]
    assert (bob.share_days, bob.average_shares, bob.exact_amount) == (
        920, Decimal("2.5205"), Decimal("16.240071"))


def test_equal_remainders_go_to_the_larger_holding_then_to_the_order_given():
    proposal = dividend_by_share_days(amount=Decimal("0.02"),
                                      share_days={"x": 100, "y": 100, "z": 100},
                                      days_in_year=365)
    assert [s.amount for s in proposal.statements] == [Decimal("0.01"), Decimal("0.01"),
                                                       Decimal("0.00")]
    proposal = dividend_by_share_days(amount=Decimal("0.01"),
                                      share_days={"x": 100, "y": 100, "z": 200},
                                      days_in_year=365)
    assert [s.amount for s in proposal.statements] == [Decimal("0.00"), Decimal("0.00"),
                                                       Decimal("0.01")]


def test_interest_on_capital():
    proposal = dividend_as_interest(rate=Decimal("0.04"), share_price=Decimal("100.00"),
                                    share_days=share_days(holdings=HOLDINGS, year=YEAR),
                                    days_in_year=365)
    assert [(s.member, s.amount) for s in proposal.statements] == [
        ("alice", Decimal("40.00")), ("bob", Decimal("10.08")), ("carol", Decimal("12.00"))]
    assert proposal.amount == Decimal("62.08")


def test_interest_above_the_result_is_refused():
    with pytest.raises(InvalidDividend, match="comes to 62.08, more than the 50.00 available"):
        dividend_as_interest(rate=Decimal("0.04"), share_price=Decimal("100.00"),
                             share_days=share_days(holdings=HOLDINGS, year=YEAR),
                             days_in_year=365, available=Decimal("50.00"))


def test_a_loss_or_an_empty_register_leaves_nothing_to_distribute():
    with pytest.raises(NothingToDistribute, match="result -12.00 leaves nothing"):
        dividend_by_share_days(amount=Decimal("-12.00"), share_days={"alice": 1},
                               days_in_year=365)
    with pytest.raises(NothingToDistribute, match="no member held shares"):
        dividend_by_share_days(amount=Decimal("12.00"), share_days={}, days_in_year=365)


def test_amounts_in_fractions_of_a_cent_are_refused():
    with pytest.raises(InvalidDividend, match="whole cents, got Decimal\\('10.005'\\)"):
        dividend_by_share_days(amount=Decimal("10.005"), share_days={"alice": 1},
                               days_in_year=365)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**9), st.lists(st.integers(0, 366 * 10**4), min_size=1, max_size=40)
       .filter(any))
def test_credits_sum_to_the_approved_amount_and_each_is_within_a_cent(cents, days):
    amount = Decimal(cents).scaleb(-2)
    register = {f"m{i}": d for i, d in enumerate(days)}
    proposal = dividend_by_share_days(amount=amount, share_days=register, days_in_year=366)
    assert sum(s.amount for s in proposal.statements) == amount
    total = sum(days)
    for statement in proposal.statements:
        exact = Fraction(cents * register[statement.member], total)
        got = int(statement.amount * 100)
        assert exact - 1 < got < exact + 1
    assert sum(s.got_remainder_cent for s in proposal.statements) < len(days)
