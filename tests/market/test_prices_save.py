"""Saving a batch of points: good ones land, bad ones are rejected with a reason, values
that change are recorded as revisions, and the newest point per instrument is published."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from market.domain.prices import RawPoint, prices_save
from market.models import PricePoint, PriceRevision
from tests.market.factories import InstrumentFactory

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def power(db):
    return InstrumentFactory(code="TEST-POWER", interval_minutes=60)


def save(points, *, source="test", at=T0):
    return prices_save(points=points, received_at=at, source=source, publish=False)


def test_good_points_are_inserted(power):
    result = save([RawPoint("TEST-POWER", T0 + timedelta(hours=h), str(40 + h))
                   for h in range(3)])
    assert result.counts() == {"read": 3, "inserted": 3, "updated": 0, "rejected": 0}
    values = list(PricePoint.objects.filter(instrument=power).order_by("interval_start")
                  .values_list("value", flat=True))
    assert values == [Decimal("40"), Decimal("41"), Decimal("42")]


@pytest.mark.parametrize("point, reason", [
    (RawPoint("TEST-POWER", T0, "abc"), "is not a number"),
    (RawPoint("TEST-POWER", T0, "NaN"), "not a finite number"),
    (RawPoint("TEST-POWER", T0, None), "is not a number"),
    (RawPoint("TEST-POWER", T0, "1e12"), "out of range"),
    (RawPoint("TEST-POWER", T0, "5", unit="USD/t"), "is not the instrument's unit"),
    (RawPoint("TEST-POWER", T0 + timedelta(minutes=30), "5"), "off the 60-minute grid"),
    (RawPoint("TEST-POWER", "2026-03-01T00:00:00", "5"), "has no UTC offset"),
    (RawPoint("TEST-POWER", "yesterday", "5"), "is not an ISO 8601 date-time"),
    (RawPoint("NOPE", T0, "5"), "unknown instrument"),
])
def test_a_bad_point_is_rejected_and_the_rest_still_land(power, point, reason):
    good = RawPoint("TEST-POWER", T0 + timedelta(hours=5), "50")
    result = save([point, good])
    assert result.counts() == {"read": 2, "inserted": 1, "updated": 0, "rejected": 1}
    assert reason in result.rejections[0].reason
    assert PricePoint.objects.filter(instrument=power).count() == 1


def test_a_duplicate_within_the_batch_is_rejected(power):
    result = save([RawPoint("TEST-POWER", T0, "1"),
                   RawPoint("TEST-POWER", "2026-03-01T01:00:00+01:00", "2")])
    assert result.counts() == {"read": 2, "inserted": 1, "updated": 0, "rejected": 1}
    assert "duplicate" in result.rejections[0].reason
    assert PricePoint.objects.get(instrument=power).value == Decimal("1")


def test_a_changed_value_overwrites_and_is_recorded(power):
    save([RawPoint("TEST-POWER", T0, "10")], source="first")
    later = T0 + timedelta(minutes=7)
    result = save([RawPoint("TEST-POWER", T0, "12.5"), RawPoint("TEST-POWER", T0 + timedelta(
        hours=1), "11")], source="second", at=later)
    assert result.counts() == {"read": 2, "inserted": 1, "updated": 1, "rejected": 0}
    point = PricePoint.objects.get(instrument=power, interval_start=T0)
    assert (point.value, point.source, point.received_at) == (Decimal("12.5"), "second", later)
    revision = PriceRevision.objects.get(point=point)
    assert (revision.old_value, revision.new_value, revision.old_source, revision.new_source,
            revision.revised_at) == (Decimal("10"), Decimal("12.5"), "first", "second", later)


def test_the_same_value_again_is_neither_inserted_nor_updated(power):
    save([RawPoint("TEST-POWER", T0, "10")])
    result = save([RawPoint("TEST-POWER", T0, "10.0000")])
    assert result.counts() == {"read": 1, "inserted": 0, "updated": 0, "rejected": 0}
    assert result.unchanged == 1
    assert not PriceRevision.objects.exists()


def test_negative_prices_are_fine(power):
    assert save([RawPoint("TEST-POWER", T0, "-12.30")]).inserted == 1


def test_after_commit_one_tick_per_instrument_is_published(power, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    gas = InstrumentFactory(code="TEST-GAS", unit="EUR/MWh", interval_minutes=5)
    sent = []
    monkeypatch.setattr("market.domain.prices.tick_publish",
                        lambda *, ticks: sent.extend(ticks))
    with django_capture_on_commit_callbacks(execute=True):
        prices_save(points=[RawPoint("TEST-POWER", T0 + timedelta(hours=h), str(h))
                            for h in range(24)] + [RawPoint(gas.code, T0, "30")],
                    received_at=T0, source="test")
    assert [(t["instrument"], t["interval_start"], t["value"]) for t in sent] == [
        ("TEST-POWER", "2026-03-01T23:00:00+00:00", "23.0000"),
        ("TEST-GAS", "2026-03-01T00:00:00+00:00", "30.0000"),
    ]
