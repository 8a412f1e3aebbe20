"""Portal: a customer's own consumption as charts (day, month, year), with its cost."""
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from accounts.domain.costs import consumption_cost
from accounts.models import AuditChannel
from core.ranges import local_date
from metering.domain.access import meters_visible_to
from metering.domain.charts import VIEWS, consumption_chart
from metering.domain.register_reads import (
    UnableToSubmitReading,
    meter_reading_submit,
    meter_takes_register_reads,
)
from metering.models import RegisterReading


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
    time_zone = request.tenant.time_zone
    try:
        anchor = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = local_date(timezone.now(), time_zone)
    chart = consumption_chart(meter=meter, view=view, anchor=anchor, time_zone=time_zone)
    cost = None
    if chart.bars:
        # The days that have readings: a month still running is priced up to its last
        # reading, not with standing charges for days to come.
        start, end = chart.reading_days
        cost = consumption_cost(
            customer=meter.meter_point.premise.customer, meter_point_id=meter.meter_point_id,
            import_kwh=chart.import_kwh, interval=chart.interval, start=start, end=end)
    return render(request, "metering/consumption.html", {
        "reads_by_hand": any(meter_takes_register_reads(meter=m) for m in meters),
        "meters": meters, "meter": meter, "chart": chart, "spec": chart.spec(),
        "cost": cost, "views": VIEWS,
        # The days priced, last one included (as a customer reads dates).
        "cost_days": (chart.reading_days[0], chart.reading_days[1] - timedelta(days=1))
        if chart.bars else None, "anchor": anchor,
    })


@login_required
@require_http_methods(["GET", "POST"])
def submit_reading(request):
    """A customer sends the reading on the display of a meter without half-hourly data."""
    meters = [m for m in meters_visible_to(user=request.user)
              .select_related("meter_point__premise").order_by("serial")
              if meter_takes_register_reads(meter=m)]
    error = None
    if request.method == "POST":
        meter = next((m for m in meters if m.serial == request.POST.get("meter")), None)
        try:
            if meter is None:
                raise UnableToSubmitReading("Choose one of your meters listed.")
            read_at = parse_datetime(request.POST.get("read_at", ""))
            if read_at is None:
                raise UnableToSubmitReading("Give the date and time you read the meter.")
            if timezone.is_naive(read_at):
                # the form's wall clock is the retailer's
                read_at = timezone.make_aware(read_at, ZoneInfo(request.tenant.time_zone))
            try:
                value = Decimal(request.POST.get("register_kwh", "").strip())
            except InvalidOperation:
                raise UnableToSubmitReading("The reading is a number of kWh, like "
                                            "12345.6.") from None
            meter_reading_submit(meter=meter, read_at=read_at, register_kwh=value,
                                 now=timezone.now(), channel=AuditChannel.PORTAL,
                                 actor_user=request.user,
                                 time_zone=request.tenant.time_zone)
        except UnableToSubmitReading as exc:
            error = exc.detail
        else:
            messages.success(request, f"Thank you: your reading of {value} kWh is saved.")
            return redirect("metering-portal:submit-reading")
    recent = (RegisterReading.objects.filter(meter__in=meters)
              .select_related("meter").order_by("-read_at")[:10])
    return render(request, "metering/submit_reading.html", {
        "meters": meters, "recent": recent, "error": error, "posted": request.POST})
