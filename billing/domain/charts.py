"""The consumption chart of a bill's period, for the portal's bill page: the energy the
bill's import meters measured each local day of the period, measured and estimated parts
stacked (as the consumption page shows them), in the spec static/portal/charts.js draws."""
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.models import Bill, BillLine
from core.ranges import DateRange, local_days
from metering.domain.consumption import consumption_read
from metering.models import Meter

ESTIMATED_QUALITIES = ("ESTIMATED", "MISSING")
ZERO = Decimal(0)


def bill_consumption_chart(*, bill: Bill, time_zone: str) -> dict:
    """{"spec", "total_kwh", "estimated_kwh"}: one bar per local day of the bill's period
    (every day shown, with or without readings). One query per import meter on the bill."""
    meter_ids = (BillLine.objects.filter(bill=bill, meter__isnull=False)
                 .values_list("meter_id", flat=True).distinct())
    meters = list(Meter.objects.filter(pk__in=list(meter_ids), direction="IMPORT")
                  .order_by("pk"))
    period = DateRange(bill.period_start, bill.period_end)
    instants = local_days(period, time_zone)
    tz = ZoneInfo(time_zone)
    measured: dict = defaultdict(lambda: ZERO)
    estimated: dict = defaultdict(lambda: ZERO)
    for meter in meters:
        for begin, _, kwh, quality in consumption_read(
                meter=meter, period_from=instants.start, period_to=instants.end,
                group_by="interval", tz=time_zone):
            day = begin.astimezone(tz).date()
            if quality in ESTIMATED_QUALITIES:
                estimated[day] += kwh
            else:
                measured[day] += kwh
    days = list(period.each_day())
    labels = [f"{day.day} {day:%b}" for day in days]
    spec = {
        "kind": "bar", "stacked": True, "xType": "category", "x": labels,
        "xTitle": "Day", "yTitle": "Energy used", "unit": "kWh",
        "series": [
            {"name": "Measured", "y": [float(measured[d]) or None for d in days]},
            {"name": "Estimated (reading missing)", "estimated": True,
             "y": [float(estimated[d]) or None for d in days]},
        ],
    }
    return {"spec": spec, "total_kwh": sum(measured.values(), ZERO) + sum(
        estimated.values(), ZERO), "estimated_kwh": sum(estimated.values(), ZERO)}

