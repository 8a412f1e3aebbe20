"""Market API (read-only reference data, the same on every retailer host).

Auth: market prices are public reference data, so reads are open to anyone (AllowAny); a
partner's OAuth2 token is accepted too (PartnerAuthentication stays the default) but needs
no scope. Nothing here reads or reveals tenant data.
"""
import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_inputs import StrictPages
from market import serializers as s
from market.domain.cheapest import cheapest_window_in_zone
from market.models import Instrument, InstrumentKind, PricePoint


class InstrumentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=InstrumentKind.choices)
    zone = django_filters.CharFilter()

    class Meta:
        model = Instrument
        fields = ["kind", "zone"]


class InstrumentList(generics.ListAPIView):
    serializer_class = s.InstrumentOut
    filterset_class = InstrumentFilter
    permission_classes = [AllowAny]
    queryset = Instrument.objects.order_by("code")


class PricePagination(StrictPages):
    page_size = 200
    page_size_query_param = "page_size"
    max_page_size = 2000


class PriceFilter(django_filters.FilterSet):
    # Half-open: [period_from, period_to) on interval_start.
    period_from = django_filters.IsoDateTimeFilter(field_name="interval_start",
                                                   lookup_expr="gte")
    period_to = django_filters.IsoDateTimeFilter(field_name="interval_start", lookup_expr="lt")

    class Meta:
        model = PricePoint
        fields = []


@extend_schema_view(get=extend_schema(summary="Prices of one instrument, oldest first"))
class InstrumentPrices(generics.ListAPIView):
    serializer_class = s.PricePointOut
    filterset_class = PriceFilter
    pagination_class = PricePagination
    permission_classes = [AllowAny]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema pass
            return PricePoint.objects.none()
        instrument = get_object_or_404(Instrument, code=self.kwargs["code"])
        return PricePoint.objects.filter(instrument=instrument).order_by("interval_start")


class CheapestWindowView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[s.CheapestWindowIn], responses={200: s.CheapestWindowOut},
                   summary="Cheapest contiguous N-hour window of day-ahead prices in a zone")
    def get(self, request):
        data_in = s.CheapestWindowIn(data=request.query_params)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        instrument, window = cheapest_window_in_zone(
            zone=data["zone"], period_from=data["period_from"], period_to=data["period_to"],
            hours=data["hours"])
        return Response(s.CheapestWindowOut({
            "instrument": instrument.code, "zone": instrument.zone, "hours": data["hours"],
            "window_from": window.window_from, "window_to": window.window_to,
            "average": window.average, "unit": instrument.unit,
            "points": [{"interval_start": t, "value": v}
                       for t, v in zip(window.starts, window.values, strict=True)],
        }).data)
