"""Unused rights carried as lots: earned per period, used oldest first, returned newest first
when a bill is cancelled, expired under the cooperative's rule."""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperatives.domain import (
    EntryKind,
    RightsPolicy,
    expire_rights,
    lot_balances,
    return_rights,
    rights_earned,
    rights_statement,
    use_rights,
)
from cooperatives.domain.rights import InvalidRightsOperation, RightsAlreadyUsed

ZONE = "Europe/Madrid"
YEAR = RightsPolicy(carry_months=12)
KWH = 1_000_000


def month(year, number):
    return datetime(year, number, 1, tzinfo=ZoneInfo(ZONE))


def earned(policy=YEAR, member="alice", amounts=((1, 10), (2, 20), (3, 30)), bands=None):
    """alice's unused rights of January, February and March 2026 (kWh)."""
    entries = []
    for number, kwh in amounts:
        by_band = bands or {"all": kwh * KWH}
        entries += rights_earned(member=member, unused_by_band=by_band,
                                 earned_from=month(2026, number),
                                 earned_to=month(2026, number + 1), policy=policy,
                                 time_zone=ZONE)
    return entries


def test_lots_expire_the_chosen_months_after_their_period_ends():
    lots = [entry.lot for entry in earned()]
    assert [lot.expires_at for lot in lots] == [month(2027, 2), month(2027, 3), month(2027, 4)]
    assert lots[0].expires_at.utcoffset().total_seconds() == 3600  # local midnight, winter
    assert lots[2].expires_at.utcoffset().total_seconds() == 7200  # local midnight, summer


def test_use_takes_the_oldest_lots_first():
    entries = earned()
    used = use_rights(entries=entries, member="alice", bill="B-2026-04",
                      period_start=month(2026, 4), demand_by_band={"all": 25 * KWH},
                      policy=YEAR)
    # January's 10, then 15 of February's 20; March's lot untouched.
    assert [(e.lot.earned_from.month, e.micro_kwh // KWH) for e in used] == [(1, 10), (2, 15)]
    assert {lot.earned_from.month: v // KWH for lot, v in lot_balances(entries + used).items()} \
        == {1: 0, 2: 5, 3: 30}


def test_a_bill_cannot_use_rights_earned_in_its_own_period():
    used = use_rights(entries=earned(), member="alice", bill="B-2026-03",
                      period_start=month(2026, 3), demand_by_band={"all": 100 * KWH},
                      policy=YEAR)
    assert [(e.lot.earned_from.month, e.micro_kwh // KWH) for e in used] == [(1, 10), (2, 20)]


def test_a_cancelled_bill_returns_newest_first():
    entries = earned()
    entries += use_rights(entries=entries, member="alice", bill="B-2026-04",
                          period_start=month(2026, 4), demand_by_band={"all": 45 * KWH},
                          policy=YEAR)
    # used: January 10, February 20, March 15. Returning 20 gives March its 15 back first,
    # then 5 to February; January stays used.
    returned = return_rights(entries=entries, bill="B-2026-04", micro_kwh=20 * KWH)
    assert [(e.lot.earned_from.month, e.micro_kwh // KWH) for e in returned] == [(3, 15), (2, 5)]
    entries += returned
    rest = return_rights(entries=entries, bill="B-2026-04")
    assert [(e.lot.earned_from.month, e.micro_kwh // KWH) for e in rest] == [(2, 15), (1, 10)]
    entries += rest
    assert {lot.earned_from.month: v // KWH for lot, v in lot_balances(entries).items()} == \
        {1: 10, 2: 20, 3: 30}


def test_the_replacement_bill_uses_again_what_the_cancelled_one_returned():
    entries = earned()
    entries += use_rights(entries=entries, member="alice", bill="B1",
                          period_start=month(2026, 4), demand_by_band={"all": 12 * KWH},
                          policy=YEAR)
    with pytest.raises(RightsAlreadyUsed, match="bill 'B1' already holds rights"):
        use_rights(entries=entries, member="alice", bill="B1", period_start=month(2026, 4),
                   demand_by_band={"all": KWH}, policy=YEAR)
    entries += return_rights(entries=entries, bill="B1")
    replacement = use_rights(entries=entries, member="alice", bill="B1-R",
                             period_start=month(2026, 4), demand_by_band={"all": 12 * KWH},
                             policy=YEAR)
    assert [(e.lot.earned_from.month, e.micro_kwh // KWH) for e in replacement] == \
        [(1, 10), (2, 2)]


def test_returning_more_than_the_bill_holds_is_refused():
    entries = earned()
    entries += use_rights(entries=entries, member="alice", bill="B1",
                          period_start=month(2026, 4), demand_by_band={"all": 3 * KWH},
                          policy=YEAR)
    with pytest.raises(InvalidRightsOperation,
                       match="bill 'B1' holds 3.000000 kWh of rights; cannot return 4.000000"):
        return_rights(entries=entries, bill="B1", micro_kwh=4 * KWH)


def test_expiry_takes_what_is_left_of_lots_past_their_date_only():
    entries = earned()
    entries += use_rights(entries=entries, member="alice", bill="B1",
                          period_start=month(2026, 4), demand_by_band={"all": 4 * KWH},
                          policy=YEAR)
    assert expire_rights(entries=entries, at=month(2027, 1)) == []
    expired = expire_rights(entries=entries, at=month(2027, 3))
    assert [(e.kind, e.lot.earned_from.month, e.micro_kwh // KWH) for e in expired] == [
        (EntryKind.EXPIRED, 1, 6), (EntryKind.EXPIRED, 2, 20)]
    entries += expired
    assert expire_rights(entries=entries, at=month(2027, 3)) == []  # nothing twice
    # a bill for March 2027 starts after January's and February's lots expired
    later = use_rights(entries=entries, member="alice", bill="B2",
                       period_start=month(2027, 3), demand_by_band={"all": 100 * KWH},
                       policy=YEAR)
    assert [(e.lot.earned_from.month, e.micro_kwh // KWH) for e in later] == [(3, 30)]


def test_without_carrying_rights_lapse_when_their_period_ends_and_are_reported():
    lapse = RightsPolicy(carry_months=0)
    entries = earned(policy=lapse)
    assert use_rights(entries=entries, member="alice", bill="B1", period_start=month(2026, 4),
                      demand_by_band={"all": 5 * KWH}, policy=lapse) == []
    entries += expire_rights(entries=entries, at=month(2026, 4))
    statement = rights_statement(entries=entries, member="alice")
    assert (statement.earned_kwh, statement.expired_kwh, statement.balance_kwh) == (
        Decimal("60"), Decimal("60"), Decimal("0"))


def test_rights_kept_by_band_only_cover_their_band():
    by_band = RightsPolicy(carry_months=12, by_band=True)
    entries = earned(policy=by_band, amounts=((1, 0),),
                     bands={"peak": 4 * KWH, "valley": 6 * KWH})
    used = use_rights(entries=entries, member="alice", bill="B1", period_start=month(2026, 2),
                      demand_by_band={"peak": 10 * KWH, "valley": 1 * KWH}, policy=by_band)
    assert sorted((e.lot.band, e.micro_kwh // KWH) for e in used) == [("peak", 4), ("valley", 1)]


def test_one_members_rights_never_serve_another():
    entries = earned() + earned(member="bob", amounts=((1, 7),))
    used = use_rights(entries=entries, member="bob", bill="B1", period_start=month(2026, 5),
                      demand_by_band={"all": 100 * KWH}, policy=YEAR)
    assert [(e.lot.member, e.micro_kwh // KWH) for e in used] == [("bob", 7)]


def test_statement_sums_the_ledger():
    entries = earned()
    entries += use_rights(entries=entries, member="alice", bill="B1",
                          period_start=month(2026, 4), demand_by_band={"all": 15 * KWH},
                          policy=YEAR)
    entries += return_rights(entries=entries, bill="B1", micro_kwh=5 * KWH)
    statement = rights_statement(entries=entries, member="alice")
    assert (statement.earned_kwh, statement.used_kwh, statement.returned_kwh,
            statement.balance_kwh) == (Decimal("60"), Decimal("15"), Decimal("5"),
                                       Decimal("50"))
    assert [(lot.earned_from.month, kwh) for lot, kwh in statement.lots] == [
        (2, Decimal("20")), (3, Decimal("30"))]


def test_bad_policy_and_negative_rights_are_refused():
    with pytest.raises(InvalidRightsOperation, match="carry_months must be a whole number"):
        RightsPolicy(carry_months=-1)
    with pytest.raises(InvalidRightsOperation, match="unused rights cannot be negative"):
        rights_earned(member="alice", unused_by_band={"all": -1}, earned_from=month(2026, 1),
                      earned_to=month(2026, 2), policy=YEAR, time_zone=ZONE)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=8), st.integers(0, 400),
       st.integers(0, 400))
def test_used_rights_stay_an_oldest_first_prefix_through_use_and_return(amounts, demand, back):
    entries = earned(amounts=[(number, kwh) for number, kwh in enumerate(amounts, start=1)])
    later = month(2026, 11)
    entries += use_rights(entries=entries, member="alice", bill="B", period_start=later,
                          demand_by_band={"all": demand * KWH}, policy=YEAR)
    held = -sum(e.signed for e in entries if e.bill == "B")
    assert held == min(demand, sum(amounts)) * KWH
    entries += return_rights(entries=entries, bill="B", micro_kwh=min(back * KWH, held))
    balances = [lot_balances(entries).get(entry.lot) for entry in entries
                if entry.kind is EntryKind.EARNED]
    earned_amounts = [kwh * KWH for kwh in amounts]
    used = [full - left for full, left in zip(earned_amounts, balances, strict=True)]
    assert all(0 <= u <= full for u, full in zip(used, earned_amounts, strict=True))
    # at most one lot is partly used, every older lot fully used, every newer one untouched
    partly = [i for i, (u, full) in enumerate(zip(used, earned_amounts, strict=True))
              if 0 < u < full]
    assert len(partly) <= 1
    boundary = partly[0] if partly else sum(1 for u in used if u)
    assert used[:boundary] == earned_amounts[:boundary]
    assert not any(used[boundary + 1:])
