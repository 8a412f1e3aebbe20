"""An offline feed with realistic-looking data, the default for development and demos.

- Day-ahead power per zone: hourly curves for today and tomorrow with a morning and an
  evening peak, a midday solar dip, cheaper weekends, and now and then a negative hour
  (sunny, windy, little demand) or a scarcity spike. A day's curve depends only on the
  seed, zone and date, so asking again gives the same values (no spurious revisions).
- Real-time power: the day-ahead price of the hour plus noise.
- Fuels and carbon: mean-reverting random walks (Ornstein-Uhlenbeck steps).
- Temperature: a daily cycle peaking mid-afternoon plus noise; renewable share follows
  the sun and some wind.

Every value is a pure function of (seed, instrument, interval), so a restarted feed sends
the same values again (no spurious revisions). Each call emits a point for every
instrument whose current interval has not been emitted yet, so calling it every few
seconds produces one point per interval.
"""
import math
import random
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from market.domain.prices import RawPoint

# (code, kind, zone, interval minutes) must match instruments that exist; the default
# catalogue is created by migration market/0002.
DAY_AHEAD = {"DA-NORTH": ("NORTH", 62.0), "DA-SOUTH": ("SOUTH", 71.0)}
REAL_TIME = {"RT-NORTH": ("DA-NORTH", 1), "RT-SOUTH": ("DA-SOUTH", 1)}
# code: (long-run mean, reversion per step, volatility per step, interval minutes)
WALKS = {
    "COAL": (110.0, 0.02, 0.6, 5),
    "OIL": (78.0, 0.02, 0.35, 5),
    "GAS": (35.0, 0.03, 0.4, 5),
    "CARBON": (70.0, 0.02, 0.5, 5),
}
TEMPERATURE = {"TEMP-NORTH": (9.0, 6.0, 15)}  # mean degC, daily amplitude, interval
RENEWABLE = {"RENEW-NORTH": 15}


def _floor(moment: datetime, minutes: int) -> datetime:
    moment = moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    step = minutes * 60
    return midnight + timedelta(seconds=((moment - midnight).seconds // step) * step)


def _q(value: float, places: str = "0.01") -> str:
    return str(Decimal(repr(value)).quantize(Decimal(places)))


class SimulatorFeed:
    name = "simulator"

    def __init__(self, *, seed: int = 7, history_intervals: int = 60):
        self.seed = seed
        self.history_intervals = history_intervals
        self.emitted: dict[str, datetime] = {}
        self.day_ahead_dates: set = set()

    # --- pure shapes ------------------------------------------------------------------
    def day_ahead_curve(self, *, code: str, day) -> list[float]:
        zone, base = DAY_AHEAD[code]
        rng = random.Random(zlib.crc32(f"{self.seed}:{zone}:{day.isoformat()}".encode()))
        weekend = day.weekday() >= 5
        level = base * (0.8 if weekend else 1.0) * rng.uniform(0.85, 1.15)
        windy = rng.random() < 0.15
        prices = []
        for hour in range(24):
            shape = (1.0 + 0.35 * math.exp(-((hour - 8) ** 2) / 4)
                     + 0.5 * math.exp(-((hour - 19) ** 2) / 5)
                     - 0.3 * math.exp(-((hour - 13) ** 2) / 6)
                     - 0.25 * math.exp(-((hour - 3) ** 2) / 8))
            price = level * shape + rng.gauss(0, 3)
            if windy and 10 <= hour <= 15:
                price -= level * rng.uniform(0.9, 1.4)  # can go negative
            if rng.random() < 0.02:
                price += rng.uniform(150, 400)  # scarcity spike
            prices.append(price)
        return prices

    def _rng(self, *parts) -> random.Random:
        return random.Random(zlib.crc32(":".join(map(str, (self.seed, *parts))).encode()))

    def _noise(self, code: str, at: datetime, sigma: float) -> float:
        return self._rng(code, at.isoformat()).gauss(0, sigma)

    def _temperature(self, code: str, at: datetime) -> float:
        mean, amplitude, _ = TEMPERATURE[code]
        hours = at.hour + at.minute / 60
        return (mean + amplitude * math.cos((hours - 15) / 24 * 2 * math.pi)
                + self._noise(code, at, 0.3))

    def _renewable(self, code: str, at: datetime) -> float:
        hours = at.hour + at.minute / 60
        sun = max(0.0, math.sin((hours - 6) / 12 * math.pi))
        return min(95.0, max(5.0, 25 + 35 * sun + self._noise(code, at, 4)))

    def walk_value(self, *, code: str, at: datetime) -> float:
        """Ornstein-Uhlenbeck steps from the day's opening level (itself seeded) to `at`."""
        mean, reversion, volatility, minutes = WALKS[code]
        midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
        rng = self._rng(code, midnight.date().isoformat())
        value = mean * rng.uniform(0.9, 1.1)
        for _ in range(int((at - midnight).total_seconds() // (minutes * 60))):
            value = max(0.5, value + reversion * (mean - value) + rng.gauss(0, volatility))
        return value

    # --- the feed -----------------------------------------------------------------------
    def _series_points(self, code, minutes, now, make):
        """Points for intervals not yet emitted, from history (first call) up to now."""
        current = _floor(now, minutes)
        last = self.emitted.get(code)
        start = (current - timedelta(minutes=minutes * (self.history_intervals - 1))
                 if last is None else last + timedelta(minutes=minutes))
        points = []
        at = start
        while at <= current:
            points.append(RawPoint(code, at, make(at)))
            at += timedelta(minutes=minutes)
        if points:
            self.emitted[code] = current
        return points

    def fetch(self, *, now: datetime) -> list[RawPoint]:
        points = []
        today = now.astimezone(UTC).date()
        for day in (today, today + timedelta(days=1)):
            if day in self.day_ahead_dates:
                continue
            self.day_ahead_dates.add(day)
            midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
            for code in DAY_AHEAD:
                for hour, price in enumerate(self.day_ahead_curve(code=code, day=day)):
                    points.append(RawPoint(code, midnight + timedelta(hours=hour), _q(price)))
        for code, (da_code, minutes) in REAL_TIME.items():
            def real_time(at, code=code, da_code=da_code):
                hourly = self.day_ahead_curve(code=da_code, day=at.date())[at.hour]
                return _q(hourly + self._noise(code, at, 4))
            points += self._series_points(code, minutes, now, real_time)
        for code, (*_, minutes) in WALKS.items():
            points += self._series_points(code, minutes, now,
                                          lambda at, code=code: _q(self.walk_value(code=code,
                                                                                   at=at)))
        for code, (*_, minutes) in TEMPERATURE.items():
            points += self._series_points(code, minutes, now,
                                          lambda at, code=code: _q(self._temperature(code, at),
                                                                   "0.1"))
        for code, minutes in RENEWABLE.items():
            points += self._series_points(code, minutes, now,
                                          lambda at, code=code: _q(self._renewable(code, at),
                                                                   "0.1"))
        return points
