"""The cheapest contiguous N-hour window: pure maths, gaps respected, ties earliest."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from market.domain.windows import (
    NoCompleteWindow,
    WindowInvalid,
    cheapest_window,
    cheapest_window_index,
)

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def hourly(values):
    return [(T0 + timedelta(hours=h), Decimal(v)) for h, v in enumerate(values) if v is not None]


def test_index_of_the_lowest_sum():
    assert cheapest_window_index(values=np.array([5, 1, 1, 5, 0, 3.0]), length=2) == 1
    assert cheapest_window_index(values=np.array([5, 1, 1, 5, 0, 0.5]), length=2) == 4


def test_ties_go_to_the_earliest():
    assert cheapest_window_index(values=np.array([1, 1, 1, 1.0]), length=2) == 0


def test_windows_across_a_gap_do_not_count():
    assert cheapest_window_index(values=np.array([9, 0, np.nan, 0, 1, 9.0]), length=2) == 3
    assert cheapest_window_index(values=np.array([0, np.nan, 0.0]), length=2) is None


def test_cheapest_three_hours_including_negative_prices():
    prices = ["50", "40", "-5", "-10", "3", "60", "70", "20"]
    window = cheapest_window(points=hourly(prices), period_from=T0,
                             period_to=T0 + timedelta(hours=8), interval_minutes=60, hours=3)
    assert (window.window_from, window.window_to) == (T0 + timedelta(hours=2),
                                                      T0 + timedelta(hours=5))
    assert window.values == [Decimal("-5"), Decimal("-10"), Decimal("3")]
    assert window.average == Decimal("-4.0000")


def test_quarter_hour_grid():
    points = [(T0 + timedelta(minutes=15 * i), Decimal(100 - i)) for i in range(8)]
    window = cheapest_window(points=points, period_from=T0, period_to=T0 + timedelta(hours=2),
                             interval_minutes=15, hours=1)
    assert window.window_from == T0 + timedelta(hours=1)
    assert len(window.starts) == 4


def test_no_complete_window():
    with pytest.raises(NoCompleteWindow):
        cheapest_window(points=hourly(["1", None, "1"]), period_from=T0,
                        period_to=T0 + timedelta(hours=3), interval_minutes=60, hours=2)


@pytest.mark.parametrize("hours, minutes", [(0, 60), (1, 45)])
def test_window_lengths_that_do_not_fit_the_grid(hours, minutes):
    with pytest.raises(WindowInvalid):
        cheapest_window(points=[], period_from=T0, period_to=T0 + timedelta(hours=3),
                        interval_minutes=minutes, hours=hours)
