"""Parameters of /v1/ as Octopus takes them: product filters, periods, page sizes,
ordering and grouping (quarters too, totals equal to the intervals); a bad one is a 400
naming it, an unknown tariff or path a 404, too many calls a 429."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.api_compat.conftest import ALICE_KEY, basic

TARIFF = "/v1/products/ALPHA-NIGHT-SAVER/electricity-tariffs/E-1R-ALPHA-NIGHT-SAVER-F/"


def codes(client, query: str) -> list[str]:
    response = client.get(f"/v1/products/{query}")
    assert response.status_code == 200, response.content
    return [product["code"] for product in response.json()["results"]]


def test_product_filters(alpha):
    assert codes(alpha, "") == ["ALPHA-AGILE", "ALPHA-FLEX", "ALPHA-NIGHT-SAVER"]
    assert codes(alpha, "?is_business=true") == ["ALPHA-BUSINESS"]
    assert codes(alpha, "?is_green=true") == ["ALPHA-FLEX"]
    assert codes(alpha, "?is_green=false") == ["ALPHA-AGILE", "ALPHA-NIGHT-SAVER"]
    assert codes(alpha, "?is_variable=false") == ["ALPHA-NIGHT-SAVER"]  # a 12-month term
    assert codes(alpha, "?is_prepay=true") == []
    assert codes(alpha, "?is_tracker=false&is_green=True") == ["ALPHA-FLEX"]
    # on sale from 2025-01-01 (the demo)
    assert codes(alpha, "?available_at=2024-12-31T23:00:00Z") == []
    assert codes(alpha, "?available_at=2025-01-01T00:00:00Z") != []


def test_bad_parameters_are_400_naming_the_parameter(alpha):
    cases = {
        "/v1/products/?is_green=maybe": "is_green",
        "/v1/products/?available_at=yesterday": "available_at",
        f"{TARIFF}standard-unit-rates/?period_from=2026-13-01T00:00Z": "period_from",
        f"{TARIFF}standard-unit-rates/?period_from=2026-03-02T00:00Z"
        "&period_to=2026-03-01T00:00Z": "period_to",
        f"{TARIFF}standard-unit-rates/?period_from=2026-03-01T00:00+16:00": "period_from",
        f"{TARIFF}standard-unit-rates/?page_size=0": "page_size",
        f"{TARIFF}standard-unit-rates/?page=x": "page",
        f"{TARIFF}standard-unit-rates/?period_from=0001-01-01T00:00Z": "period_from",
        f"{TARIFF}standard-unit-rates/?period_to=9999-12-31T00:00Z": "period_to",
        f"{TARIFF}standard-unit-rates/?period_from=2020-01-01T00:00Z"
        "&period_to=2026-01-01T00:00Z": "period_from",  # more than three years at once
    }
    for path, name in cases.items():
        response = alpha.get(path)
        assert response.status_code == 400, (path, response.content)
        assert list(response.json()) == [name], path


def test_unknown_things_are_404(alpha):
    for path in ("/v1/products/NOPE/", f"{TARIFF.replace('-F/', '-Z/')}standard-unit-rates/",
                 TARIFF.replace("E-1R-ALPHA-NIGHT-SAVER", "E-1R-ALPHA-FLEX") + "standing-charges/",
                 f"{TARIFF}day-unit-rates/", f"{TARIFF}gas-rates/", "/v1/quotes/",
                 "/v1/products/ALPHA-FLEX/electricity-tariffs/E-2R-ALPHA-FLEX-F/day-unit-rates/",
                 "/v1/products/ALPHA-FLEX/electricity-tariffs/E-2R-ALPHA-FLEX-F/"
                 "night-unit-rates/"):
        response = alpha.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"detail"}, path
    flex_night = alpha.get(
        "/v1/products/ALPHA-FLEX/electricity-tariffs/E-2R-ALPHA-FLEX-F/night-unit-rates/")
    assert flex_night.json()["detail"]


def test_paths_work_without_a_trailing_slash(alpha):
    assert alpha.get("/v1/products").status_code == 200
    assert alpha.get(f"{TARIFF}standing-charges").status_code == 200


def test_rate_pages_are_newest_first_with_links(alpha):
    first = alpha.get(f"{TARIFF}standard-unit-rates/?period_from=2026-03-01T00:00Z"
                      "&period_to=2026-03-08T00:00Z&page_size=5")
    body = first.json()
    assert body["count"] == 15  # 7 nights, 7 days, and the day running into 1 March
    assert len(body["results"]) == 5 and body["previous"] is None
    assert body["next"].startswith("http://alpha.localhost/v1/") and "page=2" in body["next"]
    assert body["results"][0]["valid_from"] == "2026-03-07T07:30:00Z"
    last = alpha.get(body["next"].replace("http://alpha.localhost", "")
                     .replace("page=2", "page=3")).json()
    assert last["next"] is None and last["results"][-1]["valid_from"] == "2026-02-28T07:30:00Z"


def test_rates_without_a_period(alpha):
    # the time-of-use product: the year up to the end of tomorrow (from its first version
    # at most), two stretches a day
    end = date.today() + timedelta(days=2)
    days = (end - max(date(2025, 1, 1), end - timedelta(days=366))).days
    body = alpha.get(f"{TARIFF}standard-unit-rates/").json()
    assert abs(body["count"] - 2 * days) <= 2 and len(body["results"]) == 100
    body = alpha.get("/v1/products/ALPHA-FLEX/electricity-tariffs/E-1R-ALPHA-FLEX-C/"
                     "standard-unit-rates/").json()
    assert body["results"] == [{"value_exc_vat": 24.5, "value_inc_vat": 25.725,
                                "valid_from": "2025-01-01T00:00:00Z", "valid_to": None,
                                "payment_method": None}]


def consumption(client, mpan, serial, query: str):
    response = client.get(f"/v1/electricity-meter-points/{mpan}/meters/{serial}/consumption/"
                          f"{query}", **basic(ALICE_KEY))
    assert response.status_code == 200, response.content
    return response.json()


def test_consumption_grouping_ordering_and_totals(alpha, alice_meter):
    mpan, serial, readings = alice_meter
    total = sum(sum(values) for values in readings.values())
    period = "period_from=2026-01-01T00:00:00Z&period_to=2026-04-01T00:00:00Z"
    raw = consumption(alpha, mpan, serial, f"?{period}&page_size=1000")
    assert raw["count"] == 96
    starts = [row["interval_start"] for row in raw["results"]]
    assert starts[0] == "2026-01-15T23:30:00Z" and starts == sorted(starts, reverse=True)
    forward = consumption(alpha, mpan, serial, f"?{period}&page_size=1000&order_by=period")
    assert [r["interval_start"] for r in forward["results"]] == starts[::-1]
    for group, count in (("hour", 48), ("day", 2), ("week", 1), ("month", 1),
                         ("quarter", 1)):
        body = consumption(alpha, mpan, serial, f"?{period}&group_by={group}")
        assert body["count"] == count, group
        assert sum(Decimal(str(r["consumption"])) for r in body["results"]) == total, group
    quarter = consumption(alpha, mpan, serial, f"?{period}&group_by=quarter")["results"][0]
    assert (quarter["interval_start"], quarter["interval_end"]) == (
        "2026-01-01T00:00:00Z", "2026-04-01T00:00:00+01:00")


@pytest.mark.parametrize("query, name", [
    ("?group_by=fortnight", "group_by"), ("?order_by=size", "order_by"),
    ("?page_size=-1", "page_size"), ("?period_from=2026-01-15", None)])
def test_consumption_parameters(alpha, alice_meter, query, name):
    mpan, serial, _ = alice_meter
    response = alpha.get(f"/v1/electricity-meter-points/{mpan}/meters/{serial}/consumption/"
                         f"{query}", **basic(ALICE_KEY))
    if name is None:  # a date without a time is the start of the retailer's local day
        assert response.status_code == 200
        assert response.json()["count"] == 48
    else:
        assert response.status_code == 400
        assert list(response.json()) == [name]


def test_another_meter_of_the_same_customer_point_is_not_found(alpha, alice_meter):
    mpan, _, _ = alice_meter
    response = alpha.get(f"/v1/electricity-meter-points/{mpan}/meters/NOT-HERE/consumption/",
                         **basic(ALICE_KEY))
    assert response.status_code == 404


def test_too_many_calls_are_429(alpha, settings):
    settings.GRIDLINE_COMPAT_API_RATES = {"key": "2/minute", "anon": "2/minute"}
    statuses = [alpha.get("/v1/products/", REMOTE_ADDR="10.9.8.7").status_code
                for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    last = alpha.get("/v1/products/", REMOTE_ADDR="10.9.8.7")
    assert int(last["Retry-After"]) > 0
    assert "throttled" in last.json()["detail"]


def test_the_partner_apis_schema_leaves_v1_out(alpha):
    schema = alpha.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert '"/api/v1/products/"' in schema
    assert '"/v1/products/' not in schema and "electricity-meter-points" not in schema
