"""A cooperative's billing period as a whole: `coop_allocate` and the period settlement.

Besides the period's own energy balance, each member line reports the rights figures
(services/carrying.py): unused (right − allocated), carried (drawn from earlier lots by this
period's LIVE bills), expired (lapsed at the period's end) and the balance still usable
after it. Carried kWh are not in generated/allocated/surplus: they came out of stored lots.

The same allocation the bills make (allocating.py), for every member contract at once:
members' accounts' contracts (the billable seam, 3 queries), their import profiles (one
COPY), the cooperative's inputs (allocating.cooperative_inputs_load). The surplus is sold
at the cooperative's spot instrument (one query) and recorded as a PeriodSettlement."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from accounts.domain.billable import billable_contracts
from accounts.models import Account, Customer
from cooperatives.domain import surplus_revenue
from cooperatives.domain.units import kwh_decimal
from cooperatives.models import Cooperative, PeriodSettlement
from core.money import ZERO
from core.ranges import DateRange, DateTimeRange, local_days
from market.domain.series import price_series_load, prices_on_grid
from metering.domain.profiles import interval_profiles_load

from .allocating import (
    ContractDemand,
    allocate_contracts,
    contract_priorities,
    cooperative_inputs_load,
)
from .carrying import MemberCarry, carry_report

ZERO_KWH = kwh_decimal(0)


@dataclass(frozen=True)
class MemberLine:
    customer: str
    shares: int
    right_kwh: Decimal
    allocated_kwh: Decimal
    unused_kwh: Decimal = ZERO_KWH  # right − allocated: the period's lot (or surplus)
    carried_kwh: Decimal = ZERO_KWH  # drawn from earlier lots by this period's bills
    expired_kwh: Decimal = ZERO_KWH  # rights that lapsed at this period's end
    carried_balance_kwh: Decimal = ZERO_KWH  # held in lots still usable after it


@dataclass(frozen=True)
class PeriodAllocation:
    cooperative: Cooperative
    period: DateRange
    starts: np.ndarray
    generated: np.ndarray  # µkWh (T,)
    allocated: np.ndarray  # µkWh (T,) all members
    surplus: np.ndarray  # µkWh (T,)
    members: list[MemberLine]
    per_contract: dict[int, int]  # contract id -> allocated µkWh

    def as_dict(self) -> dict:
        """The documented keys, then the rights figures (carried kWh are not part of the
        period's energy balance: generated = allocated + surplus without them)."""
        extra = ("unused_kwh", "carried_kwh", "expired_kwh", "carried_balance_kwh")
        return {
            "generated_kwh": str(kwh_decimal(self.generated.sum())),
            "allocated_kwh": str(kwh_decimal(self.allocated.sum())),
            "surplus_kwh": str(kwh_decimal(self.surplus.sum())),
            "members": [{"customer": m.customer, "shares": m.shares,
                         "right_kwh": str(m.right_kwh), "allocated_kwh": str(m.allocated_kwh),
                         **{key: str(getattr(m, key)) for key in extra}}
                        for m in self.members],
            "rights_carry_months": self.cooperative.rights_carry_months,
            **{key: str(sum((getattr(m, key) for m in self.members), ZERO_KWH))
               for key in extra},
        }


def demands_load(*, member_ids, period: DateRange, time_zone: str, starts: np.ndarray,
                 interval_minutes: int) -> list[ContractDemand]:
    """Every contract of these members supplying a day of `period`, with its import
    meters' consumption on the grid `starts` (one COPY for all meters)."""
    account_ids = list(Account.objects.filter(customer_id__in=list(member_ids))
                       .values_list("pk", flat=True))
    billable = billable_contracts(period=period, time_zone=time_zone, account_ids=account_ids)
    contracts = [c for c in billable.contracts
                 if any(m.direction == "IMPORT" and m.interval_minutes == interval_minutes
                        for m in c.meters)]
    meter_ids = sorted({m.id for c in contracts for m in c.meters
                        if m.direction == "IMPORT" and m.interval_minutes == interval_minutes})
    instants = local_days(period, time_zone)
    profiles = interval_profiles_load(meter_ids=meter_ids, period=instants,
                                      interval_minutes=interval_minutes)
    row_of = {int(m): row for row, m in enumerate(profiles.meter_ids)}
    micro = np.rint(np.nan_to_num(profiles.kwh) * 1_000_000).astype(np.int64)
    step = interval_minutes * 60 * 1_000_000_000
    demands = []
    for contract in contracts:
        consumption = np.zeros(len(starts), dtype=np.int64)
        for meter in contract.meters:
            if meter.direction == "IMPORT" and meter.id in row_of:
                consumption += micro[row_of[meter.id]]
        lo = (pd.Timestamp(contract.instants.start).as_unit("ns").value - int(starts[0])) // step
        hi = (pd.Timestamp(contract.instants.end).as_unit("ns").value - int(starts[0])) // step
        consumption[:max(lo, 0)] = 0
        consumption[max(hi, 0):] = 0
        demands.append(ContractDemand(contract_id=contract.contract_id,
                                      member_id=contract.customer_id, consumption=consumption))
    return demands


def cooperative_period_allocate(*, cooperative: Cooperative, period: DateRange,
                                time_zone: str, interval_minutes: int = 30) -> PeriodAllocation:
    """The period's output allocated to every member contract (a read: nothing written)."""
    instants = local_days(period, time_zone)
    grid = cooperative_inputs_load(cooperative_ids=[cooperative.pk], instants=instants,
                                   time_zone=time_zone,
                                   interval_minutes=interval_minutes)[cooperative.pk]
    demands = demands_load(member_ids=grid.members, period=period, time_zone=time_zone,
                           starts=grid.starts, interval_minutes=interval_minutes)
    mine, allocation = allocate_contracts(
        grid=grid, demands=demands,
        priorities=contract_priorities(contract_ids=[d.contract_id for d in demands]))
    references = dict(Customer.objects.filter(pk__in=grid.members)
                      .values_list("pk", "reference"))
    totals = allocation.member_totals(members=grid.members)
    shares = grid.shares.max(axis=1) if grid.shares.size else np.zeros(len(grid.members))
    carry = carry_report(cooperative=cooperative, period=period, time_zone=time_zone,
                         unused_micro=dict(zip(grid.members, allocation.unused.sum(axis=1)
                                               .tolist(), strict=True)))
    nothing = MemberCarry(carried_kwh=ZERO_KWH, expired_kwh=ZERO_KWH, balance_kwh=ZERO_KWH)
    if set(carry) - set(grid.members):  # members of earlier periods only
        references.update(Customer.objects.filter(pk__in=set(carry) - set(grid.members))
                          .values_list("pk", "reference"))
    lines = [MemberLine(customer=references[t.member], shares=int(s), right_kwh=t.right_kwh,
                        allocated_kwh=t.allocated_kwh, unused_kwh=t.unused_kwh,
                        carried_kwh=carry.get(t.member, nothing).carried_kwh,
                        expired_kwh=carry.get(t.member, nothing).expired_kwh,
                        carried_balance_kwh=carry.get(t.member, nothing).balance_kwh)
             for t, s in zip(totals, shares, strict=True)]
    lines += [MemberLine(customer=references[m], shares=0, right_kwh=ZERO_KWH,
                         allocated_kwh=ZERO_KWH, carried_kwh=c.carried_kwh,
                         expired_kwh=c.expired_kwh, carried_balance_kwh=c.balance_kwh)
              for m, c in carry.items() if m not in set(grid.members)]
    members = sorted(lines, key=lambda m: m.customer)
    return PeriodAllocation(
        cooperative=cooperative, period=period, starts=grid.starts,
        generated=allocation.generated, allocated=allocation.allocated.sum(axis=0),
        surplus=allocation.surplus, members=members,
        per_contract={d.contract_id: int(a.sum())
                      for d, a in zip(mine, allocation.allocated, strict=True)})


def surplus_sale(*, result: PeriodAllocation, interval_minutes: int = 30):
    """The surplus sold at the cooperative's spot instrument (prices × its multiplier)."""
    coop = result.cooperative
    if not coop.spot_instrument or not result.surplus.any():
        return surplus_revenue(surplus=result.surplus,
                               price_per_kwh=np.zeros(len(result.surplus)))
    instants = pd.DatetimeIndex(result.starts, tz="UTC")
    lo = instants[0].to_pydatetime()
    hi = (instants[-1] + pd.Timedelta(minutes=interval_minutes)).to_pydatetime()
    series = price_series_load(instrument_codes=[coop.spot_instrument],
                               period=DateTimeRange(lo, hi))
    prices = prices_on_grid(series=series, step_minutes=interval_minutes)[coop.spot_instrument]
    per_kwh = (prices.reindex(instants).to_numpy(dtype=np.float64)
               * float(coop.spot_multiplier))
    return surplus_revenue(surplus=result.surplus, price_per_kwh=per_kwh,
                           interval_starts=result.starts)


def period_settle(*, result: PeriodAllocation, now: datetime) -> PeriodSettlement:
    """Record (or replace) the period's settlement: energy balance and surplus revenue."""
    sale = surplus_sale(result=result)
    settlement, _ = PeriodSettlement.objects.update_or_create(
        cooperative=result.cooperative, period_start=result.period.start,
        period_end=result.period.end,
        defaults={"generated_kwh": kwh_decimal(result.generated.sum()),
                  "allocated_kwh": kwh_decimal(result.allocated.sum()),
                  "surplus_kwh": kwh_decimal(result.surplus.sum()),
                  "surplus_revenue": sale.amount if sale.amount is not None else ZERO,
                  "settled_at": now})
    return settlement
