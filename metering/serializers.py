"""Input and output serializers of the meter API, one pair per endpoint (no logic here)."""
from rest_framework import serializers

from metering.domain.consumption import GROUPS


class ReadingIn(serializers.Serializer):
    interval_start = serializers.CharField(max_length=40,
                                           help_text="ISO 8601 with a UTC offset")
    kwh = serializers.CharField(max_length=30, help_text="Decimal kWh for the interval")


class ReadingBatchIn(serializers.Serializer):
    readings = ReadingIn(many=True, allow_empty=False, max_length=50_000)


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
    period_from = serializers.DateTimeField()
    period_to = serializers.DateTimeField()
    group_by = serializers.ChoiceField(choices=GROUPS, default="interval")


class ConsumptionOut(serializers.Serializer):
    interval_start = serializers.DateTimeField()
    interval_end = serializers.DateTimeField()
    consumption = serializers.DecimalField(max_digits=18, decimal_places=6)
    quality = serializers.CharField()
