"""The generation source billing calls (settings.BILLING_GENERATION_SOURCE; see
billing/domain/generation.py): allocates the cooperatives' output to the members'
contracts of a chunk, and records and returns allocations as bills are written and
cancelled.

A chunk costs two queries when none of its customers is a member (the memberships), and a
constant number more when some are (allocating.cooperative_inputs_load). A member's rights
are exact whatever the chunk: they depend on the output and every member's shares, all
loaded; consumption matters only for the member's own contracts. A member of two
cooperatives is served by them in id order, each from what the previous left. Cooperatives
that carry rights (`rights_carry_months` > 0) then cover what is still left from the
members' lots of earlier periods and record this period's lots (carrying.py: the rule, its
queries and locks)."""
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from billing.domain.generation import ContractGeneration
from cooperatives.domain import generation_line
from cooperatives.domain.units import kwh_decimal
from cooperatives.models import Allocation, AllocationStatus, CarriedRights, Cooperative
from core.ranges import DateRange, local_days

from .allocating import (
    HELD_FIRST,
    ContractDemand,
    allocate_contracts,
    contract_priorities,
    cooperative_inputs_load,
    held_elsewhere,
    memberships_of,
)
from .carrying import (
    carried_return,
    carried_write,
    lots_record,
    member_draw,
    own_lots_check,
    usable_lots_lock,
)


def detail_pack(micro_kwh: np.ndarray) -> bytes:
    return zlib.compress(np.asarray(micro_kwh, dtype="<i8").tobytes())


def detail_unpack(data: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(bytes(data)), dtype="<i8").astype(np.int64)


class CooperativeGenerationSource:
    def allocate(self, *, period: DateRange, time_zone: str, contracts: Sequence,
                 grids: Mapping) -> dict[int, list[ContractGeneration]]:
        members_of = memberships_of(customer_ids=sorted({c.customer_id for c in contracts}),
                                    days=period)
        if not members_of:
            return {}
        instants = local_days(period, time_zone)
        chunk_contracts = [c.contract_id for c in contracts]
        priorities = contract_priorities(contract_ids=chunk_contracts)
        found: dict[int, list[ContractGeneration]] = {}
        rights: dict[tuple[int, int], int] = defaultdict(int)  # (coop, member) -> µkWh
        carrying: dict[int, Cooperative] = {}
        usable = None
        for minutes, grid in grids.items():
            demands = self._demands(contracts, grid, minutes, members_of)
            if not demands:
                continue
            inputs = cooperative_inputs_load(cooperative_ids=list(members_of),
                                             instants=instants, time_zone=time_zone,
                                             interval_minutes=minutes)
            first_at = pd.Timestamp(int(grid.starts[0]), tz="UTC").to_pydatetime()
            for coop_id in sorted(inputs):
                coop_grid = inputs[coop_id]
                held = held_elsewhere(cooperative_id=coop_id, member_ids=members_of[coop_id],
                                      period=period, first_at=first_at, minutes=minutes,
                                      size=len(grid.starts), contract_ids=chunk_contracts)
                served, allocation = allocate_contracts(
                    grid=coop_grid, demands=[*held, *demands],
                    priorities={**priorities, **{h.contract_id: HELD_FIRST for h in held}})
                rows = coop_grid.member_row()
                coop = coop_grid.cooperative
                if coop.rights_carry_months:
                    carrying[coop_id] = coop
                    for member in sorted({d.member_id for d in served}):
                        rights[coop_id, member] += int(allocation.rights[rows[member]].sum())
                for demand, allocated in zip(served, allocation.allocated, strict=True):
                    if demand.held:  # already on another bill: it only takes its share first
                        continue
                    total = int(allocated.sum())
                    demand.consumption[:] -= allocated  # the next cooperative's demand
                    if total == 0:
                        continue
                    line = generation_line(allocated_by_band={"all": total},
                                           unit_price=coop.generation_price)
                    right = int(allocation.rights[rows[demand.member_id]].sum())
                    found.setdefault(demand.contract_id, []).append(ContractGeneration(
                        contract_id=demand.contract_id,
                        description=f"Community generation: {coop.name} ({coop.code})",
                        micro_kwh=allocated.copy(), quantity=line.quantity,
                        unit_price=line.unit_price, amount=line.amount,
                        record={"cooperative_id": coop_id, "member_id": demand.member_id,
                                "right_kwh": kwh_decimal(right), "first_at": first_at,
                                "minutes": minutes,
                                "carrying": bool(coop.rights_carry_months)}))
            if not carrying:
                continue
            if usable is None:  # once per chunk: the lots stay locked until it commits
                usable = usable_lots_lock(
                    cooperative_ids=sorted(carrying),
                    member_ids=sorted({m for pk in carrying for m in members_of[pk]}),
                    period=period, time_zone=time_zone,
                    contract_ids=[c.contract_id for c in contracts])
            self._carried(found, usable=usable, carrying=carrying, demands=demands,
                          period=period, priorities=priorities, first_at=first_at,
                          minutes=minutes)
        if rights:
            lots_record(rights=rights, period=period, time_zone=time_zone,
                        carry_months={pk: c.rights_carry_months for pk, c in carrying.items()})
        return found

    @staticmethod
    def _carried(found, *, usable, carrying, demands, period, priorities, first_at, minutes):
        """Each member's remaining consumption covered from their carried lots, after every
        cooperative's allocation of this grid (services/carrying.py has the rule)."""
        by_member = defaultdict(list)
        for demand in demands:
            by_member[demand.member_id].append(demand)
        for coop_id, coop in sorted(carrying.items()):
            for member_id, mine in sorted(by_member.items()):
                for draw in member_draw(usable=usable, cooperative_id=coop_id,
                                        carry_months=coop.rights_carry_months,
                                        member_id=member_id, period=period, demands=mine,
                                        priorities=priorities):
                    line = generation_line(allocated_by_band={"all": int(draw.micro_kwh.sum())},
                                           unit_price=coop.generation_price)
                    found.setdefault(draw.contract_id, []).append(ContractGeneration(
                        contract_id=draw.contract_id,
                        description=f"Community generation carried over: {coop.name} "
                                    f"({coop.code})",
                        micro_kwh=draw.micro_kwh, quantity=line.quantity,
                        unit_price=line.unit_price, amount=line.amount,
                        record={"carried": True, "cooperative_id": coop_id,
                                "member_id": member_id, "lots": draw.lots,
                                "first_at": first_at, "minutes": minutes}))

    @staticmethod
    def _demands(contracts, grid, minutes, members_of) -> list[ContractDemand]:
        members = {m for ids in members_of.values() for m in ids}
        demands = []
        for contract in contracts:
            if contract.customer_id not in members:
                continue
            imports = [m.id for m in contract.meters
                       if m.direction == "IMPORT" and m.interval_minutes == minutes]
            rows = [grid.row_of[m] for m in imports if m in grid.row_of]
            if not rows:
                continue
            consumption = np.zeros(len(grid.starts), dtype=np.int64)
            slots = grid.day_slots(contract.days)
            for row in rows:
                consumption[slots] += np.rint(
                    np.nan_to_num(grid.kwh[row, slots]) * 1_000_000).astype(np.int64)
            demands.append(ContractDemand(contract_id=contract.contract_id,
                                          member_id=contract.customer_id,
                                          consumption=consumption))
        return demands

    def bills_written(self, *, bills: Sequence[tuple[int, object]], now: datetime) -> None:
        """One LIVE allocation (and carried row) per contract, cooperative and period (unique
        indexes: the chunk fails rather than allocate or draw twice); neither an allocation
        nor a draw may leave a carried lot below zero (carrying.py)."""
        written = [(bill_id, priced, g) for bill_id, priced in bills for g in priced.generation]
        allocated = [(bill_id, priced, g) for bill_id, priced, g in written
                     if not g.record.get("carried")]
        allocations = Allocation.objects.bulk_create([
            Allocation(cooperative_id=g.record["cooperative_id"],
                       member_id=g.record["member_id"], contract_id=g.contract_id,
                       bill_id=bill_id, period_start=priced.period.start,
                       period_end=priced.period.end, kwh=g.quantity,
                       right_kwh=g.record["right_kwh"], unit_price=g.unit_price,
                       amount=g.amount, first_interval_at=g.record["first_at"],
                       interval_minutes=g.record["minutes"], detail=detail_pack(g.micro_kwh),
                       created_at=now)
            for bill_id, priced, g in allocated])
        own_lots_check(allocated={
            (a.cooperative_id, a.member_id, a.period_start, a.period_end)
            for a, (_, _, g) in zip(allocations, allocated, strict=True)
            if g.record["carrying"]})
        carried_write(rows=[
            (CarriedRights(cooperative_id=g.record["cooperative_id"],
                           member_id=g.record["member_id"], contract_id=g.contract_id,
                           bill_id=bill_id, period_start=priced.period.start,
                           period_end=priced.period.end, kwh=g.quantity,
                           unit_price=g.unit_price, amount=g.amount,
                           first_interval_at=g.record["first_at"],
                           interval_minutes=g.record["minutes"],
                           detail=detail_pack(g.micro_kwh), created_at=now),
             g.record["lots"])
            for bill_id, priced, g in written if g.record.get("carried")])

    def bills_cancelled(self, *, bill_ids: Sequence[int], now: datetime) -> None:
        """The bills' allocations and carried rights are RETURNED: the period's rights and
        the lots they drew from are free again for the replacement."""
        Allocation.objects.filter(bill_id__in=list(bill_ids),
                                  status=AllocationStatus.LIVE).update(
            status=AllocationStatus.RETURNED, returned_at=now)
        carried_return(bill_ids=bill_ids, now=now)


SOURCE = CooperativeGenerationSource()
