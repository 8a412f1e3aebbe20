"""A retailer's thresholds on market prices and the notices they raised (tenant schema)."""
from django.db import models

from market.models import Instrument


class Direction(models.TextChoices):
    ABOVE = "ABOVE", "rises above"
    BELOW = "BELOW", "falls below"


class PriceAlert(models.Model):
    name = models.CharField(max_length=120)
    # Instruments live in the public schema, which is on every retailer's search path.
    # DO_NOTHING, not PROTECT: deleting an instrument runs in the public schema, where
    # Django's PROTECT check would query this (tenant-only) table and fail. The database's
    # foreign key still refuses to delete an instrument some retailer's alert uses.
    instrument = models.ForeignKey(Instrument, on_delete=models.DO_NOTHING, related_name="+")
    direction = models.CharField(max_length=5, choices=Direction.choices)
    threshold = models.DecimalField(max_digits=14, decimal_places=4)
    is_active = models.BooleanField(default=True)
    # Points received up to here have been checked (set by the evaluation job).
    checked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return (f"{self.name}: {self.instrument_id} {self.get_direction_display()} "
                f"{self.threshold}")


class AlertNotice(models.Model):
    alert = models.ForeignKey(PriceAlert, on_delete=models.CASCADE, related_name="notices")
    interval_start = models.DateTimeField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "interval_start"],
                                    name="market_alerts_one_notice_per_interval"),
        ]

    def __str__(self):
        return f"{self.alert.name} at {self.interval_start:%Y-%m-%d %H:%M}: {self.value}"
