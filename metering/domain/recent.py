"""A customer's recent consumption as one load profile, for "what would I pay" pages."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from django.db import connection

from metering.models import Direction, Meter


@dataclass(frozen=True)
class CustomerProfile:
    import_kwh: pd.Series  # kWh per interval start (UTC), all the customer's import meters
    interval: timedelta
    period_from: datetime
    period_to: datetime
    meter_point_ids: tuple[int, ...]

    @property
    def days(self) -> int:
        return (self.period_to - self.period_from).days


def customer_recent_profile(*, customer, today: date, days: int = 365,
                            time_zone: str) -> CustomerProfile | None:
    """The last `days` local days before `today` that have readings, summed over the
    customer's import meters of one interval length; None without readings."""
    meters = list(Meter.objects.filter(meter_point__premise__customer=customer,
                                       direction=Direction.IMPORT).order_by("serial"))
    if not meters:
        return None
    minutes = meters[0].interval_minutes
    meters = [m for m in meters if m.interval_minutes == minutes]
    tz = ZoneInfo(time_zone)
    lo = datetime.combine(today - timedelta(days=days), datetime.min.time(), tz)
    hi = datetime.combine(today, datetime.min.time(), tz)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT interval_start, sum(kwh) FROM metering_reading
               WHERE meter_id = ANY(%s) AND interval_start >= %s AND interval_start < %s
               GROUP BY interval_start ORDER BY interval_start""",
            [[m.pk for m in meters], lo, hi])
        rows = cursor.fetchall()
    if not rows:
        return None
    first_day = rows[0][0].astimezone(tz).date()
    last_day = rows[-1][0].astimezone(tz).date()
    series = pd.Series([float(kwh) for _, kwh in rows],
                       index=pd.DatetimeIndex([t for t, _ in rows]).tz_convert("UTC"))
    return CustomerProfile(
        import_kwh=series, interval=timedelta(minutes=minutes),
        period_from=datetime.combine(first_day, datetime.min.time(), tz),
        period_to=datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tz),
        meter_point_ids=tuple(sorted({m.meter_point_id for m in meters})))
