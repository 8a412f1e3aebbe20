"""bob (beta) is on a dynamic tariff on DA-SOUTH: his live page gets his own price for this
half-hour and the next hours on connecting, and again with every DA-SOUTH tick and every
real-time tick of his zone; alice (alpha, fixed tariff) watching the same instrument gets the
public tick only; the platform host gets no personal prices at all."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from market.domain.prices import RawPoint, prices_save
from market.models import Instrument, PricePoint
from tests.conftest import committed_session, host_client, login
from tests.market.live import open_market_socket, recv, subscribe


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield {"bob": committed_session("beta", "bob"),
               "alice": committed_session("alpha", "alice")}


@pytest.fixture
def this_hour(django_db_blocker):
    """The current hour of DA-SOUTH and this minute of RT-SOUTH, put back afterwards."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    minute = timezone.now().replace(second=0, microsecond=0)
    keys = [("DA-SOUTH", hour), ("RT-SOUTH", minute)]
    with django_db_blocker.unblock():
        before = {key: PricePoint.objects.filter(instrument__code=key[0],
                                                 interval_start=key[1]).first()
                  for key in keys}
    yield hour, minute
    with django_db_blocker.unblock():
        for (code, start), point in before.items():
            PricePoint.objects.filter(instrument__code=code, interval_start=start).delete()
            if point is not None:
                point.save(force_insert=True)


def _save(django_db_blocker, code, start, value):
    with django_db_blocker.unblock():
        result = prices_save(points=[RawPoint(code, start, value)],
                             received_at=timezone.now(), source="test")
    assert result.inserted + result.updated == 1, result


def _until(ws, kind):
    message = recv(ws)
    while message["type"] != kind:
        message = recv(ws)
    return message


def test_bob_gets_his_price_now_and_again_with_each_tick(asgi_server, sessions, this_hour,
                                                         django_db_blocker):
    hour, minute = this_hour
    with (open_market_socket(asgi_server, "beta.localhost", session=sessions["bob"]) as bob,
          open_market_socket(asgi_server, "alpha.localhost", session=sessions["alice"]) as alice,
          open_market_socket(asgi_server, "localhost") as platform):
        first = _until(bob, "my_price")  # on connecting, without subscribing
        assert (first["instrument"], first["product"], first["unit"]) == (
            "DA-SOUTH", "Beta Agile", "GBP/kWh")
        assert first["interval_wording"] == "half-hour"
        for ws in (alice, platform):
            subscribe(ws, ["DA-SOUTH"])
        # The day-ahead price of this very hour is revised: bob's price now follows it.
        _save(django_db_blocker, "DA-SOUTH", hour, "80")
        tick = _until(bob, "tick")
        mine = _until(bob, "my_price")
        for ws in (alice, platform):
            public = _until(ws, "tick")
            assert public["interval_start"] == hour.isoformat()
            # A round trip: whatever was sent before the reply has arrived by then.
            ws.send('{"subscribe": ["DA-SOUTH"]}')
            seen = [recv(ws)]
            while seen[-1]["type"] != "subscribed":
                seen.append(recv(ws))
            assert [m for m in seen if m["type"] == "my_price"] == []
        assert tick["interval_start"] == hour.isoformat()
        assert mine["now"]["market_value"] == "80.0000"
        assert mine["now"]["value"] == "0.1888"
        assert hour <= datetime.fromisoformat(mine["now"]["interval_start"]) < hour + timedelta(
            hours=1)
        # A real-time tick of bob's zone brings a fresh "now" (time moves between the
        # day-ahead publications) without bob asking for real-time prices.
        _save(django_db_blocker, "RT-SOUTH", minute, "91.5")
        again = _until(bob, "my_price")
        assert again["now"]["market_value"] == "80.0000"


def test_bobs_market_page_shows_his_price_card(db):
    bob = host_client("beta.localhost")
    login(bob, "bob")
    page = bob.get("/market/").content.decode()
    assert 'data-testid="my-price-card"' in page and "Your price on Beta Agile" in page
    assert "This half-hour" in page and "for the hour" not in page
    alice = host_client("alpha.localhost")
    login(alice, "alice")
    assert 'data-testid="my-price-card"' not in alice.get("/market/").content.decode()
    assert Instrument.objects.filter(code="DA-SOUTH").exists()
