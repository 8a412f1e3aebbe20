"""Helpers for tests that talk to the real ASGI server over WebSockets."""
import json

from websockets.exceptions import InvalidStatus

from tests.conftest import open_websocket


def open_market_socket(port, host, *, origin="same", session=None):
    if origin == "same":
        origin = f"http://{host}:{port}"
    return open_websocket(port, host, "/ws/market/", origin=origin, session=session)


def recv(ws, timeout=10):
    return json.loads(ws.recv(timeout=timeout))


def subscribe(ws, codes):
    ws.send(json.dumps({"subscribe": codes}))
    reply = recv(ws)
    assert reply["type"] == "subscribed", reply
    return reply


def refused_status(port, host, **kwargs):
    try:
        with open_market_socket(port, host, **kwargs) as ws:
            ws.recv(timeout=5)
    except InvalidStatus as exc:
        return exc.response.status_code
    except Exception as exc:
        return type(exc).__name__
    return "accepted"
