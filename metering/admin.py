"""Staff admin: meters, ingest reports (with their rejected lines), edits, and an upload
page that runs a file through the normal ingest path (large files in a worker, with a
progress page). Large uploads are stored through Django's storage with a record
(metering.MeterDataUpload) whose id the worker gets (metering/domain/uploads.py)."""
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin import ReadOnlyAdmin
from core.ranges import local_date
from metering.domain.charts import VIEWS, consumption_chart
from metering.domain.consumption import consumption_read
from metering.domain.ingest import (
    FORMATS,
    IngestOptions,
    UnableToIngestReadings,
    readings_ingest_file,
)
from metering.domain.uploads import upload_store
from metering.models import (
    DailyRollup,
    IngestReport,
    Meter,
    MeterDataUpload,
    ReadingEdit,
    UploadState,
)
from metering.tasks import ingest_upload, upload_progress_key

# Files up to this size are ingested while the page waits; larger ones go to a worker and
# the page shows their progress.
SYNC_UPLOAD_BYTES = 5 * 1024 * 1024


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = ["serial", "readings_link", "meter_point", "direction", "interval_minutes",
                    "multiplier", "installed_at", "removed_at"]
    list_filter = ["direction", "interval_minutes"]
    search_fields = ["serial", "meter_point__identifier"]
    autocomplete_fields = ["meter_point"]
    list_select_related = ["meter_point"]
    readonly_fields = ["readings_link"]

    @admin.display(description="Readings")
    def readings_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:metering_meter_readings", args=[obj.pk])
        return format_html('<a href="{}" data-testid="readings-link">Readings and chart</a>',
                           url)

    def get_urls(self):
        readings = path("<int:meter_id>/readings/",
                        self.admin_site.admin_view(self.readings_view),
                        name="metering_meter_readings")
        return [readings, *super().get_urls()]

    def readings_view(self, request, meter_id: int):
        """A meter's readings: a day of intervals (table and chart), or a month by day."""
        if not request.user.has_perm("metering.view_reading"):
            raise PermissionDenied
        meter = Meter.objects.filter(pk=meter_id).select_related("meter_point").first()
        if meter is None:
            raise Http404("No such meter.")
        view = request.GET.get("view") if request.GET.get("view") in VIEWS else "day"
        time_zone = request.tenant.time_zone
        try:
            anchor = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            latest = DailyRollup.objects.filter(meter=meter).order_by("-day_date").first()
            anchor = latest.day_date if latest else local_date(timezone.now(), time_zone)
        chart = consumption_chart(meter=meter, view=view, anchor=anchor, time_zone=time_zone)
        rows = consumption_read(meter=meter, period_from=chart.period_from,
                                period_to=chart.period_to, group_by="interval",
                                tz=time_zone) if view == "day" else []
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": f"Readings of meter {meter.serial}", "meter": meter,
                   "chart": chart, "spec": chart.spec(), "rows": rows, "views": VIEWS,
                   "anchor": anchor}
        return TemplateResponse(request, "metering/admin/meter_readings.html", context)


class UploadForm(forms.Form):
    file = forms.FileField()
    file_format = forms.ChoiceField(choices=[(f, f) for f in FORMATS], initial="csv")
    serial = forms.CharField(required=False, help_text="Meter serial (Green Button only)")


@admin.register(IngestReport)
class IngestReportAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "source", "file_format", "read", "inserted", "updated",
                    "estimated", "rejected_count"]
    list_filter = ["file_format"]
    readonly_fields = ["started_at", "finished_at", "source", "file_format", "read",
                       "inserted", "updated", "estimated", "rejected_count", "rejected_lines",
                       "flagged"]

    @admin.display(description="Rejected lines")
    def rejected_lines(self, obj):
        if not obj.rejected:
            return "None"
        rows = format_html_join(
            "", '<tr><td class="num">{}</td><td>{}</td></tr>',
            ((item.get("line", "—"), item.get("reason", item)) for item in obj.rejected))
        return format_html('<table data-testid="rejections"><thead><tr><th>Line</th>'
                           "<th>Reason</th></tr></thead><tbody>{}</tbody></table>", rows)
    change_list_template = "metering/admin/ingestreport_changelist.html"

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view),
                      name="metering_ingestreport_upload")
        progress = path("upload/<int:upload_id>/",
                        self.admin_site.admin_view(self.progress_view),
                        name="metering_ingestreport_progress")
        return [upload, progress, *super().get_urls()]

    def _queue(self, request, upload, form):
        """A large file: stored with its record, ingested by a worker (the ingest queue)
        once the record is committed; the progress page follows the record."""
        stored = upload_store(
            content=upload, original_name=upload.name, size_bytes=upload.size,
            file_format=form.cleaned_data["file_format"],
            serial=form.cleaned_data["serial"] or None, user=request.user, now=timezone.now())
        transaction.on_commit(lambda: ingest_upload.delay(upload_id=stored.pk))
        return redirect(reverse("admin:metering_ingestreport_progress", args=[stored.pk]))

    def progress_view(self, request, upload_id: int):
        upload = MeterDataUpload.objects.filter(pk=upload_id).first()
        if upload is None:
            raise Http404("No such upload.")
        if upload.state == UploadState.DONE and upload.report_id is not None:
            return redirect(reverse("admin:metering_ingestreport_change",
                                    args=[upload.report_id]))
        bytes_read = cache.get(upload_progress_key(upload.pk)) or 0
        total = upload.size_bytes
        percent = min(100, round(100 * bytes_read / total)) if total else 0
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Ingesting readings", "upload": upload, "percent": percent}
        return TemplateResponse(request, "metering/admin/progress.html", context)

    def upload_view(self, request):
        if not request.user.has_perm("metering.view_ingestreport"):
            return redirect("admin:index")
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > SYNC_UPLOAD_BYTES:
                return self._queue(request, upload, form)
            try:
                report = readings_ingest_file(
                    stream=upload.file, file_format=form.cleaned_data["file_format"],
                    source=f"admin:{upload.name}", now=timezone.now(),
                    options=IngestOptions(time_zone=request.tenant.time_zone),
                    serial=form.cleaned_data["serial"] or None)
            except UnableToIngestReadings as error:
                messages.error(request, error.detail)
            else:
                messages.success(request, (
                    f"Read {report.read}: {report.inserted} inserted, {report.updated} "
                    f"updated, {report.rejected_count} rejected, {report.estimated} estimated."))
                return redirect(reverse("admin:metering_ingestreport_change",
                                        args=[report.pk]))
        context = {**self.admin_site.each_context(request), "form": form,
                   "opts": self.model._meta, "title": "Upload readings"}
        return TemplateResponse(request, "metering/admin/upload.html", context)


@admin.register(MeterDataUpload)
class MeterDataUploadAdmin(ReadOnlyAdmin):
    list_display = ["uploaded_at", "original_name", "file_format", "size_bytes", "state",
                    "attempts", "report", "finished_at"]
    list_filter = ["state", "file_format"]
    list_select_related = ["report"]


@admin.register(ReadingEdit)
class ReadingEditAdmin(ReadOnlyAdmin):
    list_display = ["meter", "interval_start", "old_kwh", "old_quality", "new_kwh",
                    "new_quality", "edited_at", "source"]
    list_select_related = ["meter"]
    search_fields = ["meter__serial"]


@admin.register(DailyRollup)
class DailyRollupAdmin(ReadOnlyAdmin):
    list_display = ["meter", "day_date", "kwh", "interval_count", "kwh_min", "kwh_max",
                    "estimated_count"]
    list_select_related = ["meter"]
    search_fields = ["meter__serial"]
    date_hierarchy = "day_date"
