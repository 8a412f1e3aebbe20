"""What the live market page shows: recent points per instrument, tomorrow's day-ahead
curves and their cheapest hours. A loader (ORM) plus the window maths; "now" comes from
the caller."""
from datetime import UTC, datetime, timedelta

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from market.domain.windows import NoCompleteWindow, cheapest_window
from market.models import Instrument, InstrumentKind, PricePoint


def _point(start, value) -> dict:
    return {"t": start.astimezone(UTC).isoformat(), "v": str(value)}


def market_board(*, now: datetime, recent: int = 60, cheapest_hours: int = 3) -> dict:
    """{"instruments": [...], "series": {code: [{t, v}...]}, "tomorrow": {code: {...}}};
    three queries whatever the number of instruments."""
    instruments = list(Instrument.objects.order_by("kind", "code"))
    day_ahead = [i for i in instruments if i.kind == InstrumentKind.POWER_DAY_AHEAD]
    others = [i for i in instruments if i.kind != InstrumentKind.POWER_DAY_AHEAD]

    series = {i.code: [] for i in others}
    ranked = (
        PricePoint.objects.filter(instrument__in=others)
        .annotate(rank=Window(RowNumber(), partition_by=[F("instrument_id")],
                              order_by=F("interval_start").desc()))
        .filter(rank__lte=recent)
        .values_list("instrument__code", "interval_start", "value")
    )
    for code, start, value in sorted(ranked, key=lambda row: (row[0], row[1])):
        series[code].append(_point(start, value))

    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow_from, tomorrow_to = today + timedelta(days=1), today + timedelta(days=2)
    curves = {i.code: [] for i in day_ahead}
    rows = (
        PricePoint.objects.filter(instrument__in=day_ahead, interval_start__gte=tomorrow_from,
                                  interval_start__lt=tomorrow_to)
        .order_by("instrument__code", "interval_start")
        .values_list("instrument__code", "interval_start", "value")
    )
    for code, start, value in rows:
        curves[code].append((start, value))

    tomorrow = {}
    for instrument in day_ahead:
        points = curves[instrument.code]
        try:
            window = cheapest_window(points=points, period_from=tomorrow_from,
                                     period_to=tomorrow_to,
                                     interval_minutes=instrument.interval_minutes,
                                     hours=cheapest_hours)
            cheapest = {"from": window.window_from.isoformat(),
                        "to": window.window_to.isoformat(), "average": str(window.average)}
        except NoCompleteWindow:
            cheapest = None
        tomorrow[instrument.code] = {"points": [_point(t, v) for t, v in points],
                                     "cheapest": cheapest}
    return {
        "date": tomorrow_from.date().isoformat(),
        "cheapest_hours": cheapest_hours,
        "instruments": [
            {"code": i.code, "name": i.name, "kind": i.kind, "zone": i.zone, "unit": i.unit,
             "interval_minutes": i.interval_minutes} for i in instruments
        ],
        "series": series,
        "tomorrow": tomorrow,
    }


def points_between(*, codes, period_from: datetime, period_to: datetime
                   ) -> dict[str, dict[datetime, object]]:
    """{code: {interval_start: value}} of the instruments' points in [from, to)."""
    found = {code: {} for code in codes}
    rows = (PricePoint.objects.filter(instrument__code__in=list(codes),
                                      interval_start__gte=period_from,
                                      interval_start__lt=period_to)
            .order_by("interval_start").values_list("instrument__code", "interval_start",
                                                    "value"))
    for code, start, value in rows:
        found[code][start] = value
    return found


def real_time_companions(*, codes) -> dict[str, list[str]]:
    """{real-time code: [day-ahead codes of the same zone]}: the ticks that tell a page
    following a day-ahead price that time has moved on."""
    zones = dict(Instrument.objects.filter(code__in=list(codes)).values_list("code", "zone"))
    companions: dict[str, list[str]] = {}
    for code, zone in Instrument.objects.filter(
            kind=InstrumentKind.POWER_REAL_TIME, zone__in=[z for z in zones.values() if z]
    ).order_by("code").values_list("code", "zone"):
        companions[code] = sorted(c for c, z in zones.items() if z == zone)
    return companions


def market_minutes(*, codes) -> dict[str, int]:
    return dict(Instrument.objects.filter(code__in=list(codes))
                .values_list("code", "interval_minutes"))
