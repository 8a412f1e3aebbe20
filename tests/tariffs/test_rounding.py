"""Each line is rounded to the cent half up; totals are sums of rounded lines; VAT is
computed on the rounded pre-tax total and rounded once."""
from decimal import Decimal

import pandas as pd
import pytest

from tariffs.domain import (
    Levy,
    LineKind,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    money_round,
    price_period,
)

from .factories import LONDON, flat_tariff, local, profile, starts


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("1.005", "1.01"), ("2.675", "2.68"), ("1.00499", "1.00"), ("-1.005", "-1.01"),
     ("-0.004", "0.00"), ("0", "0.00")],
)
def test_money_round_is_half_up_to_the_cent(amount, rounded):
    assert str(money_round(Decimal(amount))) == rounded


def test_every_line_is_rounded_and_the_total_is_their_sum():
    tariff = flat_tariff(
        "0.12345", standing_charge=StandingCharge(amount=Decimal("0.4567")),
        levies=(Levy(name="levy", unit_price=Decimal("0.00555")),), vat_rate=Decimal("0.05"),
    )
    start, end = local(2026, 5, 1), local(2026, 5, 4)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 10 / 144),
                        start=start, end=end)
    amounts = {line.kind: line.amount for line in bill.lines}
    assert amounts == {
        LineKind.STANDING: Decimal("1.37"),  # 3 x 0.4567 = 1.3701
        LineKind.ENERGY: Decimal("1.23"),  # 10 x 0.12345 = 1.2345
        LineKind.LEVY: Decimal("0.06"),  # 10 x 0.00555 = 0.0555
        LineKind.TAX: Decimal("0.13"),  # 5% of 2.66 = 0.133
    }
    assert bill.total_before_tax == Decimal("2.66")
    assert bill.tax == Decimal("0.13")
    assert bill.total_after_tax == Decimal("2.79") == sum(amounts.values())


def test_rounding_lines_first_can_differ_from_rounding_the_sum_and_lines_win():
    tariff = flat_tariff(
        "0.005", standing_charge=StandingCharge(amount=Decimal("0.005")),
        levies=(Levy(name="levy", unit_price=Decimal("0.005")),), vat_rate=Decimal("0.20"),
    )
    start, end = local(2026, 5, 1), local(2026, 5, 2)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 1 / 48),
                        start=start, end=end)
    # three lines of 0.005 each round to 0.01; the unrounded sum 0.015 would give 0.02
    assert [line.amount for line in bill.lines] == [Decimal("0.01")] * 4  # incl. 20% VAT
    assert bill.total_before_tax == Decimal("0.03")
    assert bill.total_after_tax == Decimal("0.04")


def test_spot_amounts_keep_their_decimal_spelling_before_rounding():
    index = starts(local(2026, 5, 1), local(2026, 5, 1, 0, 30))
    tariff = TariffDefinition(name="Spot", time_zone=LONDON,
                              spot_rates=(SpotRate(instrument="X"),))
    bill = price_period(
        tariff=tariff, profile=profile(index, 1.0), start=index[0], end=local(2026, 5, 1, 0, 30),
        spot_prices={"X": pd.Series([1.005], index=index)},
    )
    # 1.005 is 1.00499999999999989... in binary; its repr "1.005" rounds half up to 1.01
    assert bill.total_after_tax == Decimal("1.01")
