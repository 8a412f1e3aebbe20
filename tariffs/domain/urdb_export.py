"""Export a `TariffDefinition` as a URDB rate object (a plain dict ready for json.dumps).

The inverse of urdb.py for the fields it supports: importing a URDB rate and exporting it
gives the same energy, demand, fixed and minimum charge structures back (period indexes are
the positions of the bands in the schedule, which import names "p0", "p1", ...).

What URDB cannot express is reported as a warning naming the component (spot rates, export
rates, levies, VAT, group discounts, holidays, demand charges limited to several bands or to
some months). A schedule URDB cannot express at all (weekdays that differ from each other,
band changes within an hour) raises `UrdbExportError`, because dropping it would misprice
every interval.
"""
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from core.errors import GridlineError

from .definitions import ChargeBasis, DemandCharge, TariffDefinition, Tier, TierScope
from .schedule import (
    ALL_MONTHS,
    MINUTES_PER_DAY,
    MONTHS,
    SATURDAY,
    SUNDAY,
    WEEKDAYS,
    Schedule,
    compile_schedule,
)
from .urdb import SCHEDULE_HOURS

CHARGE_UNIT_NAMES = {ChargeBasis.DAY: "$/day", ChargeBasis.MONTH: "$/month"}


class UrdbExportError(GridlineError):
    code = "urdb_export_unsupported"


@dataclass(frozen=True)
class UrdbExport:
    data: dict
    warnings: tuple[str, ...]


def _tier_dicts(tiers: tuple[Tier, ...], unit: str) -> list[dict]:
    rows = []
    for tier in tiers:
        row: dict = {"rate": float(tier.unit_price)}
        if tier.adjustment:
            row["adj"] = float(tier.adjustment)
        if tier.upper is not None:
            row["max"] = float(tier.upper)
        row["unit"] = unit
        rows.append(row)
    return rows


def _hourly(grid: np.ndarray, *, what: str) -> list[list[int]]:
    by_hour = grid.reshape(MONTHS, SCHEDULE_HOURS, MINUTES_PER_DAY // SCHEDULE_HOURS)
    if not (by_hour == by_hour[:, :, :1]).all():
        raise UrdbExportError(f"{what} changes band within an hour; URDB schedules are hourly")
    return by_hour[:, :, 0].astype(int).tolist()


def _matrices(schedule: Schedule, *, what: str, warnings: list[str]) -> tuple[list, list]:
    compiled = compile_schedule(schedule)
    weekday = compiled.band_grid(day_code=min(WEEKDAYS))
    for day_code in WEEKDAYS:
        if not np.array_equal(compiled.band_grid(day_code=day_code), weekday):
            raise UrdbExportError(f"{what} differs between weekdays; URDB has one weekday grid")
    weekend = compiled.band_grid(day_code=SATURDAY)
    if not np.array_equal(compiled.band_grid(day_code=SUNDAY), weekend):
        raise UrdbExportError(f"{what} differs between Saturday and Sunday")
    if schedule.holidays:
        warnings.append(f"{what}: holidays cannot be expressed in URDB and were dropped")
    return _hourly(weekday, what=what), _hourly(weekend, what=what)


def _banded_demand(tariff: TariffDefinition, warnings: list[str]) -> dict:
    charges = [c for c in tariff.demand_charges if c.bands is not None]
    if not charges:
        return {}
    schedule = tariff.demand_bands_schedule
    by_band: dict[str, DemandCharge] = {}
    for charge in charges:
        band = next(iter(charge.bands)) if len(charge.bands) == 1 else None
        if band is None or charge.months != ALL_MONTHS or band in by_band:
            warnings.append(
                f"demand charge on {charge.band_label}: URDB holds one all-year charge per "
                "demand period; this one was dropped"
            )
            continue
        by_band[band] = charge
    weekday, weekend = _matrices(schedule, what="demand schedule", warnings=warnings)
    zero = (Tier(unit_price=Decimal(0)),)
    return {
        "demandratestructure": [
            _tier_dicts(by_band[band].tiers if band in by_band else zero, "kW")
            for band in schedule.bands
        ],
        "demandweekdayschedule": weekday,
        "demandweekendschedule": weekend,
    }


def _flat_demand(tariff: TariffDefinition, warnings: list[str]) -> dict:
    charges = [c for c in tariff.demand_charges if c.bands is None]
    if not charges:
        return {}
    structure: list[tuple[Tier, ...]] = []
    month_period: dict[int, int] = {}
    for charge in charges:
        if any(month in month_period for month in charge.months):
            warnings.append(
                "flat demand charges overlap in some months; URDB allows one per month, the "
                "later one was dropped"
            )
            continue
        for month in charge.months:
            month_period[month] = len(structure)
        structure.append(charge.tiers)
    if len(month_period) < MONTHS:  # months without a flat charge need a zero-rate period
        for month in sorted(ALL_MONTHS - set(month_period)):
            month_period[month] = len(structure)
        structure.append((Tier(unit_price=Decimal(0)),))
    return {
        "flatdemandstructure": [_tier_dicts(tiers, "kW") for tiers in structure],
        "flatdemandmonths": [month_period[month] for month in range(1, MONTHS + 1)],
    }


def tariff_to_urdb(*, tariff: TariffDefinition) -> UrdbExport:
    warnings: list[str] = []
    data: dict = {"name": tariff.name}
    if tariff.unit_rates:
        schedule = tariff.energy_schedule
        weekday, weekend = _matrices(schedule, what="energy schedule", warnings=warnings)
        data["energyratestructure"] = [
            _tier_dicts(tariff.rate_for(band).tiers, "kWh") for band in schedule.bands
        ]
        data["energyweekdayschedule"] = weekday
        data["energyweekendschedule"] = weekend
        tiered_bands = sum(len(rate.tiers) > 1 for rate in tariff.unit_rates)
        if tariff.tier_scope is TierScope.BAND and tiered_bands and len(tariff.unit_rates) > 1:
            warnings.append(
                "tier_scope: URDB tier limits count the month's total across periods, but this "
                "tariff tiers each band on its own; the exported rate prices differently"
            )
    data.update(_banded_demand(tariff, warnings))
    data.update(_flat_demand(tariff, warnings))
    if tariff.standing_charge is not None:
        data["fixedchargefirstmeter"] = float(tariff.standing_charge.amount)
        data["fixedchargeunits"] = CHARGE_UNIT_NAMES[tariff.standing_charge.per]
    if tariff.minimum_charge is not None:
        data["mincharge"] = float(tariff.minimum_charge.amount)
        data["minchargeunits"] = CHARGE_UNIT_NAMES[tariff.minimum_charge.per]
    for label, present in (
        ("spot_rates", tariff.spot_rates), ("export_rates", tariff.export_rates),
        ("levies", tariff.levies), ("vat_rate", tariff.vat_rate),
        ("group_discounts", tariff.group_discounts),
    ):
        if present:
            warnings.append(f"{label}: URDB has no field for it; not exported")
    return UrdbExport(data=data, warnings=tuple(warnings))
