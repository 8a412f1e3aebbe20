"""Bill lines and the per-period breakdown the engine returns.

Every line carries kind, band, tier, quantity, unit, unit price and amount; amounts are
rounded to the cent (see money.py for the rules). Sign convention: an amount is what the
customer pays, so export payments and discounts are negative lines (their unit price is
negative and their quantity positive, keeping amount = round(quantity x unit_price)).

The closing lines of a period are added in a fixed order, each on already-rounded amounts:
1. group discount: a percentage of the standing, energy, spot and demand lines (levies and
   export credits are not discounted);
2. minimum charge top-up: when the lines so far sum to less than the (prorated) minimum;
3. VAT: on the rounded pre-tax total. A net-negative period (an export credit larger than
   the charges) gets a negative VAT line; whether a credit note carries VAT is a billing
   decision made above this layer.
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.money import ZERO, money_round

from .periods import Period


class LineKind(StrEnum):
    STANDING = "standing"
    ENERGY = "energy"
    SPOT = "spot"
    DEMAND = "demand"
    EXPORT = "export"
    LEVY = "levy"
    DISCOUNT = "discount"
    MINIMUM = "minimum"
    TAX = "tax"


DISCOUNTABLE = frozenset({LineKind.STANDING, LineKind.ENERGY, LineKind.SPOT, LineKind.DEMAND})


@dataclass(frozen=True)
class Line:
    kind: LineKind
    quantity: Decimal
    unit: str  # "day", "month", "kWh", "kW" or "amount"
    unit_price: Decimal
    amount: Decimal
    band: str | None = None
    tier: int | None = None  # 1-based; None when the rate has a single tier
    name: str | None = None  # levy, instrument, customer group or demand charge name


@dataclass(frozen=True)
class PriceBreakdown:
    tariff_name: str
    period: Period
    lines: tuple[Line, ...]
    total_before_tax: Decimal
    tax: Decimal
    total_after_tax: Decimal


def close_period(
    *,
    tariff_name: str,
    period: Period,
    lines: list[Line],
    discount_percent: Decimal | None,
    discount_group: str | None,
    minimum: Decimal | None,
    vat_rate: Decimal,
) -> PriceBreakdown:
    """Add discount, minimum top-up and VAT lines to a period's charges; total them."""
    if discount_percent is not None:
        base = sum((line.amount for line in lines if line.kind in DISCOUNTABLE), ZERO)
        if base:
            unit_price = -discount_percent / 100
            lines.append(Line(
                kind=LineKind.DISCOUNT, quantity=base, unit="amount", unit_price=unit_price,
                amount=money_round(base * unit_price), name=discount_group,
            ))
    if minimum is not None:
        so_far = sum((line.amount for line in lines), ZERO)
        if so_far < minimum:
            top_up = minimum - so_far
            lines.append(Line(
                kind=LineKind.MINIMUM, quantity=Decimal(1), unit="amount", unit_price=top_up,
                amount=top_up,
            ))
    # lines are whole cents already; rounding the sum only gives an empty period 0.00
    total_before_tax = money_round(sum((line.amount for line in lines), ZERO))
    tax = money_round(ZERO)
    if vat_rate:
        tax = money_round(total_before_tax * vat_rate)
        lines.append(Line(
            kind=LineKind.TAX, quantity=total_before_tax, unit="amount", unit_price=vat_rate,
            amount=tax, name="VAT",
        ))
    return PriceBreakdown(
        tariff_name=tariff_name,
        period=period,
        lines=tuple(lines),
        total_before_tax=total_before_tax,
        tax=tax,
        total_after_tax=total_before_tax + tax,
    )
