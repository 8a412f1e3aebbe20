"""Sales staff design products and versions with inline components, preview a price and
clone a version into the next one. A billed version is read-only here, and any save or
delete of one is refused by tariff_version_check_editable (and by the database)."""
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.errors import GridlineError
from core.ranges import local_date
from tariffs.domain.catalogue import (
    tariff_version_check_editable,
    tariff_version_check_valid,
    tariff_version_clone_next,
)
from tariffs.domain.preview import tariff_version_preview
from tariffs.models import (
    DemandChargeTier,
    ExportRate,
    GroupDiscount,
    Levy,
    Product,
    SpotRate,
    TariffVersion,
    TimeBandRule,
    UnitRate,
)


class VersionSummaryInline(admin.TabularInline):
    model = TariffVersion
    extra = 0
    fields = ["active_from", "active_to", "currency", "time_zone", "first_billed_at"]
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
    inlines = [VersionSummaryInline]


class ComponentInline(admin.TabularInline):
    """A component row; read-only once its version has billed."""

    extra = 0

    def _locked(self, obj):
        return obj is not None and obj.first_billed_at is not None

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class TimeBandRuleInline(ComponentInline):
    model = TimeBandRule
    fields = ["schedule", "position", "band", "start", "end", "days", "months"]


class UnitRateInline(ComponentInline):
    model = UnitRate
    fields = ["band", "tier", "upper", "unit_price", "adjustment"]


class DemandChargeInline(ComponentInline):
    model = DemandChargeTier
    fields = ["name", "bands", "months", "tier", "upper", "unit_price", "adjustment"]


class SpotRateInline(ComponentInline):
    model = SpotRate
    fields = ["instrument", "multiplier", "adder", "cap", "floor", "flow"]


class ExportRateInline(ComponentInline):
    model = ExportRate


class LevyInline(ComponentInline):
    model = Levy


class GroupDiscountInline(ComponentInline):
    model = GroupDiscount


class VersionRefused(Exception):
    """A domain refusal raised inside the admin's transaction (after the inline rows were
    saved, or before a billed version would be), so the whole save rolls back."""

    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


def _check_editable(version_id) -> None:
    if version_id is None:
        return
    stored = TariffVersion.objects.select_related("product").get(pk=version_id)
    try:
        tariff_version_check_editable(version=stored)
    except GridlineError as exc:
        raise VersionRefused(exc.detail) from exc


@admin.register(TariffVersion)
class TariffVersionAdmin(admin.ModelAdmin):
    list_display = ["product", "active_from", "active_to", "currency", "time_zone",
                    "first_billed_at"]
    list_filter = ["product", "currency"]
    search_fields = ["product__code", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    fieldsets = [
        (None, {"fields": ["product", "active_from", "active_to", "currency", "time_zone"]}),
        ("Charges", {"fields": [("standing_charge", "standing_charge_per"),
                                ("minimum_charge", "minimum_charge_per"), "vat_rate"]}),
        ("Time bands", {"fields": ["default_band", "demand_default_band", "holidays",
                                   "tier_scope"]}),
    ]
    inlines = [TimeBandRuleInline, UnitRateInline, DemandChargeInline, SpotRateInline,
               ExportRateInline, LevyInline, GroupDiscountInline]
    actions = ["clone_as_next_version"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return [*self.fieldsets, ("Preview", {"fields": ["preview"]})]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.first_billed_at is not None:
            # Billed: never edited; clone it into a new version instead.
            return [f.name for f in TariffVersion._meta.fields] + ["preview"]
        return ["preview"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.first_billed_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            _check_editable(obj.pk)  # as stored: the form may be older than the billing
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        _check_editable(form.instance.pk if change else None)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            tariff_version_check_valid(version=form.instance)
        except GridlineError as exc:
            raise VersionRefused(exc.detail) from exc

    def delete_model(self, request, obj):
        _check_editable(obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for version in queryset.select_related("product"):
            try:
                tariff_version_check_editable(version=version)
            except GridlineError as exc:
                self.message_user(request, f"Nothing was deleted: {exc.detail}",
                                  messages.ERROR)
                return
        super().delete_queryset(request, queryset)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionRefused as exc:
            self.message_user(request, f"Nothing was saved: {exc.detail}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description="A sample household month")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        try:
            breakdown = tariff_version_preview(version=obj)
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
        today = local_date(timezone.now(), request.tenant.time_zone)
        for version in queryset.select_related("product").order_by("pk"):
            try:
                new = tariff_version_clone_next(version=version, today=today)
            except GridlineError as exc:
                self.message_user(request, f"{version}: {exc.detail}", messages.ERROR)
                continue
            self.message_user(request, f"{new} created; edit its prices before it starts.")
