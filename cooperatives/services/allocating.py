"""A cooperative's period on a slot grid: what its generators produced, who held the
rights, and what each member contract was allocated, in a constant number of queries.

`cooperative_inputs_load` reads, for any number of cooperatives at once: the cooperatives
(1 query), their generators (1), the generators' export profiles (one COPY per interval
length, through metering's bulk seam), the holdings overlapping the period (1), the
coefficients of coefficient cooperatives (1). `allocate_contracts` then calls the pure
allocation (cooperatives.domain) with the members' consumption on the same grid.

Energy is whole µkWh from the readings on (readings have six decimals, so the conversion
is exact). A generator counts on a grid of its meter's interval length only; a missing
export reading is no output (missing readings are metering's alert, not ours)."""
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from cooperatives.domain import allocate_by_coefficients, allocate_by_shares
from cooperatives.domain.shares import Holding, shares_per_interval
from cooperatives.domain.units import to_micro_kwh
from cooperatives.models import (
    Allocation,
    AllocationMethod,
    AllocationStatus,
    ContractPriority,
    Cooperative,
    Generator,
    MemberCoefficient,
    Shareholding,
)
from core.ranges import DateRange, DateTimeRange
from metering.domain.profiles import interval_profiles_load


@dataclass(frozen=True, eq=False)
class CooperativeGrid:
    """One cooperative's period on a grid: output (T,) µkWh, the members (customer ids,
    ascending: the order that receives rounding µkWh), and their weights (M, T): active
    shares, or coefficient parts per million."""

    cooperative: Cooperative
    starts: np.ndarray  # int64 UTC ns (T,)
    interval: timedelta
    output: np.ndarray
    generator_output: dict[int, np.ndarray]  # generator id -> µkWh (T,)
    members: list[int]
    weights: np.ndarray
    shares: np.ndarray  # (M, T) active shares (for reporting, whatever the method)

    def member_row(self) -> dict[int, int]:
        return {member: row for row, member in enumerate(self.members)}


def _micro(kwh: np.ndarray, *, what: str) -> np.ndarray:
    return to_micro_kwh(np.nan_to_num(kwh, nan=0.0), what=what)


def cooperative_inputs_load(*, cooperative_ids: Sequence[int], instants: DateTimeRange,
                            time_zone: str, interval_minutes: int = 30
                            ) -> dict[int, CooperativeGrid]:
    """{cooperative id: CooperativeGrid} on the grid of `interval_minutes` slots covering
    `instants` (a period's local days)."""
    coops = {c.pk: c for c in Cooperative.objects.filter(pk__in=list(cooperative_ids))}
    if not coops:
        return {}
    generators = list(Generator.objects.filter(cooperative_id__in=list(coops))
                      .select_related("export_meter").order_by("pk"))
    on_grid = [g for g in generators if g.export_meter.interval_minutes == interval_minutes]
    profiles = interval_profiles_load(meter_ids=[g.export_meter_id for g in on_grid],
                                      period=instants, interval_minutes=interval_minutes)
    slots = len(profiles.starts)
    generator_output = {g.pk: _micro(profiles.kwh[row], what=f"output of {g.name}")
                        for row, g in enumerate(on_grid)}
    holdings_by_coop: dict[int, list[Holding]] = {pk: [] for pk in coops}
    days = DateRange(instants.start.date() - timedelta(days=1),
                     instants.end.date() + timedelta(days=1))
    for h in (Shareholding.objects.filter(cooperative_id__in=list(coops))
              .overlapping(days.start, days.end).order_by("member_id", "pk")):
        holdings_by_coop[h.cooperative_id].append(Holding(
            member=h.member_id, shares=h.shares, active_from=h.active_from,
            active_to=h.active_to))
    coefficients: dict[int, dict[int, int]] = {}
    if any(c.allocation_method == AllocationMethod.COEFFICIENTS for c in coops.values()):
        for row in MemberCoefficient.objects.filter(cooperative_id__in=list(coops)).order_by(
                "member_id"):
            coefficients.setdefault(row.cooperative_id, {})[row.member_id] = row.coefficient
    found = {}
    for pk, coop in coops.items():
        output = np.zeros(slots, dtype=np.int64)
        mine = {g.pk: generator_output[g.pk] for g in on_grid if g.cooperative_id == pk}
        for series in mine.values():
            output += series
        holdings = holdings_by_coop[pk]
        members = sorted({h.member for h in holdings} | set(coefficients.get(pk, {})))
        shares = shares_per_interval(holdings=holdings, members=members,
                                     interval_starts=profiles.starts, time_zone=time_zone) \
            if holdings else np.zeros((len(members), slots), dtype=np.int64)
        if coop.allocation_method == AllocationMethod.COEFFICIENTS:
            weights = [coefficients.get(pk, {}).get(m, 0) for m in members]
        else:
            weights = shares
        found[pk] = CooperativeGrid(cooperative=coop, starts=profiles.starts,
                                    interval=profiles.interval, output=output,
                                    generator_output=mine, members=members,
                                    weights=weights, shares=shares)
    return found


@dataclass(frozen=True)
class ContractDemand:
    """A member contract's consumption on the grid (µkWh, zero outside its days)."""

    contract_id: int
    member_id: int
    consumption: np.ndarray  # int64 (T,)
    held: bool = False  # a LIVE allocation on another bill (`held_elsewhere`), not billed here


# Priority of what a member already holds on other bills of the period: served before the
# contracts being billed (lower first), so those get only what the member's rights have left.
HELD_FIRST = -1


def held_elsewhere(*, cooperative_id: int, member_ids: Sequence[int], period: DateRange,
                   first_at, minutes: int, size: int,
                   contract_ids: Sequence[int]) -> list[ContractDemand]:
    """The LIVE allocations of this cooperative and period to these members' contracts
    that are not being billed now (another chunk, or the account not corrected), as
    demands of exactly what they were given. A member's rights are shared by all their
    contracts: without these, a member whose accounts are billed apart would get their
    rights once per bill. Allocations on another grid (other start or interval length)
    are not comparable interval by interval and are left out (docs/cooperatives.md)."""
    rows = (Allocation.objects.filter(
        cooperative_id=cooperative_id, member_id__in=list(member_ids),
        period_start=period.start, period_end=period.end, status=AllocationStatus.LIVE,
        first_interval_at=first_at, interval_minutes=minutes)
        .exclude(contract_id__in=list(contract_ids))
        .order_by("contract_id").values_list("contract_id", "member_id", "detail"))
    held = []
    for contract_id, member_id, detail in rows:
        given = np.frombuffer(zlib.decompress(bytes(detail)), dtype="<i8").astype(np.int64)
        if len(given) == size:
            held.append(ContractDemand(contract_id=contract_id, member_id=member_id,
                                       consumption=given, held=True))
    return held


def allocate_contracts(*, grid: CooperativeGrid, demands: Sequence[ContractDemand],
                       priorities: Mapping[int, int] | None = None):
    """The pure allocation of `grid`'s output to these contracts (of its members; others
    are left out). Members with no contract here keep their rights unused (surplus)."""
    rows = grid.member_row()
    mine = [d for d in demands if d.member_id in rows]
    consumption = (np.stack([d.consumption for d in mine]) if mine
                   else np.zeros((0, len(grid.output)), dtype=np.int64))
    contract_member = np.array([rows[d.member_id] for d in mine], dtype=np.int64)
    priority = None
    if priorities:
        priority = np.array([priorities.get(d.contract_id, 2**15) for d in mine],
                            dtype=np.int64)
    arguments = dict(output=grid.output, consumption=consumption,
                     contract_member=contract_member, contract_priority=priority,
                     interval_starts=grid.starts)
    if grid.cooperative.allocation_method == AllocationMethod.COEFFICIENTS:
        if not grid.members:
            return mine, allocate_by_shares(shares=np.zeros((0, len(grid.output)),
                                                            dtype=np.int64), **arguments)
        return mine, allocate_by_coefficients(coefficients=grid.weights, **arguments)
    return mine, allocate_by_shares(shares=grid.weights, **arguments)


def contract_priorities(*, contract_ids: Sequence[int]) -> dict[int, int]:
    return dict(ContractPriority.objects.filter(contract_id__in=list(contract_ids))
                .values_list("contract_id", "priority"))


def memberships_of(*, customer_ids: Sequence[int], days: DateRange) -> dict[int, list[int]]:
    """{cooperative id: member customer ids} for these customers holding shares (or a
    coefficient) some day of `days` (two queries)."""
    found: dict[int, set[int]] = {}
    for coop, member in (Shareholding.objects.filter(member_id__in=list(customer_ids))
                         .overlapping(days.start, days.end)
                         .values_list("cooperative_id", "member_id")):
        found.setdefault(coop, set()).add(member)
    for coop, member in (MemberCoefficient.objects.filter(member_id__in=list(customer_ids),
                                                           coefficient__gt=0)
                         .values_list("cooperative_id", "member_id")):
        found.setdefault(coop, set()).add(member)
    return {coop: sorted(members) for coop, members in sorted(found.items())}
