"""bob (beta) is on a dynamic tariff on DA-SOUTH: with every DA-SOUTH tick his live page
gets his own price; alice (alpha, fixed tariff) watching the same instrument gets the
public tick only; the platform host gets no personal prices at all."""
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from market.domain.prices import RawPoint, prices_save
from market.models import Instrument, PricePoint
from tests.conftest import committed_session, host_client, login
from tests.market.live import open_market_socket, recv, subscribe

T0 = datetime(2031, 1, 1, tzinfo=UTC)
_hours = itertools.count()


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield {"bob": committed_session("beta", "bob"),
               "alice": committed_session("alpha", "alice")}
        PricePoint.objects.filter(instrument__code="DA-SOUTH", interval_start__gte=T0).delete()


def _tick(django_db_blocker, value):
    start = T0 + timedelta(hours=next(_hours))
    with django_db_blocker.unblock():
        result = prices_save(points=[RawPoint("DA-SOUTH", start, value)],
                             received_at=timezone.now(), source="test")
    assert result.inserted == 1
    return start.isoformat()


def _until(ws, kind):
    message = recv(ws)
    while message["type"] != kind:
        message = recv(ws)
    return message


def test_bob_gets_his_own_price_with_each_tick(asgi_server, sessions, django_db_blocker):
    with (open_market_socket(asgi_server, "beta.localhost", session=sessions["bob"]) as bob,
          open_market_socket(asgi_server, "alpha.localhost", session=sessions["alice"]) as alice,
          open_market_socket(asgi_server, "localhost") as platform):
        for ws in (alice, platform):
            subscribe(ws, ["DA-SOUTH"])
        start = _tick(django_db_blocker, "80")
        # bob never subscribed: his tariff's instrument is followed for him.
        tick = _until(bob, "tick")
        mine = recv(bob)
        for ws in (alice, platform):
            public = _until(ws, "tick")
            assert public["interval_start"] == start
            # A round trip: whatever was sent before the reply has arrived by then.
            ws.send('{"subscribe": ["DA-SOUTH"]}')
            seen = [recv(ws)]
            while seen[-1]["type"] != "subscribed":
                seen.append(recv(ws))
            assert [m for m in seen if m["type"] == "my_price"] == []
    assert tick["interval_start"] == start
    assert mine == {"type": "my_price", "instrument": "DA-SOUTH", "interval_start": start,
                    "market_value": "80.0000", "value": "0.1888", "unit": "GBP/kWh",
                    "product": "Beta Agile"}


def test_bobs_market_page_shows_his_price_card(db):
    bob = host_client("beta.localhost")
    login(bob, "bob")
    page = bob.get("/market/").content.decode()
    assert 'data-testid="my-price-card"' in page and "Your price on Beta Agile" in page
    alice = host_client("alpha.localhost")
    login(alice, "alice")
    assert 'data-testid="my-price-card"' not in alice.get("/market/").content.decode()
    assert Instrument.objects.filter(code="DA-SOUTH").exists()
