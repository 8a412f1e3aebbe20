"""Property tests of the allocation rule on random members, contracts, shares and loads."""
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperatives.domain import allocate_by_coefficients, allocate_by_shares


@st.composite
def cooperatives(draw):
    members = draw(st.integers(1, 6))
    intervals = draw(st.integers(1, 10))
    contracts = draw(st.integers(0, 9))
    ints = np.int64
    shares = np.array(draw(st.lists(st.lists(st.integers(0, 40), min_size=intervals,
                                             max_size=intervals),
                                    min_size=members, max_size=members)), dtype=ints)
    output = np.array(draw(st.lists(st.integers(0, 10**9), min_size=intervals,
                                    max_size=intervals)), dtype=ints)
    consumption = np.array(draw(st.lists(st.lists(st.integers(0, 5 * 10**8),
                                                  min_size=intervals, max_size=intervals),
                                         min_size=contracts, max_size=contracts)),
                           dtype=ints).reshape(contracts, intervals)
    owners = np.array(draw(st.lists(st.integers(0, members - 1), min_size=contracts,
                                    max_size=contracts)), dtype=ints)
    priority = draw(st.none() | st.lists(st.integers(0, 3), min_size=contracts,
                                         max_size=contracts).map(np.array))
    return dict(output=output, shares=shares, consumption=consumption, contract_member=owners,
                contract_priority=priority)


def per_member(allocation, members):
    totals = np.zeros((members, allocation.allocated.shape[1]), dtype=np.int64)
    np.add.at(totals, allocation.contract_member, allocation.allocated)
    return totals


@settings(max_examples=300, deadline=None)
@given(cooperatives())
def test_allocated_plus_surplus_is_generated_exactly_in_every_interval(case):
    allocation = allocate_by_shares(**case)
    assert allocation.allocated.dtype == np.int64
    assert (allocation.allocated.sum(axis=0) + allocation.surplus == case["output"]).all()
    assert (allocation.surplus >= 0).all()


@settings(max_examples=300, deadline=None)
@given(cooperatives())
def test_nobody_gets_more_than_consumed_or_than_their_right(case):
    allocation = allocate_by_shares(**case)
    members = len(case["shares"])
    assert (allocation.allocated <= case["consumption"]).all()
    assert (allocation.allocated >= 0).all()
    assert (per_member(allocation, members) <= allocation.rights).all()
    assert (allocation.unused == allocation.rights - per_member(allocation, members)).all()


@settings(max_examples=300, deadline=None)
@given(cooperatives())
def test_rights_are_the_exact_share_rounded_down_or_up_and_add_up_to_output(case):
    allocation = allocate_by_shares(**case)
    total = case["shares"].sum(axis=0)
    for t, (output, shares_total) in enumerate(zip(case["output"], total, strict=True)):
        rights = allocation.rights[:, t]
        if shares_total == 0:
            assert (rights == 0).all() and allocation.surplus[t] == output
            continue
        assert rights.sum() == output
        for member, right in enumerate(rights):
            exact = Fraction(int(output) * int(case["shares"][member, t]), int(shares_total))
            assert exact - 1 < right < exact + 1


@settings(max_examples=200, deadline=None)
@given(cooperatives())
def test_a_right_is_left_unused_only_when_the_members_contracts_are_all_served(case):
    allocation = allocate_by_shares(**case)
    members = len(case["shares"])
    hungry = np.zeros_like(allocation.rights, dtype=bool)
    np.logical_or.at(hungry, case["contract_member"],
                     allocation.allocated < case["consumption"])
    assert not ((allocation.unused > 0) & hungry).any()
    assert allocation.unused.shape == (members, len(case["output"]))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_coefficients_allocate_like_shares_of_parts_per_million(data):
    members = data.draw(st.integers(1, 5))
    intervals = data.draw(st.integers(1, 6))
    # whole parts per million summing to 10**6 in every interval
    cuts = np.sort(np.array(data.draw(st.lists(
        st.lists(st.integers(0, 10**6), min_size=members - 1, max_size=members - 1),
        min_size=intervals, max_size=intervals))).reshape(intervals, members - 1), axis=1)
    bounds = np.hstack([np.zeros((intervals, 1)), cuts, np.full((intervals, 1), 10**6)])
    parts = np.diff(bounds, axis=1).T.astype(np.int64)
    output = np.array(data.draw(st.lists(st.integers(0, 10**8), min_size=intervals,
                                         max_size=intervals)), dtype=np.int64)
    consumption = np.array(data.draw(st.lists(st.lists(st.integers(0, 10**8),
                                                       min_size=intervals, max_size=intervals),
                                              min_size=members, max_size=members)))
    owners = np.arange(members)
    by_coefficients = allocate_by_coefficients(
        output=output, coefficients=parts / 10**6, consumption=consumption,
        contract_member=owners)
    by_parts = allocate_by_shares(output=output, shares=parts, consumption=consumption,
                                  contract_member=owners)
    assert (by_coefficients.rights == by_parts.rights).all()
    assert (by_coefficients.allocated.sum(axis=0) + by_coefficients.surplus == output).all()
