"""Retailer staff set thresholds and see the notices they raised (the retailer's admin)."""
from django.contrib import admin
from django.utils import timezone

from market.alerts.models import AlertNotice, PriceAlert


@admin.register(PriceAlert)
class PriceAlertAdmin(admin.ModelAdmin):
    list_display = ["name", "instrument", "direction", "threshold", "is_active",
                    "checked_until"]
    list_filter = ["is_active", "direction"]
    readonly_fields = ["checked_until", "created_at"]


@admin.register(AlertNotice)
class AlertNoticeAdmin(admin.ModelAdmin):
    list_display = ["alert", "interval_start", "value", "raised_at", "acknowledged_at"]
    list_filter = [("acknowledged_at", admin.EmptyFieldListFilter), "alert"]
    list_select_related = ["alert"]
    readonly_fields = ["alert", "interval_start", "value", "raised_at", "acknowledged_at"]
    actions = ["acknowledge"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("acknowledged_at", "-raised_at")

    def has_add_permission(self, request):
        return False

    @admin.action(description="Acknowledge the selected notices")
    def acknowledge(self, request, queryset):
        count = queryset.filter(acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now())
        self.message_user(request, f"{count} notice(s) acknowledged.")
