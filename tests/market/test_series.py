"""Price series of many instruments over a period in one query: what spot tariffs price
with (the engine's `spot_prices`)."""
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.ranges import DateTimeRange
from market.domain.prices import RawPoint, prices_save
from market.domain.series import price_series_load

START = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def prices(db):
    points = [RawPoint(instrument=code, interval_start=START + timedelta(hours=h),
                       value=f"{base + h}.5")
              for code, base in (("DA-NORTH", 40), ("DA-SOUTH", 60)) for h in range(48)]
    result = prices_save(points=points, received_at=START, source="test", publish=False)
    assert result.inserted == 96


def test_series_of_several_instruments_in_one_query(prices):
    with CaptureQueriesContext(connection) as two:
        series = price_series_load(instrument_codes=["DA-NORTH", "DA-SOUTH"],
                                   period=DateTimeRange(START + timedelta(hours=6),
                                                        START + timedelta(hours=30)))
    with CaptureQueriesContext(connection) as three:
        price_series_load(instrument_codes=["DA-NORTH", "DA-SOUTH", "GAS"],
                          period=DateTimeRange(START, START + timedelta(days=2)))
    assert len(two) == len(three) == 1
    north = series["DA-NORTH"]
    assert len(north) == 24 and north.index.tz is not None
    assert north.index[0] == pd.Timestamp(START + timedelta(hours=6))
    assert north.iloc[0] == 46.5 and series["DA-SOUTH"].iloc[-1] == 89.5
    assert north.dtype == np.float64 and north.index.is_monotonic_increasing


def test_an_instrument_without_prices_gets_an_empty_series(prices):
    series = price_series_load(instrument_codes=["GAS", "NOPE"],
                               period=DateTimeRange(START, START + timedelta(days=1)))
    assert set(series) == {"GAS", "NOPE"}
    assert all(s.empty for s in series.values())
    assert price_series_load(instrument_codes=[],
                             period=DateTimeRange(START, START + timedelta(days=1))) == {}
