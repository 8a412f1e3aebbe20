"""Input and output serializers of the meter API, one pair per endpoint (no logic here)."""
import re

from rest_framework import serializers

from core.api_inputs import OffsetDateTimeField
from metering.domain.consumption import GROUPS

MAX_BATCH_READINGS = 50_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def no_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise serializers.ValidationError("Control characters (tab, newline, \\x01 ...) are "
                                          "not allowed.")


class ReadingIn(serializers.Serializer):
    interval_start = serializers.CharField(
        max_length=40, trim_whitespace=False, validators=[no_control_characters],
        help_text="YYYY-MM-DDTHH:MM:SS with a UTC offset within ±14:59 (or Z)")
    kwh = serializers.CharField(
        max_length=30, trim_whitespace=False, validators=[no_control_characters],
        help_text="Decimal kWh for the interval: digits with an optional sign and decimal "
                  "point, no exponent (docs/metering.md, 'kWh values')")


class ReadingBatchIn(serializers.Serializer):
    # A ListField (not many=True) so the schema states the limit as maxItems.
    readings = serializers.ListField(
        child=ReadingIn(), allow_empty=False, max_length=MAX_BATCH_READINGS,
        help_text=f"1 to {MAX_BATCH_READINGS:,} readings; the whole body at most 5 MiB")


class RejectedOut(serializers.Serializer):
    line = serializers.IntegerField(help_text="1-based position in `readings`")
    reason = serializers.CharField()


class IngestReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    read = serializers.IntegerField()
    inserted = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = RejectedOut(many=True)
    estimated = serializers.IntegerField()
    flagged = RejectedOut(many=True)


class ConsumptionQueryIn(serializers.Serializer):
    period_from = OffsetDateTimeField(help_text="start, included; ISO 8601 with a UTC "
                                                "offset within ±14:59")
    period_to = OffsetDateTimeField(help_text="end, excluded: must be after period_from "
                                              "(an empty period is a 400)")
    group_by = serializers.ChoiceField(choices=GROUPS, default="interval")


class ConsumptionOut(serializers.Serializer):
    interval_start = serializers.DateTimeField()
    interval_end = serializers.DateTimeField()
    consumption = serializers.DecimalField(max_digits=18, decimal_places=6)
    quality = serializers.CharField()
