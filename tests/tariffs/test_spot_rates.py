"""Spot-indexed (dynamic) rates: market price x multiplier + adder, capped and floored."""
from decimal import Decimal

import pandas as pd
import pytest

from tariffs.domain import Flow, LineKind, SpotRate, TariffDefinition, price_period
from tariffs.domain.prepared import MissingSpotPrice

from .factories import LONDON, lines_of, local, profile, starts

START, END = local(2026, 4, 6), local(2026, 4, 6, 2)  # four half-hours
INDEX = starts(START, END)


def spot_tariff(**rate) -> TariffDefinition:
    return TariffDefinition(
        name="Agile-like", time_zone=LONDON,
        spot_rates=(SpotRate(instrument="GB-DA", multiplier=Decimal("0.001"), **rate),),
    )


def priced(tariff, market_per_mwh, *, kwh=1.0, export=None):
    prices = {"GB-DA": pd.Series(market_per_mwh, index=INDEX)}
    return price_period(tariff=tariff, profile=profile(INDEX, kwh, export=export),
                        start=START, end=END, spot_prices=prices)


def test_each_interval_is_priced_at_its_own_market_price_within_cap_and_floor():
    tariff = spot_tariff(adder=Decimal("0.02"), floor=Decimal("0"), cap=Decimal("0.50"))
    bill = priced(tariff, [-50.0, 0.0, 100.0, 700.0])
    # -0.03 -> floored to 0; 0.02; 0.12; 0.72 -> capped to 0.50
    (line,) = lines_of(bill, LineKind.SPOT)
    assert (line.quantity, line.amount, line.unit_price) == (4, Decimal("0.64"), Decimal("0.16"))
    assert line.name == "GB-DA"


def test_negative_prices_pay_the_customer_unless_a_floor_stops_them():
    no_floor = priced(spot_tariff(adder=Decimal("0.02")), [-120.0] * 4, kwh=0.5)
    floored = priced(spot_tariff(adder=Decimal("0.02"), floor=Decimal("-0.05")), [-120.0] * 4,
                     kwh=0.5)
    # 2 kWh at -0.10 per kWh, or at the -0.05 floor
    assert no_floor.total_after_tax == Decimal("-0.20")
    assert floored.total_after_tax == Decimal("-0.10")


def test_export_flow_credits_exported_energy_at_the_spot_price():
    tariff = TariffDefinition(
        name="Outgoing", time_zone=LONDON,
        spot_rates=(SpotRate(instrument="GB-DA", multiplier=Decimal("0.001"), flow=Flow.EXPORT),),
    )
    bill = priced(tariff, [80.0, 90.0, 100.0, 110.0], kwh=0.0, export=2.0)
    (line,) = lines_of(bill, LineKind.EXPORT)
    assert (line.quantity, line.amount) == (8, Decimal("-0.76"))


def test_a_missing_market_price_is_an_error_naming_the_interval():
    prices = {"GB-DA": pd.Series([50.0, 60.0, 70.0], index=INDEX[:3])}
    with pytest.raises(MissingSpotPrice, match=r"GB-DA.*2026-04-06T00:30:00\+00:00"):
        price_period(tariff=spot_tariff(), profile=profile(INDEX, 1.0), start=START, end=END,
                     spot_prices=prices)
    with pytest.raises(MissingSpotPrice, match="no spot prices were given"):
        price_period(tariff=spot_tariff(), profile=profile(INDEX, 1.0), start=START, end=END)
