"""The portal's consumption charts: a day of intervals, a month of days, a year of months.

Built from the interval readings themselves (one query), so each bar knows how much of it
was measured and how much estimated: an estimated half-hour is marked on its own, and a
day or month shows its estimated part rather than being painted estimated as a whole.
The interval kWh also go to the pricing engine for the period's cost.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from core.ranges import local_midnight
from metering.domain.consumption import consumption_read

VIEWS = ("day", "month", "year")
ESTIMATED_QUALITIES = ("ESTIMATED", "MISSING")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Bar:
    label: str
    kwh: Decimal
    estimated_kwh: Decimal

    @property
    def measured_kwh(self) -> Decimal:
        return self.kwh - self.estimated_kwh


@dataclass(frozen=True)
class Chart:
    view: str
    title: str
    bars: list[Bar]
    total_kwh: Decimal
    estimated_kwh: Decimal
    previous_date: date
    next_date: date
    period_from: datetime
    period_to: datetime
    interval: timedelta
    import_kwh: pd.Series  # kWh per interval start (UTC), for pricing
    time_zone: str = "Europe/London"

    @property
    def reading_days(self) -> tuple[datetime, datetime]:
        """[first local midnight, last local midnight + 1 day) of the days with readings."""
        tz = ZoneInfo(self.time_zone)
        first = self.import_kwh.index[0].tz_convert(tz).date()
        last = self.import_kwh.index[-1].tz_convert(tz).date()
        return (local_midnight(first, self.time_zone),
                local_midnight(last + timedelta(days=1), self.time_zone))

    def spec(self) -> dict:
        """The chart for static/portal/charts.js: measured and estimated kWh, stacked; a
        month shows every day and a year every month, with or without readings."""
        x_title = {"day": "Time of day (local time)", "month": "Day",
                   "year": "Month"}[self.view]
        by_label = {bar.label: bar for bar in self.bars}
        labels = ([bar.label for bar in self.bars] if self.view == "day"
                  else _labels(self.view, self.period_from, self.period_to))

        def values(kwh_of):
            return [float(kwh_of(by_label[label])) or None if label in by_label else None
                    for label in labels]

        return {
            "kind": "bar", "stacked": True, "xType": "category", "xTitle": x_title,
            "yTitle": "Energy used", "unit": "kWh", "x": labels,
            "series": [
                {"name": "Measured", "y": values(lambda bar: bar.measured_kwh)},
                {"name": "Estimated (reading missing)", "estimated": True,
                 "y": values(lambda bar: bar.estimated_kwh)},
            ],
        }


def _labels(view: str, period_from: datetime, period_to: datetime) -> list[str]:
    """Every day (month view) or month (year view) label of the period, in order."""
    labels, day = [], period_from.date()
    while day < period_to.date():
        label = _label(view, datetime(day.year, day.month, day.day))
        if not labels or labels[-1] != label:
            labels.append(label)
        day += timedelta(days=1)
    return labels


def _span(view: str, anchor: date):
    if view == "day":
        start, end = anchor, anchor + timedelta(days=1)
        return start, end, anchor - timedelta(days=1), end, f"{anchor:%A %d %B %Y}"
    if view == "month":
        start = anchor.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return start, end, (start - timedelta(days=1)).replace(day=1), end, f"{start:%B %Y}"
    start, end = date(anchor.year, 1, 1), date(anchor.year + 1, 1, 1)
    return start, end, date(anchor.year - 1, 1, 1), end, str(anchor.year)


def _label(view: str, local: datetime) -> str:
    if view == "day":
        return f"{local:%H:%M}"
    if view == "month":
        return f"{local:%a} {local.day}"
    return f"{local:%b}"


def consumption_chart(*, meter, view: str, anchor: date, time_zone: str) -> Chart:
    """`time_zone`: the retailer's (local days, months and years)."""
    tz = ZoneInfo(time_zone)
    start, end, previous, following, title = _span(view, anchor)
    period_from = local_midnight(start, time_zone)
    period_to = local_midnight(end, time_zone)
    rows = consumption_read(meter=meter, period_from=period_from, period_to=period_to,
                            group_by="interval", tz=time_zone)
    groups: dict[str, list[Decimal]] = {}
    for begin, _, kwh, quality in rows:
        local = begin.astimezone(tz)
        # Day view: one bar per interval (a DST day has 46 or 50); else per local day/month.
        key = begin.isoformat() if view == "day" else _label(view, local)
        total, estimated, label = groups.setdefault(key, [ZERO, ZERO, _label(view, local)])
        groups[key][0] = total + kwh
        if quality in ESTIMATED_QUALITIES:
            groups[key][1] = estimated + kwh
    bars = [Bar(label=label, kwh=total, estimated_kwh=estimated)
            for total, estimated, label in groups.values()]
    interval = timedelta(minutes=meter.interval_minutes)
    import_kwh = pd.Series(
        [float(kwh) for _, _, kwh, _ in rows],
        index=pd.DatetimeIndex([begin for begin, _, _, _ in rows]).tz_convert("UTC")
        if rows else pd.DatetimeIndex([], tz="UTC"), dtype=float)
    return Chart(view=view, title=title, bars=bars,
                 total_kwh=sum((bar.kwh for bar in bars), ZERO),
                 estimated_kwh=sum((bar.estimated_kwh for bar in bars), ZERO),
                 previous_date=previous, next_date=following, period_from=period_from,
                 period_to=period_to, interval=interval, import_kwh=import_kwh,
                 time_zone=time_zone)
