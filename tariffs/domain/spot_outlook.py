"""A dynamic tariff's price now and for the next hours, from the market prices known.

Pure: the terms (a spot rate's multiplier, adder, floor and cap, and the product's name and
currency), the market points and "now" come from the caller. Each priced interval (a
half-hour, tariffs.domain.intervals) takes the market price of the market interval that
contains it (an hourly day-ahead price covers two half-hours).
"""
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .intervals import PRICED_INTERVAL_MINUTES, interval_wording

DISPLAY_STEP = Decimal("0.0001")


def spot_unit_price(*, terms, market_value: Decimal) -> Decimal:
    """clip(market × multiplier + adder, floor, cap), shown to 4 places (the bill prices
    each interval exactly; this is the figure a page shows)."""
    price = market_value * terms.multiplier + terms.adder
    if terms.floor is not None:
        price = max(price, terms.floor)
    if terms.cap is not None:
        price = min(price, terms.cap)
    return price.quantize(DISPLAY_STEP, rounding=ROUND_HALF_UP)


def _floor(moment: datetime, minutes: int) -> datetime:
    moment = moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    step = minutes * 60
    return midnight + timedelta(seconds=(moment - midnight).seconds // step * step)


def price_outlook(*, terms, points: dict[datetime, Decimal], market_minutes: int,
                  now: datetime, hours: int = 12,
                  interval_minutes: int = PRICED_INTERVAL_MINUTES) -> list[dict]:
    """[{interval_start, interval_end, market_value, value}] for the interval containing
    `now` and the following ones up to `hours` ahead, as far as market prices are known
    (the list stops at the first interval without one)."""
    known = {start.astimezone(UTC): value for start, value in points.items()}
    step = timedelta(minutes=interval_minutes)
    start = _floor(now, interval_minutes)
    outlook = []
    for _ in range(hours * 60 // interval_minutes):
        market_value = known.get(_floor(start, market_minutes))
        if market_value is None:
            break
        outlook.append({
            "interval_start": start.isoformat(), "interval_end": (start + step).isoformat(),
            "market_value": str(market_value),
            "value": str(spot_unit_price(terms=terms, market_value=market_value)),
        })
        start += step
    return outlook


def price_outlook_message(*, terms, points: dict[datetime, Decimal], market_minutes: int,
                          now: datetime, hours: int = 12) -> dict:
    """The live page's message: the price now (None when the market price of the current
    interval is not known) and the next hours."""
    outlook = price_outlook(terms=terms, points=points, market_minutes=market_minutes,
                            now=now, hours=hours)
    return {
        "type": "my_price",
        "instrument": terms.instrument,
        "product": terms.product,
        "unit": f"{terms.currency}/kWh",
        "interval_minutes": PRICED_INTERVAL_MINUTES,
        "interval_wording": interval_wording(),
        "now": outlook[0] if outlook else None,
        "next": outlook,
    }
