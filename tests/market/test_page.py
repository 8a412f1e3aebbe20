"""The live market page on the platform host and on retailer hosts: tomorrow's curve with
its cheapest hours, recent values, in a fixed number of queries."""
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from market.domain.prices import RawPoint, prices_save
from tests.conftest import host_client


@pytest.fixture
def prices(db):
    now = timezone.now()
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    curve = [60] * 24
    curve[13:16] = [-4, -8, 1]
    points = [RawPoint("DA-NORTH", tomorrow + timedelta(hours=h), str(v))
              for h, v in enumerate(curve)]
    gas_start = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 5)
    points += [RawPoint("GAS", gas_start - timedelta(minutes=5 * i), str(30 + i))
               for i in range(70)]
    prices_save(points=points, received_at=now, source="test", publish=False)
    return tomorrow


def board(response):
    html = response.content.decode()
    start = html.index('<script id="market-board" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "beta.localhost"])
def test_the_page_is_on_every_host(prices, host):
    response = host_client(host).get("/market/")
    assert response.status_code == 200
    data = board(response)
    da = data["tomorrow"]["DA-NORTH"]
    assert len(da["points"]) == 24
    assert da["cheapest"]["from"] == (prices + timedelta(hours=13)).isoformat()
    assert len(data["series"]["GAS"]) == 60
    assert data["series"]["GAS"][-1]["v"] == "30.0000"
    assert b"market/live.js" in response.content


def test_queries_do_not_grow_with_instruments(prices, alpha):
    with CaptureQueriesContext(connection) as queries:
        alpha.get("/market/")
    market_queries = [q for q in queries.captured_queries if "market_" in q["sql"]]
    assert len(market_queries) == 3


def test_staff_reach_the_live_page_from_the_admin(alpha):
    alpha.post("/admin/login/?next=/admin/", {"username": "alpha-staff",
                                              "password": "gridline-demo"})
    admin_page = alpha.get("/admin/").content.decode()
    assert 'href="/market/" data-testid="admin-market-link"' in admin_page
    assert alpha.get("/market/").status_code == 200
