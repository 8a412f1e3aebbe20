"""The partner API's insights output (for the OpenAPI schema; the body is the report)."""
from rest_framework import serializers


class RecommendationOut(serializers.Serializer):
    rank = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["tariff_switch", "load_shift", "base_load",
                                            "heating", "cooling"])
    title = serializers.CharField()
    kwh_per_year = serializers.DecimalField(max_digits=14, decimal_places=3)
    money_per_year = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    figures = serializers.DictField(help_text="the figures behind the saving")


class InsightsOut(serializers.Serializer):
    customer = serializers.IntegerField()
    run = serializers.IntegerField(help_text="the nightly run these figures come from")
    on = serializers.DateField(help_text="the run's day (readings up to the day before)")
    computed_at = serializers.DateTimeField()
    baseline = serializers.DictField(
        help_text="the CalTRACK 2.0 daily model (kind, intercept_kwh_per_day, beta_hdd, "
                  "beta_cdd, balance points in °F, r_squared_adj, days) or "
                  "{\"insufficient\": reason}")
    segment = serializers.IntegerField(allow_null=True)
    neighbours = serializers.DictField(allow_null=True)
    breakdown = serializers.DictField(allow_null=True)
    opening_hours = serializers.DictField(allow_null=True)
    trend = serializers.DictField(allow_null=True)
    forecast = serializers.DictField(allow_null=True)
    tariffs = serializers.DictField(allow_null=True)
    load_shift = serializers.DictField(allow_null=True)
    recommendations = RecommendationOut(many=True)
