"""The portal's consumption charts: a day of intervals, a month of days, a year of months."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.ranges import local_midnight
from metering.domain.consumption import consumption_read

VIEWS = ("day", "month", "year")


@dataclass(frozen=True)
class Bar:
    label: str
    kwh: Decimal
    quality: str
    height_percent: float

    @property
    def top_percent(self) -> float:
        return 100 - self.height_percent


@dataclass(frozen=True)
class Chart:
    view: str
    title: str
    bars: list[Bar]
    total_kwh: Decimal
    previous_date: date
    next_date: date


def consumption_chart(*, meter, view: str, anchor: date, time_zone: str) -> Chart:
    """`time_zone`: the retailer's (local days, months and years)."""
    tz = ZoneInfo(time_zone)
    if view == "day":
        start, end = anchor, anchor + timedelta(days=1)
        group, previous, following = "interval", anchor - timedelta(days=1), end
        title = f"{anchor:%A %d %B %Y}"
    elif view == "month":
        start = anchor.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        group, previous, following = "day", (start - timedelta(days=1)).replace(day=1), end
        title = f"{start:%B %Y}"
    else:
        start, end = date(anchor.year, 1, 1), date(anchor.year + 1, 1, 1)
        group, previous, following = "month", date(anchor.year - 1, 1, 1), end
        title = str(anchor.year)
    rows = consumption_read(meter=meter, period_from=local_midnight(start, time_zone),
                            period_to=local_midnight(end, time_zone), group_by=group,
                            tz=time_zone)
    peak = max((kwh for _, _, kwh, _ in rows), default=Decimal(0)) or Decimal(1)
    label_format = {"day": "%H:%M", "month": "%d", "year": "%b"}[view]
    bars = [
        Bar(label=begin.astimezone(tz).strftime(label_format), kwh=kwh, quality=quality,
            height_percent=float(kwh / peak * 100))
        for begin, _, kwh, quality in rows
    ]
    return Chart(view=view, title=title, bars=bars,
                 total_kwh=sum((bar.kwh for bar in bars), Decimal(0)),
                 previous_date=previous, next_date=following)
