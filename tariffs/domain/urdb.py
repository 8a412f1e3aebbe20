"""Import OpenEI Utility Rate Database (URDB) rates as a `TariffDefinition` (pure functions).

Mapping (URDB field -> definition):
- `energyratestructure` (periods x tiers of `rate`, `adj`, `max`, `unit`) with the 12x24
  `energyweekdayschedule` / `energyweekendschedule` -> an energy schedule whose bands are
  named "p0", "p1", ... after the URDB period indexes, and one tiered unit rate per band;
- `demandratestructure` with `demandweekdayschedule` / `demandweekendschedule` -> a demand
  schedule (bands "p0", ...) and one demand charge per band;
- `flatdemandstructure` with `flatdemandmonths` -> one flat demand charge per period, limited
  to the months that use it;
- `fixedchargefirstmeter` + `fixedchargeunits` ($/day or $/month) -> standing charge, and
  `mincharge` + `minchargeunits` -> minimum charge. The older `fixedmonthlycharge` and
  `minmonthlycharge` spellings are read as $/month.

URDB carries no time zone, so the caller supplies the zone the schedules are read in.
Schedules are wall-clock hours for weekdays (Mon-Fri) and weekends; URDB has no holidays.
Tier limits count the month's total energy across all periods (`TierScope.ALL_BANDS`), which
is how SAM and REopt read URDB tiers; a limit on the last tier (URDB writes 1e38 or 1e14) is
kept so export reproduces the file.

Fields that would change a bill but are not supported come back as warnings naming them
(never silently dropped); descriptive metadata (names, ids, dates, comments) is ignored.
Units that would change the meaning of a supported field (energy tiers in kWh/kW, $/year
fixed charges, ...) and malformed structures raise `UrdbImportError`.
"""
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from core.errors import GridlineError

from .definitions import (
    BandRate,
    ChargeBasis,
    DemandCharge,
    MinimumCharge,
    StandingCharge,
    TariffDefinition,
    Tier,
    TierScope,
)
from .schedule import WEEKDAYS, WEEKEND, BandRule, Schedule

SCHEDULE_MONTHS = 12
SCHEDULE_HOURS = 24
CHARGE_UNITS = {"$/day": ChargeBasis.DAY, "$/month": ChargeBasis.MONTH}
SUPPORTED_FIELDS = frozenset({
    "energyratestructure", "energyweekdayschedule", "energyweekendschedule",
    "demandratestructure", "demandweekdayschedule", "demandweekendschedule",
    "flatdemandstructure", "flatdemandmonths", "fixedchargefirstmeter", "fixedchargeunits",
    "fixedmonthlycharge", "mincharge", "minchargeunits", "minmonthlycharge",
    "demandrateunit", "flatdemandunit", "demandunits",
})
# Describe the rate but never change a bill, so ignoring them loses nothing.
METADATA_FIELDS = frozenset({
    "label", "uri", "name", "utility", "eiaid", "sector", "country", "source", "sourceparent",
    "description", "startdate", "enddate", "latest_update", "revisions", "approved",
    "is_default", "supersedes", "servicetype", "basicinformationcomments", "energycomments",
    "demandcomments", "voltagecategory", "phasewiring", "peakkwcapacitymin",
    "peakkwcapacitymax", "peakkwcapacityhistory", "peakkwhusagemin", "peakkwhusagemax",
    "peakkwhusagehistory", "voltageminimum", "voltagemaximum", "restrictions", "dgrules_note",
})
TIER_KEYS = frozenset({"rate", "adj", "max", "unit"})


class UrdbImportError(GridlineError):
    code = "urdb_invalid"


@dataclass(frozen=True)
class UrdbImport:
    tariff: TariffDefinition
    warnings: tuple[str, ...]


def _number(value: Any, *, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UrdbImportError(f"{field} must be a number, got {value!r}")
    # The shortest repr keeps 0.1 as 0.1, and float(Decimal) gives the same float back.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise UrdbImportError(f"{field} must be finite, got {value!r}")
    return number


def _period_index(value: Any, *, field: str, periods: int, structure: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise UrdbImportError(f"{field} must be a whole period index, got {value!r}")
    index = int(value)
    if not 0 <= index < periods:
        raise UrdbImportError(
            f"{field} refers to period {index}, but {structure} defines "
            f"{periods} period{'s' if periods != 1 else ''} (0-{periods - 1})"
        )
    return index


def _tiers(periods_value: Any, *, field: str, unit: str, warnings: list[str]) -> list:
    """Parse a periods x tiers structure into tuples of Tier, checking every entry."""
    if not isinstance(periods_value, list) or not periods_value:
        raise UrdbImportError(f"{field} must be a non-empty list of periods")
    parsed = []
    extra_keys: set[str] = set()
    sells = False
    for p, tiers in enumerate(periods_value):
        if not isinstance(tiers, list) or not tiers:
            raise UrdbImportError(f"{field}[{p}] must be a non-empty list of tiers")
        period = []
        previous = None
        for t, tier in enumerate(tiers):
            where = f"{field}[{p}][{t}]"
            if not isinstance(tier, Mapping):
                raise UrdbImportError(f"{where} must be an object with a rate")
            if "rate" not in tier and "adj" not in tier:
                raise UrdbImportError(f"{where} has neither a rate nor an adj")
            tier_unit = tier.get("unit", unit)
            if tier_unit != unit:
                raise UrdbImportError(
                    f"{where}.unit {tier_unit!r} is not supported (only {unit!r}); "
                    "this rate cannot be priced faithfully"
                )
            upper = None if tier.get("max") is None else _number(tier["max"], field=f"{where}.max")
            if upper is not None and (upper <= 0 or (previous is not None and upper <= previous)):
                raise UrdbImportError(
                    f"{where}.max {upper} must be positive and above the previous tier's "
                    f"max ({previous}): tiers must ascend"
                )
            if upper is None and t != len(tiers) - 1:
                raise UrdbImportError(f"{where} has no max but is not the last tier")
            previous = upper
            sells = sells or bool(tier.get("sell"))
            extra_keys.update(set(tier) - TIER_KEYS - {"sell"})
            period.append(Tier(
                unit_price=_number(tier.get("rate", 0), field=f"{where}.rate"),
                upper=upper,
                adjustment=_number(tier.get("adj", 0), field=f"{where}.adj"),
            ))
        parsed.append(tuple(period))
    if sells:
        warnings.append(f"{field}[*][*].sell: sell rates are not supported and were ignored")
    for key in sorted(extra_keys):
        warnings.append(f"{field}[*][*].{key}: not supported, ignored")
    return parsed


def _matrix(value: Any, *, field: str, periods: int, structure: str) -> list[list[int]]:
    if not isinstance(value, list) or len(value) != SCHEDULE_MONTHS:
        size = len(value) if isinstance(value, list) else type(value).__name__
        raise UrdbImportError(
            f"{field} must be a 12x24 matrix (12 months of 24 hours); got {size} rows"
        )
    rows = []
    for m, row in enumerate(value):
        if not isinstance(row, list) or len(row) != SCHEDULE_HOURS:
            size = len(row) if isinstance(row, list) else type(row).__name__
            raise UrdbImportError(
                f"{field} must be a 12x24 matrix; row {m} (month {m + 1}) has {size} entries"
            )
        rows.append([
            _period_index(v, field=f"{field}[{m}][{h}]", periods=periods, structure=structure)
            for h, v in enumerate(row)
        ])
    return rows


def _rules(matrix: list[list[int]], days: frozenset[int]) -> list[BandRule]:
    """Runs of equal period within each month, merged across months with the same run."""
    months_by_run: dict[tuple[int, int, int], set[int]] = {}
    for month0, row in enumerate(matrix):
        start = 0
        for hour in range(1, SCHEDULE_HOURS + 1):
            if hour == SCHEDULE_HOURS or row[hour] != row[start]:
                months_by_run.setdefault((start, hour, row[start]), set()).add(month0 + 1)
                start = hour
    return [
        BandRule(band=f"p{period}", start=time(start), end=time(end % SCHEDULE_HOURS),
                 days=days, months=frozenset(months))
        for (start, end, period), months in months_by_run.items()
    ]


def _schedule(urdb: Mapping, prefix: str, periods: int, structure: str) -> Schedule:
    rules = []
    for suffix, days in (("weekdayschedule", WEEKDAYS), ("weekendschedule", WEEKEND)):
        field = f"{prefix}{suffix}"
        if field not in urdb:
            raise UrdbImportError(f"{structure} is given but {field} is missing")
        matrix = _matrix(urdb[field], field=field, periods=periods, structure=structure)
        rules.extend(_rules(matrix, days))
    return Schedule(bands=tuple(f"p{i}" for i in range(periods)), rules=tuple(rules))


def _charge(urdb: Mapping, amount_field: str, unit_field: str, alias: str, what: str):
    if amount_field in urdb and alias in urdb:
        raise UrdbImportError(f"both {amount_field} and {alias} are given; use one")
    if alias in urdb:
        amount_field, unit = alias, "$/month"
    elif amount_field in urdb:
        unit = urdb.get(unit_field, "$/month")
    else:
        return None
    amount = _number(urdb[amount_field], field=amount_field)
    if amount < 0:
        raise UrdbImportError(f"{amount_field} must not be negative ({what}), got {amount}")
    if unit not in CHARGE_UNITS:
        raise UrdbImportError(
            f"{unit_field} {unit!r} is not supported (use one of {', '.join(CHARGE_UNITS)})"
        )
    return amount, CHARGE_UNITS[unit]


def _flat_demand(urdb: Mapping, warnings: list[str]) -> list[DemandCharge]:
    has_structure = "flatdemandstructure" in urdb
    if has_structure != ("flatdemandmonths" in urdb):
        raise UrdbImportError("flatdemandstructure and flatdemandmonths must be given together")
    if not has_structure:
        return []
    periods = _tiers(urdb["flatdemandstructure"], field="flatdemandstructure", unit="kW",
                     warnings=warnings)
    months_value = urdb["flatdemandmonths"]
    if not isinstance(months_value, list) or len(months_value) != SCHEDULE_MONTHS:
        raise UrdbImportError("flatdemandmonths must list a period index for each of 12 months")
    month_periods = [
        _period_index(v, field=f"flatdemandmonths[{m}]", periods=len(periods),
                      structure="flatdemandstructure")
        for m, v in enumerate(months_value)
    ]
    return [
        DemandCharge(
            tiers=tiers,
            months=frozenset(m + 1 for m, used in enumerate(month_periods) if used == index),
        )
        for index, tiers in enumerate(periods)
    ]


def _parse(urdb: Any) -> Mapping:
    if isinstance(urdb, str):
        try:
            urdb = json.loads(urdb)
        except json.JSONDecodeError as exc:
            raise UrdbImportError(f"URDB rate is not valid JSON: {exc}") from exc
    if isinstance(urdb, Mapping) and "items" in urdb:  # a raw API response
        items = urdb["items"]
        if not isinstance(items, list) or len(items) != 1:
            count = len(items) if isinstance(items, list) else "no list of"
            raise UrdbImportError(f"URDB response holds {count} items; pass exactly one rate")
        urdb = items[0]
    if not isinstance(urdb, Mapping):
        raise UrdbImportError(f"a URDB rate must be a JSON object, got {type(urdb).__name__}")
    return urdb


def urdb_to_tariff(*, urdb: Mapping | str, time_zone: str, name: str | None = None) -> UrdbImport:
    """Convert one URDB rate (object, JSON text, or API response with one item)."""
    urdb = _parse(urdb)
    warnings = [
        f"{key}: not supported, ignored"
        for key in sorted(set(urdb) - SUPPORTED_FIELDS - METADATA_FIELDS)
    ]
    for unit_field in ("demandrateunit", "flatdemandunit", "demandunits"):
        if urdb.get(unit_field, "kW") != "kW":
            raise UrdbImportError(f"{unit_field} {urdb[unit_field]!r} is not supported (only kW)")
    parts: dict[str, Any] = {}
    if "energyratestructure" in urdb:
        rates = _tiers(urdb["energyratestructure"], field="energyratestructure", unit="kWh",
                       warnings=warnings)
        parts["energy_schedule"] = _schedule(urdb, "energy", len(rates), "energyratestructure")
        parts["unit_rates"] = tuple(
            BandRate(band=f"p{i}", tiers=tiers) for i, tiers in enumerate(rates)
        )
    elif "energyweekdayschedule" in urdb or "energyweekendschedule" in urdb:
        raise UrdbImportError("energy schedules are given without an energyratestructure")
    demand_charges = []
    if "demandratestructure" in urdb:
        rates = _tiers(urdb["demandratestructure"], field="demandratestructure", unit="kW",
                       warnings=warnings)
        parts["demand_schedule"] = _schedule(urdb, "demand", len(rates), "demandratestructure")
        demand_charges += [
            DemandCharge(tiers=tiers, bands=frozenset({f"p{i}"})) for i, tiers in enumerate(rates)
        ]
    elif "demandweekdayschedule" in urdb or "demandweekendschedule" in urdb:
        raise UrdbImportError("demand schedules are given without a demandratestructure")
    demand_charges += _flat_demand(urdb, warnings)
    fixed = _charge(urdb, "fixedchargefirstmeter", "fixedchargeunits", "fixedmonthlycharge",
                    "a standing charge")
    if fixed:
        parts["standing_charge"] = StandingCharge(amount=fixed[0], per=fixed[1])
    minimum = _charge(urdb, "mincharge", "minchargeunits", "minmonthlycharge", "a minimum")
    if minimum:
        parts["minimum_charge"] = MinimumCharge(amount=minimum[0], per=minimum[1])
    title = name or urdb.get("name") or urdb.get("label") or "URDB rate"
    tariff = TariffDefinition(
        name=str(title), time_zone=time_zone, demand_charges=tuple(demand_charges),
        tier_scope=TierScope.ALL_BANDS, **parts
    )
    return UrdbImport(tariff=tariff, warnings=tuple(warnings))
