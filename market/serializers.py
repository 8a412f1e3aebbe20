from datetime import timedelta

from rest_framework import serializers

from core.api_inputs import OffsetDateTimeField
from market.models import Instrument, PricePoint

MAX_PERIOD = timedelta(days=31)


class InstrumentOut(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["code", "name", "kind", "zone", "unit", "currency", "interval_minutes"]


class PricePointOut(serializers.ModelSerializer):
    class Meta:
        model = PricePoint
        fields = ["interval_start", "value", "received_at", "source"]


class CheapestWindowIn(serializers.Serializer):
    zone = serializers.CharField(max_length=40)
    hours = serializers.IntegerField(min_value=1, max_value=24 * 7)
    period_from = OffsetDateTimeField()
    period_to = OffsetDateTimeField()

    def validate(self, attrs):
        if attrs["period_to"] <= attrs["period_from"]:
            raise serializers.ValidationError({"period_to": ["Must be after period_from."]})
        if attrs["period_to"] - attrs["period_from"] > MAX_PERIOD:
            raise serializers.ValidationError({"period_to": ["At most 31 days after "
                                                             "period_from."]})
        return attrs


class WindowPointOut(serializers.Serializer):
    interval_start = serializers.DateTimeField()
    value = serializers.DecimalField(max_digits=14, decimal_places=4)


class CheapestWindowOut(serializers.Serializer):
    instrument = serializers.CharField()
    zone = serializers.CharField()
    hours = serializers.IntegerField()
    window_from = serializers.DateTimeField()
    window_to = serializers.DateTimeField()
    average = serializers.DecimalField(max_digits=14, decimal_places=4)
    unit = serializers.CharField()
    points = WindowPointOut(many=True)
