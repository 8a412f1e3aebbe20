"""Segments: k-means on normalised daily shapes, deterministic, with each segment's
typical day, size, mean consumption and most often cheapest product."""
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from insights.domain.segments import InvalidSegmentation, customer_segments, typical_day

EVENING = np.r_[np.full(17, 0.2), np.full(4, 1.0), np.full(3, 0.3)]
DAYTIME = np.r_[np.full(8, 0.3), np.full(10, 2.0), np.full(6, 0.3)]


def profiles():
    """30 evening-peak homes (sizes 1..30 x the shape) and 20 daytime businesses."""
    rows = {f"home{k:02d}": EVENING * (1 + k) for k in range(30)}
    rows |= {f"shop{k:02d}": DAYTIME * (1 + k / 10) for k in range(20)}
    return pd.DataFrame.from_dict(rows, orient="index")


def test_two_shapes_make_two_segments_whatever_their_sizes():
    result = customer_segments(profiles=profiles(), segments=2)
    first, second = result.segments
    assert (first.number, first.size, second.number, second.size) == (1, 30, 2, 20)
    assert set(result.labels[result.labels == 1].index) == {f"home{k:02d}" for k in range(30)}
    assert first.shape == pytest.approx(EVENING / EVENING.sum())
    assert second.shape == pytest.approx(DAYTIME / DAYTIME.sum())
    assert first.typical_day == pytest.approx(EVENING * 15.5)  # mean of 1..30 x the shape
    assert first.mean_daily_kwh == pytest.approx(EVENING.sum() * 15.5)
    assert second.mean_daily_kwh == pytest.approx(DAYTIME.sum() * (1 + 0.95))


def test_the_same_data_give_the_same_segments_in_any_row_order():
    rng = np.random.default_rng(5)
    flat = pd.DataFrame(1.0, index=[f"flat{k:02d}" for k in range(10)], columns=range(24))
    table = pd.concat([profiles(), flat])
    table = table * rng.uniform(0.9, 1.1, table.shape)  # no two shapes alike
    a = customer_segments(profiles=table, segments=3)
    b = customer_segments(profiles=table.sample(frac=1.0, random_state=7), segments=3)
    pd.testing.assert_series_equal(a.labels.sort_index(), b.labels.sort_index())
    assert [s.size for s in a.segments] == [s.size for s in b.segments]


def test_the_cheapest_product_of_most_members():
    table = profiles()
    cheapest = pd.Series("FLAT", index=table.index)
    cheapest[[f"home{k:02d}" for k in range(20)]] = "EV-NIGHT"
    cheapest["shop00"] = "DAY-SAVER"
    result = customer_segments(profiles=table, segments=2, cheapest_product=cheapest)
    homes, shops = result.segments
    assert (homes.cheapest_product, homes.cheapest_share) == ("EV-NIGHT", pytest.approx(2 / 3))
    assert (shops.cheapest_product, shops.cheapest_share) == ("FLAT", pytest.approx(0.95))


def test_customers_without_a_shape_are_left_out_with_the_reason():
    table = profiles()
    table.loc["empty"] = 0.0
    table.loc["gappy"] = EVENING
    table.loc["gappy", 3] = np.nan
    result = customer_segments(profiles=table, segments=2)
    assert result.left_out == {"empty": "no consumption to take a shape from",
                               "gappy": "no typical day: some times of day were never measured"}
    assert "empty" not in result.labels.index and len(result.labels) == 50


def test_too_few_customers_or_shapes_for_the_segments_asked():
    with pytest.raises(InvalidSegmentation, match="3 customers with a typical day cannot make "
                                                  "4 segments"):
        customer_segments(profiles=profiles().iloc[:3], segments=4)
    with pytest.raises(InvalidSegmentation, match="only 2 distinct daily shapes among 50 "
                                                  "customers cannot make 3 segments"):
        customer_segments(profiles=profiles(), segments=3)


def test_a_typical_day_is_the_mean_per_local_slot():
    london = ZoneInfo("Europe/London")
    index = pd.date_range("2026-07-01", periods=48, freq="h", tz=london)
    values = pd.Series(np.r_[np.arange(24.0), np.arange(24.0) + 2], index=index)
    values.iloc[5] = np.nan  # slot 5 then comes from day 2 only
    day = typical_day(readings=values, tz=london, interval_minutes=60)
    assert day[0] == 1.0 and day[5] == 7.0 and day[23] == 24.0


def test_many_customers_fit_on_a_sample_and_every_customer_joins_its_nearest(monkeypatch):
    """Above FIT_SAMPLE the centroids come from an evenly spaced sample; every customer,
    sampled or not, gets the segment of its nearest centroid."""
    from insights.domain import segments as module

    monkeypatch.setattr(module, "FIT_SAMPLE", 12)
    rng = np.random.default_rng(11)
    table = profiles() * rng.uniform(0.95, 1.05, profiles().shape)
    result = customer_segments(profiles=table, segments=2)
    assert [s.size for s in result.segments] == [30, 20]
    assert len(result.labels) == 50
    assert set(result.labels[result.labels == 2].index) == {f"shop{k:02d}" for k in range(20)}
    evening = (EVENING / EVENING.sum())
    assert result.segments[0].shape == pytest.approx(evening, abs=0.01)
