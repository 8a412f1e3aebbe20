"""What the nightly insights job stores, per retailer (tenant schema): each run, each
customer's result in it (the baseline's figures or why there is none), the ranked
recommendations, the segments for sales staff and the high-bill alerts.

Everything a run computes hangs off the run, so runs can be compared night by night; a
run is idempotent per customer (one result per run and customer, in the database).
A high-bill alert belongs to the customer and the billing period, not to a run: at most
one per period, whichever run found it.
"""
from django.db import models
from django.db.models import Q


class RunStatus(models.TextChoices):
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


class InsightsRun(models.Model):
    """One nightly job of one retailer, for the day `on_date` (data up to the day before)."""

    on_date = models.DateField()
    status = models.CharField(max_length=8, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    chunks = models.PositiveIntegerField(default=0)
    customers = models.PositiveIntegerField(default=0)
    with_baseline = models.PositiveIntegerField(default=0)
    insufficient = models.PositiveIntegerField(default=0)
    recommendations = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values),
                                   name="insights_run_status_valid"),
            # one run at a time per retailer: a second start finds the first
            models.UniqueConstraint(fields=["status"], condition=Q(status="RUNNING"),
                                    name="insights_one_run_running"),
        ]

    def __str__(self):
        return f"Insights {self.on_date} ({self.get_status_display()})"


class CustomerInsight(models.Model):
    """One customer's result in one run: the baseline model's figures, or the reason there
    is none (`insufficient_reason`); `report` holds the figures of the home energy report
    (neighbours, breakdown, trend, forecast, tariffs), each block with its basis."""

    run = models.ForeignKey(InsightsRun, on_delete=models.CASCADE, related_name="results")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE,
                                 related_name="insights")
    model_kind = models.CharField(max_length=16, blank=True)
    intercept_kwh_per_day = models.FloatField(null=True, blank=True)
    beta_hdd = models.FloatField(null=True, blank=True)
    beta_cdd = models.FloatField(null=True, blank=True)
    heating_balance_point = models.FloatField(null=True, blank=True)
    cooling_balance_point = models.FloatField(null=True, blank=True)
    r_squared_adj = models.FloatField(null=True, blank=True)
    baseline_days = models.PositiveIntegerField(default=0)
    insufficient_reason = models.TextField(blank=True)
    segment = models.PositiveSmallIntegerField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    # the report's neighbours block, written by the run's finish once every home is known
    # (apart from `report`, so the finish writes small values, not whole reports)
    neighbours = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"],
                                    name="insights_one_result_per_run_customer"),
            # a figure or a reason, never neither
            models.CheckConstraint(
                condition=~Q(model_kind="") | ~Q(insufficient_reason=""),
                name="insights_result_model_or_reason"),
        ]

    def __str__(self):
        return f"{self.customer_id} in run {self.run_id}"

    @property
    def has_baseline(self) -> bool:
        return not self.insufficient_reason


class Recommendation(models.Model):
    """A ranked measure for a customer in a run (insights/domain/recommendations.py)."""

    run = models.ForeignKey(InsightsRun, on_delete=models.CASCADE,
                            related_name="recommendation_rows")
    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE,
                                 related_name="recommendations")
    rank = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    kwh_per_year = models.DecimalField(max_digits=14, decimal_places=3)
    money_per_year = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "customer", "kind"],
                                    name="insights_one_recommendation_kind_per_run"),
            models.UniqueConstraint(fields=["run", "customer", "rank"],
                                    name="insights_one_recommendation_rank_per_run"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="insights_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.kind} ({self.customer_id})"


class Segment(models.Model):
    """A cluster of customers by the shape of their typical day, in one run."""

    run = models.ForeignKey(InsightsRun, on_delete=models.CASCADE, related_name="segments")
    number = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField()
    mean_daily_kwh = models.FloatField()
    typical_day = models.JSONField()  # kWh per slot (48 half-hours)
    shape = models.JSONField()  # share of a day's kWh per slot
    cheapest_product = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"],
                                    name="insights_one_segment_number_per_run"),
        ]

    def __str__(self):
        return f"Segment {self.number} of run {self.run_id} ({self.size})"


class HighBillAlert(models.Model):
    """A high-bill alert, at most one per customer and billing period."""

    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE,
                                 related_name="high_bill_alerts")
    period_start_date = models.DateField()
    period_end_date = models.DateField()
    forecast_amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.TextField()
    run = models.ForeignKey(InsightsRun, null=True, on_delete=models.SET_NULL,
                            related_name="alerts")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "period_start_date"],
                                    name="insights_one_alert_per_period"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.period_start_date}: {self.forecast_amount}"
