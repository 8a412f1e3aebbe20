"""Price series of many instruments over a period, in one query: the seam billing (spot
tariffs), quotes and advice read market prices through.

The result is what the pricing engine takes as `spot_prices`: per instrument code, a
float64 pandas Series indexed by tz-aware (UTC) interval starts, in order. Prices are
public data (the public schema), the same for every retailer.
"""
from collections.abc import Collection

import numpy as np
import pandas as pd
from django.db import connection

from core.ranges import DateTimeRange
from market.models import Instrument

_SERIES = """
    SELECT i.code, p.interval_start, p.value::float8
    FROM market_pricepoint p JOIN market_instrument i ON i.id = p.instrument_id
    WHERE i.code = ANY(%(codes)s) AND p.interval_start >= %(lo)s AND p.interval_start < %(hi)s
    ORDER BY i.code, p.interval_start
"""


def price_series_load(*, instrument_codes: Collection[str],
                      period: DateTimeRange) -> dict[str, pd.Series]:
    """`{code: Series}` of every asked instrument's prices with an interval start in
    `period` (finite), one query whatever the number of instruments. An instrument without
    prices there (or unknown) gets an empty series: the engine then names the first
    interval it lacks."""
    codes = sorted(set(instrument_codes))
    if not codes:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_SERIES, {"codes": codes, "lo": period.start, "hi": period.end})
        rows = cursor.fetchall()
    empty = pd.Series([], index=pd.DatetimeIndex([], tz="UTC"), dtype=np.float64)
    series = dict.fromkeys(codes, empty)
    start = 0
    while start < len(rows):
        code = rows[start][0]
        end = start
        while end < len(rows) and rows[end][0] == code:
            end += 1
        chunk = rows[start:end]
        index = pd.DatetimeIndex([row[1] for row in chunk]).tz_convert("UTC")
        series[code] = pd.Series(np.fromiter((row[2] for row in chunk), np.float64,
                                             count=len(chunk)), index=index)
        start = end
    return series


def prices_on_grid(*, series: dict[str, pd.Series], step_minutes: int) -> dict[str, pd.Series]:
    """Each instrument's prices on the meters' interval grid: a price published for a
    longer interval (hourly day-ahead prices, half-hourly readings) applies to every
    reading interval inside it. Prices as fine as the grid or finer are left as they are
    (the engine then names any interval that lacks a price)."""
    lengths = dict(Instrument.objects.filter(code__in=list(series))
                   .values_list("code", "interval_minutes"))
    aligned = {}
    for code, prices in series.items():
        minutes = lengths.get(code, step_minutes)
        if minutes <= step_minutes or minutes % step_minutes or prices.empty:
            aligned[code] = prices
            continue
        parts = minutes // step_minutes
        offsets = np.arange(parts) * step_minutes * 60_000_000_000
        starts = (prices.index.as_unit("ns").asi8[:, None] + offsets).ravel()
        aligned[code] = pd.Series(np.repeat(prices.to_numpy(), parts),
                                  index=pd.DatetimeIndex(starts, tz="UTC"))
    return aligned
