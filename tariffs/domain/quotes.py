"""Quotes: one submitted load profile priced under several products, cheapest first.

A constant number of queries whatever the number of products: the products, their versions
in force, the versions' components (tariffs/domain/bulk.py) and, when a dynamic tariff is
among them, the market prices of its instruments (market/domain/series.py).
"""
from datetime import datetime, timedelta

import pandas as pd

from core.errors import GridlineError
from core.ranges import DateTimeRange
from market.domain.series import price_series_load
from tariffs.models import Product

from .bulk import tariff_definitions_for
from .compare import rank_tariffs
from .load_files import breakdown_json
from .offers import versions_in_force
from .profile import InvalidLoadProfile, load_profile_from_series


class UnableToQuote(GridlineError):
    code = "quote_invalid"


def products_quote(
    *, start: datetime, interval: timedelta, import_kwh: list[float],
    codes: list[str] | None, customer_kind: str | None, by: str,
) -> list[dict]:
    """A quote per product under its version in force at `start`: the priced ones ranked
    cheapest first, then the ones that could not be priced, each with the reason (e.g. a
    tariff whose bands change inside the submitted intervals, or a dynamic tariff without
    market prices for every submitted interval)."""
    try:
        index = pd.date_range(start, periods=len(import_kwh), freq=interval)
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise InvalidLoadProfile(f"The profile starting {start.isoformat()} lies outside "
                                 "the dates that can be priced.") from None
    end = index[-1].to_pydatetime() + interval
    profile = load_profile_from_series(import_kwh=pd.Series(import_kwh, index=index),
                                       interval=interval)
    products = Product.objects.order_by("code")
    products = list(products.filter(code__in=codes) if codes else products)
    if codes:
        missing = set(codes) - {product.code for product in products}
        if missing:
            raise UnableToQuote(f"Unknown product(s): {', '.join(sorted(missing))}.")
    if customer_kind:
        products = [p for p in products if customer_kind in p.customer_kinds]
    on = start.date()
    versions = versions_in_force(products=products, on=on)
    if not versions:
        raise UnableToQuote(f"No product has a version in force on {on}.")
    ordered = sorted(versions.values(), key=lambda version: version.product.code)
    definitions = tariff_definitions_for(versions=ordered)
    tariffs = [definitions[version.pk] for version in ordered]
    instruments = {rate.instrument for tariff in tariffs for rate in tariff.spot_rates}
    spot_prices = price_series_load(instrument_codes=instruments,
                                    period=DateTimeRange(start, end)) if instruments else None
    version_of = {id(tariff): version for tariff, version in zip(tariffs, ordered, strict=True)}
    quotes = rank_tariffs(profile=profile, tariffs=tariffs, start=start, end=end, by=by,
                          spot_prices=spot_prices)
    return [_quote_json(quote, version_of[id(quote.tariff)]) for quote in quotes]


def _quote_json(quote, version) -> dict:
    body = {"rank": quote.rank, "product": version.product.code, "version": version.pk}
    if not quote.priced:
        return {**body, "not_priceable": {"error": quote.not_priceable.code,
                                          "detail": quote.not_priceable.reason}}
    return {**body, "total_exc_tax": str(quote.total_before_tax),
            "total_inc_tax": str(quote.total_after_tax),
            "periods": [breakdown_json(b) for b in quote.breakdowns]}
