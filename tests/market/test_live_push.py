"""Live prices through a real uvicorn server and the Redis channel layer: subscribe, a point
is saved, the browser gets it; every host gets public prices; a retailer's own messages stay
with that retailer; foreign origins are refused."""
import itertools
import json
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.users.models import User
from market.domain.prices import RawPoint, prices_save
from market.domain.publish import tenant_message_publish
from market.models import Instrument, PricePoint
from tests.conftest import committed_session
from tests.market.live import open_market_socket, recv, refused_status, subscribe

CODE = "TEST-LIVE"
T0 = datetime(2026, 5, 1, tzinfo=UTC)
_minutes = itertools.count()


@pytest.fixture(scope="module")
def live_instrument(django_db_setup, django_db_blocker):
    """A committed instrument (the server process reads committed rows only)."""
    with django_db_blocker.unblock():
        instrument = Instrument.objects.create(code=CODE, name="Live test", kind="GAS",
                                               unit="EUR/MWh", currency="EUR",
                                               interval_minutes=1)
    yield instrument
    with django_db_blocker.unblock():
        PricePoint.objects.filter(instrument=instrument).delete()
        instrument.delete()


@pytest.fixture
def tick(live_instrument, django_db_blocker):
    """Save (and commit, hence publish) a new point; returns its interval_start as sent."""
    def save(value):
        start = T0 + timedelta(minutes=next(_minutes))
        with django_db_blocker.unblock():
            result = prices_save(points=[RawPoint(CODE, start, value)],
                                 received_at=timezone.now(), source="test")
        assert result.inserted == 1
        return start.isoformat()
    return save


@pytest.fixture(scope="module")
def alice_session(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context("alpha"):
            alice_id = User.objects.get(username="alice").pk
        return committed_session("alpha", "alice"), alice_id


def test_a_subscriber_receives_a_saved_point(asgi_server, tick):
    with open_market_socket(asgi_server, "alpha.localhost") as ws:
        subscribe(ws, [CODE])
        start = tick("42.5")
        message = recv(ws)
        while message["type"] == "latest":  # what an earlier test saved
            message = recv(ws)
    assert message == {"type": "tick", "instrument": CODE, "interval_start": start,
                       "value": "42.5000", "unit": "EUR/MWh",
                       "received_at": message["received_at"], "source": "test"}


def test_a_reconnecting_client_gets_the_latest_value_at_once(asgi_server, tick):
    start = tick("17")
    with open_market_socket(asgi_server, "beta.localhost") as ws:
        reply = subscribe(ws, [CODE])
        latest = recv(ws)
    assert reply["instruments"] == [CODE]
    assert (latest["type"], latest["interval_start"], latest["value"]) == (
        "latest", start, "17.0000")


def test_every_host_receives_public_prices(asgi_server, tick):
    hosts = ["alpha.localhost", "beta.localhost", "localhost"]
    with ExitStack() as stack:
        sockets = [stack.enter_context(open_market_socket(asgi_server, h)) for h in hosts]
        for ws in sockets:
            subscribe(ws, [CODE])
            recv(ws)  # latest
        start = tick("99.1")
        received = [recv(ws) for ws in sockets]
    assert [(m["type"], m["interval_start"]) for m in received] == [("tick", start)] * 3


def test_a_retailers_own_message_never_reaches_another_retailer(asgi_server, tick,
                                                                alice_session):
    session_key, alice_id = alice_session
    with (open_market_socket(asgi_server, "alpha.localhost", session=session_key) as alice,
          open_market_socket(asgi_server, "alpha.localhost") as alpha_anon,
          open_market_socket(asgi_server, "beta.localhost") as beta,
          open_market_socket(asgi_server, "localhost") as platform):
        for ws in (alice, alpha_anon, beta, platform):
            subscribe(ws, [CODE])
            recv(ws)  # latest
        tenant_message_publish(schema_name="alpha", user_id=alice_id,
                               payload={"type": "my_price", "value": "0.31"})
        tenant_message_publish(schema_name="alpha", payload={"type": "alert", "text": "high"})
        start = tick("5")
        assert recv(alice) == {"type": "my_price", "value": "0.31"}
        assert recv(alice) == {"type": "alert", "text": "high"}
        assert recv(alice)["interval_start"] == start
        assert recv(alpha_anon) == {"type": "alert", "text": "high"}
        assert recv(alpha_anon)["interval_start"] == start
        # Published before the tick, so had they arrived they would come first.
        assert recv(beta)["interval_start"] == start
        assert recv(platform)["interval_start"] == start


def test_a_foreign_origin_is_refused(asgi_server):
    for origin in (f"http://beta.localhost:{asgi_server}", "http://evil.example", None):
        assert refused_status(asgi_server, "alpha.localhost", origin=origin) == 403


def test_unknown_instruments_and_garbage_are_answered_with_errors(asgi_server, live_instrument):
    with open_market_socket(asgi_server, "alpha.localhost") as ws:
        ws.send("not json")
        assert recv(ws)["error"] == "invalid"
        ws.send('{"subscribe": "DA-NORTH"}')
        assert recv(ws)["error"] == "invalid"
        ws.send(json.dumps({"subscribe": ["NOPE", CODE]}))
        error = recv(ws)
        assert (error["error"], error["codes"]) == ("unknown_instrument", ["NOPE"])
        assert recv(ws)["instruments"] == [CODE]
