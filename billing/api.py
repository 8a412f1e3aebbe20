"""Partner API of billing: bills (list with filters, detail with lines, PDF), an account's
ledger, and recording a payment (idempotent by external reference). Scopes `bills:read`
and `payments:write`. Each endpoint makes one call into billing/domain."""
from decimal import Decimal

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import client_id_of
from accounts.domain.audit import Actor
from accounts.models import AuditChannel
from billing import serializers as s
from billing.domain.payments import payment_record
from billing.domain.periods import InvalidBillingPeriod, month_period
from billing.domain.reads import (
    access_account_by_id,
    access_bill_by_id,
    bill_detail,
    bills_listed,
    ledger_of_account,
)
from billing.models import BillStatus
from billing.views import pdf_response


class BillFilter(django_filters.FilterSet):
    account = django_filters.NumberFilter(field_name="account_id", help_text="account id")
    period = django_filters.CharFilter(
        method="filter_period", help_text="a month, YYYY-MM: the bills whose period overlaps "
                                          "it (a quarterly bill overlaps three months)")
    status = django_filters.ChoiceFilter(choices=BillStatus.choices)

    def filter_period(self, queryset, name, value):
        try:
            month = month_period(value)
        except InvalidBillingPeriod as exc:
            raise ValidationError({"period": [exc.detail]}) from None
        return queryset.filter(period_start__lt=month.end, period_end__gt=month.start)


class BillList(generics.ListAPIView):
    """The retailer's bills, newest period first (drafts included, with a null number)."""

    serializer_class = s.BillListOut
    filterset_class = BillFilter
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["bills:read"]]}

    def get_queryset(self):
        return bills_listed()


class BillDetail(APIView):
    """One bill with its lines, credit note, replacement links, payments and dunning."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["bills:read"]]}

    @extend_schema(responses={200: s.BillDetailOut})
    def get(self, request, pk: int):
        bill = access_bill_by_id(bill_id=pk)
        return Response(s.BillDetailOut(bill_detail(bill=bill)).data)


class BillPdf(APIView):
    """The bill as a PDF document."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["bills:read"]]}

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(
        response=OpenApiTypes.BINARY, description="the bill as a PDF")})
    def get(self, request, pk: int):
        bill = access_bill_by_id(bill_id=pk)
        return pdf_response(bill=bill, retailer_name=request.tenant.name)


class AccountLedger(APIView):
    """An account's ledger: every entry in order with its running balance, and the balance
    (the entries' sum; negative is credit)."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["bills:read"]]}

    @extend_schema(responses={200: s.LedgerOut})
    def get(self, request, pk: int):
        account = access_account_by_id(account_id=pk)
        ledger = ledger_of_account(account_id=account.pk)
        return Response(s.LedgerOut({
            "account": account.pk, "account_number": account.number,
            "balance": Decimal(ledger["balance"]), "entries": ledger["entries"]}).data)


class PaymentCreate(APIView):
    """Record a payment received for an account: applied to its oldest open bills, the rest
    stays as credit. Idempotent by `external_reference` (per account): the same reference
    again answers 200 with the first payment and records nothing."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"POST": [["payments:write"]]}
    error_responses = {"POST": {404: "No such account here (`not_found`)."}}

    @extend_schema(request=s.PaymentIn, responses={201: s.PaymentOut, 200: s.PaymentOut})
    def post(self, request):
        data_in = s.PaymentIn(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        account = access_account_by_id(account_id=data["account"])
        payment, created = payment_record(
            account=account, amount=data["amount"], method=data["method"],
            external_reference=data["external_reference"],
            received_at=data["received_at"],
            actor=Actor(channel=AuditChannel.API, at=timezone.now(), user=request.user,
                        client_id=client_id_of(request)))
        return Response(s.PaymentOut(payment).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
