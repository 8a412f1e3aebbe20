"""Partner API: the retailer's products, their versions and rates, and quotes."""
from datetime import timedelta

import django_filters
from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tariffs import serializers as s
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.domain.quotes import UnableToQuote, products_quote
from tariffs.models import Product, TariffVersion

READ = {"GET": [["customers:read"], ["contracts:read"]]}


class ProductFilter(django_filters.FilterSet):
    customer_kind = django_filters.CharFilter(method="filter_kind")
    green = django_filters.BooleanFilter(method="filter_green")
    dynamic = django_filters.BooleanFilter(method="filter_dynamic")
    available_on = django_filters.DateFilter(method="filter_available_on")

    class Meta:
        model = Product
        fields = ["direction"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(customer_kinds__contains=[value])

    def filter_green(self, queryset, name, value):
        green = Q(green_share_percent__gte=100)
        return queryset.filter(green) if value else queryset.exclude(green)

    def filter_dynamic(self, queryset, name, value):
        dynamic = Q(versions__spot_rates__isnull=False)
        return (queryset.filter(dynamic) if value else queryset.exclude(dynamic)).distinct()

    def filter_available_on(self, queryset, name, value):
        return queryset.available_on(value)


def _products():
    return Product.objects.prefetch_related(
        Prefetch("versions", queryset=TariffVersion.objects.order_by("active_from")),
        "versions__spot_rates",
    ).order_by("code")


class ProductList(generics.ListAPIView):
    serializer_class = s.ProductOut
    filterset_class = ProductFilter
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = READ

    def get_queryset(self):
        return _products()


class ProductVersions(generics.ListAPIView):
    """A product's versions, oldest first, each with its rates."""

    serializer_class = s.VersionOut
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = READ

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema pass
            return TariffVersion.objects.none()
        product = Product.objects.filter(code=self.kwargs["code"]).first()
        if product is None:
            raise NotFound(f"No product {self.kwargs['code']!r}.")
        return product.versions.select_related("product").order_by("active_from")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The page's definitions in a constant number of queries (tariffs/domain/bulk.py).
        self.definitions = tariff_definitions_for(
            versions=page if page is not None else queryset)
        return page

    def get_serializer_context(self):
        definitions = getattr(self, "definitions", {})
        return {**super().get_serializer_context(),
                "tariff": lambda version: definitions[version.pk]}


class QuoteCreate(APIView):
    """Price a submitted load profile under the retailer's products, cheapest first."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"POST": [["customers:read"], ["contracts:read"]]}

    @extend_schema(request=s.QuoteIn, responses={200: dict})
    def post(self, request):
        data_in = s.QuoteIn(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        try:
            quotes = products_quote(
                start=data["start"], interval=timedelta(minutes=data["interval_minutes"]),
                import_kwh=data["import_kwh"], codes=data.get("products"),
                customer_kind=data.get("customer_kind"), by=data["by"],
            )
        except UnableToQuote as exc:
            raise ValidationError({"products": [exc.detail]}) from exc
        return Response({"priced_at": timezone.now().isoformat(), "quotes": quotes})
