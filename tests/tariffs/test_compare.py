"""Ranking tariffs for one load profile: the same exact totals a bill would show."""
from decimal import Decimal

import numpy as np

from tariffs.domain import (
    StandingCharge,
    price_by_billing_period,
    rank_tariffs,
)

from .factories import economy7, flat_tariff, local, profile, starts

START, END = local(2026, 1, 1), local(2027, 1, 1)
INDEX = starts(START, END)
# 1 kWh a half-hour from 01:00 to 07:30 local time, 0.1 otherwise; the clock changes take
# two heavy half-hours away in March and give them back in October.
LOCAL_MINUTE = INDEX.hour * 60 + INDEX.minute
NIGHT_OWL = np.where((LOCAL_MINUTE >= 60) & (LOCAL_MINUTE < 450), 1.0, 0.1)


def test_a_night_heavy_household_is_cheapest_on_economy_7():
    tariffs = [
        flat_tariff("0.24", name="Flat"),
        economy7(standing_charge=StandingCharge(amount=Decimal("0.60"))),
        flat_tariff("0.20", name="Cheap flat",
                    standing_charge=StandingCharge(amount=Decimal("0.30"))),
    ]
    load = profile(INDEX, NIGHT_OWL)
    quotes = rank_tariffs(profile=load, tariffs=tariffs, start=START, end=END)

    assert [q.tariff.name for q in quotes] == ["Economy 7", "Cheap flat", "Flat"]
    assert [q.rank for q in quotes] == [1, 2, 3]
    for quote in quotes:
        bills = price_by_billing_period(tariff=quote.tariff, profile=load, start=START, end=END)
        assert quote.breakdowns == bills
        assert quote.total_after_tax == sum(b.total_after_tax for b in bills)
    # 16.5 kWh a day: 13.1 at night, 3.4 by day
    assert [q.total_after_tax for q in quotes] == [
        Decimal("1069.45"),  # 365 x (13.1 x 0.10 + 3.4 x 0.30 + 0.60)
        Decimal("1314.00"),  # 365 x (16.5 x 0.20 + 0.30)
        Decimal("1445.40"),  # 365 x 16.5 x 0.24
    ]


def test_ties_keep_the_order_given_and_zones_are_prepared_separately():
    same_price = [flat_tariff("0.20", name="Current"), flat_tariff("0.20", name="Alternative"),
                  flat_tariff("0.20", name="Lisbon", time_zone="Europe/Lisbon")]
    load = profile(INDEX, 0.5)
    quotes = rank_tariffs(profile=load, tariffs=same_price, start=START, end=END)
    assert [q.tariff.name for q in quotes] == ["Current", "Alternative", "Lisbon"]
    assert len({q.total_after_tax for q in quotes}) == 1


def test_a_tariff_that_cannot_price_the_profile_is_listed_with_its_reason():
    hourly = starts(START, local(2026, 2, 1), minutes=60)
    load = profile(hourly, 1.0, minutes=60)
    quotes = rank_tariffs(profile=load, tariffs=[economy7(), flat_tariff("0.20")],
                          start=START, end=local(2026, 2, 1))
    assert [(q.tariff.name, q.rank, q.priced) for q in quotes] == [
        ("Flat", 1, True), ("Economy 7", None, False)]
    refused = quotes[1]
    assert refused.not_priceable.code == "intervals_too_coarse"
    assert refused.total_after_tax is None and refused.breakdowns == ()
    assert quotes[0].total_before_tax == Decimal("148.80")  # 744 h x 1 kWh x 0.20
