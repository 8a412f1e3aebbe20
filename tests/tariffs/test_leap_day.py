"""29 February 2028: a weekday like any other, one more day of standing charge, and a
29-day month for monthly proration."""
from decimal import Decimal

from tariffs.domain import (
    ChargeBasis,
    LineKind,
    StandingCharge,
    price_by_billing_period,
    price_period,
)

from .factories import economy7, lines_of, local, profile, starts


def test_leap_day_is_priced_as_a_tuesday_with_48_half_hours():
    start, end = local(2028, 2, 29), local(2028, 3, 1)
    bill = price_period(tariff=economy7(), profile=profile(starts(start, end), 0.5),
                        start=start, end=end)
    energy = {line.band: (line.quantity, line.amount) for line in lines_of(bill, LineKind.ENERGY)}
    assert energy == {"day": (17, Decimal("5.10")), "night": (7, Decimal("0.70"))}


def test_february_2028_has_29_days_of_standing_charge():
    start, end = local(2028, 1, 1), local(2028, 4, 1)
    bills = price_by_billing_period(
        tariff=economy7(standing_charge=StandingCharge(amount=Decimal("0.45"))),
        profile=profile(starts(start, end), 0.0), start=start, end=end,
    )
    standing = [lines_of(b, LineKind.STANDING)[0] for b in bills]
    assert [line.quantity for line in standing] == [31, 29, 31]
    assert standing[1].amount == Decimal("13.05")  # 29 x 0.45


def test_monthly_charge_prorates_half_of_february_2028_over_29_days():
    tariff = economy7(standing_charge=StandingCharge(amount=Decimal("29.00"),
                                                     per=ChargeBasis.MONTH))
    start, end = local(2028, 2, 15), local(2028, 3, 1)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 0.0),
                        start=start, end=end)
    (standing,) = lines_of(bill, LineKind.STANDING)
    # 15 of February's 29 days
    assert standing.amount == Decimal("15.00")
    assert standing.quantity == Decimal("0.517241")
