"""The demo's insights: day-ahead prices back-filled over the demo readings for the
dynamic tariffs (the live feed only makes prices from now on; billing's demo fills the
months it bills), then the first nightly run, inline, so the portal shows a full report
as soon as `make run` is up. Idempotent: hours that have a price keep it, and a day that
has a finished run gets no second one."""
from datetime import date, datetime

import numpy as np
import pandas as pd
from django.db import connection

from core.ranges import DateRange, local_days
from insights.models import InsightsRun, RunStatus
from insights.runs import run_execute_inline, run_summary
from market.domain.prices import RawPoint, prices_save
from market.models import PricePoint
from tariffs.models import SpotRate


def demo_day_ahead_backfill(*, time_zone: str, today: date, now: datetime) -> int:
    """Hourly prices (an evening peak, cheap nights) for hours without one, from the first
    demo reading to today."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(interval_start) FROM metering_reading")
        first = cursor.fetchone()[0]
    codes = sorted(set(SpotRate.objects.values_list("instrument", flat=True)))
    if first is None or not codes:
        return 0
    instants = local_days(DateRange(first.date(), today), time_zone)
    hours = pd.date_range(instants.start, instants.end, freq="60min", inclusive="left")
    local = hours.tz_convert(time_zone)
    rng = np.random.default_rng(13)
    values = (50 + 40 * np.exp(-((local.hour - 18.5) ** 2) / 6)
              - 20 * np.exp(-((local.hour - 3.5) ** 2) / 6) + rng.normal(0, 5, len(hours)))
    inserted = 0
    for code in codes:
        have = set(PricePoint.objects.filter(
            instrument__code=code, interval_start__gte=instants.start,
            interval_start__lt=instants.end).values_list("interval_start", flat=True))
        points = [RawPoint(instrument=code, interval_start=at.to_pydatetime(),
                           value=f"{value:.2f}")
                  for at, value in zip(hours, values, strict=True)
                  if at.to_pydatetime() not in have]
        if points:
            inserted += prices_save(points=points, received_at=now, source="demo-history",
                                    publish=False).inserted
    return inserted


def insights_demo_seed(*, time_zone: str, currency: str, today: date, now: datetime) -> dict:
    prices = demo_day_ahead_backfill(time_zone=time_zone, today=today, now=now)
    done = (InsightsRun.objects.filter(on_date=today, status=RunStatus.DONE)
            .order_by("-pk").first())
    if done is not None:
        return {"prices": prices, **run_summary(run=done)}
    return {"prices": prices, **run_execute_inline(on=today, time_zone=time_zone,
                                                   currency=currency, now=now)}
