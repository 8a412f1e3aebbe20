"""Small PostgreSQL expressions used by exclusion constraints against overlapping periods."""
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField
from django.db import models
from django.db.models import Func


class DateRange(Func):
    function = "daterange"
    output_field = DateRangeField()


class PointRange(Func):
    """`int8range(x, x, '[]')`: a one-value range, so "same id" (same meter point, same
    product) becomes "ranges overlap", and the exclusion constraint needs only PostgreSQL's
    built-in GiST range support (no btree_gist, which the embedded PostgreSQL lacks)."""

    function = "int8range"
    output_field = BigIntegerRangeField()

    def __init__(self, field: str, **extra):
        super().__init__(field, field, models.Value("[]"), **extra)
