"""A published URDB rate (PySAM's urdbv7.json: two-period TOU energy with tiers, TOU
demand, monthly flat demand, a $35.28 monthly fixed charge) prices a year of hourly load;
January is re-derived here with plain arithmetic, independent of the engine."""
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from tariffs.domain import (
    LineKind,
    load_profile_from_series,
    price_by_billing_period,
    urdb_to_tariff,
)

from .factories import amount_of, shared_data

# SAM's 8760-hour year starts on a Monday; 2018 did too.
YEAR_START = datetime(2018, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def rate_and_load():
    folder = shared_data("pysam-urdb")
    rate = json.loads((folder / "urdbv7.json").read_text())
    rows = (folder / "sample_load.csv").read_text().splitlines()
    load = [float(value) for value in rows[1:]]  # first row is a header; values are kW
    assert len(load) == 8760
    return rate, load


def january_by_hand(rate: dict, load: list[float]) -> float:
    energy_kwh = {0: 0.0, 1: 0.0}
    tou_peak_kw = {0: 0.0, 1: 0.0}
    for hour in range(31 * 24):
        weekend = (hour // 24) % 7 >= 5  # day 0 is a Monday
        kind = "weekend" if weekend else "weekday"
        energy_period = int(rate[f"energy{kind}schedule"][0][hour % 24])
        demand_period = int(rate[f"demand{kind}schedule"][0][hour % 24])
        energy_kwh[energy_period] += load[hour]
        tou_peak_kw[demand_period] = max(tou_peak_kw[demand_period], load[hour])
    total_kwh = sum(energy_kwh.values())
    energy = 0.0
    for period, kwh in energy_kwh.items():
        first, second = rate["energyratestructure"][period]
        # URDB tiers count the month's total across periods; each period shares in proportion
        in_first = min(total_kwh, first["max"]) / total_kwh
        energy += kwh * (in_first * first["rate"] + (1 - in_first) * second["rate"])
    demand = 0.0
    for period, kw in tou_peak_kw.items():
        first, second = rate["demandratestructure"][period]
        demand += min(kw, first["max"]) * first["rate"] + max(kw - first["max"], 0) * second["rate"]
    flat_period = int(rate["flatdemandmonths"][0])
    flat = max(load[:31 * 24]) * rate["flatdemandstructure"][flat_period][0]["rate"]
    return energy + demand + flat + rate["fixedmonthlycharge"]


def test_january_matches_the_hand_computed_bill(rate_and_load):
    rate, load = rate_and_load
    imported = urdb_to_tariff(urdb=rate, time_zone="UTC")
    assert imported.warnings == ("annualmincharge: not supported, ignored",
                                 "dgrules: not supported, ignored")
    index = pd.date_range(YEAR_START, periods=8760, freq="h")
    profile = load_profile_from_series(import_kwh=pd.Series(load, index=index),
                                       interval=timedelta(hours=1))
    bills = price_by_billing_period(tariff=imported.tariff, profile=profile, start=YEAR_START,
                                    end=YEAR_START + timedelta(hours=8760))
    assert len(bills) == 12
    by_hand = january_by_hand(rate, load)
    # the engine rounds each of its six January lines to the cent; the hand sum is unrounded
    assert abs(float(bills[0].total_after_tax) - by_hand) <= 0.035
    assert bills[0].total_after_tax == amount_of(bills[0])
    # a year of it: 12 x 35.28 of fixed charges
    assert amount_of(bills, LineKind.STANDING) == Decimal("423.36")


def test_the_raw_api_response_in_kwh_per_kw_is_refused_not_mispriced():
    text = json.loads((shared_data("pysam-urdb") / "urdb_rate_539f6a23ec4f024411ec8beb.json")
                      .read_text())  # the file holds the API response as a JSON string
    from tariffs.domain.urdb import UrdbImportError

    with pytest.raises(UrdbImportError, match=r"energyratestructure\[0\]\[0\].unit 'kWh/kW'"):
        urdb_to_tariff(urdb=text, time_zone="America/Chicago")
