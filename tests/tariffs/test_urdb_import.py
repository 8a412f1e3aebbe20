"""URDB JSON becomes a TariffDefinition; what is not supported comes back as warnings."""
import json
from datetime import time
from decimal import Decimal

import pytest

from tariffs.domain import (
    ALL_MONTHS,
    WEEKDAYS,
    WEEKEND,
    BandRule,
    ChargeBasis,
    DemandCharge,
    LineKind,
    MinimumCharge,
    StandingCharge,
    Tier,
    TierScope,
    price_period,
    urdb_to_tariff,
)

from .factories import lines_of, local, profile, starts
from .urdb_fixtures import small_rate

DENVER = "America/Denver"


def test_periods_become_bands_and_tiers_keep_max_and_adj():
    tariff = urdb_to_tariff(urdb=small_rate(), time_zone=DENVER).tariff
    assert tariff.name == "Test TOU with demand"
    assert tariff.time_zone == DENVER
    assert tariff.tier_scope is TierScope.ALL_BANDS
    assert tariff.energy_schedule.bands == ("p0", "p1")
    assert tariff.rate_for("p1").tiers == (
        Tier(unit_price=Decimal("0.3"), upper=Decimal(500)),
        Tier(unit_price=Decimal("0.33"), adjustment=Decimal("0.02")),
    )
    assert BandRule(band="p1", start=time(14), end=time(19), days=WEEKDAYS,
                    months=frozenset({6, 7, 8, 9})) in tariff.energy_schedule.rules
    assert BandRule(band="p0", start=time(0), end=time(0), days=WEEKEND,
                    months=ALL_MONTHS) in tariff.energy_schedule.rules


def test_demand_fixed_and_minimum_charges():
    tariff = urdb_to_tariff(urdb=small_rate(), time_zone=DENVER).tariff
    assert tariff.demand_charges == (
        DemandCharge(tiers=(Tier(unit_price=Decimal("0.0")),), bands=frozenset({"p0"})),
        DemandCharge(tiers=(Tier(unit_price=Decimal("8.0")),), bands=frozenset({"p1"})),
        DemandCharge(tiers=(Tier(unit_price=Decimal("3.0")),),
                     months=frozenset({1, 2, 3, 4, 5, 10, 11, 12})),
        DemandCharge(tiers=(Tier(unit_price=Decimal("5.0")),), months=frozenset({6, 7, 8, 9})),
    )
    assert tariff.standing_charge == StandingCharge(amount=Decimal("0.8"), per=ChargeBasis.DAY)
    assert tariff.minimum_charge == MinimumCharge(amount=Decimal(15), per=ChargeBasis.MONTH)


def test_schedules_are_read_in_the_given_time_zone():
    tariff = urdb_to_tariff(urdb=small_rate(), time_zone=DENVER).tariff
    # Wednesday 15 July 2026, 15:00-16:00 Denver time (21:00 UTC): period 1
    start, end = local(2026, 7, 15, 15, tz=DENVER), local(2026, 7, 15, 16, tz=DENVER)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end, minutes=60), 2.0,
                                                      minutes=60), start=start, end=end)
    (energy,) = lines_of(bill, LineKind.ENERGY)
    assert (energy.band, energy.tier, energy.amount) == ("p1", 1, Decimal("0.60"))
    demand = {(line.band, line.amount) for line in lines_of(bill, LineKind.DEMAND)}
    assert demand == {("p1", Decimal("16.00")), (None, Decimal("10.00"))}


def test_unsupported_fields_are_reported_by_name_and_metadata_is_not():
    rate = small_rate() | {"coincidentratestructure": [[{"rate": 2}]], "dgrules": "Net Metering",
                           "eiaid": 1234, "description": "for tests"}
    rate["energyratestructure"][0][0]["sell"] = 0.04
    warnings = urdb_to_tariff(urdb=rate, time_zone=DENVER).warnings
    assert warnings == (
        "coincidentratestructure: not supported, ignored",
        "dgrules: not supported, ignored",
        "energyratestructure[*][*].sell: sell rates are not supported and were ignored",
    )


def test_json_text_and_api_responses_with_one_item_are_accepted():
    as_text = urdb_to_tariff(urdb=json.dumps(small_rate()), time_zone=DENVER)
    as_response = urdb_to_tariff(urdb={"items": [small_rate()]}, time_zone=DENVER)
    direct = urdb_to_tariff(urdb=small_rate(), time_zone=DENVER)
    assert as_text == as_response == direct


def test_older_fixedmonthlycharge_spelling_is_a_monthly_standing_charge():
    rate = small_rate()
    del rate["fixedchargefirstmeter"], rate["fixedchargeunits"]
    rate["fixedmonthlycharge"] = 35.28
    tariff = urdb_to_tariff(urdb=rate, time_zone=DENVER).tariff
    assert tariff.standing_charge == StandingCharge(amount=Decimal("35.28"),
                                                    per=ChargeBasis.MONTH)


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_the_caller_chooses_the_zone(zone):
    assert urdb_to_tariff(urdb=small_rate(), time_zone=zone).tariff.time_zone == zone
