"""The current billing period of a nightly chunk, ready to price bill forecasts: its
half-hour grid in local time (worked out once per chunk) and, per product, the billing
engine's batch pricer on it (`tariffs.domain.batch.GridPricer`, prepared once per product
and chunk; each customer's forecast is then one `price_prepared`). No query: the tariffs
and market prices are the ones the chunk loaded for the best-tariff shadow bills.

Market prices of a dynamic tariff: the stored ones where published, the mean of the last
28 days' prices at the same time of day for the rest of the period
(`insights.domain.forecast.expected_market_prices`).
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.ranges import DateRange, local_days
from insights.domain.breakdown import LocalGrid
from insights.domain.forecast import expected_market_prices
from tariffs.domain.batch import GridPricer
from tariffs.domain.periods import billing_periods

HALF_HOUR = timedelta(minutes=30)


class PeriodPricing:
    def __init__(self, *, period: DateRange, on: date, time_zone: str, tariffs: dict,
                 spot: dict | None, profile_starts: np.ndarray):
        tz = ZoneInfo(time_zone)
        self.instants = local_days(period, time_zone)
        lo, hi = (pd.Timestamp(moment).as_unit("ns").value
                  for moment in (self.instants.start, self.instants.end))
        self.starts = np.arange(lo, hi, HALF_HOUR // timedelta(microseconds=1) * 1000,
                                dtype=np.int64)
        self.index = pd.DatetimeIndex(self.starts.astype("datetime64[ns]"), tz="UTC")
        self.grid = LocalGrid.of(starts=self.starts, tz=tz)
        on_ns = pd.Timestamp(local_days(DateRange(on, on + timedelta(days=1)),
                                        time_zone).start).as_unit("ns").value
        self.past = self.starts < on_ns
        # where the period's measured half-hours sit in the chunk's profiles (which end
        # where `on` begins)
        past = self.starts[self.past]
        self.offset = int(np.searchsorted(profile_starts, past[0])) if len(past) else 0
        self.aligned = np.array_equal(profile_starts[self.offset:self.offset + len(past)],
                                      past)
        self.tz, self.tariffs, self.spot = tz, tariffs, spot or {}
        self._pricers: dict = {}

    def so_far(self, half_hours: np.ndarray) -> np.ndarray:
        """The customer's half-hours of the period before `on` (NaN after, and where the
        profiles have no reading)."""
        kwh = np.full(len(self.starts), np.nan)
        count = int(self.past.sum())
        if count and self.aligned:
            kwh[:count] = half_hours[self.offset:self.offset + count]
        return kwh

    def pricer(self, code: str) -> GridPricer:
        """The product's pricer on the period's grid; GridlineError when it cannot price
        (e.g. no market prices to expect), remembered for the chunk."""
        if code not in self._pricers:
            try:
                self._pricers[code] = self._pricer(self.tariffs[code])
            except GridlineError as exc:
                self._pricers[code] = exc
        found = self._pricers[code]
        if isinstance(found, GridlineError):
            raise found
        return found

    def _pricer(self, tariff) -> GridPricer:
        spot = {rate.instrument: expected_market_prices(
                    known=self.spot.get(rate.instrument, pd.Series(dtype=float)),
                    starts=self.index, tz=self.tz)
                for rate in tariff.spot_rates}
        periods = billing_periods(start=self.instants.start, end=self.instants.end,
                                  time_zone=tariff.time_zone, by="month")
        pricer = GridPricer(tariff=tariff, interval_starts=self.starts, interval=HALF_HOUR,
                            periods=periods, spot_prices=spot)
        pricer.price(np.zeros(len(self.starts)))  # refuses now if a market price lacks
        return pricer
