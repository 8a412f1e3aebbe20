"""Shared Django bases for models with a half-open active period `[active_from, active_to)`.

The rule "in force on a date" and the "period not empty" constraint are written once here;
contracts, tariff versions and later shareholdings use them.
"""
from datetime import date

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q

from core.postgres import DateRange, PointRange


class ActivePeriodQuerySet(models.QuerySet):
    def active_on(self, on: date):
        """Rows whose `[active_from, active_to)` holds `on`."""
        return self.filter(Q(active_to__isnull=True) | Q(active_to__gt=on),
                           active_from__lte=on)

    def overlapping(self, start: date, end: date | None):
        """Rows whose period meets `[start, end)` (`end=None`: open-ended)."""
        rows = self.filter(Q(active_to__isnull=True) | Q(active_to__gt=start))
        return rows if end is None else rows.filter(active_from__lt=end)


class ActivePeriodModel(models.Model):
    """`active_from` inclusive, `active_to` exclusive; no `active_to` means open-ended."""

    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)

    objects = ActivePeriodQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gt=models.F("active_from")),
                name="%(app_label)s_%(class)s_period_not_empty",
            ),
        ]


def no_overlap_per(field: str, *, name: str, message: str, condition: Q | None = None):
    """An exclusion constraint: no two rows with the same `field` whose active periods
    overlap (rows outside `condition` are not counted)."""
    return ExclusionConstraint(
        name=name,
        expressions=[
            (PointRange(field), RangeOperators.OVERLAPS),
            (DateRange("active_from", "active_to", models.Value("[)")),
             RangeOperators.OVERLAPS),
        ],
        condition=condition,
        violation_error_message=message,
    )
