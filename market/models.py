"""Industry data shared by every retailer (public schema): instruments and their prices.

Integrity lives here (one value per instrument and interval); the rules for accepting a
batch of points are in `market/domain/prices.py`.
"""
from django.core.validators import RegexValidator
from django.db import models

# Instrument codes become parts of channel-layer group names, which allow only ASCII
# letters, digits, hyphens, underscores and periods.
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_.-]{0,39}$"


class InstrumentKind(models.TextChoices):
    POWER_DAY_AHEAD = "POWER_DAY_AHEAD", "Power, day-ahead"
    POWER_REAL_TIME = "POWER_REAL_TIME", "Power, real-time"
    COAL = "COAL", "Coal"
    OIL = "OIL", "Oil"
    GAS = "GAS", "Gas"
    CARBON = "CARBON", "Carbon"
    RENEWABLE_SHARE = "RENEWABLE_SHARE", "Renewable share"
    TEMPERATURE = "TEMPERATURE", "Temperature"


class Instrument(models.Model):
    code = models.CharField(max_length=40, unique=True,
                            validators=[RegexValidator(CODE_PATTERN)])
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=InstrumentKind.choices)
    # A bidding zone for power, a hub or location for fuels and weather.
    zone = models.CharField(max_length=40, blank=True)
    unit = models.CharField(max_length=20)
    currency = models.CharField(max_length=3, blank=True)
    interval_minutes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=CODE_PATTERN),
                                   name="market_instrument_code_format"),
            models.CheckConstraint(
                condition=models.Q(interval_minutes__gt=0, interval_minutes__lte=1440),
                name="market_instrument_interval_range",
            ),
        ]

    def __str__(self):
        return self.code


class PricePoint(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT,
                                   related_name="points")
    # Start of the half-open interval [interval_start, interval_start + interval).
    interval_start = models.DateTimeField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instrument", "interval_start"],
                                    name="market_pricepoint_one_per_interval"),
        ]
        indexes = [
            models.Index(fields=["instrument", "-received_at"],
                         name="market_point_latest_idx"),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.interval_start:%Y-%m-%d %H:%M} {self.value}"


class PriceRevision(models.Model):
    """A value that replaced an earlier one for the same instrument and interval."""

    point = models.ForeignKey(PricePoint, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.DecimalField(max_digits=14, decimal_places=4)
    new_value = models.DecimalField(max_digits=14, decimal_places=4)
    old_source = models.CharField(max_length=80)
    new_source = models.CharField(max_length=80)
    revised_at = models.DateTimeField()

    def __str__(self):
        return f"{self.point_id}: {self.old_value} → {self.new_value}"
