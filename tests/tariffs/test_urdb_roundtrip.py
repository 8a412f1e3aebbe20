"""URDB import -> export gives the same structure back for the supported fields, on our own
rate and on published ones (read from ../shared, skipped when absent)."""
import json
from datetime import date, time
from decimal import Decimal

import pytest

from tariffs.domain import (
    HOLIDAYS,
    WEEKDAYS,
    BandRate,
    BandRule,
    Schedule,
    SpotRate,
    TariffDefinition,
    Tier,
    tariff_to_urdb,
    urdb_to_tariff,
)
from tariffs.domain.urdb_export import UrdbExportError

from .factories import LONDON, economy7, shared_data
from .urdb_fixtures import small_rate

STRUCTURES = {"energyratestructure": "kWh", "demandratestructure": "kW",
              "flatdemandstructure": "kW"}
MATRICES = ("energyweekdayschedule", "energyweekendschedule", "demandweekdayschedule",
            "demandweekendschedule")


def canonical(urdb: dict) -> dict:
    """The supported fields with URDB's defaults filled in and numbers as floats."""
    out = {}
    for key, unit in STRUCTURES.items():
        if key in urdb:
            out[key] = [
                [{"rate": float(t.get("rate", 0)), "adj": float(t.get("adj", 0)),
                  "max": None if t.get("max") is None else float(t["max"]),
                  "unit": t.get("unit", unit)} for t in period]
                for period in urdb[key]
            ]
    for key in MATRICES:
        if key in urdb:
            out[key] = [[int(v) for v in row] for row in urdb[key]]
    if "flatdemandmonths" in urdb:
        out["flatdemandmonths"] = [int(v) for v in urdb["flatdemandmonths"]]
    for amount, units, alias in (
        ("fixedchargefirstmeter", "fixedchargeunits", "fixedmonthlycharge"),
        ("mincharge", "minchargeunits", "minmonthlycharge"),
    ):
        if alias in urdb:
            out[amount] = (float(urdb[alias]), "$/month")
        elif amount in urdb:
            out[amount] = (float(urdb[amount]), urdb.get(units, "$/month"))
    return out


def round_trip(urdb: dict) -> dict:
    return tariff_to_urdb(tariff=urdb_to_tariff(urdb=urdb, time_zone="UTC").tariff).data


def test_our_rate_round_trips():
    assert canonical(round_trip(small_rate())) == canonical(small_rate())


def reopt(name: str) -> dict:
    data = json.loads((shared_data("reopt-urdb-tariffs") / name).read_text())
    return data["ElectricTariff"]["urdb_response"] if "ElectricTariff" in data else data


PUBLISHED = {
    "sam residential TOU": lambda: json.loads(
        (shared_data("sam-ssc-utilityrate5") / "residential_tou_rate_as_urdb.json").read_text()),
    "pysam urdbv7": lambda: json.loads((shared_data("pysam-urdb") / "urdbv7.json").read_text()),
    "reopt leap_year": lambda: reopt("leap_year.json"),
    "reopt multi_tier": lambda: reopt("multi_tier_urdb_response.json"),
    "reopt tiered_tou_demand": lambda: reopt("tiered_tou_demand.json"),
    "reopt tiered_energy_demand": lambda: reopt("tiered_energy_demand.json"),
}


@pytest.mark.parametrize("source", sorted(PUBLISHED))
def test_published_rates_round_trip(source):
    original = PUBLISHED[source]()
    exported = round_trip(original)
    assert canonical(exported) == canonical(original)
    # and a second trip is stable
    assert round_trip(exported) == exported


def test_definitions_of_our_own_export_and_import_back_to_the_same_rate():
    schedule = Schedule(
        bands=("off", "peak"),
        rules=(BandRule(band="peak", start=time(16), end=time(20), days=WEEKDAYS),),
        default_band="off",
    )
    tariff = TariffDefinition(
        name="Hourly TOU", time_zone=LONDON, energy_schedule=schedule,
        unit_rates=(BandRate(band="off", tiers=(Tier(unit_price=Decimal("0.15")),)),
                    BandRate(band="peak", tiers=(Tier(unit_price=Decimal("0.45")),))),
    )
    exported = tariff_to_urdb(tariff=tariff)
    assert exported.warnings == ()
    assert exported.data["energyweekdayschedule"][0] == [0] * 16 + [1] * 4 + [0] * 4
    assert round_trip(exported.data) == exported.data


def test_what_urdb_cannot_hold_is_reported_or_refused():
    spot = TariffDefinition(name="Spot", time_zone=LONDON, spot_rates=(SpotRate(instrument="X"),))
    assert tariff_to_urdb(tariff=spot).warnings == (
        "spot_rates: URDB has no field for it; not exported",)
    with pytest.raises(UrdbExportError, match="changes band within an hour"):
        tariff_to_urdb(tariff=economy7())  # night starts at 00:30
    with_holiday = Schedule(
        bands=("a",), rules=(BandRule(band="a", start=time(0), end=time(0), days=HOLIDAYS),),
        default_band="a", holidays=frozenset({date(2026, 12, 25)}),
    )
    flat = TariffDefinition(name="H", time_zone=LONDON, energy_schedule=with_holiday,
                            unit_rates=(BandRate(band="a", tiers=(Tier(unit_price=Decimal(1)),)),))
    assert tariff_to_urdb(tariff=flat).warnings == (
        "energy schedule: holidays cannot be expressed in URDB and were dropped",)


def test_weekdays_that_differ_cannot_be_exported():
    friday_off = Schedule(
        bands=("peak", "off"),
        rules=(BandRule(band="peak", start=time(16), end=time(19), days=frozenset({0, 1, 2, 3})),),
        default_band="off",
    )
    tariff = TariffDefinition(
        name="Short week", time_zone=LONDON, energy_schedule=friday_off,
        unit_rates=(BandRate(band="peak", tiers=(Tier(unit_price=Decimal("0.4")),)),
                    BandRate(band="off", tiers=(Tier(unit_price=Decimal("0.1")),))),
    )
    with pytest.raises(UrdbExportError, match="differs between weekdays"):
        tariff_to_urdb(tariff=tariff)
