"""The cheapest window of a zone's day-ahead prices: the loader behind the API's
cheapest-window endpoint (the maths is in windows.py)."""
from datetime import datetime

from core.errors import GridlineError
from market.domain.windows import CheapestWindow, cheapest_window
from market.models import Instrument, InstrumentKind, PricePoint


class NoDayAheadPrices(GridlineError):
    code = "not_found"
    status = 404


def cheapest_window_in_zone(*, zone: str, period_from: datetime, period_to: datetime,
                            hours: int) -> tuple[Instrument, CheapestWindow]:
    """The zone's day-ahead instrument and the cheapest `hours`-hour window of its prices
    in `[period_from, period_to)`, in two queries."""
    instrument = (Instrument.objects.filter(kind=InstrumentKind.POWER_DAY_AHEAD, zone=zone)
                  .order_by("code").first())
    if instrument is None:
        raise NoDayAheadPrices(f"No day-ahead prices for zone {zone!r}.")
    points = list(
        PricePoint.objects.filter(instrument=instrument, interval_start__gte=period_from,
                                  interval_start__lt=period_to)
        .order_by("interval_start").values_list("interval_start", "value")
    )
    window = cheapest_window(points=points, period_from=period_from, period_to=period_to,
                             interval_minutes=instrument.interval_minutes, hours=hours)
    return instrument, window
