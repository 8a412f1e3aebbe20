"""The unmodified client libraries from PyPI (octopus-energy, octopy-energy) against a live
Gridline server (uvicorn): products, a time-of-use tariff's rates for a day (equal to the
pricing engine's), a spot-indexed tariff's half-hours for tomorrow, alice's consumption
by day and by half-hour (equal to her readings), her account; and the refusals."""
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tariffs.domain.bulk import tariff_definitions_load
from tariffs.models import Product
from tests.api_compat.conftest import (
    ALICE_KEY,
    BOB_KEY,
    HALF_HOUR,
    TOU,
    TOU_TARIFF,
    alice_account_number,
    covering,
    engine_unit_price,
    mpan_of,
    tomorrow_instants,
)
from tests.conftest import child_env

CALLS = Path(__file__).with_name("client_calls.py")
SPOT = "ALPHA-AGILE"
SPOT_TARIFF = f"E-1R-{SPOT}-F"
DAY = datetime(2026, 3, 3, tzinfo=UTC)  # a Tuesday in winter time


def run_clients(calls: list[dict]) -> list:
    done = subprocess.run([sys.executable, str(CALLS)], input=json.dumps(calls),
                          capture_output=True, text=True, timeout=120, env=child_env())
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def base(asgi_server):
    return f"http://alpha.localhost:{asgi_server}"


def test_products_list(base, django_db_blocker):
    (answer,) = run_clients([{"call": "products", "base_url": base}])
    with django_db_blocker.unblock(), schema_context("alpha"):
        on_sale = set(Product.objects.available_on(timezone.now().date())
                      .exclude(customer_kinds=["ENTERPRISE"]).values_list("code", flat=True))
    assert on_sale and {p["code"] for p in answer["results"]} == on_sale
    assert answer["count"] == len(on_sale)
    flex = next(p for p in answer["results"] if p["code"] == "ALPHA-FLEX")
    assert (flex["is_green"], flex["is_variable"], flex["brand"]) == (True, True, "ALPHA")
    assert flex["links"] == [{"href": f"{base}/v1/products/ALPHA-FLEX/", "method": "GET",
                              "rel": "self"}]


def test_time_of_use_rates_of_a_day_are_the_engines(base, django_db_blocker):
    (answer,) = run_clients([{"call": "rates", "base_url": base, "product": TOU,
                              "tariff": TOU_TARIFF, "rate": "STANDARD_UNIT_RATES",
                              "period_from": DAY.isoformat(),
                              "period_to": (DAY + timedelta(days=1)).isoformat()}])
    rows = answer["response"]["results"]
    starts = [datetime.fromisoformat(row["valid_from"]) for row in rows]
    assert starts == sorted(starts, reverse=True)  # newest first, as Octopus
    # 00:00-00:30 day (from the evening before), 00:30-07:30 night, 07:30-00:30 day
    assert len(rows) == 3
    with django_db_blocker.unblock(), schema_context("alpha"):
        product = Product.objects.get(code=TOU)
        version = product.versions.order_by("active_from").first()
        tariff = tariff_definitions_load(version_ids=[version.pk])[version.pk]
    vat = 1 + tariff.vat_rate
    for slot in range(48):
        start = DAY + slot * HALF_HOUR
        row = covering(rows, start)
        price = engine_unit_price(tariff, start)
        assert Decimal(str(row["value_exc_vat"])) == price * 100, (start, row, price)
        assert Decimal(str(row["value_inc_vat"])) == (price * vat * 100).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP)
    night = covering(rows, DAY + 2 * HALF_HOUR)
    assert (night["valid_from"], night["valid_to"]) == ("2026-03-03T00:30:00Z",
                                                        "2026-03-03T07:30:00Z")
    # The library's own mapping reads the same values (it truncates to 3 places).
    assert [m[2] for m in answer["mapped"]] == [row["valid_from"].replace("Z", "+00:00")
                                                 for row in rows]


def test_spot_rates_for_tomorrow_follow_the_stored_day_ahead_prices(base, tomorrows_prices,
                                                                     django_db_blocker):
    start, end = tomorrow_instants()
    (answer,) = run_clients([{"call": "rates", "base_url": base, "product": SPOT,
                              "tariff": SPOT_TARIFF, "rate": "STANDARD_UNIT_RATES",
                              "period_from": start.isoformat(), "period_to": end.isoformat(),
                              "page_size": 1500}])
    rows = answer["response"]["results"]
    half_hours = int((end - start) / HALF_HOUR)
    assert answer["response"]["count"] == len(rows) == half_hours  # 46/48/50 on DST days
    with django_db_blocker.unblock(), schema_context("alpha"):
        version = Product.objects.get(code=SPOT).versions.order_by("active_from").first()
        (spot,) = tariff_definitions_load(version_ids=[version.pk])[version.pk].spot_rates
    for row in rows:
        at = datetime.fromisoformat(row["valid_from"])
        assert datetime.fromisoformat(row["valid_to"]) - at == HALF_HOUR
        market = tomorrows_prices[at.replace(minute=0)]
        price = min(max(market * spot.multiplier + spot.adder, spot.floor), spot.cap)
        expected = price.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) * 100
        assert Decimal(str(row["value_exc_vat"])) == expected, (row, market)
    assert rows[0]["valid_from"] > rows[-1]["valid_from"]


def test_alices_consumption_by_day_and_by_half_hour(base, alice_meter):
    mpan, serial, readings = alice_meter
    first = min(readings)
    period = {"period_from": datetime(first.year, first.month, first.day, tzinfo=UTC)
              .isoformat(),
              "period_to": (datetime(first.year, first.month, first.day, tzinfo=UTC)
                            + timedelta(days=len(readings))).isoformat()}
    common = {"base_url": base, "key": ALICE_KEY, "mpan": mpan, "serial": serial, **period}
    by_day, by_half_hour, octopy_days, octopy_half_hours = run_clients([
        {"call": "consumption", "group_by": "DAY", **common},
        {"call": "consumption", "page_size": 25, **common},
        {"library": "octopy-energy", "grouping": "DAY", **common},
        {"library": "octopy-energy", **common},
    ])
    total = sum(sum(values) for values in readings.values())
    days = by_day["response"]["results"]
    assert [d["interval_start"] for d in days] == [f"{day}T00:00:00Z" for day in sorted(readings)]
    assert [Decimal(str(d["consumption"])) for d in days] == [
        sum(readings[day]) for day in sorted(readings)]
    # 25 a page: the first page of 96 half-hours, oldest first as the library asked
    page = by_half_hour["response"]
    assert (page["count"], len(page["results"])) == (96, 25)
    assert page["results"][0]["interval_start"] == f"{first}T00:00:00Z"
    assert "page=2" in page["next"]
    # octopy-energy follows `next` to the end
    assert len(octopy_half_hours) == 96
    assert sum(Decimal(str(c["consumption"])) for c in octopy_half_hours) == total
    assert sum(Decimal(str(c["consumption"])) for c in octopy_days) == total
    assert len(octopy_days) == len(readings)


def test_alices_account(base, alice_meter, django_db_blocker):
    mpan, serial, readings = alice_meter
    with django_db_blocker.unblock():
        number = alice_account_number()
    first = min(readings)
    (answer,) = run_clients([{
        "call": "account", "base_url": base, "key": ALICE_KEY, "number": number,
        "period_from": f"{first}T00:00:00+00:00", "period_to": f"{first}T12:00:00+00:00"}])
    assert answer["response"]["number"] == number
    (prop,) = answer["response"]["properties"]
    assert prop["postcode"] == "AL1 1AA"
    assert answer["meters"] == [{"mpan": mpan, "serial": serial,
                                 "tariffs": ["E-1R-ALPHA-FLEX-F"], "direction": "import"}]
    # through the library's meter model: 24 half-hours, as read
    assert [Decimal(v) for v in answer["consumption"]] == readings[first][:24]


def test_refusals(base, alice_meter, django_db_blocker):
    mpan, serial, _ = alice_meter
    with django_db_blocker.unblock():
        bobs_mpan = mpan_of("beta", "BETA-H-0001-MP1")
        carols_mpan = mpan_of("alpha", "ALPHA-E-0001-MP1")
        number = alice_account_number()
    beta = base.replace("alpha.", "beta.")
    answers = run_clients([
        {"call": "meter_point", "base_url": base, "key": ALICE_KEY, "mpan": bobs_mpan},
        {"call": "meter_point", "base_url": base, "key": ALICE_KEY, "mpan": carols_mpan},
        {"call": "meter_point", "base_url": base, "key": ALICE_KEY, "mpan": mpan},
        {"call": "account", "base_url": beta, "key": ALICE_KEY, "number": number},
        {"call": "account", "base_url": base, "key": BOB_KEY, "number": number},
        {"call": "account", "base_url": base, "number": number},
    ])
    assert answers[:2] == [{"error": 404}, {"error": 404}]
    assert answers[2] == {"gsp": "_F", "mpan": mpan, "profile_class": 1}
    assert answers[3:] == [{"error": 401}] * 3
