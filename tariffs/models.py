"""Products (what a retailer sells) and their tariff versions (what a product charges when).

A version's components are one validated JSON document (see tariffs/domain/codec.py) that
the pricing engine reads as a `TariffDefinition`. Versions of a product never overlap in
time, and a version that has billed is never edited: a new version supersedes it.
"""
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from core.models import ActivePeriodModel, no_overlap_per, period_holds, period_not_empty


class Direction(models.TextChoices):
    IMPORT = "IMPORT", "Import (supply)"
    EXPORT = "EXPORT", "Export (feed-in)"


class ProductQuerySet(models.QuerySet):
    def available_on(self, on):
        """Products on sale on `on`: `[available_from, available_to)` holds it."""
        return self.filter(period_holds(on, start="available_from", end="available_to"))


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

    objects = ProductQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(green_share_percent__gte=0) & Q(green_share_percent__lte=100),
                name="product_green_share_percent",
            ),
            models.CheckConstraint(condition=Q(exit_fee__gte=0), name="product_exit_fee_positive"),
            period_not_empty(start="available_from", end="available_to",
                             name="product_availability_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class ChargeBasis(models.TextChoices):
    DAY = "day", "per day"
    MONTH = "month", "per month"


class TierScope(models.TextChoices):
    BAND = "band", "each band's own kWh"
    ALL_BANDS = "all_bands", "the period's total kWh (URDB convention)"


class TariffVersion(ActivePeriodModel):
    """What a product charges over [active_from, active_to).

    Scalar components live here; the rest are inline rows (time band rules, unit rates with
    tiers, demand charges, spot, export, levies, group discounts). `tariff_definition` in
    tariffs/domain/catalogue.py turns them into the engine's TariffDefinition.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    currency = models.CharField(max_length=3, default="GBP")
    time_zone = models.CharField(max_length=60, default="Europe/London",
                                 help_text="Time bands are read on this zone's wall clock.")
    default_band = models.CharField(
        max_length=40, blank=True,
        help_text="Energy band for any time no rule covers (e.g. 'standard' or 'day').",
    )
    demand_default_band = models.CharField(
        max_length=40, blank=True,
        help_text="Demand band for any time no demand rule covers; leave empty to band "
                  "demand by the energy rules.",
    )
    holidays = ArrayField(models.DateField(), default=list, blank=True,
                          help_text="Dates that count as holidays (day code 7).")
    tier_scope = models.CharField(max_length=10, choices=TierScope.choices,
                                  default=TierScope.BAND)
    standing_charge = models.DecimalField(max_digits=12, decimal_places=6, null=True,
                                          blank=True)
    standing_charge_per = models.CharField(max_length=5, choices=ChargeBasis.choices,
                                           default=ChargeBasis.DAY)
    minimum_charge = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    minimum_charge_per = models.CharField(max_length=5, choices=ChargeBasis.choices,
                                          default=ChargeBasis.MONTH)
    vat_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0,
                                   help_text="e.g. 0.05 for 5% VAT")
    first_billed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(ActivePeriodModel.Meta):
        constraints = [
            *ActivePeriodModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(standing_charge__isnull=True) | Q(standing_charge__gte=0),
                name="tariff_version_standing_charge_not_negative",
            ),
            models.CheckConstraint(condition=Q(vat_rate__gte=0), name="tariff_version_vat"),
            no_overlap_per(
                "product",
                name="tariff_version_no_overlap_per_product",
                message="Another version of this product covers part of [active_from, "
                        "active_to).",
            ),
        ]

    def __str__(self):
        return f"{self.product.code} from {self.active_from}"


class ScheduleKind(models.TextChoices):
    ENERGY = "ENERGY", "Energy"
    DEMAND = "DEMAND", "Demand"


def _days_help():
    return "Day codes: 0=Mon … 6=Sun, 7=holidays; empty means every day."


class TimeBandRule(models.Model):
    """The first rule (by position) matching an interval's local date and time gives its
    band; an end at or before the start crosses midnight."""

    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE,
                                related_name="band_rules")
    schedule = models.CharField(max_length=6, choices=ScheduleKind.choices,
                                default=ScheduleKind.ENERGY)
    position = models.PositiveSmallIntegerField(default=0)
    band = models.CharField(max_length=40)
    start = models.TimeField()
    end = models.TimeField()
    days = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True,
                      help_text=_days_help())
    months = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True,
                        help_text="1-12; empty means every month.")

    def __str__(self):
        return f"{self.band} {self.start:%H:%M}-{self.end:%H:%M}"


class UnitRate(models.Model):
    """Price per kWh in a band; several tiers make blocks (first `upper` kWh, then the next)."""

    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE,
                                related_name="unit_rates")
    band = models.CharField(max_length=40)
    tier = models.PositiveSmallIntegerField(default=1)
    upper = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True,
                                help_text="Cumulative kWh limit of this tier in a billing "
                                          "period; empty for the last tier.")
    unit_price = models.DecimalField(max_digits=12, decimal_places=6)
    adjustment = models.DecimalField(max_digits=12, decimal_places=6, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "band", "tier"],
                                    name="unit_rate_one_per_band_tier"),
        ]

    def __str__(self):
        return f"{self.band} tier {self.tier}: {self.unit_price}/kWh"


class DemandChargeTier(models.Model):
    """Price per kW of the period's highest interval demand; rows with one `name` form one
    charge (its tiers). No bands: a flat charge over every interval."""

    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE,
                                related_name="demand_charges")
    name = models.CharField(max_length=60, default="demand")
    bands = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    months = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True,
                        help_text="1-12; empty means every month.")
    tier = models.PositiveSmallIntegerField(default=1)
    upper = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=6)
    adjustment = models.DecimalField(max_digits=12, decimal_places=6, default=0)

    def __str__(self):
        return f"{self.name} tier {self.tier}: {self.unit_price}/kW"


class Flow(models.TextChoices):
    IMPORT = "import", "Import"
    EXPORT = "export", "Export"


class SpotRate(models.Model):
    """Energy priced per interval: clip(market price × multiplier + adder, floor, cap)."""

    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE,
                                related_name="spot_rates")
    instrument = models.CharField(max_length=60)
    multiplier = models.DecimalField(max_digits=12, decimal_places=6, default=1)
    adder = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    cap = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    floor = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    flow = models.CharField(max_length=6, choices=Flow.choices, default=Flow.IMPORT)

    def __str__(self):
        return f"{self.instrument} × {self.multiplier} + {self.adder}"


class ExportRate(models.Model):
    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE,
                                related_name="export_rates")
    band = models.CharField(max_length=40, blank=True, help_text="Empty: every band.")
    unit_price = models.DecimalField(max_digits=12, decimal_places=6)

    def __str__(self):
        return f"export {self.band or 'all bands'}: {self.unit_price}/kWh"


class Levy(models.Model):
    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE, related_name="levies")
    name = models.CharField(max_length=60)
    unit_price = models.DecimalField(max_digits=12, decimal_places=6)

    class Meta:
        verbose_name_plural = "levies"

    def __str__(self):
        return f"{self.name}: {self.unit_price}/kWh"


class GroupDiscount(models.Model):
    version = models.ForeignKey(TariffVersion, on_delete=models.CASCADE,
                                related_name="group_discounts")
    group = models.CharField(max_length=40, help_text="A customer segment, e.g. 'staff'.")
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    def __str__(self):
        return f"{self.group}: {self.percent}%"
