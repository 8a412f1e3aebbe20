"""Splitting [start, end) into local calendar months or quarters, and pricing each."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tariffs.domain import (
    LineKind,
    Period,
    billing_periods,
    price_by_billing_period,
    price_period,
)
from tariffs.domain.periods import InvalidPeriod

from .factories import LONDON, economy7, lines_of, local, profile, starts


def test_months_are_cut_at_local_midnight():
    periods = billing_periods(start=local(2026, 1, 15), end=local(2026, 4, 10), time_zone=LONDON)
    assert periods == (
        Period(start=local(2026, 1, 15), end=local(2026, 2, 1)),
        Period(start=local(2026, 2, 1), end=local(2026, 3, 1)),
        Period(start=local(2026, 3, 1), end=local(2026, 4, 1)),
        Period(start=local(2026, 4, 1), end=local(2026, 4, 10)),
    )
    # April starts at 23:00 UTC on 31 March (British Summer Time)
    assert periods[3].start == datetime(2026, 3, 31, 23, tzinfo=UTC)


def test_quarters_follow_calendar_quarters():
    periods = billing_periods(start=local(2026, 2, 1), end=local(2026, 10, 1), time_zone=LONDON,
                              by="quarter")
    assert [(p.start.month, p.end.month) for p in periods] == [(2, 4), (4, 7), (7, 10)]


def test_an_interval_just_after_local_midnight_belongs_to_the_new_month():
    start, end = local(2026, 3, 31, 23), local(2026, 4, 1, 1)
    index = starts(start, end)  # 23:00, 23:30 (March), 00:00, 00:30 (April)
    march, april = price_by_billing_period(
        tariff=economy7(), profile=profile(index, [1.0, 2.0, 4.0, 8.0]), start=start, end=end
    )
    assert sum(line.quantity for line in lines_of(march, LineKind.ENERGY)) == 3
    assert sum(line.quantity for line in lines_of(april, LineKind.ENERGY)) == 12


def test_intervals_outside_the_period_are_not_priced():
    index = starts(local(2026, 5, 1), local(2026, 5, 4))
    bill = price_period(tariff=economy7(), profile=profile(index, 1.0), start=local(2026, 5, 2),
                        end=local(2026, 5, 3))
    assert sum(line.quantity for line in lines_of(bill, LineKind.ENERGY)) == 48
    assert bill.period == Period(start=local(2026, 5, 2), end=local(2026, 5, 3))
    assert bill.tariff_name == "Economy 7"


def test_periods_need_aware_ordered_bounds():
    with pytest.raises(InvalidPeriod, match="timezone-aware"):
        Period(start=datetime(2026, 1, 1), end=local(2026, 2, 1))
    with pytest.raises(InvalidPeriod, match="must be before"):
        Period(start=local(2026, 2, 1), end=local(2026, 1, 1))
    with pytest.raises(InvalidPeriod, match="unknown billing cycle"):
        billing_periods(start=local(2026, 1, 1), end=local(2026, 2, 1), time_zone=LONDON,
                        by="fortnight")


def test_empty_month_still_carries_its_standing_charge():
    from tariffs.domain import StandingCharge

    start, end = local(2026, 1, 1), local(2026, 3, 1)
    index = starts(start, local(2026, 2, 1))  # no data at all in February
    _, february = price_by_billing_period(
        tariff=economy7(standing_charge=StandingCharge(amount=Decimal("0.50"))),
        profile=profile(index, 1.0), start=start, end=end,
    )
    assert [(line.kind, line.amount) for line in february.lines] == [
        (LineKind.STANDING, Decimal("14.00"))]
