"""Products (what a retailer sells) and their tariff versions (what a product charges when).

A version's components are one validated JSON document (see tariffs/domain/codec.py) that
the pricing engine reads as a `TariffDefinition`. Versions of a product never overlap in
time, and a version that has billed is never edited: a new version supersedes it.
"""
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import Q

from config.postgres import DateRange, PointRange


class Direction(models.TextChoices):
    IMPORT = "IMPORT", "Import (supply)"
    EXPORT = "EXPORT", "Export (feed-in)"


class Product(models.Model):
    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Offered to these customer kinds (HOUSEHOLD/ENTERPRISE) and, if any, these segments.
    customer_kinds = ArrayField(models.CharField(max_length=12), default=list)
    segments = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    green_share_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    exit_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    available_from = models.DateField()
    available_to = models.DateField(null=True, blank=True)
    direction = models.CharField(max_length=6, choices=Direction.choices,
                                 default=Direction.IMPORT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(green_share_percent__gte=0) & Q(green_share_percent__lte=100),
                name="product_green_share_percent",
            ),
            models.CheckConstraint(condition=Q(exit_fee__gte=0), name="product_exit_fee_positive"),
            models.CheckConstraint(
                condition=Q(available_to__isnull=True)
                | Q(available_to__gt=models.F("available_from")),
                name="product_availability_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class TariffVersion(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    definition = models.JSONField()
    # Derived once from the definition when the version is made (versions never change),
    # so the API can filter dynamic tariffs without decoding every document.
    is_dynamic = models.BooleanField(default=False)
    first_billed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gt=models.F("active_from")),
                name="tariff_version_period_not_empty",
            ),
            ExclusionConstraint(
                name="tariff_version_no_overlap_per_product",
                expressions=[
                    (PointRange("product"), RangeOperators.OVERLAPS),
                    (DateRange("active_from", "active_to", models.Value("[)")),
                     RangeOperators.OVERLAPS),
                ],
                violation_error_message=(
                    "Another version of this product covers part of [active_from, active_to)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.product.code} from {self.active_from}"
