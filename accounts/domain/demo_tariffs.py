"""The demo retailers' products: a flat tariff, a time-of-use tariff with tiers, and an
enterprise tariff with a demand charge. Written as stored definitions (tariffs/domain/codec)."""
from datetime import date


def _flat(name: str, unit: str, standing: str, time_zone: str) -> dict:
    return {
        "name": name, "time_zone": time_zone,
        "energy_schedule": {"bands": ["standard"], "default_band": "standard", "rules": []},
        "unit_rates": [{"band": "standard", "tiers": [{"unit_price": unit}]}],
        "standing_charge": {"amount": standing, "per": "day"},
        "vat_rate": "0.05",
    }


def _night_saver(name: str, time_zone: str) -> dict:
    return {
        "name": name, "time_zone": time_zone,
        "energy_schedule": {
            "bands": ["night", "day"], "default_band": "day",
            "rules": [{"band": "night", "start": "00:30", "end": "07:30"}],
        },
        "unit_rates": [
            {"band": "night", "tiers": [{"unit_price": "0.0850"}]},
            {"band": "day", "tiers": [{"unit_price": "0.2600", "upper": "200"},
                                      {"unit_price": "0.3100"}]},
        ],
        "standing_charge": {"amount": "0.5200", "per": "day"},
        "export_rates": [{"unit_price": "0.1500"}],
        "vat_rate": "0.05",
    }


def _agile(name: str, instrument: str, time_zone: str) -> dict:
    # Day-ahead prices come per MWh in EUR: x 0.00086 turns them into GBP per kWh.
    return {
        "name": name, "time_zone": time_zone,
        "spot_rates": [{"instrument": instrument, "multiplier": "0.00086", "adder": "0.1200",
                        "floor": "-0.0500", "cap": "0.6000"}],
        "standing_charge": {"amount": "0.4500", "per": "day"},
        "vat_rate": "0.05",
    }


def _business(name: str, time_zone: str) -> dict:
    definition = _flat(name, "0.2100", "1.2000", time_zone)
    definition["demand_charges"] = [{"tiers": [{"unit_price": "8.50"}], "name": "capacity"}]
    definition["minimum_charge"] = {"amount": "50.00", "per": "month"}
    definition["vat_rate"] = "0.20"
    return definition


def demo_products(slug: str, *, time_zone: str) -> list[dict]:
    """The products of a demo retailer, their time bands on `time_zone`'s clock (the
    retailer's)."""
    upper = slug.upper()
    return [
        {"code": f"{upper}-FLEX", "name": f"{slug.title()} Flex",
         "customer_kinds": ["HOUSEHOLD"], "green_share_percent": "100",
         "definition": _flat(f"{slug.title()} Flex", "0.2450", "0.4800", time_zone)},
        {"code": f"{upper}-NIGHT-SAVER", "name": f"{slug.title()} Night Saver",
         "customer_kinds": ["HOUSEHOLD"], "green_share_percent": "40", "term_months": 12,
         "exit_fee": "30.00",
         "definition": _night_saver(f"{slug.title()} Night Saver", time_zone)},
        {"code": f"{upper}-AGILE", "name": f"{slug.title()} Agile",
         "customer_kinds": ["HOUSEHOLD"], "green_share_percent": "0",
         "definition": _agile(f"{slug.title()} Agile", DEMO_SPOT_INSTRUMENT[slug],
                             time_zone)},
        {"code": f"{upper}-BUSINESS", "name": f"{slug.title()} Business",
         "customer_kinds": ["ENTERPRISE"], "green_share_percent": "0", "term_months": 24,
         "definition": _business(f"{slug.title()} Business", time_zone)},
    ]


DEMO_PRICES_FROM = date(2025, 1, 1)
DEMO_SPOT_INSTRUMENT = {"alpha": "DA-NORTH", "beta": "DA-SOUTH"}
