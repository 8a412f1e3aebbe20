"""Half-open ranges: intersection, clipping and the one "in force on" rule."""
from datetime import UTC, date, datetime

import pytest

from core.ranges import DateRange, DateTimeRange, InvalidRange, active_on


def test_intersection_of_contract_version_and_period():
    contract = DateRange(date(2026, 3, 17), None)
    version = DateRange(date(2026, 1, 1), date(2026, 3, 20))
    period = DateRange(date(2026, 3, 1), date(2026, 4, 1))
    common = contract.intersection(version).intersection(period)
    assert common == DateRange(date(2026, 3, 17), date(2026, 3, 20))
    assert common.days == 3
    assert list(common.each_day()) == [date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 19)]


def test_touching_ranges_do_not_meet():
    march = DateRange(date(2026, 3, 1), date(2026, 4, 1))
    april = DateRange(date(2026, 4, 1), date(2026, 5, 1))
    assert march.intersection(april) is None
    assert not march.overlaps(april)
    assert date(2026, 4, 1) not in march
    assert date(2026, 4, 1) in april


def test_open_ended_ranges():
    open_ended = DateRange(date(2026, 1, 1))
    assert date(2999, 1, 1) in open_ended
    assert open_ended.clip(DateRange(date(2025, 6, 1), date(2026, 2, 1))) == DateRange(
        date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(InvalidRange, match="open-ended"):
        _ = open_ended.days


def test_empty_and_naive_ranges_are_refused():
    with pytest.raises(InvalidRange, match="empty"):
        DateRange(date(2026, 1, 2), date(2026, 1, 2))
    with pytest.raises(InvalidRange, match="timezone-aware"):
        DateTimeRange(datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))


def test_active_on_is_half_open():
    assert active_on(date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 1))
    assert not active_on(date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 1))
    assert active_on(date(2026, 1, 1), None, date(2030, 1, 1))
