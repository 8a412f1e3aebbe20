"""API shapes, modelled on the public product APIs retail suppliers already publish."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api_inputs import OffsetDateTimeField
from tariffs.domain.codec import definition_to_json
from tariffs.domain.rates import published_rates
from tariffs.models import Product, TariffVersion


class ProductOut(serializers.ModelSerializer):
    display_name = serializers.CharField(source="name")
    is_green = serializers.SerializerMethodField()
    is_dynamic = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "code", "display_name", "description", "customer_kinds", "segments",
            "green_share_percent", "is_green", "is_dynamic", "term_months", "exit_fee",
            "direction", "available_from", "available_to",
        ]

    def get_is_green(self, product) -> bool:
        return product.green_share_percent >= 100

    def get_is_dynamic(self, product) -> bool:
        return any(version.spot_rates.all() for version in product.versions.all())


class RateOut(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    band = serializers.CharField(allow_null=True)
    tier = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    applies = serializers.CharField(help_text="when the band applies, local time")
    tier_upper = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True,
                                          help_text="kWh per billing period up to which "
                                                    "this tier applies")
    value_exc_vat = serializers.DecimalField(max_digits=14, decimal_places=6)
    value_inc_vat = serializers.DecimalField(max_digits=14, decimal_places=6)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)


class VersionOut(serializers.ModelSerializer):
    rates = serializers.SerializerMethodField()
    is_dynamic = serializers.SerializerMethodField()
    definition = serializers.SerializerMethodField(
        help_text="The whole tariff as the engine reads it (schedules, rates, tiers, ...)")

    class Meta:
        model = TariffVersion
        fields = ["id", "active_from", "active_to", "currency", "time_zone", "is_dynamic",
                  "rates", "definition"]

    def get_is_dynamic(self, version) -> bool:
        return self.context["tariff"](version).spot_rates != ()

    def get_definition(self, version) -> dict:
        return definition_to_json(self.context["tariff"](version))

    @extend_schema_field(RateOut(many=True))
    def get_rates(self, version) -> list[dict]:
        tariff = self.context["tariff"](version)
        rates = published_rates(tariff=tariff, valid_from=version.active_from,
                                valid_to=version.active_to)
        return RateOut(rates, many=True).data


class QuoteIn(serializers.Serializer):
    interval_minutes = serializers.ChoiceField(choices=[15, 30, 60])
    start = OffsetDateTimeField(help_text="first interval start, ISO 8601 with offset")
    import_kwh = serializers.ListField(child=serializers.FloatField(min_value=0),
                                       min_length=1, max_length=35136)
    products = serializers.ListField(child=serializers.CharField(), required=False,
                                     help_text="product codes to compare (default: all "
                                               "offered to the customer kind)")
    customer_kind = serializers.ChoiceField(choices=["HOUSEHOLD", "ENTERPRISE"],
                                            required=False)
    by = serializers.ChoiceField(choices=["month", "quarter"], default="month")
