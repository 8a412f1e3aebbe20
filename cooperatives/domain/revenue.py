"""The cooperative's money for a period: surplus sold at spot, members' generation lines,
costs the manager enters, and the result a dividend can distribute.

Surplus revenue follows the pricing engine's spot rule (core.money, rule 4): the float sum
of kWh x interval price, taken through its shortest repr and rounded to the cent once. A
negative spot price makes that interval's surplus cost money, as it does on the market.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from core.errors import GridlineError
from core.money import QUANTITY_STEP, ZERO, amount_from_float, money_round

from .intervals import interval_label
from .units import MICRO_KWH_PER_KWH, kwh_decimal


class InvalidRevenueInput(GridlineError):
    code = "invalid_revenue_input"


@dataclass(frozen=True)
class SurplusSale:
    kwh: Decimal
    amount: Decimal
    average_price: Decimal | None  # per kWh, volume-weighted; display only


def surplus_revenue(*, surplus, price_per_kwh, interval_starts=None) -> SurplusSale:
    """Surplus µkWh (T,) sold at a spot price per kWh (T,) for each interval."""
    surplus = np.asarray(surplus)
    prices = np.asarray(price_per_kwh, dtype=np.float64)
    if not np.issubdtype(surplus.dtype, np.integer) or surplus.ndim != 1:
        raise InvalidRevenueInput("surplus must be a one-dimensional array of whole µkWh")
    if prices.shape != surplus.shape:
        raise InvalidRevenueInput(
            f"{len(prices)} spot prices for {len(surplus)} intervals of surplus"
        )
    missing = ~np.isfinite(prices) & (surplus > 0)
    if missing.any():
        position = int(np.argmax(missing))
        raise InvalidRevenueInput(
            f"no spot price for {interval_label(position, interval_starts)}, which has "
            f"{kwh_decimal(surplus[position])} kWh of surplus ({int(missing.sum())} such "
            "intervals)"
        )
    sold = surplus > 0
    exact = amount_from_float(
        float(np.dot(surplus[sold].astype(np.float64), prices[sold])) / MICRO_KWH_PER_KWH
    )
    kwh = kwh_decimal(surplus.sum())
    average = (exact / kwh).quantize(QUANTITY_STEP) if kwh else None
    return SurplusSale(kwh=kwh, amount=money_round(exact), average_price=average)


@dataclass(frozen=True)
class Cost:
    description: str
    amount: Decimal

    def __post_init__(self):
        if not isinstance(self.amount, Decimal) or self.amount != money_round(self.amount):
            raise InvalidRevenueInput(
                f"cost {self.description!r}: amount must be a Decimal in whole cents, "
                f"got {self.amount!r}"
            )


@dataclass(frozen=True)
class PeriodResult:
    surplus_revenue: Decimal
    member_revenue: Decimal
    costs: Decimal
    result: Decimal  # revenue - costs; what a dividend may distribute when positive


def period_result(
    *, surplus_revenue: Decimal, member_revenue: Decimal, costs: Sequence[Cost]
) -> PeriodResult:
    """Revenue from surplus and from members' generation lines, less the period's costs."""
    for name, value in (("surplus_revenue", surplus_revenue), ("member_revenue", member_revenue)):
        if not isinstance(value, Decimal) or value != money_round(value):
            raise InvalidRevenueInput(f"{name} must be a Decimal in whole cents, got {value!r}")
    total_costs = sum((cost.amount for cost in costs), ZERO)
    return PeriodResult(
        surplus_revenue=surplus_revenue, member_revenue=member_revenue,
        costs=money_round(total_costs),
        result=money_round(surplus_revenue + member_revenue - total_costs),
    )
