"""A customer's own price on a dynamic (spot-indexed) tariff, for live pages.

The market pushes public prices; a connection of a logged-in customer on a dynamic tariff
turns each tick of its instrument into that customer's price with the terms of their
contract's tariff version. The terms are loaded in the customer's own schema when the
connection opens, so one retailer's terms never meet another retailer's connections.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.domain.access import CustomerNotVisible, customer_of_login
from accounts.models import Contract, ContractStatus
from tariffs.domain.spot_outlook import spot_unit_price
from tariffs.models import Flow, SpotRate


@dataclass(frozen=True)
class SpotTerms:
    instrument: str
    multiplier: Decimal
    adder: Decimal
    cap: Decimal | None
    floor: Decimal | None
    product: str
    currency: str


def spot_terms_for_user(*, user, on: date) -> list[SpotTerms]:
    """The import spot rates of the contracts the user's customer has in force on `on`."""
    try:
        customer = customer_of_login(user=user)
    except CustomerNotVisible:
        return []
    contracts = (
        Contract.objects.active_on(on).filter(customer=customer)
        .exclude(status=ContractStatus.CANCELLED)
        .exclude(tariff_version__isnull=True)
    )
    rates = (
        SpotRate.objects.filter(version__contracts__in=contracts, flow=Flow.IMPORT)
        .select_related("version__product")
        .order_by("pk")
        .distinct()
    )
    return [
        SpotTerms(instrument=r.instrument, multiplier=r.multiplier, adder=r.adder, cap=r.cap,
                  floor=r.floor, product=r.version.product.name, currency=r.version.currency)
        for r in rates
    ]


def personal_price(*, terms: SpotTerms, market_value: Decimal) -> Decimal:
    """The customer's unit price for one market price (tariffs/domain/spot_outlook.py)."""
    return spot_unit_price(terms=terms, market_value=market_value)
