"""Hourly rights: a plant's output shared among members and capped by their consumption.

For every interval t (vectorised over members x intervals, no Python loop over either):

    right[m, t]     = output[t] x weight[m, t] / Σ weight[:, t]
    allocated[c, t] = min(what is left of right[member of c, t], consumption[c, t]),
                      a member's contracts served in priority order
    unused[m, t]    = right[m, t] - Σ allocated[m's contracts, t]
    surplus[t]      = output[t] - Σ allocated[:, t]             (= Σ unused[:, t])

The weight is the member's active shares in that interval (`allocate_by_shares`: EU
collective self-consumption and Som Energia's hourly rights), or a fixed coefficient
(`allocate_by_coefficients`: Spanish collective self-consumption, see coefficients.py). An
interval with no active shares gives no rights: all its output is surplus.

Units and exactness: every energy array is int64 µkWh (units.py). Rights use cumulative
rounding: with W[m] the running sum of weights over members 0..m,
right[m] = ⌊output x W[m] / W_total⌋ - ⌊output x W[m-1] / W_total⌋, so each right is its exact
quotient rounded down or up (never further off than 1 µkWh) and an interval's rights add up
to its output exactly; the member order decides who gets the rounding µkWh. Capping and
subtracting are integer minimums and differences, so for every interval and every contract:

    Σ allocated + surplus = generated, exactly;  allocated ≤ consumption;  allocated ≤ right.

Contract priority: `contract_priority` (lower first) when the member set one, then the
contract with the higher consumption over the whole period, then the contract's position.
"""
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from core.errors import GridlineError

from .coefficients import coefficient_parts
from .intervals import starts_ns
from .units import kwh_decimal

INT64_LIMIT = 2**63 - 1


class InvalidAllocationInput(GridlineError):
    code = "invalid_allocation_input"


@dataclass(frozen=True, eq=False)
class Allocation:
    """The result; every array is int64 µkWh. M members, C contracts, T intervals."""

    generated: np.ndarray  # (T,)
    rights: np.ndarray  # (M, T)
    allocated: np.ndarray  # (C, T)
    unused: np.ndarray  # (M, T)
    surplus: np.ndarray  # (T,)
    contract_member: np.ndarray  # (C,) the member row of each contract
    serving_order: np.ndarray  # (C,) contract rows in the order they were served

    def allocated_per_member(self) -> np.ndarray:
        """(M,) µkWh allocated to each member's contracts over the period."""
        totals = np.zeros(len(self.rights), dtype=np.int64)
        np.add.at(totals, self.contract_member, self.allocated.sum(axis=1))
        return totals

    def member_totals(self, *, members: Sequence[Hashable]) -> list["MemberTotals"]:
        """Per member over the period: right, allocated and unused kWh (Decimal)."""
        if len(members) != len(self.rights):
            raise InvalidAllocationInput(
                f"{len(members)} member names for an allocation of {len(self.rights)} members"
            )
        rights = self.rights.sum(axis=1).tolist()
        allocated = self.allocated_per_member().tolist()
        unused = self.unused.sum(axis=1).tolist()
        return [
            MemberTotals(member=member, right_kwh=kwh_decimal(r), allocated_kwh=kwh_decimal(a),
                         unused_kwh=kwh_decimal(u))
            for member, r, a, u in zip(members, rights, allocated, unused, strict=True)
        ]


@dataclass(frozen=True)
class MemberTotals:
    member: Hashable
    right_kwh: Decimal
    allocated_kwh: Decimal
    unused_kwh: Decimal


def _int_array(values, *, what: str, ndim: int) -> np.ndarray:
    array = np.asarray(values)
    if not np.issubdtype(array.dtype, np.integer):
        raise InvalidAllocationInput(
            f"{what} must hold whole µkWh (an integer array; convert kWh with to_micro_kwh), "
            f"got {array.dtype}"
        )
    if array.ndim != ndim:
        raise InvalidAllocationInput(f"{what} must have {ndim} dimension(s), got shape "
                                     f"{array.shape}")
    if array.size and array.min() < 0:
        position = tuple(int(i) for i in np.argwhere(array < 0)[0])
        raise InvalidAllocationInput(f"{what} is negative at {position}: {array[position]}")
    return array.astype(np.int64, copy=False)


def _serving_order(consumption, contract_member, contract_priority) -> tuple[np.ndarray, ...]:
    """Contract rows sorted by member, then priority; and each one's rank within its member."""
    count = len(contract_member)
    priority = np.zeros(count, dtype=np.int64) if contract_priority is None else contract_priority
    order = np.lexsort((np.arange(count), -consumption.sum(axis=1), priority, contract_member))
    sorted_members = contract_member[order]
    first_of_member = np.ones(count, dtype=bool)
    first_of_member[1:] = sorted_members[1:] != sorted_members[:-1]
    positions = np.arange(count)
    rank = positions - np.maximum.accumulate(np.where(first_of_member, positions, 0))
    return order, rank


def member_rights(*, output: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(M, T) rights: `output` shared in proportion to `weights`, exactly (cumulative rounding)."""
    running = np.cumsum(weights, axis=0)
    total = running[-1].copy() if len(running) else np.zeros_like(output)
    if output.size and total.size and int(output.max()) * int(total.max()) > INT64_LIMIT:
        raise InvalidAllocationInput(
            f"output {int(output.max())} µkWh x {int(total.max())} shares overflows 64-bit "
            "arithmetic; allocate shorter intervals or fewer share units"
        )
    np.multiply(running, output, out=running)
    np.floor_divide(running, np.where(total > 0, total, 1), out=running)
    rights = running.copy()
    rights[1:] -= running[:-1]
    return rights


def _allocate(*, output, weights, consumption, contract_member, contract_priority,
              interval_starts) -> Allocation:
    output = _int_array(output, what="output", ndim=1)
    weights = _int_array(weights, what="shares", ndim=2)
    consumption = _int_array(consumption, what="consumption", ndim=2)
    contract_member = _int_array(contract_member, what="contract_member", ndim=1)
    members, intervals = weights.shape
    if interval_starts is not None and len(starts_ns(interval_starts)) != len(output):
        raise InvalidAllocationInput(
            f"{len(interval_starts)} interval starts for {len(output)} intervals"
        )
    if intervals != len(output):
        raise InvalidAllocationInput(
            f"shares cover {intervals} intervals but output has {len(output)}"
        )
    if consumption.shape != (len(contract_member), len(output)):
        raise InvalidAllocationInput(
            f"consumption must be (contracts={len(contract_member)}, intervals={len(output)}), "
            f"got {consumption.shape}"
        )
    if len(contract_member) and contract_member.max() >= members:
        row = int(np.argmax(contract_member >= members))
        raise InvalidAllocationInput(
            f"contract {row} belongs to member row {int(contract_member[row])}, but there are "
            f"only {members} members"
        )
    if contract_priority is not None:
        contract_priority = np.asarray(contract_priority, dtype=np.int64)
        if contract_priority.shape != contract_member.shape:
            raise InvalidAllocationInput(
                f"contract_priority must have one entry per contract ({len(contract_member)}), "
                f"got shape {contract_priority.shape}"
            )

    rights = member_rights(output=output, weights=weights)
    remaining = rights.copy()
    allocated = np.zeros_like(consumption)
    order, rank = _serving_order(consumption, contract_member, contract_priority)
    # One pass per priority rank: at each rank a member has at most one contract, so the
    # gather-min-scatter below never touches a member row twice.
    for level in range(int(rank.max()) + 1 if len(rank) else 0):
        contracts = order[rank == level]
        owners = contract_member[contracts]
        taken = np.minimum(remaining[owners], consumption[contracts])
        allocated[contracts] = taken
        remaining[owners] -= taken
    surplus = output - allocated.sum(axis=0)
    return Allocation(generated=output, rights=rights, allocated=allocated, unused=remaining,
                      surplus=surplus, contract_member=contract_member, serving_order=order)


def allocate_by_shares(
    *, output, shares, consumption, contract_member, contract_priority=None, interval_starts=None
) -> Allocation:
    """Allocate by active shares per interval.

    output (T,) µkWh; shares (M, T) whole shares active per interval (shares.py builds them
    from holdings); consumption (C, T) µkWh per contract; contract_member (C,) member row of
    each contract; contract_priority (C,) optional, lower served first.
    """
    return _allocate(output=output, weights=shares, consumption=consumption,
                     contract_member=contract_member, contract_priority=contract_priority,
                     interval_starts=interval_starts)


def allocate_by_coefficients(
    *, output, coefficients, consumption, contract_member, contract_priority=None,
    interval_starts=None,
) -> Allocation:
    """Allocate by fixed coefficients (M,) or (M, T) that sum to 1 in every interval."""
    output = _int_array(output, what="output", ndim=1)
    parts = coefficient_parts(coefficients, interval_count=len(output),
                              interval_starts=interval_starts)
    return _allocate(output=output, weights=parts, consumption=consumption,
                     contract_member=contract_member, contract_priority=contract_priority,
                     interval_starts=interval_starts)
