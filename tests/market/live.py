"""Helpers for tests that talk to the real ASGI server over WebSockets."""
import json
import socket

from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect


def open_market_socket(port, host, *, origin="same", session=None):
    headers = {}
    if origin == "same":
        origin = f"http://{host}:{port}"
    if origin is not None:
        headers["Origin"] = origin
    if session is not None:
        headers["Cookie"] = f"sessionid={session}"
    sock = socket.create_connection(("127.0.0.1", port))
    return connect(f"ws://{host}:{port}/ws/market/", sock=sock, additional_headers=headers,
                   open_timeout=10)


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
