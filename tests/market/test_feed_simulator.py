"""The simulator: plausible shapes, deterministic day-ahead curves, one point per interval,
and everything it emits is accepted by the save path."""
from datetime import UTC, date, datetime, timedelta

from market.domain.prices import prices_save
from market.feeds.simulator import SimulatorFeed
from market.models import PricePoint

NOW = datetime(2026, 3, 4, 10, 2, 30, tzinfo=UTC)  # a Wednesday


def test_day_ahead_curve_is_deterministic_and_shaped():
    feed = SimulatorFeed(seed=1)
    curve = feed.day_ahead_curve(code="DA-NORTH", day=date(2026, 3, 4))
    assert curve == SimulatorFeed(seed=1).day_ahead_curve(code="DA-NORTH", day=date(2026, 3, 4))
    assert len(curve) == 24
    assert max(curve[17:21]) > min(curve[1:5])  # evening peak above the night


def test_over_a_year_there_are_negative_hours_and_spikes():
    feed = SimulatorFeed(seed=3)
    prices = [p for d in range(365) for p in feed.day_ahead_curve(
        code="DA-SOUTH", day=date(2026, 1, 1) + timedelta(days=d))]
    assert min(prices) < 0
    assert max(prices) > 200


def test_weekends_are_cheaper_on_average():
    feed = SimulatorFeed(seed=5)
    days = [date(2026, 1, 5) + timedelta(days=d) for d in range(7 * 20)]
    mean = lambda ds: sum(sum(feed.day_ahead_curve(code="DA-NORTH", day=d)) for d in ds) / len(ds)  # noqa: E731
    assert mean([d for d in days if d.weekday() >= 5]) < mean([d for d in days if d.weekday() < 5])


def test_each_interval_is_emitted_once(db):
    feed = SimulatorFeed(seed=1, history_intervals=3)
    first = feed.fetch(now=NOW)
    codes = {p.instrument for p in first}
    assert codes == {"DA-NORTH", "DA-SOUTH", "RT-NORTH", "RT-SOUTH", "COAL", "OIL", "GAS",
                     "CARBON", "TEMP-NORTH", "RENEW-NORTH"}
    assert sum(p.instrument == "DA-NORTH" for p in first) == 48  # today and tomorrow
    assert sum(p.instrument == "GAS" for p in first) == 3
    again = feed.fetch(now=NOW + timedelta(seconds=5))
    assert again == []
    next_minute = feed.fetch(now=NOW + timedelta(minutes=1))
    assert {p.instrument for p in next_minute} == {"RT-NORTH", "RT-SOUTH"}

    result = prices_save(points=first + next_minute, received_at=NOW, source="simulator",
                         publish=False)
    assert result.rejected == 0, result.rejections[:3]
    assert PricePoint.objects.filter(instrument__code="DA-SOUTH").count() == 48


def test_a_restarted_simulator_sends_the_same_values():
    first = {(p.instrument, p.interval_start): p.value
             for p in SimulatorFeed(seed=2, history_intervals=30).fetch(now=NOW)}
    later = SimulatorFeed(seed=2, history_intervals=30).fetch(now=NOW + timedelta(minutes=20))
    overlap = [(p.instrument, p.interval_start, p.value) for p in later
               if (p.instrument, p.interval_start) in first]
    assert len(overlap) > 50
    assert all(first[(code, at)] == value for code, at, value in overlap)


def test_fuel_prices_revert_to_their_mean():
    feed = SimulatorFeed(seed=4)
    values = [feed.walk_value(code="GAS", at=datetime(2026, 1, 1, 12, tzinfo=UTC)
                              + timedelta(days=d)) for d in range(200)]
    assert 30 < sum(values) / len(values) < 40  # long-run mean 35
    assert min(values) > 0.5
