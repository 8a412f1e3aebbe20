"""Meters, their interval readings (partitioned by month), daily rollups, edits and reports.

All of it lives in a retailer's schema. `Reading` is not managed by Django: its table is a
PostgreSQL declarative range-partitioned table (by month on `interval_start`) created by
migration 0002; one partition per month is created ahead by a periodic job and on demand
by ingest (metering/domain/partitions.py).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import period_meets, period_not_empty


class Direction(models.TextChoices):
    IMPORT = "IMPORT", "Import (consumption)"
    EXPORT = "EXPORT", "Export (generation)"


class Quality(models.TextChoices):
    ACTUAL = "ACTUAL", "Actual"
    ESTIMATED = "ESTIMATED", "Estimated"
    EDITED = "EDITED", "Edited"
    MISSING = "MISSING", "Missing"


class MeterQuerySet(models.QuerySet):
    def installed_during(self, lo, hi):
        """Meters installed at some moment of `[lo, hi)` (`hi=None`: open-ended)."""
        return self.filter(period_meets(lo, hi, start="installed_at", end="removed_at"))


class Meter(models.Model):
    """A physical meter at a meter point over `[installed_at, removed_at)`."""

    serial = models.CharField(max_length=40, unique=True)
    meter_point = models.ForeignKey(
        "accounts.MeterPoint", on_delete=models.PROTECT, related_name="meters"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices,
                                 default=Direction.IMPORT)
    interval_minutes = models.PositiveSmallIntegerField(default=30)
    # Register multiplier (e.g. a CT ratio): stored kWh = reported value × multiplier.
    multiplier = models.DecimalField(max_digits=10, decimal_places=4, default=1)
    installed_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = MeterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_minutes__in=[15, 30, 60]),
                name="meter_interval_minutes_valid",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="meter_direction_valid"
            ),
            models.CheckConstraint(condition=Q(multiplier__gt=0),
                                   name="meter_multiplier_positive"),
            period_not_empty(start="installed_at", end="removed_at",
                             name="meter_period_not_empty"),
        ]

    def __str__(self):
        return self.serial


class Reading(models.Model):
    """One interval `[interval_start, interval_start + meter.interval_minutes)`.

    The table is partitioned by month on `interval_start` (see migration 0002); Django only
    reads it and inserts into it through the parent table, PostgreSQL routes each row.
    """

    pk = models.CompositePrimaryKey("meter", "interval_start")
    meter = models.ForeignKey(Meter, on_delete=models.DO_NOTHING, related_name="+")
    interval_start = models.DateTimeField()
    kwh = models.DecimalField(max_digits=16, decimal_places=6)
    quality = models.CharField(max_length=10, choices=Quality.choices, default=Quality.ACTUAL)
    source = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "metering_reading"

    def __str__(self):
        return f"{self.meter_id} {self.interval_start:%Y-%m-%d %H:%M} {self.kwh}"


class DailyRollup(models.Model):
    """Per meter per local day (the retailer's time zone): kept current by ingest, in SQL."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="rollups")
    day_date = models.DateField()
    kwh = models.DecimalField(max_digits=18, decimal_places=6)
    interval_count = models.PositiveIntegerField()
    kwh_min = models.DecimalField(max_digits=16, decimal_places=6)
    kwh_max = models.DecimalField(max_digits=16, decimal_places=6)
    actual_count = models.PositiveIntegerField(default=0)
    estimated_count = models.PositiveIntegerField(default=0)
    edited_count = models.PositiveIntegerField(default=0)
    missing_count = models.PositiveIntegerField(default=0)
    # The day's readings for the profile seam (metering/domain/profiles.py), in time order:
    # per reading 16 bytes, its interval start (int8 big-endian, microseconds since
    # 2000-01-01 UTC) then kWh x 4,000,000 + quality code (int8 big-endian).
    packed = models.BinaryField(default=bytes, editable=False)

    class Meta:
        constraints = [
            # kWh and the interval count ride in the index, so the nightly insights job's
            # year of daily figures per meter is an index-only scan: the rows themselves
            # are wide (`packed`) and reading them cost ~10x more (docs/metering.md)
            models.UniqueConstraint(fields=["meter", "day_date"], name="rollup_one_per_meter_day",
                                    include=["kwh", "interval_count"]),
        ]

    def __str__(self):
        return f"{self.meter_id} {self.day_date} {self.kwh}"


class IngestReport(models.Model):
    """What one ingest did: counts, and every rejected or flagged line with its reason."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=200)
    file_format = models.CharField(max_length=20)
    read = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    estimated = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list, blank=True)
    flagged = models.JSONField(default=list, blank=True)

    def __str__(self):
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M}"

    def as_dict(self) -> dict:
        return {
            "id": self.pk,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "rejected": self.rejected,
            "estimated": self.estimated,
            "flagged": self.flagged,
        }


class UploadState(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    READING = "READING", "Reading"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


class MeterDataUpload(models.Model):
    """A file staff uploaded for a worker to ingest (metering/domain/uploads.py).

    The file lives in Django's default storage under `uploads/<schema>/meter-data/` until
    the worker has ingested it (or found it unreadable); then it is deleted and `file` is
    emptied. A worker that dies half-way leaves it in place, so the task can run again.
    """

    file = models.FileField(max_length=300, blank=True)
    original_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=20)
    serial = models.CharField(max_length=40, blank=True)
    size_bytes = models.PositiveBigIntegerField()
    state = models.CharField(max_length=8, choices=UploadState.choices,
                             default=UploadState.QUEUED)
    detail = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    report = models.ForeignKey(IngestReport, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(state__in=UploadState.values),
                                   name="meter_data_upload_state_valid"),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"


class ReadingEdit(models.Model):
    """A stored reading replaced by a different value or quality (for billing to correct)."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="edits")
    interval_start = models.DateTimeField()
    old_kwh = models.DecimalField(max_digits=16, decimal_places=6)
    old_quality = models.CharField(max_length=10, choices=Quality.choices)
    new_kwh = models.DecimalField(max_digits=16, decimal_places=6)
    new_quality = models.CharField(max_length=10, choices=Quality.choices)
    edited_at = models.DateTimeField()
    source = models.CharField(max_length=100, blank=True)
    report = models.ForeignKey(IngestReport, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="edits")

    class Meta:
        indexes = [models.Index(fields=["meter", "interval_start"])]

    def __str__(self):
        return f"{self.meter_id} {self.interval_start} {self.old_kwh}→{self.new_kwh}"


class IdempotentResponse(models.Model):
    """The first response to an API request with an `Idempotency-Key`, replayed afterwards."""

    key = models.CharField(max_length=200)
    client = models.CharField(max_length=150)
    path = models.CharField(max_length=300)
    # SHA-256 of the request's JSON (keys sorted): the same key with another body is
    # refused, not replayed ("" on rows stored before it was kept).
    request_hash = models.CharField(max_length=64, blank=True, default="")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_per_client"),
        ]

    def __str__(self):
        return self.key


class RegisterReading(models.Model):
    """A reading of a meter's register (the kWh on its display) sent by the customer or
    staff, for a meter that sends no half-hourly data itself. The usage between two of
    them is spread over the half-hours in between and stored as ESTIMATED readings."""

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="register_reads")
    read_at = models.DateTimeField()
    register_kwh = models.DecimalField(max_digits=12, decimal_places=3)
    channel = models.CharField(max_length=10)
    submitted_by = models.ForeignKey("users.User", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meter", "read_at"],
                                    name="register_reading_one_per_moment"),
            models.CheckConstraint(condition=Q(register_kwh__gte=0),
                                   name="register_reading_not_negative"),
        ]

    def __str__(self):
        return f"{self.meter_id} {self.read_at:%Y-%m-%d %H:%M} {self.register_kwh}"
