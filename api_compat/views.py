"""The Octopus-compatible REST API (v1) on every retailer host, under /v1/.

Shaped like Octopus Energy's public API so the apps built for it (Home Assistant's
integration, rate cards, EV and battery schedulers, client libraries) work against a
Gridline retailer: the same paths, field names, pagination (`count`, `next`, `previous`,
`results`), ISO 8601 instants, minor currency units and error answers (`{"detail": ...}`,
400s as `{"<parameter>": [...]}`). Products and rates are public; accounts, meter points
and consumption need the customer's API key. Each view validates its parameters and makes
one call into api_compat/domain. Not part of the partner API's OpenAPI schema.
"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from api_compat import inputs
from api_compat.authentication import CustomerApiKeyAuthentication
from api_compat.domain.codes import DUAL, SINGLE, tariff_code_parse
from api_compat.domain.customers import (
    KeyRead,
    account_read,
    consumption_for_key,
    meter_point_read,
)
from api_compat.domain.products import (
    FLAGS,
    ProductView,
    minor,
    product_detail,
    products_list,
)
from api_compat.domain.rates import (
    RatesWindowTooLong,
    day_night_bands,
    default_window,
    product_terms,
    register_rows,
    standard_unit_rows,
    standing_charge_rows,
    utc_text,
)
from api_compat.throttles import CompatRateThrottle
from core.api_inputs import StrictPages
from core.errors import GridlineError
from core.ranges import local_date
from tariffs.models import Product

GROUPS = ("", "hour", "day", "week", "month", "quarter")


def compat_exception_handler(exc, context):
    """Octopus's error bodies: `{"detail": message}` (DRF's), never the partner API's."""
    if isinstance(exc, GridlineError):
        return Response({"detail": exc.detail}, status=exc.status)
    return exception_handler(exc, context)


class Pages(StrictPages):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1500


class ConsumptionPages(Pages):
    max_page_size = 25000


class CompatView(APIView):
    authentication_classes = [CustomerApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [CompatRateThrottle]
    renderer_classes = [JSONRenderer]
    schema = None  # Octopus documents this API; the partner API's schema leaves it out
    pages = Pages

    def get_exception_handler(self):
        return compat_exception_handler

    @property
    def time_zone(self) -> str:
        return self.request.tenant.time_zone

    def page(self, rows: list) -> Response:
        pages = self.pages()
        pages.check_query(self.request)
        page = pages.paginate_queryset(rows, self.request, view=self)
        return Response({"count": pages.page.paginator.count, "next": pages.get_next_link(),
                         "previous": pages.get_previous_link(), "results": page})

    def product_view(self) -> ProductView:
        return ProductView(base_url=f"{self.request.scheme}://{self.request.get_host()}",
                           brand=self.request.tenant.schema_name.upper(),
                           time_zone=self.time_zone)


class KeyView(CompatView):
    permission_classes = [IsAuthenticated]

    def key_read(self) -> KeyRead:
        return KeyRead(key=self.request.auth, at=timezone.now())


class ProductList(CompatView):
    def get(self, request):
        params = request.query_params
        filters = {name: value for name in FLAGS
                   if (value := inputs.boolean(params, name)) is not None}
        at = inputs.instant(params, "available_at", time_zone=self.time_zone) or timezone.now()
        return self.page(products_list(filters=filters,
                                       available_on=local_date(at, self.time_zone),
                                       view=self.product_view()))


class ProductDetail(CompatView):
    def get(self, request, code: str):
        product = get_object_or_404(Product, code=code)
        at = (inputs.instant(request.query_params, "tariffs_active_at",
                             time_zone=self.time_zone) or timezone.now())
        return Response(product_detail(product=product, at=at, view=self.product_view()))


def _rate_json(row) -> dict:
    return {"value_exc_vat": minor(row.value_exc_vat), "value_inc_vat": minor(row.value_inc_vat),
            "valid_from": utc_text(row.valid_from), "valid_to": utc_text(row.valid_to),
            "payment_method": None}


class TariffCharges(CompatView):
    """standard-unit-rates, day-unit-rates, night-unit-rates and standing-charges of one
    tariff: rows over `[period_from, period_to)`, newest first."""

    registers = {"standard-unit-rates": SINGLE, "day-unit-rates": DUAL,
                 "night-unit-rates": DUAL, "standing-charges": None}

    def get(self, request, code: str, tariff: str, rate: str):
        if rate not in self.registers:
            raise NotFound()
        product = get_object_or_404(Product, code=code)
        parsed = tariff_code_parse(code=tariff, product_code=product.code)
        if self.registers[rate] not in (None, parsed.registers):
            raise NotFound(f"Tariff {tariff} has no {rate}.")
        period_from, period_to = inputs.period(request.query_params, time_zone=self.time_zone)
        terms = product_terms(product=product)
        if parsed.registers == DUAL and not any(day_night_bands(t.tariff) for t in terms):
            raise NotFound(f"No tariff {tariff!r}: {product.code} has no day and night rates.")
        try:
            window = default_window(terms=terms, period_from=period_from, period_to=period_to,
                                    now=timezone.now(), time_zone=self.time_zone)
        except RatesWindowTooLong as exc:
            raise ValidationError({"period_from": [exc.detail]}) from None
        if rate == "standing-charges":
            rows = standing_charge_rows(terms=terms, window=window)
        elif rate == "standard-unit-rates":
            rows = standard_unit_rows(terms=terms, window=window)
        else:
            rows = register_rows(terms=terms, window=window, register=rate.split("-")[0])
        return self.page([_rate_json(row) for row in rows])


class MeterPointDetail(KeyView):
    def get(self, request, mpan: str):
        return Response(meter_point_read(read=self.key_read(), mpan=mpan))


def local_text(moment: datetime, time_zone) -> str:
    """ISO 8601 in the retailer's local time with its offset (`Z` when it is UTC), as
    Octopus gives consumption intervals."""
    text = moment.astimezone(time_zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class Consumption(KeyView):
    pages = ConsumptionPages

    def get(self, request, mpan: str, serial: str):
        params = request.query_params
        period_from, period_to = inputs.period(params, time_zone=self.time_zone)
        group_by = inputs.choice(params, "group_by", GROUPS, "")
        # `order_by` as documented; `order` as one client library sends it.
        order = inputs.choice(params, "order_by" if "order_by" in params else "order",
                              ("period", "-period"), "-period")
        self.pages().check_query(request)
        read = self.key_read()
        rows = consumption_for_key(
            read=read, mpan=mpan, serial=serial,
            period_from=period_from or datetime(2000, 1, 1, tzinfo=UTC),
            period_to=period_to or read.at, group_by=group_by or "interval",
            time_zone=self.time_zone)
        if order == "-period":
            rows = rows[::-1]
        zone = ZoneInfo(self.time_zone)
        return self.page([{"consumption": float(kwh), "interval_start": local_text(a, zone),
                           "interval_end": local_text(b, zone)} for a, b, kwh, _ in rows])


class AccountDetail(KeyView):
    def get(self, request, number: str):
        return Response(account_read(read=self.key_read(), number=number,
                                     time_zone=self.time_zone))


class NotFoundView(CompatView):
    def get(self, request, rest: str = ""):
        raise NotFound()
