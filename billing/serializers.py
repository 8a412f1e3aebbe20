"""Small input and output serializers of the billing API, one set per endpoint (no logic
here: the shapes of billing/domain/reads.py's dicts and of the models)."""
from decimal import Decimal

from rest_framework import serializers

from billing.models import Bill, PaymentMethod
from core.api_inputs import OffsetDateTimeField


class BillListOut(serializers.ModelSerializer):
    account = serializers.IntegerField(source="account_id")
    account_number = serializers.CharField(source="account.number")

    class Meta:
        model = Bill
        fields = ["id", "number", "account", "account_number", "period_start", "period_end",
                  "kind", "status", "currency", "total_exc_tax", "tax", "total_inc_tax",
                  "paid", "kwh", "issue_date", "due_date"]


class BillLineOut(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.CharField()
    band = serializers.CharField(allow_null=True)
    tier = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=18, decimal_places=6)
    unit = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=6)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    segment_start = serializers.DateField(allow_null=True)
    segment_end = serializers.DateField(allow_null=True)


class CreditNoteOut(serializers.Serializer):
    number = serializers.CharField()
    reason = serializers.CharField()
    total_inc_tax = serializers.DecimalField(max_digits=14, decimal_places=2)


class BillRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)


class DunningStepOut(serializers.Serializer):
    step = serializers.CharField()
    days_overdue = serializers.IntegerField()
    sent_on = serializers.DateField()


class BillDetailOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True, help_text="null while a draft")
    account = serializers.CharField(help_text="account number")
    customer = serializers.CharField(help_text="customer reference")
    kind = serializers.CharField()
    status = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="exclusive: the period is [start, end)")
    currency = serializers.CharField()
    total_exc_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_inc_tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2)
    kwh = serializers.DecimalField(max_digits=16, decimal_places=6)
    estimated_share = serializers.DecimalField(max_digits=5, decimal_places=4)
    issue_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    lines = BillLineOut(many=True)
    credit_note = CreditNoteOut(allow_null=True)
    replaces = BillRefOut(allow_null=True)
    replaced_by = BillRefOut(allow_null=True)
    dunning = DunningStepOut(many=True)


class LedgerEntryOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance_after = serializers.DecimalField(max_digits=14, decimal_places=2)
    description = serializers.CharField()


class LedgerOut(serializers.Serializer):
    account = serializers.IntegerField()
    account_number = serializers.CharField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=2,
                                       help_text="the entries' sum; negative is credit")
    entries = LedgerEntryOut(many=True)


class PaymentIn(serializers.Serializer):
    account = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="account id")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    external_reference = serializers.CharField(
        max_length=100, help_text="your reference: the same one again returns the first "
                                  "payment (200) and records nothing")
    received_at = OffsetDateTimeField()


class PaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.IntegerField(source="account_id")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    method = serializers.CharField()
    external_reference = serializers.CharField()
    received_at = serializers.DateTimeField()
