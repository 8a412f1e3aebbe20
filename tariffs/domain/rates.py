"""A version's published rates: what a price list or a supplier's public API shows.

Values are per unit (kWh, kW, day, month) before and after VAT, rounded to 6 places for
display only (billing never reads these).
"""
from decimal import ROUND_HALF_UP, Decimal

from .definitions import TariffDefinition

DISPLAY_STEP = Decimal("0.000001")


def _shown(value: Decimal) -> Decimal:
    return value.quantize(DISPLAY_STEP, rounding=ROUND_HALF_UP)


def published_rates(*, tariff: TariffDefinition, valid_from, valid_to) -> list[dict]:
    vat = 1 + tariff.vat_rate

    def rate(kind, value, unit, band=None, tier=None, name=None):
        return {
            "kind": kind, "band": band, "tier": tier, "name": name, "unit": unit,
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
                              tier=number if several else None))
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
