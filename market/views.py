"""The live market page, on the platform host and on every retailer host (public data).

On a retailer host a logged-in customer on a dynamic tariff also sees their own price; the
terms come from the tariffs app through settings.MARKET_PERSONAL_PRICE_TERMS (the market
app imports no tenant app)."""
from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name

from core.ranges import local_date
from market.domain.board import market_board


def _personal_terms(request) -> list:
    if connection.schema_name == get_public_schema_name() or not request.user.is_authenticated:
        return []
    terms_for_user = import_string(settings.MARKET_PERSONAL_PRICE_TERMS)
    return terms_for_user(user=request.user,
                          on=local_date(timezone.now(), request.tenant.time_zone))


def market_live(request):
    board = market_board(now=timezone.now())
    return render(request, "market/live.html",
                  {"board": board, "my_terms": _personal_terms(request)})
