"""Sales staff design products and their versions, preview a price and clone versions."""
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from config.errors import GridlineError
from tariffs.domain.catalogue import (
    tariff_definition,
    tariff_version_check_editable,
    tariff_version_supersede,
)
from tariffs.domain.codec import definition_from_json, definition_to_json
from tariffs.domain.engine import price_period
from tariffs.domain.load_files import sample_household_profile
from tariffs.models import Product, TariffVersion


class TariffVersionInline(admin.TabularInline):
    model = TariffVersion
    extra = 0
    fields = ["active_from", "active_to", "currency", "is_dynamic", "first_billed_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "direction", "green_share_percent", "term_months",
                    "available_from", "available_to"]
    list_filter = ["direction"]
    search_fields = ["code", "name"]
    inlines = [TariffVersionInline]


class TariffVersionForm(forms.ModelForm):
    definition = forms.JSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family:monospace"}),
        help_text="The components: schedule bands and rules, unit rates with tiers, standing "
                  "and minimum charges, demand, spot, export, levies, VAT, group discounts.",
    )

    class Meta:
        model = TariffVersion
        fields = ["product", "active_from", "active_to", "currency", "definition"]

    def clean_definition(self):
        value = self.cleaned_data["definition"]
        try:
            tariff = definition_from_json(value)
        except GridlineError as exc:
            raise forms.ValidationError(exc.detail) from exc
        self.cleaned_data["is_dynamic"] = bool(tariff.spot_rates)
        return definition_to_json(tariff)

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            try:
                tariff_version_check_editable(version=self.instance)
            except GridlineError as exc:
                raise forms.ValidationError(exc.detail) from exc
        return data


def _first_of_next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


@admin.register(TariffVersion)
class TariffVersionAdmin(admin.ModelAdmin):
    form = TariffVersionForm
    list_display = ["product", "active_from", "active_to", "currency", "is_dynamic",
                    "first_billed_at"]
    list_filter = ["is_dynamic", "product"]
    search_fields = ["product__code", "product__name"]
    list_select_related = ["product"]
    readonly_fields = ["preview"]
    actions = ["clone_as_next_version"]

    def get_fields(self, request, obj=None):
        fields = ["product", "active_from", "active_to", "currency", "definition"]
        return fields + ["preview"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        obj.is_dynamic = form.cleaned_data.get("is_dynamic", False)
        super().save_model(request, obj, form, change)

    @admin.display(description="Preview: a sample household month")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        try:
            tariff = tariff_definition(version=obj)
            zone = ZoneInfo(tariff.time_zone)
            start = datetime.combine(obj.active_from.replace(day=1), time(), tzinfo=zone)
            end = datetime.combine(_first_of_next_month(start.date()), time(), tzinfo=zone)
            breakdown = price_period(tariff=tariff,
                                     profile=sample_household_profile(start=start, end=end),
                                     start=start, end=end)
        except GridlineError as exc:
            return f"Cannot price a sample: {exc.detail}"
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
            ((line.kind, line.band or "", line.tier or "", line.quantity, line.unit,
              line.unit_price, line.amount) for line in breakdown.lines),
        )
        return format_html(
            "<table><tr><th>Kind</th><th>Band</th><th>Tier</th><th>Quantity</th>"
            "<th>Unit price</th><th>Amount</th></tr>{}"
            "<tr><th colspan=5>Total before / after tax</th><td>{} / {}</td></tr></table>",
            rows, breakdown.total_before_tax, breakdown.total_after_tax,
        )

    @admin.action(description="Clone into a new version starting next month")
    def clone_as_next_version(self, request, queryset):
        for version in queryset.select_related("product").order_by("pk"):
            start = _first_of_next_month(max(version.active_from, timezone.localdate()))
            try:
                new = tariff_version_supersede(version=version, active_from=start,
                                               definition=json.loads(json.dumps(
                                                   version.definition)))
            except GridlineError as exc:
                self.message_user(request, f"{version}: {exc.detail}", messages.ERROR)
                continue
            self.message_user(request, f"{new} created; edit its prices before it starts.")
