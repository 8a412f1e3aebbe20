"""What a tariff version charges, as plain frozen dataclasses the pricing engine reads.

The Django models are converted into a `TariffDefinition`; nothing here touches the
database. Constructing one validates it, so an object that exists can be priced:

- every band a schedule declares has a unit rate (when the tariff has unit rates at all),
  and every rate, demand charge and export rate names a declared band (`UndefinedBand`);
- tier upper limits ascend (`TiersNotAscending`);
- standing and minimum charges are not negative (`NegativeCharge`);
- schedules leave no moment without a band (`IncompleteSchedule`).

Money and limits are `Decimal` (ints and numeric strings are accepted and converted; floats
are refused because they cannot hold a price exactly). Unit prices are per kWh, demand
prices per kW, in the tariff's currency.

Semantics in brief (the engine's module docstring has the full rules):
- tiers are cumulative per billing period, per band (or over all bands, see `TierScope`);
  consumption above the last tier's limit stays in the last tier (URDB writes 1e38 as the
  last limit);
- a demand charge prices the highest interval demand (kWh / interval hours) among the
  intervals in its bands and months, per billing period;
- a spot rate prices each interval at clip(price x multiplier + adder, floor, cap);
- a group discount is a percentage off the standing, energy, spot and demand lines.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.money import ZERO

from .schedule import ALL_MONTHS, Schedule, compile_schedule
from .validation import (
    InvalidTariffDefinition,
    UndefinedBand,
    as_decimal,
    as_optional_decimal,
    check_ascending_limits,
    require_non_negative,
)


class ChargeBasis(StrEnum):
    DAY = "day"
    MONTH = "month"


class TierScope(StrEnum):
    """What a tier limit is measured against within a billing period.

    BAND: each band's own kWh (the first 200 kWh *of peak energy*).
    ALL_BANDS: the period's total kWh across bands (URDB and SAM's reading of tiered
    time-of-use rates); each band's kWh then falls into tiers in proportion, using that
    band's tier limits applied to the total.
    """

    BAND = "band"
    ALL_BANDS = "all_bands"


class Flow(StrEnum):
    IMPORT = "import"
    EXPORT = "export"


@dataclass(frozen=True)
class Tier:
    """One block of a tiered price. `upper` is the cumulative limit (kWh, or kW for demand)
    within the billing period; None means no limit. `adjustment` is a rider added to the
    price (URDB's `adj`, e.g. a fuel cost adjustment); the bill shows the sum."""

    unit_price: Decimal
    upper: Decimal | None = None
    adjustment: Decimal = ZERO

    def __post_init__(self):
        object.__setattr__(self, "unit_price", as_decimal(self.unit_price, field="unit_price"))
        object.__setattr__(self, "upper", as_optional_decimal(self.upper, field="upper"))
        object.__setattr__(self, "adjustment", as_decimal(self.adjustment, field="adjustment"))

    @property
    def price(self) -> Decimal:
        return self.unit_price + self.adjustment


def _tiers(tiers, *, where: str) -> tuple[Tier, ...]:
    tiers = tuple(tiers)
    if not tiers:
        raise InvalidTariffDefinition(f"{where} needs at least one tier")
    check_ascending_limits([tier.upper for tier in tiers], field=where)
    return tiers


@dataclass(frozen=True)
class BandRate:
    """The unit rate (possibly tiered) for import energy in one band."""

    band: str
    tiers: tuple[Tier, ...]

    def __post_init__(self):
        object.__setattr__(self, "tiers", _tiers(self.tiers, where=f"unit rate for {self.band!r}"))


@dataclass(frozen=True)
class StandingCharge:
    amount: Decimal
    per: ChargeBasis = ChargeBasis.DAY

    def __post_init__(self):
        object.__setattr__(self, "amount", as_decimal(self.amount, field="standing charge"))
        object.__setattr__(self, "per", ChargeBasis(self.per))
        require_non_negative(self.amount, field="standing charge")


@dataclass(frozen=True)
class MinimumCharge:
    """The least a billing period costs before tax; a top-up line makes up the difference."""

    amount: Decimal
    per: ChargeBasis = ChargeBasis.MONTH

    def __post_init__(self):
        object.__setattr__(self, "amount", as_decimal(self.amount, field="minimum charge"))
        object.__setattr__(self, "per", ChargeBasis(self.per))
        require_non_negative(self.amount, field="minimum charge")


@dataclass(frozen=True)
class DemandCharge:
    """A price per kW on the highest interval demand in the billing period.

    `bands=None` is a flat demand charge over every interval; otherwise only intervals in
    those bands of the demand schedule count. `months` limits it to some calendar months.
    """

    tiers: tuple[Tier, ...]
    bands: frozenset[str] | None = None
    months: frozenset[int] = ALL_MONTHS
    name: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "tiers", _tiers(self.tiers, where="demand charge"))
        if self.bands is not None:
            object.__setattr__(self, "bands", frozenset(self.bands))
            if not self.bands:
                raise InvalidTariffDefinition("a demand charge's bands must not be empty")
        months = frozenset(self.months)
        object.__setattr__(self, "months", months)
        # An empty month set is allowed: URDB files define flat-demand periods that no
        # month uses, and keeping them lets an import export back to the same file.
        if not months <= ALL_MONTHS:
            raise InvalidTariffDefinition(
                f"demand charge months must be 1-12, got {sorted(months)}"
            )

    @property
    def band_label(self) -> str | None:
        return None if self.bands is None else "+".join(sorted(self.bands))


@dataclass(frozen=True)
class SpotRate:
    """Energy priced per interval from a market instrument's price.

    The instrument's prices come in the unit the market publishes (often per MWh); the
    multiplier converts them (0.001 for per-MWh into per-kWh) and may add a margin factor.
    Negative market prices pass through unless a floor stops them.
    """

    instrument: str
    multiplier: Decimal = Decimal(1)
    adder: Decimal = ZERO
    cap: Decimal | None = None
    floor: Decimal | None = None
    flow: Flow = Flow.IMPORT

    def __post_init__(self):
        object.__setattr__(self, "multiplier", as_decimal(self.multiplier, field="multiplier"))
        object.__setattr__(self, "adder", as_decimal(self.adder, field="adder"))
        object.__setattr__(self, "cap", as_optional_decimal(self.cap, field="cap"))
        object.__setattr__(self, "floor", as_optional_decimal(self.floor, field="floor"))
        object.__setattr__(self, "flow", Flow(self.flow))
        if self.cap is not None and self.floor is not None and self.cap < self.floor:
            raise InvalidTariffDefinition(
                f"spot rate on {self.instrument!r}: cap {self.cap} is below floor {self.floor}"
            )


@dataclass(frozen=True)
class ExportRate:
    """Paid per kWh sent to the grid, in one band of the energy schedule or (band=None) all."""

    unit_price: Decimal
    band: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "unit_price", as_decimal(self.unit_price, field="export rate"))


@dataclass(frozen=True)
class Levy:
    """A per-kWh levy on imported energy (e.g. a climate change levy); taxed like a charge."""

    name: str
    unit_price: Decimal

    def __post_init__(self):
        object.__setattr__(self, "unit_price", as_decimal(self.unit_price, field="levy"))


@dataclass(frozen=True)
class GroupDiscount:
    group: str
    percent: Decimal

    def __post_init__(self):
        percent = as_decimal(self.percent, field=f"discount for {self.group!r}")
        object.__setattr__(self, "percent", percent)
        if not 0 < percent <= 100:
            raise InvalidTariffDefinition(
                f"discount for {self.group!r} must be a percentage in (0, 100], got {percent}"
            )


@dataclass(frozen=True)
class TariffDefinition:
    name: str
    time_zone: str
    energy_schedule: Schedule = field(default_factory=Schedule.flat)
    unit_rates: tuple[BandRate, ...] = ()
    tier_scope: TierScope = TierScope.BAND
    standing_charge: StandingCharge | None = None
    minimum_charge: MinimumCharge | None = None
    # None: demand charges use the energy schedule's bands
    demand_schedule: Schedule | None = None
    demand_charges: tuple[DemandCharge, ...] = ()
    spot_rates: tuple[SpotRate, ...] = ()
    export_rates: tuple[ExportRate, ...] = ()
    levies: tuple[Levy, ...] = ()
    vat_rate: Decimal = ZERO
    group_discounts: tuple[GroupDiscount, ...] = ()

    def __post_init__(self):
        for name in ("unit_rates", "demand_charges", "spot_rates", "export_rates", "levies",
                     "group_discounts"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "vat_rate", as_decimal(self.vat_rate, field="vat_rate"))
        object.__setattr__(self, "tier_scope", TierScope(self.tier_scope))
        if not self.name:
            raise InvalidTariffDefinition("a tariff needs a name")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise InvalidTariffDefinition(
                f"tariff {self.name!r}: unknown time zone {self.time_zone!r}"
            ) from exc
        if self.vat_rate < 0:
            raise InvalidTariffDefinition(f"tariff {self.name!r}: VAT rate must not be negative")
        self._check_unit_rates()
        self._check_demand_charges()
        declared = set(self.energy_schedule.bands)
        for rate in self.export_rates:
            if rate.band is not None and rate.band not in declared:
                raise UndefinedBand(
                    f"tariff {self.name!r}: export rate for band {rate.band!r}, which the "
                    "energy schedule does not declare"
                )
        groups = [discount.group for discount in self.group_discounts]
        if len(set(groups)) != len(groups):
            raise InvalidTariffDefinition(
                f"tariff {self.name!r}: a customer group has two discounts"
            )

    def _check_unit_rates(self) -> None:
        rated = [rate.band for rate in self.unit_rates]
        if len(set(rated)) != len(rated):
            raise InvalidTariffDefinition(f"tariff {self.name!r}: a band has two unit rates")
        if not self.unit_rates:
            return  # e.g. a purely spot-indexed tariff: the schedule only serves export rates
        declared = self.energy_schedule.bands
        for band in rated:
            if band not in declared:
                raise UndefinedBand(
                    f"tariff {self.name!r}: unit rate for band {band!r}, which the energy "
                    f"schedule does not declare (declared: {', '.join(map(repr, declared))})"
                )
        for band in declared:
            if band not in rated:
                raise UndefinedBand(
                    f"tariff {self.name!r}: the energy schedule uses band {band!r} but the "
                    "tariff has no unit rate for it"
                )

    def _check_demand_charges(self) -> None:
        declared = set(self.demand_bands_schedule.bands)
        for charge in self.demand_charges:
            for band in sorted(charge.bands or ()):
                if band not in declared:
                    raise UndefinedBand(
                        f"tariff {self.name!r}: demand charge on band {band!r}, which the "
                        "demand schedule does not declare"
                    )

    @property
    def demand_bands_schedule(self) -> Schedule:
        return self.demand_schedule or self.energy_schedule

    def rate_for(self, band: str) -> BandRate:
        for rate in self.unit_rates:
            if rate.band == band:
                return rate
        raise UndefinedBand(f"tariff {self.name!r} has no unit rate for band {band!r}")


def compiled_schedules(tariff: TariffDefinition):
    """(energy, demand) compiled schedules; both cached per schedule value."""
    return compile_schedule(tariff.energy_schedule), compile_schedule(tariff.demand_bands_schedule)
