"""Products as Octopus lists them: flags, availability and, in detail, a tariff per GSP
region and payment method with its standing charge and unit rates.

The mapping of our fields (docs/api_compat.md):
- `is_variable`: no fixed term (`term_months` empty); `term`: `term_months`;
- `is_green`: a green share of 100 %; `is_business`: offered to enterprises only;
- `is_tracker`, `is_prepay`, `is_restricted`: false (Gridline prices do not depend on
  how a customer pays, and spot-indexed products follow the half-hourly market like
  Octopus's Agile, which is not a tracker);
- `brand`: the retailer's schema name in capitals.
Money is in minor units (pence) as Octopus gives it; instants in UTC with `Z`.
"""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.domain.regions import GSP_LETTERS
from accounts.models import CustomerKind
from core.ranges import DateTimeRange, local_midnight
from tariffs.models import Product

from .codes import DUAL, SINGLE, tariff_code
from .rates import (
    VersionTerms,
    band_values,
    day_night_bands,
    headline_value,
    import_spot_rates,
    product_terms,
    standard_unit_rows,
    terms_in_force,
    utc_text,
)

PAYMENT_METHOD = "direct_debit_monthly"
FLAGS = ("is_variable", "is_green", "is_tracker", "is_prepay", "is_business")


def minor(value: Decimal | None) -> float | None:
    """Major currency units to Octopus's minor ones (pence), as a JSON number."""
    return None if value is None else float(value * 100)


@dataclass(frozen=True)
class ProductView:
    """What the list and the detail share, for one retailer's host."""

    base_url: str  # scheme and host, e.g. http://alpha.localhost:8000
    brand: str
    time_zone: str

    def product_url(self, code: str) -> str:
        return f"{self.base_url}/v1/products/{code}/"


def product_flags(product: Product) -> dict[str, bool]:
    kinds = set(product.customer_kinds)
    return {
        "is_variable": product.term_months is None,
        "is_green": product.green_share_percent >= 100,
        "is_tracker": False,
        "is_prepay": False,
        "is_business": kinds == {CustomerKind.ENTERPRISE},
        "is_restricted": False,
    }


def _day_start(day, view: ProductView) -> str | None:
    return None if day is None else utc_text(local_midnight(day, view.time_zone))


def product_summary(product: Product, *, view: ProductView) -> dict:
    return {
        "code": product.code,
        "direction": product.direction,
        "full_name": product.name,
        "display_name": product.name,
        "description": product.description,
        **product_flags(product),
        "term": product.term_months,
        "available_from": _day_start(product.available_from, view),
        "available_to": _day_start(product.available_to, view),
        "links": [{"href": view.product_url(product.code), "method": "GET", "rel": "self"}],
        "brand": view.brand,
    }


def products_list(*, filters: dict[str, bool], available_on, view: ProductView) -> list[dict]:
    """Products on sale on the local date `available_on` whose flags match `filters`
    (flag name → wanted value); without `is_business`, business products are left out,
    as Octopus does. By code."""
    filters = {"is_business": False, **filters}
    found = []
    for product in Product.objects.available_on(available_on).order_by("code"):
        flags = product_flags(product)
        if all(flags[name] == wanted for name, wanted in filters.items()):
            found.append(product_summary(product, view=view))
    return found


# --- detail -----------------------------------------------------------------------------

def _money(value: Decimal | None, terms: VersionTerms, name: str) -> dict:
    return {f"{name}_exc_vat": minor(value),
            f"{name}_inc_vat": minor(None if value is None else value * terms.vat_factor)}


def _links(view: ProductView, product: Product, code: str, rates: tuple[str, ...]) -> list:
    base = f"{view.product_url(product.code)}electricity-tariffs/{code}/"
    return [{"href": f"{base}{rate}/", "method": "GET", "rel": rate.replace("-", "_")}
            for rate in ("standing-charges", *rates)]


def _tariff_common(terms: VersionTerms, product: Product) -> dict:
    charge = terms.tariff.standing_charge
    standing = charge.amount if charge is not None and str(charge.per) == "day" else None
    return {
        **_money(standing, terms, "standing_charge"),
        "online_discount_exc_vat": 0, "online_discount_inc_vat": 0,
        "dual_fuel_discount_exc_vat": 0, "dual_fuel_discount_inc_vat": 0,
        "exit_fees_exc_vat": minor(product.exit_fee), "exit_fees_inc_vat": minor(product.exit_fee),
        "exit_fees_type": "PER_FUEL" if product.exit_fee else "NONE",
    }


def _unit_rate_now(terms: VersionTerms, at: datetime) -> Decimal | None:
    """A spot-indexed tariff's price in the half-hour holding `at` (None when its market
    price is not stored yet); a fixed one's headline rate."""
    if not import_spot_rates(terms.tariff):
        return headline_value(terms.tariff, direction=terms.version.product.direction)
    at = at.astimezone(UTC)
    start = at.replace(minute=at.minute - at.minute % 30, second=0, microsecond=0)
    rows = standard_unit_rows(terms=[terms], window=DateTimeRange(start,
                                                                    start + timedelta(minutes=30)))
    return rows[0].value_exc_vat if rows else None


def product_detail(*, product: Product, at: datetime, view: ProductView) -> dict:
    """The product with its tariffs in force at `at`: a single-register tariff for every
    region, and a two-register (day/night) one for products priced by day and night."""
    terms = terms_in_force(product_terms(product=product), at)
    single, dual = {}, {}
    if terms is not None:
        common = _tariff_common(terms, product)
        unit = _unit_rate_now(terms, at)
        bands = day_night_bands(terms.tariff)
        values = band_values(terms.tariff, direction=product.direction)
        for letter in GSP_LETTERS:
            code = tariff_code(product_code=product.code, region=letter, registers=SINGLE)
            single[f"_{letter}"] = {PAYMENT_METHOD: {
                "code": code, **common,
                "links": _links(view, product, code, ("standard-unit-rates",)),
                **_money(unit, terms, "standard_unit_rate")}}
            if bands is not None:
                code = tariff_code(product_code=product.code, region=letter, registers=DUAL)
                dual[f"_{letter}"] = {PAYMENT_METHOD: {
                    "code": code, **common,
                    "links": _links(view, product, code, ("day-unit-rates", "night-unit-rates")),
                    **_money(values[bands[0]], terms, "day_unit_rate"),
                    **_money(values[bands[1]], terms, "night_unit_rate")}}
    return {
        **product_summary(product, view=view),
        "tariffs_active_at": utc_text(at),
        "single_register_electricity_tariffs": single,
        "dual_register_electricity_tariffs": dual,
        "single_register_gas_tariffs": {},
        "dual_register_gas_tariffs": {},
    }
