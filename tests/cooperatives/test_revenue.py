"""Surplus sold at spot and the period's result.

Surplus 1, 2, 0 and 0.5 kWh at 0.05, -0.01, (no price: nothing to sell) and 0.1234 per kWh:
0.05 - 0.02 + 0.0617 = 0.0917 -> 0.09 for 3.5 kWh. Result: 120.50 + 300.00 - 80.00 - 40.25
= 300.25.
"""
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from cooperatives.domain import Cost, period_result, surplus_revenue, to_micro_kwh
from cooperatives.domain.revenue import InvalidRevenueInput

STARTS = pd.date_range("2026-05-04 10:00", periods=4, freq="30min", tz="Europe/Madrid")


def test_surplus_at_spot_with_a_negative_price():
    sale = surplus_revenue(surplus=to_micro_kwh([1, 2, 0, 0.5], what="surplus"),
                           price_per_kwh=[0.05, -0.01, np.nan, 0.1234], interval_starts=STARTS)
    assert (sale.kwh, sale.amount, sale.average_price) == (
        Decimal("3.500000"), Decimal("0.09"), Decimal("0.026200"))


def test_a_missing_price_for_surplus_is_refused_naming_the_interval():
    with pytest.raises(InvalidRevenueInput) as refused:
        surplus_revenue(surplus=to_micro_kwh([1, 2], what="surplus"),
                        price_per_kwh=[0.05, np.nan], interval_starts=STARTS[:2])
    assert refused.value.detail == (
        "no spot price for interval 1 (starting 2026-05-04T08:30:00+00:00), which has "
        "2.000000 kWh of surplus (1 such intervals)"
    )


def test_period_result_is_revenue_less_costs():
    result = period_result(surplus_revenue=Decimal("120.50"), member_revenue=Decimal("300.00"),
                           costs=[Cost(description="maintenance", amount=Decimal("80.00")),
                                  Cost(description="roof lease", amount=Decimal("40.25"))])
    assert (result.costs, result.result) == (Decimal("120.25"), Decimal("300.25"))


def test_costs_in_fractions_of_a_cent_are_refused():
    with pytest.raises(InvalidRevenueInput, match="'lease': amount must be a Decimal in whole"):
        Cost(description="lease", amount=Decimal("1.005"))
