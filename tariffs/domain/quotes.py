"""Quotes: one submitted load profile priced under several products, cheapest first."""
from datetime import datetime, timedelta

import pandas as pd

from core.errors import GridlineError
from tariffs.models import Product

from .catalogue import tariff_definition, version_active_on
from .compare import rank_tariffs
from .load_files import breakdown_json
from .profile import InvalidLoadProfile, load_profile_from_series


class UnableToQuote(GridlineError):
    code = "quote_invalid"


def products_quote(
    *, start: datetime, interval: timedelta, import_kwh: list[float],
    codes: list[str] | None, customer_kind: str | None, by: str,
) -> list[dict]:
    """Price the profile under each product's version in force at `start`.

    Dynamic (spot-indexed) versions are left out: they need market prices for every
    submitted interval, which a quote for arbitrary dates cannot promise.
    """
    try:
        index = pd.date_range(start, periods=len(import_kwh), freq=interval)
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise InvalidLoadProfile(f"The profile starting {start.isoformat()} lies outside "
                                 "the dates that can be priced.") from None
    profile = load_profile_from_series(import_kwh=pd.Series(import_kwh, index=index),
                                       interval=interval)
    products = Product.objects.order_by("code")
    if codes:
        products = products.filter(code__in=codes)
        missing = set(codes) - {product.code for product in products}
        if missing:
            raise UnableToQuote(f"Unknown product(s): {', '.join(sorted(missing))}.")
    if customer_kind:
        products = products.filter(customer_kinds__contains=[customer_kind])
    on = start.date()
    versions = [v for v in (version_active_on(product=p, on=on) for p in products) if v]
    priced = [(version, tariff_definition(version=version)) for version in versions]
    priced = [(version, tariff) for version, tariff in priced if not tariff.spot_rates]
    if not priced:
        raise UnableToQuote(f"No product with fixed prices has a version in force on {on}.")
    version_of = {id(tariff): version for version, tariff in priced}
    quotes = rank_tariffs(profile=profile, tariffs=[tariff for _, tariff in priced],
                          start=start, end=index[-1].to_pydatetime() + interval, by=by)
    return [
        {
            "rank": quote.rank,
            "product": version_of[id(quote.tariff)].product.code,
            "version": version_of[id(quote.tariff)].pk,
            "total_exc_tax": str(quote.total_before_tax),
            "total_inc_tax": str(quote.total_after_tax),
            "periods": [breakdown_json(b) for b in quote.breakdowns],
        }
        for quote in quotes
    ]
