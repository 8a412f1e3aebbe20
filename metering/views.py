"""Portal: a customer's own consumption as charts (day, month, year), with its cost."""
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.domain.costs import consumption_cost
from metering.domain.access import meters_visible_to
from metering.domain.charts import VIEWS, consumption_chart


@login_required
def my_consumption(request):
    meters = list(meters_visible_to(user=request.user).select_related("meter_point__premise")
                  .order_by("serial"))
    if not meters:
        raise Http404("This login has no meters.")
    serial = request.GET.get("meter", meters[0].serial)
    meter = next((m for m in meters if m.serial == serial), None)
    if meter is None:
        raise Http404("No such meter.")
    view = request.GET.get("view", "month")
    if view not in VIEWS:
        view = "month"
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    chart = consumption_chart(meter=meter, view=view, anchor=anchor)
    cost = None
    if chart.bars:
        # The days that have readings: a month still running is priced up to its last
        # reading, not with standing charges for days to come.
        start, end = chart.reading_days
        cost = consumption_cost(
            customer=meter.meter_point.premise.customer, meter_point_id=meter.meter_point_id,
            import_kwh=chart.import_kwh, interval=chart.interval, start=start, end=end)
    return render(request, "metering/consumption.html", {
        "meters": meters, "meter": meter, "chart": chart, "spec": chart.spec(),
        "cost": cost, "views": VIEWS,
        # The days priced, last one included (as a customer reads dates).
        "cost_days": (chart.reading_days[0], chart.reading_days[1] - timedelta(days=1))
        if chart.bars else None, "anchor": anchor,
    })
