"""Staff admin for insights, read-only (the nightly job writes everything): runs with their
status and counts, each customer's result (baseline or why not), the ranked
recommendations per customer, and the segments with their typical days drawn inline.
Switch requests that advice leads to are in the accounts admin (Tariff switch requests)."""
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from core.admin import ReadOnlyAdmin
from insights.models import CustomerInsight, HighBillAlert, InsightsRun, Recommendation, Segment


def _sparkline(values, *, width=240, height=48) -> str:
    """A typical day as a small inline SVG line (no script, prints as it shows)."""
    points = [v for v in values if v is not None]
    if not points:
        return "–"
    top = max(points) or 1
    step = width / max(len(values) - 1, 1)
    coords = " ".join(f"{i * step:.1f},{height - (v or 0) / top * (height - 4) - 2:.1f}"
                      for i, v in enumerate(values))
    return format_html(
        '<svg width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="typical day"'
        ' data-testid="typical-day"><polyline fill="none" stroke="currentColor" '
        'stroke-width="1.5" points="{}"/></svg>', width, height, width, height, coords)


@admin.register(InsightsRun)
class InsightsRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "on_date", "status", "chunks", "customers", "with_baseline",
                    "insufficient", "recommendations", "started_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = list_display + ["detail"]


@admin.register(CustomerInsight)
class CustomerInsightAdmin(ReadOnlyAdmin):
    list_display = ["customer", "run", "model_kind", "r_squared_adj", "baseline_days",
                    "segment", "insufficient_reason"]
    list_filter = ["run", "model_kind", "segment"]
    search_fields = ["customer__reference", "customer__name"]
    list_select_related = ["customer", "run"]
    readonly_fields = ["run", "customer", "model_kind", "intercept_kwh_per_day", "beta_hdd",
                       "beta_cdd", "heating_balance_point", "cooling_balance_point",
                       "r_squared_adj", "baseline_days", "insufficient_reason", "segment",
                       "recommendations_of_run", "neighbours", "report", "computed_at"]

    @admin.display(description="recommendations in this run")
    def recommendations_of_run(self, result):
        rows = (Recommendation.objects.filter(run_id=result.run_id,
                                              customer_id=result.customer_id)
                .order_by("rank"))
        if not rows:
            return "–"
        return format_html("<ol>{}</ol>", format_html_join(
            "", "<li>{}: {} {} a year, {} kWh</li>",
            ((r.kind, r.money_per_year, r.currency, r.kwh_per_year) for r in rows)))


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["customer", "run", "rank", "kind", "money_per_year", "currency",
                    "kwh_per_year"]
    list_filter = ["run", "kind"]
    search_fields = ["customer__reference", "customer__name"]
    list_select_related = ["customer", "run"]


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["run", "number", "size", "mean_daily_kwh", "cheapest_product",
                    "typical_day_chart"]
    list_filter = ["run"]
    readonly_fields = ["run", "number", "size", "mean_daily_kwh", "cheapest_product",
                       "typical_day_chart", "typical_day", "shape"]

    @admin.display(description="typical day (00:00–24:00)")
    def typical_day_chart(self, segment):
        return _sparkline(segment.typical_day)


@admin.register(HighBillAlert)
class HighBillAlertAdmin(ReadOnlyAdmin):
    list_display = ["customer", "period_start_date", "period_end_date", "forecast_amount",
                    "currency", "reason", "created_at"]
    search_fields = ["customer__reference"]
