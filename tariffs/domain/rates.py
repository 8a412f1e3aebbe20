"""A version's published rates: what a price list or a supplier's public API shows.

Values are per unit (kWh, kW, day, month) before and after VAT, rounded to 6 places for
display only (billing never reads these).
"""
from decimal import ROUND_HALF_UP, Decimal

from .definitions import TariffDefinition
from .schedule import ALL_MONTHS, EVERY_DAY, HOLIDAY, WEEKDAYS, WEEKEND, Schedule

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")

DISPLAY_STEP = Decimal("0.000001")


def _shown(value: Decimal) -> Decimal:
    return value.quantize(DISPLAY_STEP, rounding=ROUND_HALF_UP)


def _days_text(days: frozenset[int]) -> str:
    if days >= EVERY_DAY - {HOLIDAY}:
        return ""
    for known, text in ((WEEKDAYS, "weekdays"), (WEEKEND, "weekends")):
        if days - {HOLIDAY} == known:
            return f" {text}"
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "holidays")
    return " " + ", ".join(names[d] for d in sorted(days))


def band_hours(schedule: Schedule) -> dict[str, str]:
    """When each band applies, in words a price list can show ("00:30-07:30 weekdays")."""
    hours: dict[str, list[str]] = {band: [] for band in schedule.bands}
    for rule in schedule.rules:
        text = f"{rule.start:%H:%M}-{rule.end:%H:%M}{_days_text(rule.days)}"
        if rule.months != ALL_MONTHS:
            text += " in " + ", ".join(MONTH_ABBR[m - 1] for m in sorted(rule.months))
        hours[rule.band].append(text)
    if schedule.default_band is not None:
        hours[schedule.default_band].append("all other times" if schedule.rules else "all day")
    return {band: "; ".join(parts) for band, parts in hours.items()}


def published_rates(*, tariff: TariffDefinition, valid_from, valid_to) -> list[dict]:
    vat = 1 + tariff.vat_rate
    when = band_hours(tariff.energy_schedule)

    def rate(kind, value, unit, band=None, tier=None, name=None, upper=None):
        return {
            "kind": kind, "band": band, "tier": tier, "name": name, "unit": unit,
            "applies": when.get(band, "") if kind in ("energy", "export") else "",
            "tier_upper": upper,
            "value_exc_vat": _shown(value), "value_inc_vat": _shown(value * vat),
            "valid_from": valid_from, "valid_to": valid_to,
        }

    rates = []
    if tariff.standing_charge is not None:
        rates.append(rate("standing", tariff.standing_charge.amount,
                          str(tariff.standing_charge.per)))
    for band_rate in tariff.unit_rates:
        several = len(band_rate.tiers) > 1
        for number, tier in enumerate(band_rate.tiers, start=1):
            rates.append(rate("energy", tier.price, "kWh", band=band_rate.band,
                              tier=number if several else None,
                              upper=tier.upper if several else None))
    for charge in tariff.demand_charges:
        for number, tier in enumerate(charge.tiers, start=1):
            rates.append(rate("demand", tier.price, "kW", band=charge.band_label,
                              tier=number if len(charge.tiers) > 1 else None, name=charge.name))
    for export in tariff.export_rates:
        rates.append(rate("export", export.unit_price, "kWh", band=export.band))
    for levy in tariff.levies:
        rates.append(rate("levy", levy.unit_price, "kWh", name=levy.name))
    for spot in tariff.spot_rates:
        rates.append(rate("spot_adder", spot.adder, "kWh", name=spot.instrument))
    return rates
