"""The live market page, on the platform host and on every retailer host (public data).

On a retailer host a logged-in customer on a dynamic tariff also sees their own price now
and for the next hours; the terms and the pricing come from the tariffs app through
settings.MARKET_PERSONAL_PRICE_TERMS and MARKET_PERSONAL_PRICE_MESSAGE (the market app
imports no tenant app)."""
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name

from core.ranges import local_date
from market.consumers import OUTLOOK_HOURS
from market.domain.board import market_board, market_minutes, points_between


def _personal_terms(request) -> list:
    if connection.schema_name == get_public_schema_name() or not request.user.is_authenticated:
        return []
    terms_for_user = import_string(settings.MARKET_PERSONAL_PRICE_TERMS)
    return terms_for_user(user=request.user,
                          on=local_date(timezone.now(), request.tenant.time_zone))


def _outlooks(terms, now) -> list[dict]:
    if not terms:
        return []
    codes = sorted({term.instrument for term in terms})
    minutes = market_minutes(codes=codes)
    points = points_between(codes=codes, period_from=now - timedelta(days=1),
                            period_to=now + timedelta(hours=OUTLOOK_HOURS + 1))
    build = import_string(settings.MARKET_PERSONAL_PRICE_MESSAGE)
    return [{"terms": term, "outlook": build(terms=term, points=points[term.instrument],
                                             market_minutes=minutes[term.instrument],
                                             now=now, hours=OUTLOOK_HOURS)}
            for term in terms if term.instrument in minutes]


def market_live(request):
    now = timezone.now()
    board = market_board(now=now)
    personal = _outlooks(_personal_terms(request), now)
    return render(request, "market/live.html", {
        "board": board, "personal": personal, "my_terms": [p["terms"] for p in personal],
        "outlooks": [p["outlook"] for p in personal], "outlook_hours": OUTLOOK_HOURS,
        "shell": connection.schema_name != get_public_schema_name()})
