"""The partner API's inputs and outputs for cooperatives (one small serializer each)."""
import re

from rest_framework import serializers

from metering.serializers import ConsumptionQueryIn


class GeneratorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="PV, WIND or HYDRO")
    capacity_kw = serializers.DecimalField(max_digits=12, decimal_places=3)
    region = serializers.CharField()
    commissioning_date = serializers.DateField()


class CooperativeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    share_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    kwh_per_share_year = serializers.DecimalField(max_digits=12, decimal_places=3)
    generation_price = serializers.DecimalField(max_digits=10, decimal_places=6)
    allocation_method = serializers.CharField(help_text="SHARES or COEFFICIENTS")
    generators = GeneratorOut(many=True)


class ProductionQueryIn(ConsumptionQueryIn):
    """As the consumption endpoint: `period_from`, `period_to`, `group_by`."""


class ProductionOut(serializers.Serializer):
    interval_start = serializers.DateTimeField()
    interval_end = serializers.DateTimeField()
    production = serializers.DecimalField(max_digits=18, decimal_places=6)
    quality = serializers.CharField()


class AllocationQueryIn(serializers.Serializer):
    period = serializers.CharField(help_text="the local month, YYYY-MM", min_length=7,
                                   max_length=7)

    def validate_period(self, value):
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value) or value < "1970":
            raise serializers.ValidationError("a month as YYYY-MM, from 1970")
        return value


class AllocationOut(serializers.Serializer):
    customer = serializers.CharField(help_text="the member's customer reference")
    contract = serializers.IntegerField()
    bill = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    kwh = serializers.DecimalField(max_digits=18, decimal_places=6)
    right_kwh = serializers.DecimalField(max_digits=18, decimal_places=6)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    carried_kwh = serializers.DecimalField(
        max_digits=18, decimal_places=6,
        help_text="kWh the bill drew from the member's rights carried from earlier periods "
                  "(not part of `kwh`, nor of the month's generated = allocated + surplus)")
    carried_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
