"""The live output socket through a real ASGI server: the manager of ALPHA-COOP joins its
group and receives a pushed output; alpha's sales staff (neither manager nor member) is
refused; a beta session is refused on alpha's host; beta's manager cannot join
ALPHA-COOP's id on beta's host (there it names no cooperative of his, or BETA-COOP)."""
import json

import pytest
from django_tenants.utils import schema_context

from cooperatives.models import Cooperative
from cooperatives.services.live import LIVE_EVENT, live_group
from tests.config.test_websocket import _refused, open_socket
from tests.conftest import committed_session


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context("alpha"):
            alpha_id = Cooperative.objects.get(code="ALPHA-COOP").pk
        with schema_context("beta"):
            beta_id = Cooperative.objects.get(code="BETA-COOP").pk
        return {"alpha": alpha_id, "beta": beta_id,
                "alpha-coop": committed_session("alpha", "alpha-coop"),
                "beta-coop": committed_session("beta", "beta-coop"),
                "alpha-staff": committed_session("alpha", "alpha-staff")}


def test_the_manager_receives_pushed_output(asgi_server, world):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    host = "alpha.localhost"
    with open_socket(asgi_server, host, origin=f"http://{host}:{asgi_server}",
                     session=world["alpha-coop"],
                     path=f"/ws/cooperatives/{world['alpha']}/") as ws:
        assert json.loads(ws.recv(timeout=10)) == {"type": "hello",
                                                  "cooperative": world["alpha"]}
        payload = {"type": "output", "generator": 1, "kw": "1.000"}
        async_to_sync(get_channel_layer().group_send)(
            live_group(schema_name="alpha", cooperative_id=world["alpha"]),
            {"type": LIVE_EVENT, "payload": payload})
        assert json.loads(ws.recv(timeout=10)) == payload


def test_others_are_refused(asgi_server, world):
    alpha, beta = "alpha.localhost", "beta.localhost"
    path = f"/ws/cooperatives/{world['alpha']}/"
    # a beta session on alpha's host: the tenancy middleware refuses it (no login there)
    assert _refused(asgi_server, alpha, origin=f"http://{alpha}:{asgi_server}",
                    session=world["beta-coop"], path=path) != "accepted"
    if world["alpha"] != world["beta"]:
        # on beta's host, alpha's cooperative id names nothing beta's manager may see
        assert _refused(asgi_server, beta, origin=f"http://{beta}:{asgi_server}",
                        session=world["beta-coop"], path=path) != "accepted"
    # alpha's sales staff: logged in at alpha, but neither manager nor member
    assert _refused(asgi_server, alpha, origin=f"http://{alpha}:{asgi_server}",
                    session=world["alpha-staff"], path=path) != "accepted"
