"""Rights carried to later periods on bills (cooperatives with `rights_carry_months` > 0).

The rule (docs/cooperatives.md, "Carried rights on bills"):

- **Earning.** When a chunk allocates a period P, each member with a contract in the chunk
  gets (or keeps) one `RightsLot` per carrying cooperative: their right for P, expiring
  N calendar months after P ends (local midnight). What a lot holds is a sum: right − the
  member's LIVE allocations of P − the LIVE carried draws of later bills. So a lot holds
  exactly the member's unused rights of P (per-interval right − allocated, summed) until
  later bills draw from it, and follows a correction of P's bill.
- **Drawing.** A bill of a later period, after every cooperative's current-interval
  allocation, covers the member's remaining consumption from their usable lots, oldest
  first (`domain.use_rights`), up to the remaining consumption of all their contracts in
  the chunk. The drawn µkWh are placed with `domain.spread_over_intervals`: the member's
  contracts in order (the priority they set, then the larger remaining consumption, then
  the contract id), each contract filled completely before the next, and within a contract
  in proportion to each interval's remaining consumption (largest remainder, exact, never
  above the room). The bill prices the net profile, so the energy lines fall band by band
  by the kWh placed in each band's intervals, and gets a second line, "Community
  generation carried over", at the generation price. Lots are taken contract by contract in
  the same order, oldest lot first.
- **Idempotency and corrections.** One LIVE `CarriedRights` per contract, cooperative and
  period (a unique index). The lots a chunk reads are locked (SELECT ... FOR UPDATE) until
  its transaction ends, so two chunks never draw the same kWh. A correction prices the
  replacement before it cancels the old bill: the draws of LIVE bills of the same contracts
  and period are counted as available (they come back when the old bill is cancelled, a
  moment later in the same transaction), so the replacement sees the lots the old bill saw.
  `bills_written` re-checks that no lot it drew from went below zero, and that no lot of
  the period it allocated did (`own_lots_check`): a correction of P that allocates more
  than later bills left of P's lot is refused until those bills are cancelled first.
- Nothing here touches the period's own numbers: Σ allocated + surplus = generated still
  holds for the period's output; carried kWh come out of the member's stored lots.
"""
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import numpy as np
from django.db.models import Q, Sum

from cooperatives.domain import (
    EntryKind,
    RightsEntry,
    RightsPolicy,
    lot_expiry,
    spread_over_intervals,
    use_rights,
)
from cooperatives.domain.rights import RightsLot as LotValue  # the pure lot, not the row
from cooperatives.domain.units import kwh_decimal
from cooperatives.models import (
    Allocation,
    AllocationStatus,
    CarriedDraw,
    CarriedRights,
    RightsLot,
)
from core.errors import GridlineError
from core.ranges import DateRange, local_days

MICRO = Decimal(1_000_000)


class LotOverdrawn(GridlineError):
    code = "rights_lot_overdrawn"
    status = 409


class RightsAlreadyCarried(GridlineError):
    """A period's allocation would use rights a later bill already carried away."""

    code = "rights_already_carried"
    status = 409


def micro_of(kwh: Decimal) -> int:
    """Decimal kWh (six decimals) -> whole µkWh, exactly."""
    return int(Decimal(kwh) * MICRO)


def lots_record(*, rights: Mapping[tuple[int, int], int], carry_months: Mapping[int, int],
                period: DateRange, time_zone: str) -> None:
    """Write (or rewrite: same row) the lot of `period` for each (cooperative, member) in
    `rights` (µkWh: the member's right for the period). One statement; `created_at` is the
    database's clock (pricing is given no "now")."""
    if not rights:
        return
    earned_to = local_days(period, time_zone).end
    RightsLot.objects.bulk_create(
        [RightsLot(cooperative_id=coop, member_id=member, period_start=period.start,
                   period_end=period.end, right_kwh=kwh_decimal(micro),
                   expires_at=lot_expiry(earned_to=earned_to,
                                         policy=RightsPolicy(carry_months=carry_months[coop]),
                                         time_zone=time_zone))
         for (coop, member), micro in sorted(rights.items())],
        update_conflicts=True,
        unique_fields=["cooperative", "member", "period_start", "period_end"],
        update_fields=["right_kwh", "expires_at"])


def _used_in_own_period(lots: Sequence[RightsLot]) -> dict[int, int]:
    """µkWh of each lot's right the member's LIVE allocations of its period used (1 query)."""
    if not lots:
        return {}
    key = {(lot.cooperative_id, lot.member_id, lot.period_start, lot.period_end): lot.pk
           for lot in lots}
    rows = (Allocation.objects.filter(
        status=AllocationStatus.LIVE, cooperative_id__in={k[0] for k in key},
        member_id__in={k[1] for k in key}, period_start__in={k[2] for k in key})
        .values_list("cooperative_id", "member_id", "period_start", "period_end")
        .annotate(kwh=Sum("kwh")).order_by())
    return {key[row[:4]]: micro_of(row[4]) for row in rows if row[:4] in key}


def _drawn(lots: Sequence[RightsLot], *, but_not: Q | None = None) -> dict[int, int]:
    """µkWh each lot gave to LIVE carried rows (1 query), leaving out `but_not`'s rows."""
    if not lots:
        return {}
    draws = CarriedDraw.objects.filter(lot_id__in=[lot.pk for lot in lots],
                                       carried__status=AllocationStatus.LIVE)
    if but_not is not None:
        draws = draws.exclude(but_not)
    return {lot: micro_of(kwh) for lot, kwh in
            draws.values_list("lot_id").annotate(kwh=Sum("kwh")).order_by()}


def lot_balances_of(lots: Sequence[RightsLot], *, but_not: Q | None = None) -> dict[int, int]:
    """{lot id: µkWh it still holds} = right − own-period allocations − LIVE draws."""
    used = _used_in_own_period(lots)
    drawn = _drawn(lots, but_not=but_not)
    return {lot.pk: micro_of(lot.right_kwh) - used.get(lot.pk, 0) - drawn.get(lot.pk, 0)
            for lot in lots}


@dataclass
class UsableLots:
    """The lots a chunk may draw from, locked, with what each still holds (µkWh)."""

    rows: dict[int, RightsLot]
    balance: dict[int, int]
    time_zone: str
    of_member: dict[tuple[int, int], list[int]] = field(default_factory=dict)

    def __post_init__(self):  # (cooperative, member) -> lot ids: one pass, not one per member
        for pk, lot in self.rows.items():
            self.of_member.setdefault((lot.cooperative_id, lot.member_id), []).append(pk)

    def value_of(self, lot: RightsLot) -> LotValue:
        days = local_days(DateRange(lot.period_start, lot.period_end), self.time_zone)
        return LotValue(member=(lot.cooperative_id, lot.member_id), earned_from=days.start,
                        earned_to=days.end, expires_at=lot.expires_at)


def usable_lots_lock(*, cooperative_ids: Sequence[int], member_ids: Sequence[int],
                     period: DateRange, time_zone: str,
                     contract_ids: Sequence[int]) -> UsableLots:
    """Lock the lots these members may draw from for `period` (earned before it, not yet
    expired when it starts) and work out their balances. Draws of LIVE bills of these
    contracts for this very period count as available: only a correction prices a contract
    that still has a LIVE bill for the period, and it cancels that bill before it writes."""
    starts_at = local_days(period, time_zone).start
    rows = list(RightsLot.objects.select_for_update().filter(
        cooperative_id__in=list(cooperative_ids), member_id__in=list(member_ids),
        period_end__lte=period.start, expires_at__gt=starts_at).order_by("pk"))
    replaced = Q(carried__contract_id__in=list(contract_ids),
                 carried__period_start=period.start, carried__period_end=period.end)
    return UsableLots(rows={lot.pk: lot for lot in rows},
                      balance=lot_balances_of(rows, but_not=replaced), time_zone=time_zone)


@dataclass(frozen=True)
class ContractDraw:
    """What one contract's bill draws from one cooperative's carried lots."""

    contract_id: int
    micro_kwh: np.ndarray  # (T,) placed on the grid
    lots: list[tuple[int, int]]  # (lot id, µkWh), oldest first


def member_draw(*, usable: UsableLots, cooperative_id: int, carry_months: int,
                member_id: int, period: DateRange, demands: Sequence,
                priorities: Mapping[int, int]) -> list[ContractDraw]:
    """Cover the remaining consumption of one member's contracts (`demands`, already net
    of every allocation) from their lots in `usable`, oldest first; updates `usable`'s
    balances and the demands' consumption. Returns the draws per contract."""
    member = (cooperative_id, member_id)
    values = {}
    entries = []
    for pk in usable.of_member.get(member, ()):
        if usable.balance[pk] > 0:
            value = usable.value_of(usable.rows[pk])
            values[value] = pk
            entries.append(RightsEntry(kind=EntryKind.EARNED, lot=value,
                                       micro_kwh=usable.balance[pk]))
    if not entries:
        return []
    ordered = sorted(demands, key=lambda d: (priorities.get(d.contract_id, 2**15),
                                             -int(d.consumption.sum()), d.contract_id))
    room = np.stack([d.consumption for d in ordered])
    used = use_rights(entries=entries, member=member, bill=member,
                      period_start=local_days(period, usable.time_zone).start,
                      demand_by_band={"all": int(room.sum())},
                      policy=RightsPolicy(carry_months=carry_months))
    taken = [(values[entry.lot], entry.micro_kwh) for entry in used]
    total = sum(amount for _, amount in taken)
    if total == 0:
        return []
    spread = spread_over_intervals(micro_kwh=total, room=room)
    draws = []
    queue = list(taken)  # oldest lot first, handed out contract by contract
    for demand, placed in zip(ordered, spread, strict=True):
        wanted = int(placed.sum())
        if wanted == 0:
            continue
        demand.consumption[:] -= placed
        lots = []
        while wanted:
            pk, amount = queue[0]
            give = min(amount, wanted)
            lots.append((pk, give))
            wanted -= give
            queue[0] = (pk, amount - give)
            if queue[0][1] == 0:
                queue.pop(0)
        draws.append(ContractDraw(contract_id=demand.contract_id, micro_kwh=placed.copy(),
                                  lots=lots))
    for pk, amount in taken:
        usable.balance[pk] -= amount
    return draws


def carried_write(*, rows: Sequence[tuple[CarriedRights, list[tuple[int, int]]]]) -> None:
    """Record the carried lines of written bills and their draws; refuse a lot left below
    zero (LotOverdrawn rolls the chunk back: nothing is drawn twice)."""
    if not rows:
        return
    created = CarriedRights.objects.bulk_create([row for row, _ in rows])
    CarriedDraw.objects.bulk_create([
        CarriedDraw(carried_id=row.pk, lot_id=lot, kwh=kwh_decimal(amount))
        for row, (_, lots) in zip(created, rows, strict=True) for lot, amount in lots])
    touched = list(RightsLot.objects.filter(
        pk__in={lot for _, lots in rows for lot, _ in lots}).order_by("pk"))
    short = {pk: balance for pk, balance in lot_balances_of(touched).items() if balance < 0}
    if short:
        raise LotOverdrawn(f"rights lots {sorted(short)} would hold less than nothing "
                           f"({', '.join(str(kwh_decimal(-v)) for v in short.values())} kWh "
                           "short); the chunk is rolled back")


def own_lots_check(*, allocated: set[tuple[int, int, object, object]]) -> None:
    """After allocations of (cooperative, member, period start, period end) are written:
    refuse (RightsAlreadyCarried rolls the chunk back) when a lot of those periods holds
    less than nothing, i.e. the allocation uses rights later LIVE bills carried away, and
    name those bills: they must be cancelled first (3 queries; 4 when refusing)."""
    if not allocated:
        return
    lots = [lot for lot in RightsLot.objects.filter(
        cooperative_id__in={k[0] for k in allocated}, member_id__in={k[1] for k in allocated},
        period_start__in={k[2] for k in allocated}).select_related("cooperative", "member")
        .order_by("pk")
        if (lot.cooperative_id, lot.member_id, lot.period_start, lot.period_end) in allocated]
    short = {pk: -balance for pk, balance in lot_balances_of(lots).items() if balance < 0}
    if not short:
        return
    carried_to = defaultdict(list)  # lot id -> [(bill number, its period start, kWh)]
    for lot, number, bill, start, kwh in (CarriedDraw.objects.filter(
            lot_id__in=list(short), carried__status=AllocationStatus.LIVE)
            .values_list("lot_id", "carried__bill__number", "carried__bill_id",
                         "carried__period_start").annotate(kwh=Sum("kwh"))
            .order_by("lot_id", "carried__period_start", "carried__bill_id")):
        carried_to[lot].append((number or f"#{bill}", start, kwh))
    raise RightsAlreadyCarried("; ".join(_refusal(lot, short[lot.pk], carried_to[lot.pk])
                                         for lot in lots if lot.pk in short))


def _refusal(lot: RightsLot, short_micro: int, carried: list) -> str:
    def kwh(value) -> str:
        return f"{kwh_decimal(value).normalize():f}"

    period = f"{lot.period_start:%B %Y}"
    bills = ", ".join(f"{kwh(micro_of(amount))} kWh to bill {number} ({start:%B %Y})"
                      for number, start, amount in carried)
    these = "that bill" if len(carried) == 1 else "those bills"
    return (f"cannot re-allocate {period} for member {lot.member.reference} "
            f"({lot.member.name}) of {lot.cooperative.code}: its rights were carried "
            f"({bills}), and the new allocation needs {kwh(short_micro)} kWh more than is "
            f"left; cancel {these} first (a correction of it draws the same rights again), "
            f"then correct {period} and bill the later period again")


def carried_return(*, bill_ids: Sequence[int], now: datetime) -> int:
    """A cancelled bill gives its carried kWh back to the lots (its rows stop counting)."""
    return CarriedRights.objects.filter(bill_id__in=list(bill_ids),
                                        status=AllocationStatus.LIVE).update(
        status=AllocationStatus.RETURNED, returned_at=now)


@dataclass(frozen=True)
class MemberCarry:
    carried_kwh: Decimal  # drawn by this period's LIVE bills from earlier lots
    expired_kwh: Decimal  # lapsed at the end of this period
    balance_kwh: Decimal  # still held after this period, usable later


def carry_report(*, cooperative, period: DateRange, time_zone: str,
                 unused_micro: Mapping[int, int]) -> dict[int, MemberCarry]:
    """{member id: MemberCarry} for `period`, as the bills stand (4 queries).

    With `rights_carry_months` = 0 a period's unused rights lapse at its end: they are its
    expired kWh (`unused_micro`, from the allocation). Otherwise lots whose expiry falls in
    (period start, period end] expire with what they still hold, and lots earned up to the
    period's end that expire later make the balance."""
    days = local_days(period, time_zone)
    carried = defaultdict(int)
    for member, kwh in (CarriedRights.objects.filter(
            cooperative=cooperative, status=AllocationStatus.LIVE, period_start=period.start,
            period_end=period.end).values_list("member_id").annotate(kwh=Sum("kwh"))
            .order_by()):
        carried[member] = micro_of(kwh)
    expired, balance = defaultdict(int), defaultdict(int)
    if cooperative.rights_carry_months == 0:
        expired.update(unused_micro)
    else:
        lots = list(RightsLot.objects.filter(
            cooperative=cooperative, period_end__lte=period.end,
            expires_at__gt=days.start).order_by("pk"))
        balances = lot_balances_of(lots)
        for lot in lots:
            held = max(balances[lot.pk], 0)
            if lot.expires_at <= days.end:
                expired[lot.member_id] += held
            else:
                balance[lot.member_id] += held
    members = set(carried) | set(expired) | set(balance) | set(unused_micro)
    return {m: MemberCarry(carried_kwh=kwh_decimal(carried[m]),
                           expired_kwh=kwh_decimal(expired[m]),
                           balance_kwh=kwh_decimal(balance[m])) for m in members}


@dataclass(frozen=True)
class LotLine:
    """One lot as the dashboard shows it, at a moment `at`."""

    member_reference: str
    member_name: str
    period_start: object
    right_kwh: Decimal
    held_kwh: Decimal  # what it still holds (0 once expired)
    expired_kwh: Decimal  # what it held when it expired
    expires_at: datetime


def lots_statement(*, cooperative, at: datetime, member=None) -> list[LotLine]:
    """The cooperative's lots (one member's, when given), newest first, with what each
    holds or held when it expired (3 queries)."""
    lots = RightsLot.objects.filter(cooperative=cooperative).select_related("member")
    if member is not None:
        lots = lots.filter(member=member)
    lots = list(lots.order_by("-period_start", "member__reference"))
    balances = lot_balances_of(lots)
    found = []
    for lot in lots:
        held = kwh_decimal(max(balances[lot.pk], 0))
        over = lot.expires_at <= at
        found.append(LotLine(
            member_reference=lot.member.reference, member_name=lot.member.name,
            period_start=lot.period_start, right_kwh=lot.right_kwh,
            held_kwh=kwh_decimal(0) if over else held, expired_kwh=held if over
            else kwh_decimal(0), expires_at=lot.expires_at))
    return found


def carried_of_month(*, cooperative, period: DateRange) -> list[dict]:
    """LIVE carried rows of bills whose period starts in `period` (the API's month), with
    the member's right for that period from their lot (2 queries)."""
    rows = list(CarriedRights.objects.filter(
        cooperative=cooperative, status=AllocationStatus.LIVE,
        period_start__gte=period.start, period_start__lt=period.end)
        .values("member_id", "member__reference", "contract_id", "bill_id", "period_start",
                "period_end", "kwh", "amount"))
    rights = {(m, start, end): right for m, start, end, right in RightsLot.objects.filter(
        cooperative=cooperative, member_id__in={r["member_id"] for r in rows},
        period_start__gte=period.start, period_start__lt=period.end)
        .values_list("member_id", "period_start", "period_end", "right_kwh")} if rows else {}
    for row in rows:
        row["right_kwh"] = rights.get((row["member_id"], row["period_start"],
                                       row["period_end"]), kwh_decimal(0))
    return rows
