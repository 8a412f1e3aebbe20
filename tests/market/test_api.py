"""Market API on retailer hosts: open to anonymous readers and partners alike, paginated,
half-open periods, errors in the project's shape."""
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from market.domain.prices import RawPoint, prices_save
from tests.market.factories import InstrumentFactory

T0 = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture
def zone(db):
    instrument = InstrumentFactory(code="TEST-DA-ZZ", zone="ZZ", interval_minutes=60)
    prices = [50, 40, -5, -10, 3, 60, 70, 20] * 3
    prices_save(points=[RawPoint(instrument.code, T0 + timedelta(hours=h), str(p))
                        for h, p in enumerate(prices)],
                received_at=timezone.now(), source="test", publish=False)
    return instrument


def test_instruments_are_listed_for_anyone(alpha, zone):
    response = alpha.get("/api/v1/market/instruments/?kind=POWER_DAY_AHEAD")
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert "DA-NORTH" in codes and "TEST-DA-ZZ" in codes and "GAS" not in codes


def test_prices_in_a_half_open_period_paginated(beta, zone):
    response = beta.get("/api/v1/market/instruments/TEST-DA-ZZ/prices/",
                        {"period_from": "2026-03-02T01:00:00Z",
                         "period_to": "2026-03-02T05:00:00Z", "page_size": 3})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 4
    assert [(r["interval_start"], r["value"]) for r in body["results"]] == [
        ("2026-03-02T01:00:00Z", "40.0000"), ("2026-03-02T02:00:00Z", "-5.0000"),
        ("2026-03-02T03:00:00Z", "-10.0000")]
    assert beta.get(body["next"]).json()["results"][0]["value"] == "3.0000"


def test_unknown_instrument_is_404_in_the_project_shape(alpha, db):
    response = alpha.get("/api/v1/market/instruments/NOPE/prices/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_bad_period_is_invalid(alpha, db):
    response = alpha.get("/api/v1/market/instruments/DA-NORTH/prices/?period_from=tuesday")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_cheapest_window(alpha, zone):
    response = alpha.get("/api/v1/market/cheapest-window/", {
        "zone": "ZZ", "hours": 3, "period_from": "2026-03-02T00:00:00Z",
        "period_to": "2026-03-03T00:00:00Z"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["instrument"], body["window_from"], body["window_to"], body["average"]) == (
        "TEST-DA-ZZ", "2026-03-02T02:00:00Z", "2026-03-02T05:00:00Z", "-4.0000")
    assert [p["value"] for p in body["points"]] == ["-5.0000", "-10.0000", "3.0000"]


@pytest.mark.parametrize("params, status, error", [
    ({"zone": "ZZ", "hours": 3, "period_from": "2026-03-05T00:00:00Z",
      "period_to": "2026-03-06T00:00:00Z"}, 404, "no_complete_window"),
    ({"zone": "NOWHERE", "hours": 3, "period_from": "2026-03-02T00:00:00Z",
      "period_to": "2026-03-03T00:00:00Z"}, 404, "not_found"),
    ({"zone": "ZZ", "hours": 0, "period_from": "2026-03-02T00:00:00Z",
      "period_to": "2026-03-03T00:00:00Z"}, 400, "invalid"),
    ({"zone": "ZZ", "hours": 3, "period_from": "2026-03-03T00:00:00Z",
      "period_to": "2026-03-02T00:00:00Z"}, 400, "invalid"),
    ({"zone": "ZZ", "hours": 3}, 400, "invalid"),
])
def test_cheapest_window_errors(alpha, zone, params, status, error):
    response = alpha.get("/api/v1/market/cheapest-window/", params)
    assert (response.status_code, response.json()["error"]) == (status, error)


def test_a_partner_token_works_too(alpha, zone):
    token = alpha.post("/o/token/", {"grant_type": "client_credentials",
                                     "client_id": "alpha-partner",
                                     "client_secret": "alpha-partner-secret-demo"})
    assert token.status_code == 200, token.content
    response = alpha.get("/api/v1/market/instruments/",
                         HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}")
    assert response.status_code == 200


def test_the_market_endpoints_are_in_the_openapi_schema(alpha):
    response = alpha.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].startswith(
        "application/json") else response.content.decode()
    for path in ("/api/v1/market/instruments/", "/api/v1/market/instruments/{code}/prices/",
                 "/api/v1/market/cheapest-window/"):
        assert path in paths
