"""WebSockets through a real ASGI server: tenant from Host, session auth, same-origin only."""
import json

import pytest
from websockets.exceptions import InvalidStatus

from tests.conftest import committed_session, open_websocket


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker):
    """Committed session keys for alice at alpha and bob at beta."""
    with django_db_blocker.unblock():
        return {"alice": committed_session("alpha", "alice"),
                "bob": committed_session("beta", "bob")}


def open_socket(port, host, *, origin=None, session=None, path="/ws/account/"):
    return open_websocket(port, host, path, origin=origin, session=session)


def test_alice_lands_in_alphas_schema(asgi_server, sessions):
    host = "alpha.localhost"
    with open_socket(asgi_server, host, origin=f"http://{host}:{asgi_server}",
                     session=sessions["alice"]) as ws:
        hello = json.loads(ws.recv(timeout=10))
    assert hello == {"type": "hello", "schema": "alpha", "user": "alice",
                     "customer": "Alice Archer"}


def test_bob_lands_in_betas_schema(asgi_server, sessions):
    host = "beta.localhost"
    with open_socket(asgi_server, host, origin=f"http://{host}:{asgi_server}",
                     session=sessions["bob"]) as ws:
        hello = json.loads(ws.recv(timeout=10))
    assert (hello["schema"], hello["customer"]) == ("beta", "Bob Baker")


def _refused(port, host, **kwargs):
    try:
        with open_socket(port, host, **kwargs) as ws:
            ws.recv(timeout=10)
    except InvalidStatus as exc:
        return exc.response.status_code
    except Exception as exc:  # closed after accept would be a failure of the test below
        return type(exc).__name__
    return "accepted"


def test_without_a_session_the_socket_is_refused(asgi_server):
    host = "alpha.localhost"
    assert _refused(asgi_server, host, origin=f"http://{host}:{asgi_server}") == 403


def test_alices_session_is_refused_on_betas_host(asgi_server, sessions):
    host = "beta.localhost"
    assert _refused(asgi_server, host, origin=f"http://{host}:{asgi_server}",
                    session=sessions["alice"]) == 403


def test_foreign_origin_is_refused(asgi_server, sessions):
    host = "alpha.localhost"
    for origin in (f"http://beta.localhost:{asgi_server}", "http://evil.example", None):
        assert _refused(asgi_server, host, origin=origin, session=sessions["alice"]) == 403


def test_unknown_host_is_refused(asgi_server, sessions):
    host = "gamma.localhost"
    assert _refused(asgi_server, host, origin=f"http://{host}:{asgi_server}",
                    session=sessions["alice"]) == 403
