"""A dynamic tariff customer's own price: market price × multiplier + adder, within floor
and cap (pure arithmetic)."""
from decimal import Decimal

from accounts.domain.my_price import SpotTerms, personal_price, personal_price_message

TERMS = SpotTerms(instrument="DA-SOUTH", multiplier=Decimal("0.00086"), adder=Decimal("0.12"),
                  cap=Decimal("0.60"), floor=Decimal("-0.05"), product="Beta Agile",
                  currency="GBP")


def test_price_is_market_times_multiplier_plus_adder():
    # 80 EUR/MWh x 0.00086 + 0.12 = 0.0688 + 0.12 = 0.1888
    assert personal_price(terms=TERMS, market_value=Decimal("80")) == Decimal("0.1888")


def test_negative_market_prices_stop_at_the_floor():
    # -300 x 0.00086 + 0.12 = -0.138, below the floor of -0.05
    assert personal_price(terms=TERMS, market_value=Decimal("-300")) == Decimal("-0.0500")
    # -100 x 0.00086 + 0.12 = 0.034: a negative market price, still above the floor
    assert personal_price(terms=TERMS, market_value=Decimal("-100")) == Decimal("0.0340")


def test_spikes_stop_at_the_cap():
    assert personal_price(terms=TERMS, market_value=Decimal("3000")) == Decimal("0.6000")


def test_message_carries_interval_and_units():
    message = personal_price_message(
        terms=TERMS, tick={"interval_start": "2030-01-01T10:00:00+00:00", "value": "80"})
    assert message == {
        "type": "my_price", "instrument": "DA-SOUTH",
        "interval_start": "2030-01-01T10:00:00+00:00", "market_value": "80",
        "value": "0.1888", "unit": "GBP/kWh", "product": "Beta Agile",
    }
