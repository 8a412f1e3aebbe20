"""Pricing a chunk of accounts for one billing period: plain values in, bills or holds out.

No ORM here (billing/domain/loading.py fetches what this needs in a constant number of
queries). For every account:

1. each contract supplying some local day of the period is split into **segments**: the
   contract's days × the days each version of its product is in force, from the
   contract's own version onward (a price change or a contract start/end mid-period
   splits the period at a local midnight; the engine prorates standing charges by the
   local days of each segment);
2. the contract's import meters (two after a meter exchange: summed slot by slot) and its
   export meters are taken from the chunk's interval profiles; a local day of the contract
   with no import reading at all (even after estimation) holds the account;
3. segments sharing a tariff version and days are priced together through the engine's
   batch door (`tariffs.domain.batch.price_profiles`): the same lines, per account, as
   `price_billing_periods`;
4. the bill's lines are the segments' lines except their VAT lines; VAT is computed once
   per rate on the bill's pre-tax total at that rate (round once, late), so a bill split
   in three segments pays the same VAT as one that is not;
5. a final bill (every contract of the account ends inside the period) adds the product's
   exit fee for a contract that ends inside its term.

A missing price, a missing version, a day without readings: the account is held with the
reason and nothing is priced as zero.
"""
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.money import ZERO, money_round, quantity_from_float
from core.ranges import DateRange, local_days
from tariffs.domain.batch import price_profiles
from tariffs.domain.definitions import TariffDefinition
from tariffs.domain.lines import LineKind
from tariffs.domain.periods import Period

from .generation import GENERATION, ContractGeneration

EXIT_FEE = "exit_fee"


@dataclass(frozen=True)
class VersionSpan:
    """A tariff version of a product and its days in force."""

    id: int
    product_id: int
    product_code: str
    days: DateRange
    term_months: int | None
    exit_fee: Decimal


@dataclass(frozen=True)
class ContractTerm:
    """What a final bill needs to know of a contract beyond the billable seam."""

    active_from: date
    active_to: date | None


@dataclass(frozen=True)
class LineValue:
    kind: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    description: str
    band: str = ""
    tier: int | None = None
    name: str = ""
    contract_id: int | None = None
    version_id: int | None = None
    meter_id: int | None = None
    segment: DateRange | None = None


@dataclass
class PricedBill:
    account_id: int
    period: DateRange
    kind: str  # REGULAR or FINAL
    lines: list[LineValue]
    total_exc_tax: Decimal
    tax: Decimal
    total_inc_tax: Decimal
    kwh: Decimal
    estimated_share: Decimal
    version_ids: frozenset[int]
    generation: tuple[ContractGeneration, ...] = ()


@dataclass(frozen=True)
class Hold:
    account_id: int
    reason: str


class AccountHeld(GridlineError):
    code = "account_held"


@dataclass
class ProfileGrid:
    """The chunk's readings of one period: rows by meter id, on a slot grid, with what is
    computed once for every meter: each row's estimated kWh and the first slot of each
    local day."""

    starts: np.ndarray  # UTC ns per slot
    interval: timedelta
    kwh: np.ndarray  # meters × slots, NaN: none
    quality: np.ndarray  # meters × slots, int8 codes (-1: none, 1: ESTIMATED)
    row_of: dict[int, int]
    time_zone: str
    day_first_slot: dict[date, int] = field(init=False)
    estimated_kwh: np.ndarray = field(init=False)
    _day_offsets: dict = field(init=False, default_factory=dict)

    def __post_init__(self):
        local = pd.DatetimeIndex(self.starts, tz="UTC").tz_convert(self.time_zone)
        days = local.normalize().tz_localize(None).values.astype("datetime64[D]")
        change = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
        self.day_first_slot = dict(zip(days[change].astype(object), change.tolist(),
                                       strict=True))
        self.estimated_kwh = np.where(self.quality == 1, self.kwh, 0.0).sum(axis=1)

    def slots(self, instants) -> slice:
        step = self.interval // timedelta(microseconds=1) * 1000
        lo = (pd.Timestamp(instants.start).as_unit("ns").value - int(self.starts[0])) // step
        hi = (pd.Timestamp(instants.end).as_unit("ns").value - int(self.starts[0])) // step
        return slice(int(lo), int(hi))

    def day_offsets(self, days: DateRange, start: int) -> np.ndarray:
        """The first slot of each local day of `days`, counted from slot `start` (the
        contracts of a chunk share a handful of these, hence the memo)."""
        key = (days, start)
        offsets = self._day_offsets.get(key)
        if offsets is None:
            offsets = np.asarray([self.day_first_slot[day] - start for day in days.each_day()],
                                 dtype=np.int64)
            self._day_offsets[key] = offsets
        return offsets

    def day_slots(self, days: DateRange) -> slice:
        """The slots of local days `days` (the grid covers them)."""
        end = self.day_first_slot.get(days.end, len(self.starts))
        return slice(self.day_first_slot[days.start], end)


@dataclass
class _Segment:
    account_id: int
    contract: object
    version: VersionSpan
    days: DateRange
    imported: np.ndarray
    exported: np.ndarray | None
    slots: slice
    meter_id: int | None
    group: str | None


@dataclass
class _Account:
    account_id: int
    kind: str
    segments: list[_Segment] = field(default_factory=list)
    kwh: float = 0.0
    estimated_kwh: float = 0.0
    generation: list[ContractGeneration] = field(default_factory=list)


def segments_of_contract(*, contract, versions: Sequence[VersionSpan]) -> list[
        tuple[VersionSpan, DateRange]]:
    """The contract's days split by its product's versions, from its own version onward;
    AccountHeld when no version is in force on one of its days."""
    if contract.tariff_version_id is None:
        raise AccountHeld(f"contract {contract.contract_id} has no tariff version")
    own = next((v for v in versions if v.id == contract.tariff_version_id), None)
    if own is None:
        raise AccountHeld(f"tariff version {contract.tariff_version_id} of contract "
                          f"{contract.contract_id} was not found")
    later = sorted((v for v in versions if v.product_id == own.product_id
                    and v.days.start >= own.days.start), key=lambda v: v.days.start)
    found, day = [], contract.days.start
    for version in later:
        part = version.days.intersection(contract.days)
        if part is None or part.start > day:
            continue
        found.append((version, part))
        day = part.end
        if day >= contract.days.end:
            return found
    raise AccountHeld(f"no version of product {own.product_code} is in force on {day} "
                      f"(contract {contract.contract_id})")


def _combined(grid: ProfileGrid, meter_ids: Sequence[int], slots: slice):
    """kWh of the meters summed slot by slot (NaN where none has a reading) and their
    estimated kWh; one meter (the usual case) is a view of its row."""
    rows = [grid.row_of[m] for m in meter_ids if m in grid.row_of]
    if not rows:
        return None, None
    if len(rows) == 1:
        kwh = grid.kwh[rows[0], slots]
        whole = slots.start == 0 and slots.stop == grid.kwh.shape[1]
        estimated = (float(grid.estimated_kwh[rows[0]]) if whole else
                     float(np.where(grid.quality[rows[0], slots] == 1, kwh, 0.0).sum()))
        return kwh, estimated
    kwh = grid.kwh[rows, slots]
    quality = grid.quality[rows, slots]
    present = ~np.isnan(kwh)
    total = np.where(present.any(axis=0), np.nansum(kwh, axis=0), np.nan)
    estimated = float(np.where(quality == 1, kwh, 0.0).sum())
    return total, estimated


def _missing_day(kwh: np.ndarray, days: DateRange, grid: ProfileGrid,
                 slots: slice) -> date | None:
    """The first local day of `days` without any reading in `kwh` (the contract's slots)."""
    present = ~np.isnan(kwh)
    counts = np.add.reduceat(present, grid.day_offsets(days, slots.start), dtype=np.int64)
    empty = np.flatnonzero(counts == 0)
    return days.start + timedelta(days=int(empty[0])) if len(empty) else None


def accounts_price(
    *,
    period: DateRange,
    time_zone: str,
    contracts_by_account: Mapping[int, Sequence],
    versions: Sequence[VersionSpan],
    definitions: Mapping[int, TariffDefinition],
    grids: Mapping[int, ProfileGrid],
    spot_prices: Mapping[int, Mapping[str, pd.Series]] | None,
    terms: Mapping[int, ContractTerm] | None = None,
    generation: Mapping[int, Sequence[ContractGeneration]] | None = None,
) -> tuple[list[PricedBill], list[Hold]]:
    """Bills (or holds) of the accounts in `contracts_by_account` ({account id:
    BillableContract list}) for `period`. `grids` maps interval minutes to the chunk's
    profiles, `spot_prices` interval minutes to the market prices on that grid; `terms`
    the contracts of final bills (for the exit fee); `generation` community generation
    allocated to contracts (generation.py): their net profiles are priced."""
    holds: dict[int, str] = {}
    accounts: dict[int, _Account] = {}
    for account_id, contracts in contracts_by_account.items():
        try:
            accounts[account_id] = _account_segments(
                account_id=account_id, contracts=contracts, period=period,
                time_zone=time_zone, versions=versions, grids=grids,
                generation=generation or {})
        except AccountHeld as exc:
            holds[account_id] = exc.detail
    priced_segments = _price_segments(accounts, definitions, grids, period, time_zone,
                                      spot_prices, holds)
    bills = []
    for account_id, account in accounts.items():
        if account_id in holds:
            continue
        bills.append(_bill_of(account, priced_segments, definitions, period, versions,
                              terms or {}, contracts_by_account[account_id]))
    return bills, [Hold(account_id, reason) for account_id, reason in holds.items()]


def _net_of_generation(imported: np.ndarray, generations, slots: slice) -> np.ndarray:
    """Consumption less the allocated generation, slot by slot, in whole µkWh (readings
    have six decimals; the allocation never exceeds the consumption)."""
    allocated = np.zeros(slots.stop - slots.start, dtype=np.int64)
    for generation in generations:
        allocated += generation.micro_kwh[slots]
    micro = np.rint(np.nan_to_num(imported) * 1_000_000).astype(np.int64)
    net = (micro - allocated) / 1_000_000
    return np.where(np.isnan(imported), np.nan, net)


def _account_segments(*, account_id, contracts, period, time_zone, versions, grids,
                      generation):
    final = all(c.days.end < period.end for c in contracts)
    account = _Account(account_id=account_id, kind="FINAL" if final else "REGULAR")
    for contract in contracts:
        imports = [m.id for m in contract.meters if m.direction == "IMPORT"]
        exports = [m.id for m in contract.meters if m.direction == "EXPORT"]
        if not imports:
            raise AccountHeld(f"meter point {contract.meter_point_id} has no import meter "
                              f"installed in {contract.days}")
        minutes = {m.interval_minutes for m in contract.meters}
        if len(minutes) != 1:
            raise AccountHeld(f"meter point {contract.meter_point_id}'s meters have different "
                              f"interval lengths ({sorted(minutes)} minutes)")
        grid = grids[minutes.pop()]
        slots = grid.day_slots(contract.days)
        imported, estimated = _combined(grid, imports, slots)
        if imported is None:
            raise AccountHeld(f"no readings loaded for meter point {contract.meter_point_id}")
        missing = _missing_day(imported, contract.days, grid, slots)
        if missing is not None:
            serials = ", ".join(m.serial for m in contract.meters if m.direction == "IMPORT")
            raise AccountHeld(f"no readings on {missing} for meter {serials}, even after "
                              "estimation")
        exported, _ = _combined(grid, exports, slots) if exports else (None, None)
        account.kwh += float(np.nansum(imported))
        account.estimated_kwh += estimated
        generations = generation.get(contract.contract_id, ())
        if generations:
            imported = _net_of_generation(imported, generations, slots)
            account.generation.extend(g for g in generations if g.quantity > 0)
        for version, days in segments_of_contract(contract=contract, versions=versions):
            part = grid.day_slots(days)
            offset = slice(part.start - slots.start, part.stop - slots.start)
            account.segments.append(_Segment(
                account_id=account_id, contract=contract, version=version, days=days,
                imported=np.nan_to_num(imported[offset]),
                exported=None if exported is None else np.nan_to_num(exported[offset]),
                slots=part, meter_id=imports[0], group=contract.customer_segment or None))
    return account


def _price_segments(accounts, definitions, grids, period, time_zone, spot_prices, holds):
    """{id(segment): breakdown}, pricing segments of one version and days together."""
    groups = defaultdict(list)
    for account in accounts.values():
        for segment in account.segments:
            minutes = int(segment.contract.meters[0].interval_minutes)
            groups[(segment.version.id, segment.days, minutes)].append(segment)
    priced = {}
    for (version_id, days, minutes), segments in groups.items():
        tariff = definitions[version_id]
        grid = grids[minutes]
        part = segments[0].slots
        instants = local_days(days, time_zone)
        exported = None
        if any(s.exported is not None for s in segments):
            exported = np.stack([s.exported if s.exported is not None
                                 else np.zeros(part.stop - part.start) for s in segments])
        try:
            results = price_profiles(
                tariff=tariff, interval_starts=grid.starts[part],
                import_kwh=np.stack([s.imported for s in segments]), export_kwh=exported,
                interval=grid.interval, periods=[Period(instants.start, instants.end)],
                spot_prices=(spot_prices or {}).get(minutes),
                customer_groups=[s.group for s in segments])
        except GridlineError as exc:
            for segment in segments:
                holds.setdefault(segment.account_id, f"{exc.code}: {exc.detail}")
            continue
        for segment, (breakdown,) in zip(segments, results, strict=True):
            priced[id(segment)] = breakdown
    return priced


_LABELS = {"standing": "Standing charge", "energy": "Energy", "spot": "Energy at market prices",
           "demand": "Demand", "export": "Export credit", "levy": "Levy",
           "discount": "Discount", "minimum": "Minimum charge top-up"}


@lru_cache(maxsize=4096)
def _describe(kind: str, band: str | None, tier: int | None, name: str | None,
              product_code: str, days: DateRange) -> str:
    """A line's text; thousands of bills share a handful, hence the cache."""
    parts = [_LABELS.get(kind, kind)]
    if band:
        parts.append(band)
    if tier:
        parts.append(f"tier {tier}")
    if name and kind in ("levy", "demand", "spot", "discount"):
        parts.append(name)
    end = days.end - timedelta(days=1)
    parts.append(f"({product_code}, {days.start:%d %b}–{end:%d %b})")
    return " ".join(parts)[:200]


_METERED_UNITS = frozenset({"kWh", "kW"})


def _bill_of(account, priced, definitions, period, versions, terms, contracts) -> PricedBill:
    lines: list[LineValue] = []
    base_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    total_exc = ZERO
    for segment in account.segments:
        breakdown = priced[id(segment)]
        rate = definitions[segment.version.id].vat_rate
        base_by_rate[rate] += breakdown.total_before_tax
        total_exc += breakdown.total_before_tax
        code, days = segment.version.product_code, segment.days
        contract_id, version_id = segment.contract.contract_id, segment.version.id
        for line in breakdown.lines:
            kind = line.kind.value
            if kind == "tax":
                continue
            lines.append(LineValue(
                kind=kind, quantity=line.quantity, unit=line.unit,
                unit_price=line.unit_price, amount=line.amount,
                description=_describe(kind, line.band, line.tier, line.name, code, days),
                band=line.band or "", tier=line.tier, name=line.name or "",
                contract_id=contract_id, version_id=version_id,
                meter_id=segment.meter_id if line.unit in _METERED_UNITS else None,
                segment=days))
    for generation in account.generation:
        last = next(s for s in reversed(account.segments)
                    if s.contract.contract_id == generation.contract_id)
        lines.append(LineValue(
            kind=GENERATION, quantity=generation.quantity, unit="kWh",
            unit_price=generation.unit_price, amount=generation.amount,
            description=generation.description[:200], contract_id=generation.contract_id,
            segment=DateRange(account.segments[0].days.start, last.days.end)))
        base_by_rate[definitions[last.version.id].vat_rate] += generation.amount
        total_exc += generation.amount
    if account.kind == "FINAL":
        for fee_line, rate in _exit_fees(account, contracts, terms, versions, definitions):
            lines.append(fee_line)
            base_by_rate[rate] += fee_line.amount
            total_exc += fee_line.amount
    tax = ZERO
    for rate, base in sorted(base_by_rate.items()):
        if rate:
            amount = money_round(base * rate)
            tax += amount
            lines.append(LineValue(kind=str(LineKind.TAX), quantity=base, unit="amount",
                                   unit_price=rate, amount=amount,
                                   description=f"VAT at {rate * 100:g}% on {base}",
                                   name="VAT"))
    kwh = quantity_from_float(account.kwh)
    share = (Decimal(account.estimated_kwh / account.kwh).quantize(Decimal("0.0001"))
             if account.kwh > 0 else ZERO)
    return PricedBill(
        account_id=account.account_id, period=period, kind=account.kind, lines=lines,
        total_exc_tax=money_round(total_exc), tax=money_round(tax),
        total_inc_tax=money_round(total_exc + tax), kwh=kwh, estimated_share=share,
        version_ids=frozenset(s.version.id for s in account.segments),
        generation=tuple(account.generation))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _exit_fees(account, contracts, terms, versions, definitions):
    """An exit fee line for each contract of a final bill that ends inside its term."""
    by_id = {v.id: v for v in versions}
    for contract in contracts:
        term = terms.get(contract.contract_id)
        version = by_id.get(contract.tariff_version_id)
        if term is None or version is None or term.active_to is None:
            continue
        if not version.term_months or not version.exit_fee:
            continue
        term_end = _add_months(term.active_from, version.term_months)
        if term.active_to >= term_end:
            continue
        last = next(s for s in reversed(account.segments)
                    if s.contract.contract_id == contract.contract_id)
        rate = definitions[last.version.id].vat_rate
        yield LineValue(
            kind=EXIT_FEE, quantity=Decimal(1), unit="amount", unit_price=version.exit_fee,
            amount=money_round(version.exit_fee),
            description=(f"Exit fee: {version.product_code} ends {term.active_to}, before "
                         f"its {version.term_months}-month term ends {term_end}"),
            contract_id=contract.contract_id, version_id=version.id), rate
