"""What the partner API accepts, decided once for every endpoint (docs/api.md, "Inputs").

- JSON bodies of any nesting are parsed or refused with 400 `parse_error` (never a
  RecursionError).
- Datetimes are ISO 8601 with a UTC offset within ±14:59 (the real world's offsets, and
  the rule meter readings follow): in serializers through `OffsetDateTimeField`, in
  query filters through `StrictFilterBackend`.
- A query filter or page parameter that is present must have a value: `created_after=`
  or `page=` is a 400, not "no filter" or "page 1".
"""
from datetime import timedelta

from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import serializers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser

MAX_UTC_OFFSET = timedelta(hours=14, minutes=59)
OFFSET_MESSAGE = "The UTC offset must lie within ±14:59."
BLANK_MESSAGE = "This parameter may not be empty; leave it out instead."


def offset_in_range(value) -> bool:
    offset = value.utcoffset() if getattr(value, "tzinfo", None) else None
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


class OffsetDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField (answers in UTC) that refuses offsets beyond ±14:59."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        original = parse_datetime(value) if isinstance(value, str) else value
        if original is not None and not offset_in_range(original):
            raise ValidationError(OFFSET_MESSAGE)
        return parsed


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {name: [BLANK_MESSAGE] for name in filterset.filters
                  if name in request.query_params and not request.query_params[name].strip()}
        if not filterset.is_valid():
            errors.update(translate_validation(filterset.errors).detail)
        else:
            errors.update({name: [OFFSET_MESSAGE]
                           for name, value in filterset.form.cleaned_data.items()
                           if not offset_in_range(value)})
        if errors:
            raise ValidationError(errors)
        return filterset.qs


class StrictPages(PageNumberPagination):
    """DRF's page-number pagination; a `page` or `page_size` that is present must be a
    positive whole number (400 otherwise); a page past the last is 404."""

    def check_query(self, request) -> None:
        """Raise for a malformed `page` or `page_size` (a view may call this before it
        reads anything)."""
        for name in (self.page_query_param, self.page_size_query_param):
            if name and name in request.query_params:
                text = request.query_params[name].strip()
                if not (text.isascii() and text.isdigit() and int(text) > 0):
                    raise ValidationError({name: ["A positive whole number is required."]})

    def paginate_queryset(self, queryset, request, view=None):
        self.check_query(request)
        return super().paginate_queryset(queryset, request, view)
