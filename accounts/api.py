"""Partner API: customers and contracts of the host's retailer."""
import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from accounts import serializers as s
from accounts.authentication import client_id_of
from accounts.domain.access import contracts_visible_to, customers_visible_to
from accounts.domain.audit import Actor, audit_record
from accounts.domain.contracts import contract_create
from accounts.models import (
    Account,
    AuditAction,
    AuditChannel,
    Contract,
    ContractStatus,
    Customer,
    CustomerKind,
    MeterPoint,
    Premise,
)
from core.ranges import local_date
from tariffs.domain.catalogue import tariff_version_resolve


def _client_id(request) -> str:
    return client_id_of(request)


def _audit(request, customer_ids, action, subject, detail=None):
    audit_record(
        at=timezone.now(), customer_ids=customer_ids, action=action, channel=AuditChannel.API,
        subject=subject, actor_user=request.user, actor_client_id=_client_id(request),
        detail=detail,
    )


class CustomerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices)
    segment = django_filters.CharFilter()
    reference = django_filters.CharFilter()
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Customer
        fields = ["kind", "segment", "reference"]


class CustomerList(generics.ListAPIView):
    serializer_class = s.CustomerListOut
    filterset_class = CustomerFilter
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["customers:read"]]}

    def get_queryset(self):
        return customers_visible_to(user=self.request.user).order_by("pk")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _audit(request, [row["id"] for row in response.data["results"]], AuditAction.READ,
               "customer.list")
        return response


class CustomerDetail(generics.RetrieveAPIView):
    serializer_class = s.CustomerDetailOut
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["customers:read"]]}

    def get_queryset(self):
        premises = Premise.objects.order_by("pk").prefetch_related(
            Prefetch("meter_points", queryset=MeterPoint.objects.order_by("pk"))
        )
        return customers_visible_to(user=self.request.user).prefetch_related(
            Prefetch("premises", queryset=premises)
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        _audit(request, [response.data["id"]], AuditAction.READ, "customer.detail")
        return response


class ContractFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices)
    customer = django_filters.NumberFilter(field_name="customer_id")
    meter_point = django_filters.CharFilter(field_name="meter_point__identifier")
    settlement = django_filters.CharFilter()
    payment = django_filters.CharFilter()
    active_on = django_filters.DateFilter(method="filter_active_on", label="Active on date")

    class Meta:
        model = Contract
        fields = ["status", "customer", "meter_point", "settlement", "payment"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class ContractListCreate(generics.ListCreateAPIView):
    filterset_class = ContractFilter
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["contracts:read"]], "POST": [["contracts:write"]]}
    error_responses = {"POST": {404: "No such customer here (`not_found`).",
                                409: "The meter point is already supplied over part of "
                                     "that period (`contract_overlaps`); nothing saved."}}

    def get_serializer_class(self):
        return s.ContractCreateIn if self.request.method == "POST" else s.ContractOut

    def get_queryset(self):
        return (
            contracts_visible_to(user=self.request.user)
            .select_related("account", "meter_point", "tariff_version__product")
            .order_by("pk")
        )

    @extend_schema(request=s.ContractCreateIn, responses={201: s.ContractOut})
    def post(self, request, *args, **kwargs):
        data_in = s.ContractCreateIn(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        customer = customers_visible_to(user=request.user).filter(pk=data["customer"]).first()
        if customer is None:
            raise NotFound(f"No customer {data['customer']}.")
        account = Account.objects.filter(number=data["account"], customer=customer).first()
        meter_point = (
            MeterPoint.objects.select_related("premise")
            .filter(identifier=data["meter_point"], premise__customer=customer)
            .first()
        )
        errors = {}
        if account is None:
            errors["account"] = [f"Customer {customer.pk} has no account {data['account']!r}."]
        if meter_point is None:
            errors["meter_point"] = [
                f"Customer {customer.pk} has no meter point {data['meter_point']!r}."
            ]
        if errors:
            raise ValidationError(errors)
        version = tariff_version_resolve(version_id=data["tariff_version"],
                                         product_code=data["product"], on=data["active_from"])
        now = timezone.now()
        contract = contract_create(
            customer=customer, account=account, meter_point=meter_point,
            active_from=data["active_from"], active_to=data["active_to"],
            settlement=data["settlement"], payment=data["payment"], tariff_version=version,
            today=local_date(now, request.tenant.time_zone),
            actor=Actor(channel=AuditChannel.API, at=now, user=request.user,
                        client_id=_client_id(request)),
        )
        return Response(s.ContractOut(contract).data, status=status.HTTP_201_CREATED)
