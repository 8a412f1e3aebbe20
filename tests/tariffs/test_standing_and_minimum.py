"""Standing charges per day or per month, and the minimum charge top-up."""
from decimal import Decimal

from tariffs.domain import (
    ChargeBasis,
    LineKind,
    MinimumCharge,
    StandingCharge,
    price_by_billing_period,
    price_period,
)

from .factories import flat_tariff, lines_of, local, profile, starts


def test_daily_standing_charge_counts_local_days():
    start, end = local(2026, 4, 1), local(2026, 5, 1)
    bill = price_period(tariff=flat_tariff(standing_charge=StandingCharge(amount=Decimal("0.53"))),
                        profile=profile(starts(start, end), 0.0), start=start, end=end)
    (line,) = lines_of(bill, LineKind.STANDING)
    assert (line.quantity, line.unit, line.unit_price, line.amount) == (
        30, "day", Decimal("0.53"), Decimal("15.90"))


def test_monthly_standing_charge_is_one_per_month_and_prorated_by_days():
    tariff = flat_tariff(standing_charge=StandingCharge(amount=Decimal("12.00"),
                                                        per=ChargeBasis.MONTH))
    start, end = local(2026, 1, 15), local(2026, 3, 1)
    bills = price_by_billing_period(tariff=tariff, profile=profile(starts(start, end), 0.0),
                                    start=start, end=end)
    standing = [lines_of(b, LineKind.STANDING)[0] for b in bills]
    # 17 of January's 31 days, then all of February
    assert [(line.quantity, line.amount) for line in standing] == [
        (Decimal("0.548387"), Decimal("6.58")), (1, Decimal("12.00"))]


def test_a_period_starting_mid_day_leaves_that_day_to_the_period_before():
    tariff = flat_tariff(standing_charge=StandingCharge(amount=Decimal("1.00")))
    start, middle, end = local(2026, 6, 1), local(2026, 6, 3, 12), local(2026, 6, 5)
    index = starts(start, end)
    first = price_period(tariff=tariff, profile=profile(index, 0.0), start=start, end=middle)
    second = price_period(tariff=tariff, profile=profile(index, 0.0), start=middle, end=end)
    assert [lines_of(b, LineKind.STANDING)[0].quantity for b in (first, second)] == [3, 1]


def test_minimum_monthly_charge_tops_up_a_small_bill():
    tariff = flat_tariff(minimum_charge=MinimumCharge(amount=Decimal("20.00")))
    start, end = local(2026, 2, 1), local(2026, 3, 1)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 10 / (28 * 48)),
                        start=start, end=end)
    (top_up,) = lines_of(bill, LineKind.MINIMUM)
    assert top_up.amount == Decimal("17.50")  # 10 kWh x 0.25 = 2.50
    assert bill.total_after_tax == Decimal("20.00")


def test_minimum_charge_adds_nothing_when_the_bill_is_above_it():
    tariff = flat_tariff(minimum_charge=MinimumCharge(amount=Decimal("1.00"),
                                                      per=ChargeBasis.DAY))
    start, end = local(2026, 2, 1), local(2026, 3, 1)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 0.1),
                        start=start, end=end)
    assert lines_of(bill, LineKind.MINIMUM) == []
    # 28 x 48 x 0.1 = 134.4 kWh x 0.25 = 33.60, above the 28 x 1.00 minimum
    assert bill.total_after_tax == Decimal("33.60")
