"""Bills that other projects report for their published tariffs and loads (see
../shared/data/SOURCES.md), recomputed by our engine. Skipped when ../shared is absent."""
import csv
import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tariffs.domain import (
    WEEKDAYS,
    BandRate,
    BandRule,
    ChargeBasis,
    DemandCharge,
    LineKind,
    Schedule,
    StandingCharge,
    TariffDefinition,
    Tier,
    load_profile_from_series,
    price_by_billing_period,
    price_period,
    urdb_to_tariff,
)

from .factories import amount_of, local, shared_data


def hourly_year(kw, *, year: int):
    """An hourly profile (kWh = kW for one hour) from 1 January, UTC as the rate's clock."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    values = np.asarray(kw, dtype=float)
    index = pd.date_range(start, periods=len(values), freq="h")
    profile = load_profile_from_series(import_kwh=pd.Series(values, index=index),
                                       interval=timedelta(hours=1))
    return profile, start, start + timedelta(hours=len(values))


def bills_for(urdb: dict, kw, *, year: int):
    tariff = urdb_to_tariff(urdb=urdb, time_zone="UTC").tariff
    profile, start, end = hourly_year(kw, year=year)
    return price_by_billing_period(tariff=tariff, profile=profile, start=start, end=end)


def reopt(name: str) -> dict:
    return json.loads((shared_data("reopt-urdb-tariffs") / name).read_text())[
        "ElectricTariff"]["urdb_response"]


def test_sam_residential_tou_bill_without_system():
    folder = shared_data("sam-ssc-utilityrate5")
    rate = json.loads((folder / "residential_tou_rate_as_urdb.json").read_text())
    load = np.loadtxt(folder / "pvsamv1_residential_load.csv")
    # SAM's test expects 771.8 (+-0.1) for year 1. SAM's year starts on a Monday (2018 did);
    # the unrounded figure is 771.78, and our 48 rounded lines give 771.79.
    total = amount_of(bills_for(rate, load, year=2018))
    assert total == Decimal("771.79")
    assert abs(total - Decimal("771.8")) <= Decimal("0.1")


def test_reopt_tiered_demand_charges_only_above_50_kw():
    kw = np.full(8760, 1_000_000 / 8760)  # REopt's FlatLoad of 1 GWh a year
    bills = bills_for(reopt("tiered_tou_demand.json"), kw, year=2017)
    # REopt expects 12 x (114.155 - 50) x 12 = 9238.4 (atol 1)
    assert abs(amount_of(bills, LineKind.DEMAND) - Decimal("9238.4")) <= 1
    assert amount_of(bills, LineKind.DEMAND) == Decimal("9238.32")


def test_reopt_tiered_energy_and_demand_year_one_bill():
    bills = bills_for(reopt("tiered_energy_demand.json"), np.full(8760, 100.0), year=2017)
    # No month passes the 74,400 kWh first tier (31 x 24 x 100 is exactly 74,400)
    assert amount_of(bills, LineKind.ENERGY) == Decimal("87600.00")
    assert amount_of(bills, LineKind.DEMAND) == Decimal("12000.00")  # 12 x 100 kW x 10


@pytest.mark.parametrize(
    ("year", "energy", "demand"),
    [
        # hour index 31*24 + 29*24 + 3*24 + 16 is Sunday 5 March 2023 (off-peak) but
        # Monday 4 March 2024 (weekday 14-19h TOU demand window)
        (2023, Decimal("2.80"), Decimal("180.50")),
        (2024, Decimal("3.60"), Decimal("280.50")),
    ],
)
def test_reopt_leap_year_spike_lands_on_the_right_weekday(year, energy, demand):
    kw = np.zeros(8760)
    kw[31 * 24 + 29 * 24 + 3 * 24 + 16] = 10
    bills = bills_for(reopt("leap_year.json"), kw, year=year)
    assert amount_of(bills, LineKind.ENERGY) == energy
    assert amount_of(bills, LineKind.DEMAND) == demand


@pytest.mark.parametrize(("year", "demand"), [(2024, Decimal("180.50")),
                                              (2023, Decimal("361.00"))])
def test_reopt_leap_year_spikes_on_28_february_and_the_day_after(year, demand):
    kw = np.zeros(8760)
    kw[58 * 24 + 8] = kw[59 * 24 + 8] = 10  # 29 February in 2024, 1 March in 2023
    assert amount_of(bills_for(reopt("leap_year.json"), kw, year=year),
                     LineKind.DEMAND) == demand


def test_pysam_urdbv7_components_match_the_naive_rederivation():
    folder = shared_data("pysam-urdb")
    rate = json.loads((folder / "urdbv7.json").read_text())
    load = np.loadtxt(folder / "sample_load.csv", skiprows=1)
    bills = bills_for(rate, load, year=2018)
    demand = [line for b in bills for line in b.lines if line.kind == LineKind.DEMAND]
    # SOURCES.md re-derived energy 756.60, TOU demand 891.35, flat demand 370.67 (unrounded)
    assert abs(amount_of(bills, LineKind.ENERGY) - Decimal("756.60")) <= Decimal("0.05")
    assert abs(sum(line.amount for line in demand if line.band) - Decimal("891.35")) <= Decimal(
        "0.05")
    assert abs(sum(line.amount for line in demand if line.band is None) - Decimal(
        "370.67")) <= Decimal("0.05")


@pytest.mark.xfail(strict=True, reason=(
    "PySAM's test reports ur_total_bill 1603.08 (said to exclude fixed charges) for this rate "
    "and load; neither we nor SOURCES.md's naive re-derivation (energy + demand = 2018.6) "
    "reproduce it, and SOURCES.md rates it low confidence."))
def test_pysam_urdbv7_reported_total_bill():
    folder = shared_data("pysam-urdb")
    rate = json.loads((folder / "urdbv7.json").read_text())
    bills = bills_for(rate, np.loadtxt(folder / "sample_load.csv", skiprows=1), year=2018)
    without_fixed = amount_of(bills) - amount_of(bills, LineKind.STANDING)
    assert abs(without_fixed - Decimal("1603.08")) <= Decimal("16.03")


def eeco_pge_tariff() -> TariffDefinition:
    """eeco's PG&E-style CSV written out as our definition; prices read from the file."""
    path = shared_data("eeco-pge-tariff") / "tests_input__billing_pge.csv"
    rows = list(csv.DictReader(path.read_text().splitlines()))

    def price(kind, month_start, hour_start, weekday_start="0", name=""):
        (row,) = [r for r in rows if r["utility"] == "electric" and r["type"] == kind
                  and r["month_start"] == month_start and r["hour_start"] == hour_start
                  and r["weekday_start"] == weekday_start and r["name"] == name]
        return (Tier(unit_price=Decimal(row["charge"])),)

    summer, winter = frozenset(range(5, 11)), frozenset({1, 2, 3, 4, 11, 12})
    schedule = Schedule(
        bands=("summer-off", "summer-part", "summer-peak", "winter-off", "winter-part"),
        rules=(
            BandRule(band="summer-peak", start=time(12), end=time(18), days=WEEKDAYS,
                     months=summer),
            BandRule(band="summer-part", start=time(8, 30), end=time(12), days=WEEKDAYS,
                     months=summer),
            BandRule(band="summer-part", start=time(18), end=time(21, 30), days=WEEKDAYS,
                     months=summer),
            BandRule(band="summer-off", start=time(0), end=time(0), months=summer),
            BandRule(band="winter-part", start=time(8, 30), end=time(21, 30), days=WEEKDAYS,
                     months=winter),
        ),
        default_band="winter-off",
    )
    (customer,) = [r for r in rows if r["type"] == "customer"]
    return TariffDefinition(
        name="PG&E (eeco test)", time_zone="America/Los_Angeles", energy_schedule=schedule,
        unit_rates=(
            BandRate(band="summer-off", tiers=price("energy", "5", "0")),
            BandRate(band="summer-part", tiers=price("energy", "5", "8.5")),
            BandRate(band="summer-peak", tiers=price("energy", "5", "12")),
            BandRate(band="winter-off", tiers=price("energy", "1", "0")),
            BandRate(band="winter-part", tiers=price("energy", "1", "8.5")),
        ),
        demand_charges=(
            DemandCharge(tiers=price("demand", "5", "12", name="peak-summer"),
                         bands={"summer-peak"}, name="peak-summer"),
            DemandCharge(tiers=price("demand", "5", "8.5", name="half-peak-summer"),
                         bands={"summer-part"}, name="half-peak-summer"),
            DemandCharge(tiers=price("demand", "1", "0", "0", name="off-peak"), name="off-peak"),
            DemandCharge(tiers=price("demand", "1", "8.5", name="half-peak-winter1"),
                         bands={"winter-part"}, months={1, 2, 3, 4}),
            DemandCharge(tiers=price("demand", "11", "8.5", name="half-peak-winter2"),
                         bands={"winter-part"}, months={11, 12}),
        ),
        standing_charge=StandingCharge(amount=Decimal(customer["charge"]), per=ChargeBasis.MONTH),
    )


def test_eeco_pge_demand_and_energy_for_one_day():
    tz = "America/Los_Angeles"
    start, end = local(2024, 7, 10, tz=tz), local(2024, 7, 11, tz=tz)
    index = pd.date_range(start, end, freq="15min", inclusive="left")
    kw = np.arange(96, dtype=float)  # eeco's test load: i kW in the i-th quarter hour
    profile = load_profile_from_series(import_kwh=pd.Series(kw / 4, index=index),
                                       interval=timedelta(minutes=15))
    bill = price_period(tariff=eeco_pge_tariff(), profile=profile, start=start, end=end)
    # eeco: 4027.79 = 71 x 21.19 + 85 x 5.88 + 95 x 21.3
    assert amount_of(bill, LineKind.DEMAND) == Decimal("4027.79")
    # eeco: 140.916195 unrounded; our three band lines are 32.92 + 49.81 + 58.19
    assert amount_of(bill, LineKind.ENERGY) == Decimal("140.92")
    # eeco charges the whole 1352.6313 $/month customer charge for a one-day window; we
    # prorate a monthly charge by local days, so one July day is 1/31 of it
    assert amount_of(bill, LineKind.STANDING) == Decimal("43.63")


def test_eeco_pge_month_in_winter_uses_the_winter_bands():
    tz = "America/Los_Angeles"
    start, end = local(2024, 3, 7, tz=tz), local(2024, 3, 8, tz=tz)
    index = pd.date_range(start, end, freq="15min", inclusive="left")
    profile = load_profile_from_series(
        import_kwh=pd.Series(np.arange(96, dtype=float) / 4, index=index),
        interval=timedelta(minutes=15))
    bill = price_period(tariff=eeco_pge_tariff(), profile=profile, start=start, end=end)
    # eeco: demand 2028.6 on 2024-03-07 (95 x 21.3 + 85 x 0.06); energy 123.24669
    assert amount_of(bill, LineKind.DEMAND) == Decimal("2028.60")
    assert abs(amount_of(bill, LineKind.ENERGY) - Decimal("123.24669")) <= Decimal("0.01")
