"""A member whose contracts are on two accounts billed apart (two runs here; two chunks or
a correction of one account alike) gets their rights once, not once per bill: each bill
takes only what the member's other LIVE allocations of the period have left.

September 2026 as in test_member_bill.py: the plant exports 2 kWh a half-hour from 10:00
to 14:00 (240 sunny half-hours). M1 holds 1 of 4 shares: a right of 0.5 kWh a sunny
half-hour, 120 kWh in the month. M1's account A uses 1 kWh every half-hour, account B
0.3 kWh.
"""
from decimal import Decimal

import numpy as np

from accounts.models import Account
from cooperatives.models import Allocation
from cooperatives.services.billing_seam import detail_unpack
from cooperatives.services.period import cooperative_period_allocate
from metering.models import Meter
from tests.billing.conftest import bill_now
from tests.billing.test_hand_worked_bills import economy7
from tests.billing.world import LONDON, household, product, readings
from tests.cooperatives.test_member_bill import SEPTEMBER, correct_at_eleven, live, sunny
from tests.cooperatives.world import cooperative, generator, member


def _world():
    version = product("COOP-E7", economy7(standing="0.40"))
    coop = cooperative("SUNNY")
    plant = generator(coop)
    readings(plant.export_meter, SEPTEMBER, sunny)
    first, first_meter, _ = household("M1", version)
    readings(first_meter, SEPTEMBER, "1")
    second = Account.objects.create(customer=first.customer, number="M1-B")
    _, second_meter, _ = household("M1B", version, account=second)
    readings(second_meter, SEPTEMBER, "0.3")
    member(coop, first.customer, 1)
    m2, _, _ = household("M2", version)
    member(coop, m2.customer, 3)
    return coop, first, second


def _given(account) -> np.ndarray:
    return detail_unpack(Allocation.objects.get(bill=live(account), status="LIVE").detail)


def _member_total_within_right(coop):
    result = cooperative_period_allocate(cooperative=coop, period=SEPTEMBER,
                                         time_zone=LONDON)
    assert (result.generated == result.allocated + result.surplus).all()
    return result.as_dict()["members"][0]


def test_the_second_account_billed_later_gets_only_what_the_first_left(in_alpha):
    coop, first, second = _world()
    bill_now(SEPTEMBER, account_ids=[first.pk])
    bill_now(SEPTEMBER, account_ids=[second.pk])
    assert _given(first).sum() == 120_000_000  # 0.5 in each of the 240 sunny half-hours
    # nothing left for B: before, it got min(0.5, 0.3) again, 72 kWh more than the right
    assert not Allocation.objects.filter(bill=live(second)).exists()
    assert [line.kind for line in live(second).lines.all()].count("generation") == 0
    figures = _member_total_within_right(coop)
    assert (figures["customer"], figures["allocated_kwh"]) == ("M1", "120.000000")


def test_billed_the_other_way_round_the_rights_are_shared_the_same(in_alpha):
    coop, first, second = _world()
    bill_now(SEPTEMBER, account_ids=[second.pk])
    bill_now(SEPTEMBER, account_ids=[first.pk])
    b, a = _given(second), _given(first)
    assert b.sum() == 72_000_000 and a.sum() == 48_000_000  # 0.3 + 0.2 a sunny half-hour
    assert ((a + b) <= 500_000).all() and (a + b).max() == 500_000
    assert live(first).lines.get(kind="generation").quantity == Decimal("48")
    figures = _member_total_within_right(coop)
    assert figures["allocated_kwh"] == "120.000000"


def test_correcting_one_account_keeps_the_other_accounts_share(in_alpha):
    coop, first, second = _world()
    bill_now(SEPTEMBER, account_ids=[second.pk])
    bill_now(SEPTEMBER, account_ids=[first.pk])
    before = live(first)
    # A's estimated reading at 11:00 on 10 September (a sunny half-hour) was really 0.1.
    # The correction bills account A alone: B's 0.3 there stays B's, A gets min(0.2, 0.1).
    correct_at_eleven(Meter.objects.get(serial="M1-M"), first, "0.1")
    replacement = live(first)
    assert replacement.replaces_id == before.pk
    assert _given(second).sum() == 72_000_000
    assert _given(first).sum() == 47_900_000  # 48 - 0.2 + 0.1
    assert _member_total_within_right(coop)["allocated_kwh"] == "119.900000"
