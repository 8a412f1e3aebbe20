"""A tariff version's rows <-> the definition document the engine reads (codec.py's JSON).

Rows are what staff edit inline in the admin; the document is what validation, pricing,
the API and URDB export read. Going through the document keeps one validation path.
"""
from collections import defaultdict

from tariffs.models import (
    DemandChargeTier,
    ExportRate,
    GroupDiscount,
    Levy,
    ScheduleKind,
    SpotRate,
    TariffVersion,
    TimeBandRule,
    UnitRate,
)

from .codec import definition_to_json
from .definitions import TariffDefinition

ALL_DAYS = list(range(8))
ALL_MONTHS = list(range(1, 13))


def _text(value) -> str | None:
    return None if value is None else str(value)


def _schedule(rules, default_band: str, holidays) -> dict | None:
    if not rules and not default_band:
        return None
    bands = []
    for band in [rule.band for rule in rules] + ([default_band] if default_band else []):
        if band not in bands:
            bands.append(band)
    return {
        "bands": bands,
        "rules": [
            {"band": rule.band, "start": rule.start.strftime("%H:%M"),
             "end": rule.end.strftime("%H:%M"), "days": rule.days or ALL_DAYS,
             "months": rule.months or ALL_MONTHS}
            for rule in rules
        ],
        "default_band": default_band or None,
        "holidays": [day.isoformat() for day in holidays],
    }


def _tiers(rows) -> list[dict]:
    return [{"unit_price": _text(r.unit_price), "upper": _text(r.upper),
             "adjustment": _text(r.adjustment)} for r in sorted(rows, key=lambda r: r.tier)]


def _rows(version: TariffVersion, relation: str) -> list:
    """A component relation's rows in their stored order, from the prefetch cache when
    tariffs/domain/bulk.py filled it (no query), else read."""
    key = ((lambda r: (r.schedule, r.position, r.pk)) if relation == "band_rules"
           else (lambda r: r.pk))
    return sorted(getattr(version, relation).all(), key=key)


def version_document(*, version: TariffVersion) -> dict:
    """The version as a definition document (not yet validated)."""
    rules = _rows(version, "band_rules")
    energy_rules = [r for r in rules if r.schedule == ScheduleKind.ENERGY]
    demand_rules = [r for r in rules if r.schedule == ScheduleKind.DEMAND]
    rates_by_band = defaultdict(list)
    for rate in _rows(version, "unit_rates"):
        rates_by_band[rate.band].append(rate)
    charges = defaultdict(list)
    for row in _rows(version, "demand_charges"):
        charges[row.name].append(row)
    document = {
        "name": version.product.name,
        "time_zone": version.time_zone,
        "energy_schedule": _schedule(energy_rules, version.default_band, version.holidays),
        "demand_schedule": _schedule(demand_rules, version.demand_default_band,
                                     version.holidays),
        "unit_rates": [{"band": band, "tiers": _tiers(rows)}
                       for band, rows in rates_by_band.items()],
        "tier_scope": version.tier_scope,
        "standing_charge": None if version.standing_charge is None else {
            "amount": _text(version.standing_charge), "per": version.standing_charge_per},
        "minimum_charge": None if version.minimum_charge is None else {
            "amount": _text(version.minimum_charge), "per": version.minimum_charge_per},
        "demand_charges": [
            {"name": name, "tiers": _tiers(rows), "bands": rows[0].bands or None,
             "months": rows[0].months or ALL_MONTHS}
            for name, rows in charges.items()
        ],
        "spot_rates": [
            {"instrument": s.instrument, "multiplier": _text(s.multiplier),
             "adder": _text(s.adder), "cap": _text(s.cap), "floor": _text(s.floor),
             "flow": s.flow}
            for s in _rows(version, "spot_rates")
        ],
        "export_rates": [{"unit_price": _text(e.unit_price), "band": e.band or None}
                         for e in _rows(version, "export_rates")],
        "levies": [{"name": levy.name, "unit_price": _text(levy.unit_price)}
                   for levy in _rows(version, "levies")],
        "vat_rate": _text(version.vat_rate),
        "group_discounts": [{"group": d.group, "percent": _text(d.percent)}
                            for d in _rows(version, "group_discounts")],
    }
    if document["energy_schedule"] is None:
        del document["energy_schedule"]
    return document


def version_rows_write(*, version: TariffVersion, tariff: TariffDefinition) -> None:
    """Store a validated definition as the (new, row-less) version's fields and rows."""
    version.time_zone = tariff.time_zone
    version.tier_scope = str(tariff.tier_scope)
    version.default_band = tariff.energy_schedule.default_band or ""
    version.demand_default_band = (tariff.demand_schedule.default_band or ""
                                   if tariff.demand_schedule else "")
    version.holidays = sorted(tariff.energy_schedule.holidays)
    if tariff.standing_charge:
        version.standing_charge = tariff.standing_charge.amount
        version.standing_charge_per = str(tariff.standing_charge.per)
    if tariff.minimum_charge:
        version.minimum_charge = tariff.minimum_charge.amount
        version.minimum_charge_per = str(tariff.minimum_charge.per)
    version.vat_rate = tariff.vat_rate
    version.save()

    document = definition_to_json(tariff)  # rules as plain lists, in order
    rules = []
    schedules = [(ScheduleKind.ENERGY, document["energy_schedule"])]
    if document["demand_schedule"]:
        schedules.append((ScheduleKind.DEMAND, document["demand_schedule"]))
    for kind, schedule in schedules:
        for position, rule in enumerate(schedule["rules"]):
            rules.append(TimeBandRule(
                version=version, schedule=kind, position=position, band=rule["band"],
                start=rule["start"], end=rule["end"],
                days=[] if rule["days"] == ALL_DAYS else rule["days"],
                months=[] if rule["months"] == ALL_MONTHS else rule["months"],
            ))
    TimeBandRule.objects.bulk_create(rules)
    UnitRate.objects.bulk_create(
        UnitRate(version=version, band=rate.band, tier=number, upper=tier.upper,
                 unit_price=tier.unit_price, adjustment=tier.adjustment)
        for rate in tariff.unit_rates for number, tier in enumerate(rate.tiers, start=1)
    )
    DemandChargeTier.objects.bulk_create(
        DemandChargeTier(
            version=version, name=charge.name or f"demand {index}",
            bands=sorted(charge.bands or []),
            months=[] if len(charge.months) == 12 else sorted(charge.months),
            tier=number, upper=tier.upper, unit_price=tier.unit_price,
            adjustment=tier.adjustment,
        )
        for index, charge in enumerate(tariff.demand_charges, start=1)
        # A charge for no month never applies (URDB files carry such periods); rows store
        # "no months" as "every month", so it is left out rather than inverted.
        if charge.months
        for number, tier in enumerate(charge.tiers, start=1)
    )
    SpotRate.objects.bulk_create(
        SpotRate(version=version, instrument=s.instrument, multiplier=s.multiplier,
                 adder=s.adder, cap=s.cap, floor=s.floor, flow=str(s.flow))
        for s in tariff.spot_rates
    )
    ExportRate.objects.bulk_create(
        ExportRate(version=version, band=e.band or "", unit_price=e.unit_price)
        for e in tariff.export_rates
    )
    Levy.objects.bulk_create(Levy(version=version, name=levy.name, unit_price=levy.unit_price)
                             for levy in tariff.levies)
    GroupDiscount.objects.bulk_create(
        GroupDiscount(version=version, group=d.group, percent=d.percent)
        for d in tariff.group_discounts
    )
