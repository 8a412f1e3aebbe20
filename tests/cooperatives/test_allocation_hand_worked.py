"""The issue's hand-worked allocation: three members, an hour with no output, a member who
uses less than their right (surplus), a member with two contracts, shares bought mid-month.

Cooperative in Europe/Madrid, March 2026. Members (rows): alice 10 shares all month; bob 20
shares all month; carol buys 10 shares on the 16th (none before). Contracts: alice-home;
bob-shop and bob-home (bob set no priority: the shop consumes more over the period, 58 kWh
against 32, so it is served first); carol-home. Four hourly intervals carry the month's
figures (the allocation is interval by interval, so other hours change nothing here):

  t0 1 Mar 12:00  output 30  shares 10/20/0  (total 30) -> rights 10 / 20 / 0
     alice 4 of 10 (6 unused); bob shop 3, home min(17, 15) = 15 (2 unused); carol 0 of 5
     allocated 22, surplus 8 (= 6 + 2)
  t1 1 Mar 13:00  output 0 (cloud / maintenance): every right 0, every allocation 0
  t2 16 Mar 12:00 output 40  shares 10/20/10 (total 40) -> rights 10 / 20 / 10
     alice min(10, 12) = 10; bob shop min(20, 25) = 20, home 0 of 6; carol 3 of 10
     allocated 33, surplus 7
  t3 16 Mar 13:00 output 9   -> rights 2.25 / 4.5 / 2.25
     alice 1 (1.25 unused); bob shop 0, home min(4.5, 10) = 4.5; carol 2.25
     allocated 7.75, surplus 1.25

  Period: generated 79; alice right 22.25, allocated 15, unused 7.25; bob right 44.5,
  allocated 42.5 (shop 23, home 19.5), unused 2; carol right 12.25, allocated 5.25, unused 7;
  allocated 62.75, surplus 16.25 = 7.25 + 2 + 7.
"""
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from cooperatives.domain import (
    Holding,
    allocate_by_shares,
    kwh_decimal,
    shares_per_interval,
    to_micro_kwh,
)

ZONE = "Europe/Madrid"
MEMBERS = ["alice", "bob", "carol"]
CONTRACTS = ["alice-home", "bob-home", "bob-shop", "carol-home"]
CONTRACT_MEMBER = np.array([0, 1, 1, 2])
STARTS = pd.DatetimeIndex([
    pd.Timestamp("2026-03-01 12:00", tz=ZONE), pd.Timestamp("2026-03-01 13:00", tz=ZONE),
    pd.Timestamp("2026-03-16 12:00", tz=ZONE), pd.Timestamp("2026-03-16 13:00", tz=ZONE),
])
HOLDINGS = [
    Holding(member="alice", shares=10, active_from=date(2025, 6, 1)),
    Holding(member="bob", shares=20, active_from=date(2024, 1, 1)),
    Holding(member="carol", shares=10, active_from=date(2026, 3, 16)),
]
OUTPUT_KWH = [30, 0, 40, 9]
CONSUMPTION_KWH = [
    [4, 2, 12, 1],  # alice-home
    [15, 1, 6, 10],  # bob-home (32 kWh in the period)
    [3, 30, 25, 0],  # bob-shop (58 kWh: served first)
    [5, 1, 3, 2.25],  # carol-home
]


def kwh(values):
    return [kwh_decimal(v) for v in np.asarray(values).ravel()]


def allocate(**extra):
    shares = shares_per_interval(holdings=HOLDINGS, members=MEMBERS, interval_starts=STARTS,
                                 time_zone=ZONE)
    return allocate_by_shares(
        output=to_micro_kwh(OUTPUT_KWH, what="output"), shares=shares,
        consumption=to_micro_kwh(CONSUMPTION_KWH, what="consumption"),
        contract_member=CONTRACT_MEMBER, interval_starts=STARTS, **extra,
    )


def test_shares_bought_mid_month_count_from_local_midnight_of_that_day():
    shares = shares_per_interval(holdings=HOLDINGS, members=MEMBERS, interval_starts=STARTS,
                                 time_zone=ZONE)
    assert shares.tolist() == [[10, 10, 10, 10], [20, 20, 20, 20], [0, 0, 10, 10]]


def test_rights_per_member_and_interval():
    rights = allocate().rights
    assert kwh(rights[0]) == [Decimal("10"), Decimal("0"), Decimal("10"), Decimal("2.25")]
    assert kwh(rights[1]) == [Decimal("20"), Decimal("0"), Decimal("20"), Decimal("4.5")]
    assert kwh(rights[2]) == [Decimal("0"), Decimal("0"), Decimal("10"), Decimal("2.25")]


def test_allocated_per_contract_and_interval():
    allocated = allocate().allocated
    assert kwh(allocated[0]) == [Decimal("4"), Decimal("0"), Decimal("10"), Decimal("1")]
    assert kwh(allocated[1]) == [Decimal("15"), Decimal("0"), Decimal("0"), Decimal("4.5")]
    assert kwh(allocated[2]) == [Decimal("3"), Decimal("0"), Decimal("20"), Decimal("0")]
    assert kwh(allocated[3]) == [Decimal("0"), Decimal("0"), Decimal("3"), Decimal("2.25")]


def test_the_hour_without_output_allocates_nothing():
    allocation = allocate()
    assert allocation.rights[:, 1].tolist() == [0, 0, 0]
    assert allocation.allocated[:, 1].tolist() == [0, 0, 0, 0]
    assert allocation.surplus[1] == 0


def test_surplus_per_interval_is_what_members_did_not_use():
    allocation = allocate()
    assert kwh(allocation.surplus) == [Decimal("8"), Decimal("0"), Decimal("7"),
                                       Decimal("1.25")]
    assert (allocation.surplus == allocation.unused.sum(axis=0)).all()


def test_period_totals_per_member():
    totals = allocate().member_totals(members=MEMBERS)
    assert [(t.member, t.right_kwh, t.allocated_kwh, t.unused_kwh) for t in totals] == [
        ("alice", Decimal("22.25"), Decimal("15"), Decimal("7.25")),
        ("bob", Decimal("44.5"), Decimal("42.5"), Decimal("2")),
        ("carol", Decimal("12.25"), Decimal("5.25"), Decimal("7")),
    ]
    allocation = allocate()
    assert kwh_decimal(allocation.generated.sum()) == Decimal("79")
    assert kwh_decimal(allocation.allocated.sum()) == Decimal("62.75")
    assert kwh_decimal(allocation.surplus.sum()) == Decimal("16.25")


def test_bob_sets_his_home_first():
    # t0: home 15, shop min(20 - 15, 3) = 3; t2: home 6, shop min(14, 25) = 14;
    # t3: home 4.5 as before. Home 25.5, shop 17: bob's total is still 42.5.
    allocation = allocate(contract_priority=np.array([0, 0, 1, 0]))
    assert kwh(allocation.allocated[1]) == [Decimal("15"), Decimal("0"), Decimal("6"),
                                            Decimal("4.5")]
    assert kwh(allocation.allocated[2]) == [Decimal("3"), Decimal("0"), Decimal("14"),
                                            Decimal("0")]
    assert allocation.serving_order.tolist() == [0, 1, 2, 3]
    assert allocate().serving_order.tolist() == [0, 2, 1, 3]


def test_rights_that_do_not_divide_evenly_share_the_rounding_micro_kwh():
    # 10 µkWh over three equal members: exact 3.33... each; cumulative rounding gives
    # floor(10/3) = 3, floor(20/3) - 3 = 3, 10 - 6 = 4: each is its quota rounded down or up
    # and the three add up to 10.
    allocation = allocate_by_shares(
        output=np.array([10]), shares=np.array([[1], [1], [1]]),
        consumption=np.array([[10], [10], [10]]), contract_member=np.array([0, 1, 2]),
    )
    assert allocation.rights[:, 0].tolist() == [3, 3, 4]
    assert allocation.surplus.tolist() == [0]
