"""What a customer's consumption costs: under their own contract's tariff, and under each
tariff on offer to them. The pricing is the tariffs engine's (the same figures a bill
would show); this module only finds the customer's tariff and the market prices a dynamic
tariff needs. The kWh come from the caller (the metering app reads them)."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd

from accounts.models import Contract, ContractStatus, Customer
from core.ranges import DateTimeRange
from market.domain.series import price_series_load
from market.models import PricePoint
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.domain.catalogue import tariff_definition
from tariffs.domain.compare import rank_tariffs
from tariffs.domain.definitions import TariffDefinition
from tariffs.domain.engine import price_by_billing_period
from tariffs.domain.lines import LineKind
from tariffs.domain.offers import versions_in_force
from tariffs.domain.prepared import MissingSpotPrice
from tariffs.domain.profile import load_profile_from_series

ZERO = Decimal(0)


@dataclass(frozen=True)
class Cost:
    product: str
    currency: str
    total_exc_tax: Decimal
    total_inc_tax: Decimal
    # (what, amount exc. VAT), e.g. [("Energy", 12.34), ("Standing charge", 14.40)]
    parts: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class NoCost:
    """Why no cost can be shown (said on the page instead of a figure)."""
    reason: str


PART_NAMES = {LineKind.ENERGY: "Energy", LineKind.SPOT: "Energy at market prices",
              LineKind.STANDING: "Standing charge", LineKind.DEMAND: "Capacity (demand)",
              LineKind.LEVY: "Levies", LineKind.DISCOUNT: "Discounts",
              LineKind.MINIMUM: "Minimum charge top-up", LineKind.EXPORT: "Export credit"}


def contract_in_force(*, customer: Customer, meter_point_id: int, on: date) -> Contract | None:
    return (Contract.objects.active_on(on)
            .filter(customer=customer, meter_point_id=meter_point_id,
                    tariff_version__isnull=False)
            .exclude(status=ContractStatus.CANCELLED)
            .select_related("tariff_version__product").order_by("-active_from").first())


def spot_prices_for(*, tariff: TariffDefinition, start: datetime, end: datetime
                    ) -> dict[str, pd.Series]:
    """The market prices of the tariff's instruments over [start, end), as the engine
    takes them (market data lives in the public schema, visible from every retailer's)."""
    prices = {}
    for rate in tariff.spot_rates:
        rows = list(PricePoint.objects.filter(
            instrument__code=rate.instrument, interval_start__gte=start - timedelta(days=1),
            interval_start__lt=end).order_by("interval_start")
            .values_list("interval_start", "value"))
        prices[rate.instrument] = pd.Series(
            [float(v) for _, v in rows],
            index=pd.DatetimeIndex([t for t, _ in rows], tz="UTC") if rows
            else pd.DatetimeIndex([], tz="UTC"), dtype=float)
    return prices


def _profile(import_kwh: pd.Series, interval: timedelta):
    return load_profile_from_series(import_kwh=import_kwh.astype(float), interval=interval)


def consumption_cost(*, customer: Customer, meter_point_id: int, import_kwh: pd.Series,
                     interval: timedelta, start: datetime, end: datetime) -> Cost | NoCost:
    """The cost of these kWh over [start, end) under the tariff of the customer's contract
    in force at `start`, standing charges for the whole period included."""
    contract = contract_in_force(customer=customer, meter_point_id=meter_point_id,
                                 on=start.date())
    if contract is None:
        return NoCost("No contract with a tariff covers this period.")
    version = contract.tariff_version
    tariff = tariff_definition(version=version)
    try:
        breakdowns = price_by_billing_period(
            tariff=tariff, profile=_profile(import_kwh, interval), start=start, end=end,
            by="month", spot_prices=spot_prices_for(tariff=tariff, start=start, end=end),
            customer_group=customer.segment or None)
    except MissingSpotPrice:
        return NoCost(f"{version.product.name} follows the market price, and the market "
                      "prices of this period are not all known.")
    parts: dict[str, Decimal] = {}
    for breakdown in breakdowns:
        for line in breakdown.lines:
            if line.kind != LineKind.TAX:
                name = PART_NAMES.get(line.kind, str(line.kind).title())
                parts[name] = parts.get(name, ZERO) + line.amount
    return Cost(product=version.product.name, currency=version.currency,
                total_exc_tax=sum((b.total_before_tax for b in breakdowns), ZERO),
                total_inc_tax=sum((b.total_after_tax for b in breakdowns), ZERO),
                parts=tuple(parts.items()))


def offers_priced(*, customer: Customer, offers: list[dict], import_kwh: pd.Series,
                  interval: timedelta, start: datetime, end: datetime) -> dict[str, object]:
    """{product code: Cost | NoCost}: what these kWh would have cost on each offered
    product's version in force at `start`, ranked by the engine's own comparison (one
    call for every tariff; a tariff it cannot price says why). A constant number of
    queries: the versions, their definitions and the market prices, each in bulk."""
    products = [offer["product"] for offer in offers]
    versions = versions_in_force(products=products, on=start.date())
    result: dict[str, object] = {
        product.code: NoCost("Not on offer for that period.")
        for product in products if product.pk not in versions}
    ordered = list(versions.values())
    definitions = tariff_definitions_for(versions=ordered)
    tariffs = [definitions[version.pk] for version in ordered]
    instruments = {rate.instrument for tariff in tariffs for rate in tariff.spot_rates}
    prices = (price_series_load(instrument_codes=instruments,
                                period=DateTimeRange(start - timedelta(days=1), end))
              if instruments else None)
    quotes = rank_tariffs(profile=_profile(import_kwh, interval), tariffs=tariffs,
                          start=start, end=end, spot_prices=prices,
                          customer_group=customer.segment or None)
    version_of = {id(tariff): version for tariff, version in zip(tariffs, ordered, strict=True)}
    for quote in quotes:
        version = version_of[id(quote.tariff)]
        if quote.priced:
            result[version.product.code] = _cost(version, quote)
        elif quote.not_priceable.code == MissingSpotPrice.code:
            result[version.product.code] = NoCost(
                "Follows the market price; the market prices of that period are not "
                "all known.")
        else:
            result[version.product.code] = NoCost(quote.not_priceable.reason)
    return result


def _cost(version, quote) -> Cost:
    return Cost(product=version.product.name, currency=version.currency,
                total_exc_tax=quote.total_before_tax, total_inc_tax=quote.total_after_tax,
                parts=())


def offers_mark_costs(*, customer: Customer, offers: list[dict], profile, today: date
                      ) -> Contract | None:
    """Mark each offer (from tariffs.domain.offers.offers_for_customer) with what the
    customer's recent consumption (`profile`: metering.domain.recent's, or None) would
    have cost on it (`cost`), whether it is the customer's current tariff (`current`) and
    whether it is the cheapest priced one (`cheapest`); returns the customer's contract in
    force on one of the profile's meter points, if any."""
    current, current_contract, costs = set(), None, {}
    if profile is not None:
        costs = offers_priced(customer=customer, offers=offers, import_kwh=profile.import_kwh,
                              interval=profile.interval, start=profile.period_from,
                              end=profile.period_to)
        for meter_point_id in profile.meter_point_ids:
            contract = contract_in_force(customer=customer, meter_point_id=meter_point_id,
                                         on=today)
            if contract is not None:
                current.add(contract.tariff_version.product_id)
                current_contract = current_contract or contract
    for offer in offers:
        offer["cost"] = costs.get(offer["product"].code)
        offer["current"] = offer["product"].pk in current
    priced = [o["cost"].total_inc_tax for o in offers
              if getattr(o["cost"], "total_inc_tax", None) is not None]
    for offer in offers:
        offer["cheapest"] = bool(priced) and getattr(
            offer["cost"], "total_inc_tax", None) == min(priced)
    return current_contract
