"""Portal: a customer's own consumption as charts (day, month, year)."""
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.ranges import local_date
from metering.domain.access import meters_visible_to
from metering.domain.charts import VIEWS, consumption_chart


@login_required
def my_consumption(request):
    meters = list(meters_visible_to(user=request.user).order_by("serial"))
    if not meters:
        raise Http404("This login has no meters.")
    serial = request.GET.get("meter", meters[0].serial)
    meter = next((m for m in meters if m.serial == serial), None)
    if meter is None:
        raise Http404("No such meter.")
    view = request.GET.get("view", "month")
    if view not in VIEWS:
        view = "month"
    time_zone = request.tenant.time_zone
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = local_date(timezone.now(), time_zone)
    chart = consumption_chart(meter=meter, view=view, anchor=anchor, time_zone=time_zone)
    return render(request, "metering/consumption.html", {
        "meters": meters, "meter": meter, "chart": chart, "views": VIEWS, "anchor": anchor,
    })
