"""A dynamic tariff customer's own price: market price × multiplier + adder, within floor
and cap (pure arithmetic)."""
from datetime import UTC, datetime
from decimal import Decimal

from accounts.domain.my_price import SpotTerms, personal_price
from tariffs.domain.spot_outlook import price_outlook, price_outlook_message

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


def test_the_price_now_is_the_half_hour_containing_now_not_the_last_known_hour():
    """Defect: the page showed the last hour of tomorrow. Now: the half-hour of `now`."""
    hourly = {datetime(2030, 1, 1, h, tzinfo=UTC): Decimal(10 * h) for h in range(24)}
    message = price_outlook_message(terms=TERMS, points=hourly, market_minutes=60,
                                    now=datetime(2030, 1, 1, 10, 40, tzinfo=UTC), hours=3)
    assert message["now"] == {
        "interval_start": "2030-01-01T10:30:00+00:00",
        "interval_end": "2030-01-01T11:00:00+00:00",
        "market_value": "100", "value": str(personal_price(terms=TERMS,
                                                           market_value=Decimal(100))),
    }
    assert message["interval_wording"] == "half-hour" and message["interval_minutes"] == 30
    # The next three hours in half-hours: each hourly market price covers two of them.
    assert [p["market_value"] for p in message["next"]] == ["100", "110", "110", "120",
                                                            "120", "130"]
    assert (message["unit"], message["product"]) == ("GBP/kWh", "Beta Agile")


def test_the_outlook_stops_where_market_prices_end():
    known = {datetime(2030, 1, 1, 23, tzinfo=UTC): Decimal(50)}
    outlook = price_outlook(terms=TERMS, points=known, market_minutes=60,
                            now=datetime(2030, 1, 1, 23, 5, tzinfo=UTC), hours=12)
    assert [p["interval_start"] for p in outlook] == ["2030-01-01T23:00:00+00:00",
                                                      "2030-01-01T23:30:00+00:00"]
    assert price_outlook_message(terms=TERMS, points={}, market_minutes=60,
                                 now=datetime(2030, 1, 2, tzinfo=UTC))["now"] is None
