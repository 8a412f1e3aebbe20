"""Rights not used in their own interval: a pure, append-only ledger with an expiry rule.

The allocation reports, per member, the part of each interval's right their contracts could
not use (`Allocation.unused`). Nothing is lost silently: at the end of a billing period those
µkWh become one *lot* per member (and per tariff band when the cooperative carries rights by
band), written to the ledger as an EARNED entry. What happens next is the cooperative's
`RightsPolicy`:

- `carry_months=0` (EU collective self-consumption): a lot expires when its period ends; the
  energy was surplus and sold at spot, and the ledger shows the lapsed rights.
- `carry_months=N` (Som Energia's Generation kWh): a lot stays usable for N months after the
  end of the period that earned it, for consumption in later periods that its members'
  in-interval rights did not cover. Using takes the oldest lots first; cancelling a bill
  returns what it used to the very lots it came from, newest first, so that a partial return
  keeps the oldest lots used (as Generation kWh does).

Dates: a lot earned in `[earned_from, earned_to)` can be used by a bill whose consumption
period starts at or after `earned_to` (the period's own intervals already had their chance)
and before `expires_at` = `earned_to` + N calendar months in the cooperative's time zone.
A replacement bill for the same period therefore sees the same lots as the bill it replaces.

The ledger is a list of `RightsEntry` values: EARNED and RETURNED add to a lot, USED and
EXPIRED take from it; a balance is always a sum, never a stored number. The functions below
read entries and return the new entries to append; the later phase persists them.
"""
from calendar import monthrange
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.errors import GridlineError

from .units import kwh_decimal


class InvalidRightsOperation(GridlineError):
    code = "invalid_rights_operation"


class RightsAlreadyUsed(GridlineError):
    code = "rights_already_used"
    status = 409


@dataclass(frozen=True)
class RightsPolicy:
    carry_months: int = 0  # 0: unused rights lapse when their period ends
    by_band: bool = False  # lots keep their tariff band and only cover that band

    def __post_init__(self):
        if isinstance(self.carry_months, bool) or not isinstance(self.carry_months, int) \
                or not 0 <= self.carry_months <= 120:
            raise InvalidRightsOperation(
                f"carry_months must be a whole number of months from 0 to 120, got "
                f"{self.carry_months!r}"
            )


@dataclass(frozen=True)
class RightsLot:
    member: Hashable
    earned_from: datetime
    earned_to: datetime
    expires_at: datetime
    band: str | None = None


class EntryKind(StrEnum):
    EARNED = "earned"
    USED = "used"
    RETURNED = "returned"
    EXPIRED = "expired"


_SIGN = {EntryKind.EARNED: 1, EntryKind.USED: -1, EntryKind.RETURNED: 1, EntryKind.EXPIRED: -1}


@dataclass(frozen=True)
class RightsEntry:
    kind: EntryKind
    lot: RightsLot
    micro_kwh: int  # always positive; the kind gives the direction
    bill: Hashable | None = None  # the bill that used or returned

    @property
    def signed(self) -> int:
        return _SIGN[self.kind] * self.micro_kwh


def _add_months(moment: datetime, months: int, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    index = local.year * 12 + local.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last_day = monthrange(year, month)[1]
    return local.replace(year=year, month=month, day=min(local.day, last_day))


def lot_expiry(*, earned_to: datetime, policy: RightsPolicy, time_zone: str) -> datetime:
    """When a lot earned up to `earned_to` expires: N calendar months later, local time."""
    _require_aware(earned_to, what="earned_to")
    return _add_months(earned_to, policy.carry_months, ZoneInfo(time_zone))


def _require_aware(moment: datetime, *, what: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise InvalidRightsOperation(f"{what} must be a timezone-aware datetime, got {moment!r}")


def rights_earned(
    *, member: Hashable, unused_by_band: Mapping[str, int], earned_from: datetime,
    earned_to: datetime, policy: RightsPolicy, time_zone: str,
) -> list[RightsEntry]:
    """EARNED entries for one member's unused µkWh of one period (split by band)."""
    _require_aware(earned_from, what="earned_from")
    _require_aware(earned_to, what="earned_to")
    if not earned_from < earned_to:
        raise InvalidRightsOperation("earned_from must be before earned_to")
    if any(int(v) < 0 for v in unused_by_band.values()):
        raise InvalidRightsOperation(f"member {member!r}: unused rights cannot be negative")
    expires_at = lot_expiry(earned_to=earned_to, policy=policy, time_zone=time_zone)
    amounts = dict(unused_by_band) if policy.by_band else {None: sum(unused_by_band.values())}
    return [
        RightsEntry(kind=EntryKind.EARNED, micro_kwh=int(amount), lot=RightsLot(
            member=member, earned_from=earned_from, earned_to=earned_to,
            expires_at=expires_at, band=band))
        for band, amount in amounts.items() if int(amount) > 0
    ]


def lot_balances(entries: Iterable[RightsEntry]) -> dict[RightsLot, int]:
    balances: dict[RightsLot, int] = defaultdict(int)
    for entry in entries:
        balances[entry.lot] += entry.signed
    return dict(balances)


def _outstanding_for_bill(entries: Iterable[RightsEntry], bill: Hashable) -> dict[RightsLot, int]:
    """µkWh each lot lent to `bill` and has not had back."""
    lent: dict[RightsLot, int] = defaultdict(int)
    for entry in entries:
        if entry.bill == bill and entry.kind in (EntryKind.USED, EntryKind.RETURNED):
            lent[entry.lot] -= entry.signed
    return {lot: amount for lot, amount in lent.items() if amount}


def use_rights(
    *, entries: list[RightsEntry], member: Hashable, bill: Hashable, period_start: datetime,
    demand_by_band: Mapping[str, int], policy: RightsPolicy,
) -> list[RightsEntry]:
    """USED entries covering `demand_by_band` (µkWh the bill still needs) from the oldest lots.

    Takes at most what is there; the bill's generation line is what this returns.
    """
    _require_aware(period_start, what="period_start")
    if _outstanding_for_bill(entries, bill):
        raise RightsAlreadyUsed(
            f"bill {bill!r} already holds rights; cancel it (return_rights) before using again"
        )
    demand = dict(demand_by_band) if policy.by_band else {None: sum(demand_by_band.values())}
    usable = sorted(
        ((lot, balance) for lot, balance in lot_balances(entries).items()
         if lot.member == member and balance > 0 and lot.earned_to <= period_start
         < lot.expires_at),
        key=lambda item: (item[0].earned_from, item[0].expires_at),
    )
    used = []
    for band, wanted in demand.items():
        wanted = int(wanted)
        for lot, balance in usable:
            if wanted <= 0:
                break
            if lot.band != band:
                continue
            take = min(balance, wanted)
            used.append(RightsEntry(kind=EntryKind.USED, lot=lot, micro_kwh=take, bill=bill))
            wanted -= take
    return used


def return_rights(
    *, entries: list[RightsEntry], bill: Hashable, micro_kwh: int | None = None
) -> list[RightsEntry]:
    """RETURNED entries giving back what `bill` used (all, or `micro_kwh`), newest lot first."""
    outstanding = _outstanding_for_bill(entries, bill)
    total = sum(outstanding.values())
    wanted = total if micro_kwh is None else int(micro_kwh)
    if not 0 <= wanted <= total:
        raise InvalidRightsOperation(
            f"bill {bill!r} holds {kwh_decimal(total)} kWh of rights; cannot return "
            f"{kwh_decimal(wanted)} kWh"
        )
    returned = []
    for lot in sorted(outstanding, key=lambda lot: (lot.earned_from, lot.expires_at),
                      reverse=True):
        if wanted <= 0:
            break
        give = min(outstanding[lot], wanted)
        returned.append(RightsEntry(kind=EntryKind.RETURNED, lot=lot, micro_kwh=give, bill=bill))
        wanted -= give
    return returned


def expire_rights(*, entries: list[RightsEntry], at: datetime) -> list[RightsEntry]:
    """EXPIRED entries for every lot whose expiry is at or before `at` and still has µkWh."""
    _require_aware(at, what="at")
    return [
        RightsEntry(kind=EntryKind.EXPIRED, lot=lot, micro_kwh=balance)
        for lot, balance in sorted(lot_balances(entries).items(),
                                   key=lambda item: (item[0].expires_at, item[0].earned_from))
        if balance > 0 and lot.expires_at <= at
    ]


@dataclass(frozen=True)
class RightsStatement:
    member: Hashable
    earned_kwh: Decimal
    used_kwh: Decimal
    returned_kwh: Decimal
    expired_kwh: Decimal
    balance_kwh: Decimal
    lots: tuple = field(default=())  # (lot, balance kWh) for lots with a balance, oldest first


def rights_statement(*, entries: Iterable[RightsEntry], member: Hashable) -> RightsStatement:
    entries = [entry for entry in entries if entry.lot.member == member]
    totals = {kind: 0 for kind in EntryKind}
    for entry in entries:
        totals[entry.kind] += entry.micro_kwh
    balances = sorted(((lot, amount) for lot, amount in lot_balances(entries).items() if amount),
                      key=lambda item: item[0].earned_from)
    return RightsStatement(
        member=member,
        earned_kwh=kwh_decimal(totals[EntryKind.EARNED]),
        used_kwh=kwh_decimal(totals[EntryKind.USED]),
        returned_kwh=kwh_decimal(totals[EntryKind.RETURNED]),
        expired_kwh=kwh_decimal(totals[EntryKind.EXPIRED]),
        balance_kwh=kwh_decimal(sum(amount for _, amount in balances)),
        lots=tuple((lot, kwh_decimal(amount)) for lot, amount in balances),
    )
