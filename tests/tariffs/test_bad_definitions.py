"""Tariff definitions that cannot be priced are refused with a message saying why."""
from datetime import time
from decimal import Decimal

import pytest

from tariffs.domain import (
    WEEKDAYS,
    BandRate,
    BandRule,
    DemandCharge,
    GroupDiscount,
    MinimumCharge,
    Schedule,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    Tier,
)
from tariffs.domain.validation import (
    IncompleteSchedule,
    InvalidTariffDefinition,
    NegativeCharge,
    TiersNotAscending,
    UndefinedBand,
)

from .factories import LONDON, flat_tariff

PRICE = (Tier(unit_price=Decimal("0.20")),)


def test_a_schedule_rule_with_an_undeclared_band():
    with pytest.raises(UndefinedBand, match="rule 1 uses band 'peek'.*declared: 'peak', 'off'"):
        Schedule(bands=("peak", "off"),
                 rules=(BandRule(band="peek", start=time(16), end=time(19)),),
                 default_band="off")


def test_a_schedule_band_without_a_unit_rate():
    schedule = Schedule(bands=("peak", "off"),
                        rules=(BandRule(band="peak", start=time(16), end=time(19)),),
                        default_band="off")
    with pytest.raises(UndefinedBand, match="uses band 'off' but the tariff has no unit rate"):
        TariffDefinition(name="Half", time_zone=LONDON, energy_schedule=schedule,
                         unit_rates=(BandRate(band="peak", tiers=PRICE),))


def test_a_unit_rate_or_demand_charge_for_a_band_nobody_declared():
    with pytest.raises(UndefinedBand, match="unit rate for band 'night'"):
        TariffDefinition(name="Typo", time_zone=LONDON, unit_rates=(
            BandRate(band="standard", tiers=PRICE), BandRate(band="night", tiers=PRICE)))
    with pytest.raises(UndefinedBand, match="demand charge on band 'peak'"):
        TariffDefinition(name="Demand", time_zone=LONDON,
                         demand_charges=(DemandCharge(tiers=PRICE, bands={"peak"}),))


def test_a_schedule_with_a_gap_names_the_first_uncovered_moment():
    with pytest.raises(IncompleteSchedule, match="Saturday at 00:00 in January"):
        Schedule(bands=("peak",), rules=(BandRule(band="peak", start=time(0), end=time(0),
                                                  days=WEEKDAYS),))


def test_holidays_need_a_band_too():
    from datetime import date

    with pytest.raises(IncompleteSchedule, match="holidays at 00:00"):
        Schedule(bands=("peak",), rules=(BandRule(band="peak", start=time(0), end=time(0),
                                                  days=frozenset(range(7))),),
                 holidays=frozenset({date(2026, 12, 25)}))


@pytest.mark.parametrize(
    ("uppers", "message"),
    [
        ((200, 100, None), "tier 2 ends at 100 which is not above tier 1's 200"),
        ((200, 200, None), "tier 2 ends at 200 which is not above tier 1's 200"),
        ((None, 100), "tier 1 has no upper limit but is not the last tier"),
        ((0, None), "tier 1 upper limit must be positive"),
    ],
)
def test_tiers_whose_limits_do_not_ascend(uppers, message):
    tiers = [Tier(unit_price=Decimal("0.1"), upper=upper) for upper in uppers]
    with pytest.raises(TiersNotAscending, match=message):
        BandRate(band="standard", tiers=tiers)


def test_negative_standing_and_minimum_charges():
    with pytest.raises(NegativeCharge, match="standing charge must not be negative, got -0.5"):
        StandingCharge(amount=Decimal("-0.5"))
    with pytest.raises(NegativeCharge, match="minimum charge"):
        MinimumCharge(amount=Decimal("-1"))


def test_floats_are_refused_for_money():
    with pytest.raises(InvalidTariffDefinition, match="must be a Decimal.*float 0.1"):
        Tier(unit_price=0.1)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: flat_tariff(time_zone="Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
        (lambda: SpotRate(instrument="X", cap=Decimal(0), floor=Decimal(1)), "cap 0 is below"),
        (lambda: GroupDiscount(group="staff", percent=Decimal(150)), r"\(0, 100\]"),
        (lambda: flat_tariff(vat_rate=Decimal("-0.2")), "VAT rate must not be negative"),
        (lambda: BandRate(band="x", tiers=()), "needs at least one tier"),
        (lambda: BandRule(band="x", start=time(7, 0, 30), end=time(8)), "whole minute"),
        (lambda: BandRule(band="x", start=time(7), end=time(8), months={13}), "1-12"),
    ],
)
def test_other_invalid_components(build, message):
    with pytest.raises(InvalidTariffDefinition, match=message):
        build()


def test_errors_carry_a_stable_code_for_the_api():
    with pytest.raises(NegativeCharge) as caught:
        StandingCharge(amount=Decimal("-1"))
    assert caught.value.code == "negative_charge"
    assert caught.value.detail.startswith("standing charge")
