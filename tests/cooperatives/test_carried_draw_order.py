"""The order in which a bill draws carried rights (services/carrying.member_draw), on plain
values (unsaved lot rows, no database): contracts by the member's priority, each filled
before the next; lots oldest first, handed out contract by contract; an expired lot is
never drawn; placement in proportion to each interval's remaining consumption.

Member 7 has two usable lots for August 2026: June's (2 kWh) and July's (5 kWh), and May's
(10 kWh) that expired on 1 August. Contract 11 (priority 1) still needs [1, 2] kWh in two
intervals, contract 10 (no priority) [3, 3]: 9 kWh wanted, 7 held. Contract 11 gets 3 kWh
([1, 2]: 2 from June, 1 from July); contract 10 the remaining 4 kWh of July, in proportion
to [3, 3]: [2, 2]."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from cooperatives.models import RightsLot
from cooperatives.services.allocating import ContractDemand
from cooperatives.services.carrying import UsableLots, member_draw
from core.ranges import DateRange

LONDON = ZoneInfo("Europe/London")
AUGUST = DateRange(date(2026, 8, 1), date(2026, 9, 1))


def lot(pk: int, start: date, end: date, expires: date) -> RightsLot:
    return RightsLot(pk=pk, cooperative_id=1, member_id=7, period_start=start, period_end=end,
                     right_kwh=Decimal(20), expires_at=datetime(expires.year, expires.month,
                                                                 expires.day, tzinfo=LONDON))


def test_priority_contract_first_oldest_lot_first_expired_lots_never():
    usable = UsableLots(
        rows={1: lot(1, date(2026, 5, 1), date(2026, 6, 1), date(2026, 8, 1)),
              2: lot(2, date(2026, 6, 1), date(2026, 7, 1), date(2026, 12, 1)),
              3: lot(3, date(2026, 7, 1), date(2026, 8, 1), date(2027, 1, 1))},
        balance={1: 10_000_000, 2: 2_000_000, 3: 5_000_000}, time_zone="Europe/London")
    demands = [ContractDemand(contract_id=10, member_id=7,
                              consumption=np.array([3_000_000, 3_000_000])),
               ContractDemand(contract_id=11, member_id=7,
                              consumption=np.array([1_000_000, 2_000_000]))]
    draws = member_draw(usable=usable, cooperative_id=1, carry_months=4, member_id=7,
                        period=AUGUST, demands=demands, priorities={11: 1})
    assert [(d.contract_id, d.micro_kwh.tolist(), d.lots) for d in draws] == [
        (11, [1_000_000, 2_000_000], [(2, 2_000_000), (3, 1_000_000)]),
        (10, [2_000_000, 2_000_000], [(3, 4_000_000)])]
    assert usable.balance == {1: 10_000_000, 2: 0, 3: 0}
    # What is left for the tariff: nothing of contract 11, [1, 1] kWh of contract 10.
    assert [d.consumption.tolist() for d in demands] == [[1_000_000, 1_000_000], [0, 0]]
    # Nothing more to draw: a second call takes nothing.
    assert member_draw(usable=usable, cooperative_id=1, carry_months=4, member_id=7,
                       period=AUGUST, demands=demands, priorities={11: 1}) == []


def test_a_member_without_usable_lots_draws_nothing():
    usable = UsableLots(rows={}, balance={}, time_zone="Europe/London")
    demand = ContractDemand(contract_id=10, member_id=7, consumption=np.array([5, 5]))
    assert member_draw(usable=usable, cooperative_id=1, carry_months=1, member_id=7,
                       period=AUGUST, demands=[demand], priorities={}) == []
    assert demand.consumption.tolist() == [5, 5]
