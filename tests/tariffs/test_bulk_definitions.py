"""Tariff definitions for many versions in a constant number of queries (the seam billing,
quotes and the offers page use), memoised once a version has billed."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.domain.demo_tariffs import demo_products
from tariffs.domain.bulk import (
    tariff_definitions_for,
    tariff_definitions_load,
    tariff_definitions_memo_clear,
)
from tariffs.domain.catalogue import (
    tariff_definition,
    tariff_version_create,
    tariff_versions_mark_billed,
)
from tariffs.models import Product, TariffVersion
from tests.accounts.test_api import bearer

DEMO = {spec["code"].removeprefix("ALPHA-"): spec
        for spec in demo_products("alpha", time_zone="Europe/London")}


def _more_products(count: int, *, kind="HOUSEHOLD") -> list[TariffVersion]:
    """`count` more products on sale, with the demo's richest definition (time bands,
    tiers, export) as their version."""
    versions = []
    for number in range(count):
        product = Product.objects.create(
            code=f"EXTRA-{kind}-{number}", name=f"Extra {number}", customer_kinds=[kind],
            available_from=date(2025, 1, 1))
        versions.append(tariff_version_create(
            product=product, active_from=date(2025, 1, 1), active_to=None,
            definition=DEMO["NIGHT-SAVER"]["definition"]))
    return versions


@pytest.fixture
def in_alpha(db):
    tariff_definitions_memo_clear()
    with schema_context("alpha"):
        yield
    tariff_definitions_memo_clear()


def _queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def test_definitions_cost_the_same_queries_for_one_version_or_many(in_alpha):
    one = list(TariffVersion.objects.filter(product__code="ALPHA-NIGHT-SAVER"))
    many = [*TariffVersion.objects.all(), *_more_products(6)]
    assert len(many) == 10
    few_queries, few = _queries(lambda: tariff_definitions_load(version_ids=[one[0].pk]))
    many_queries, loaded = _queries(
        lambda: tariff_definitions_load(version_ids=[v.pk for v in many]))
    assert few_queries == many_queries == 8  # the versions, then one per component table
    assert set(loaded) == {v.pk for v in many}
    assert few[one[0].pk] == tariff_definition(version=one[0])
    assert loaded[many[-1].pk].rate_for("day").tiers[1].unit_price == Decimal(DEMO[
        "NIGHT-SAVER"]["definition"]["unit_rates"][1]["tiers"][1]["unit_price"])


def test_billed_versions_are_memoised(in_alpha):
    versions = list(TariffVersion.objects.select_related("product").order_by("pk"))
    assert len(versions) == 4
    tariff_versions_mark_billed(version_ids=[v.pk for v in versions], at=timezone.now())
    versions = list(TariffVersion.objects.select_related("product").order_by("pk"))
    first_queries, first = _queries(lambda: tariff_definitions_for(versions=versions))
    again_queries, again = _queries(lambda: tariff_definitions_for(versions=versions))
    assert (first_queries, again_queries) == (7, 0)
    assert again == first


def test_unbilled_versions_are_read_afresh(in_alpha):
    version = TariffVersion.objects.select_related("product").get(product__code="ALPHA-FLEX")
    assert tariff_definitions_for(versions=[version])[version.pk].standing_charge.amount \
        == Decimal(DEMO["FLEX"]["definition"]["standing_charge"]["amount"])
    TariffVersion.objects.filter(pk=version.pk).update(standing_charge=Decimal("0.9"))
    fresh = tariff_definitions_load(version_ids=[version.pk])[version.pk]
    assert fresh.standing_charge.amount == Decimal("0.9")


def test_the_offers_page_costs_the_same_queries_for_more_products(alice):
    alice.get("/tariffs/")  # the first request also caches the host
    with CaptureQueriesContext(connection) as before:
        page = alice.get("/tariffs/")
    assert page.content.decode().count('data-testid="offer"') == 3
    with schema_context("alpha"):
        _more_products(5)
    with CaptureQueriesContext(connection) as after:
        page = alice.get("/tariffs/")
    assert page.content.decode().count('data-testid="offer"') == 8
    assert len(after) == len(before)
    print(f"/tariffs/: {len(before)} queries for 3 offers, {len(after)} for 8")


def test_a_quote_costs_the_same_queries_for_more_products(alpha):
    auth = bearer(alpha, "alpha")
    body = {"interval_minutes": 30, "start": "2026-01-15T00:00:00+00:00",
            "import_kwh": [0.5] * 48}

    def quote():
        with CaptureQueriesContext(connection) as captured:
            response = alpha.post("/api/v1/quotes/", body, content_type="application/json",
                                  **auth)
        assert response.status_code == 200, response.content
        return len(captured), response.json()["quotes"]

    quote()  # the first request also caches the token and the host
    before, quotes = quote()
    assert len(quotes) == 4
    with schema_context("alpha"):
        _more_products(4)
        _more_products(2, kind="ENTERPRISE")
    after, quotes = quote()
    assert len(quotes) == 10 and sum(q["rank"] is not None for q in quotes) == 9
    assert after == before
    print(f"POST /api/v1/quotes/: {before} queries for 4 products, {after} for 10")
