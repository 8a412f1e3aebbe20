"""Small input and output serializers, one pair per endpoint (no logic here)."""
from rest_framework import serializers

from accounts.models import Contract, Customer, MeterPoint, Payment, Premise, Settlement


class MeterPointOut(serializers.ModelSerializer):
    class Meta:
        model = MeterPoint
        fields = ["id", "identifier"]


class PremiseOut(serializers.ModelSerializer):
    meter_points = MeterPointOut(many=True, read_only=True)

    class Meta:
        model = Premise
        fields = [
            "id", "address_line", "city", "postcode", "region", "floor_area_m2",
            "occupants", "heating_type", "meter_points",
        ]


class CustomerListOut(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "reference", "kind", "name", "segment", "created_at"]


class CustomerDetailOut(serializers.ModelSerializer):
    premises = PremiseOut(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id", "reference", "kind", "name", "segment", "contact_email", "contact_phone",
            "created_at", "premises",
        ]


class ContractOut(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id")
    account = serializers.CharField(source="account.number")
    meter_point = serializers.CharField(source="meter_point.identifier")
    tariff_version = serializers.IntegerField(source="tariff_version_id", allow_null=True)
    product = serializers.CharField(source="tariff_version.product.code", allow_null=True,
                                    default=None)

    class Meta:
        model = Contract
        fields = [
            "id", "customer", "account", "meter_point", "tariff_version", "product",
            "active_from", "active_to", "settlement", "payment", "status", "created_at",
        ]


class ContractCreateIn(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1)
    account = serializers.CharField(max_length=40, help_text="Account number")
    meter_point = serializers.CharField(max_length=40, help_text="Meter point identifier")
    active_from = serializers.DateField()
    active_to = serializers.DateField(required=False, allow_null=True, default=None)
    settlement = serializers.ChoiceField(choices=Settlement.choices)
    payment = serializers.ChoiceField(choices=Payment.choices)
    tariff_version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="The tariff version's id; or give `product` instead")
    product = serializers.CharField(
        max_length=60, required=False, allow_null=True, default=None,
        help_text="A product code: its version in force on active_from is used")

    def validate(self, attrs):
        if attrs["active_to"] is not None and attrs["active_to"] <= attrs["active_from"]:
            raise serializers.ValidationError(
                {"active_to": "Must be after active_from (the period is [from, to))."}
            )
        if (attrs["tariff_version"] is None) == (attrs["product"] is None):
            raise serializers.ValidationError({"tariff_version": (
                "Give either tariff_version (a version id) or product (a product code; the "
                "version in force on active_from is used), not both or neither.")})
        return attrs
