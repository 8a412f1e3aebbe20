"""Shared Django bases for rows with a half-open period `[start, end)`.

The rule "in force on a date" and the "period not empty" constraint are written once here;
contracts and tariff versions (`active_from`/`active_to`), products on sale
(`available_from`/`available_to`) and installed meters (`installed_at`/`removed_at`) use
them, and later shareholdings will.
"""
from datetime import date, datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q

from core.postgres import DateRange, PointRange


def period_holds(on: date | datetime, *, start: str = "active_from",
                 end: str = "active_to") -> Q:
    """Rows whose `[start, end)` holds `on` (no end: open-ended)."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


def period_meets(lo: date | datetime, hi: date | datetime | None, *,
                 start: str = "active_from", end: str = "active_to") -> Q:
    """Rows whose `[start, end)` meets `[lo, hi)` (`hi=None`: open-ended)."""
    meets = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": lo})
    return meets if hi is None else meets & Q(**{f"{start}__lt": hi})


def period_not_empty(*, start: str, end: str, name: str) -> models.CheckConstraint:
    """`end` is empty (open-ended) or after `start`."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": models.F(start)}),
        name=name,
    )


class ActivePeriodQuerySet(models.QuerySet):
    def active_on(self, on: date):
        """Rows whose `[active_from, active_to)` holds `on`."""
        return self.filter(period_holds(on))

    def overlapping(self, start: date, end: date | None):
        """Rows whose period meets `[start, end)` (`end=None`: open-ended)."""
        return self.filter(period_meets(start, end))


class ActivePeriodModel(models.Model):
    """`active_from` inclusive, `active_to` exclusive; no `active_to` means open-ended."""

    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)

    objects = ActivePeriodQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            period_not_empty(start="active_from", end="active_to",
                             name="%(app_label)s_%(class)s_period_not_empty"),
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
