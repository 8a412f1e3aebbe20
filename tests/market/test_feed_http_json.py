"""The HTTP JSON poller against a local server that fails, times out and answers garbage."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from market.domain.prices import RawPoint
from market.feeds.base import FeedUnavailable
from market.feeds.http_json import HttpJsonConfig, HttpJsonFeed

GOOD = {"data": {"prices": [
    {"symbol": "DA-NORTH", "start": "2026-03-01T00:00:00Z", "price": "41.5", "unit": "EUR/MWh"},
    {"symbol": "DA-NORTH", "start": "2026-03-01T01:00:00Z", "price": 39},
    {"start": "2026-03-01T02:00:00Z"},
]}}


class Script:
    """What the server answers, one entry per request: 'ok', 'error', 'slow', 'garbage',
    'wrong-shape'."""

    def __init__(self):
        self.answers, self.requests = [], 0


@pytest.fixture
def server():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            script.requests += 1
            answer = script.answers.pop(0) if script.answers else "ok"
            if answer == "slow":
                time.sleep(1.0)
            if answer == "error":
                self.send_response(500)
                self.end_headers()
                return
            body = {"ok": json.dumps(GOOD), "slow": json.dumps(GOOD),
                    "garbage": "<html>oops", "wrong-shape": json.dumps({"data": 3})}[answer]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                self.wfile.write(body.encode())
            except BrokenPipeError:
                pass  # the client gave up waiting: that is the point of "slow"

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{httpd.server_address[1]}/prices"
    httpd.shutdown()
    httpd.server_close()


def make_feed(url, retries=2):
    sleeps = []
    config = HttpJsonConfig(
        url=url, name="exchange", items="data.prices", instrument="DA-NORTH",
        fields={"instrument": "symbol", "interval_start": "start", "value": "price",
                "unit": "unit"},
        timeout_seconds=0.3, retries=retries, backoff_seconds=0.5,
    )
    return HttpJsonFeed(config=config, sleep=sleeps.append), sleeps


def test_a_good_answer_maps_the_fields(server):
    script, url = server
    feed, sleeps = make_feed(url)
    assert feed.fetch(now=None) == [
        RawPoint("DA-NORTH", "2026-03-01T00:00:00Z", "41.5", "EUR/MWh"),
        RawPoint("DA-NORTH", "2026-03-01T01:00:00Z", 39, None),
        RawPoint("DA-NORTH", "2026-03-01T02:00:00Z", None, None),  # rejected when saved
    ]
    assert sleeps == []


@pytest.mark.parametrize("failure", ["error", "slow", "garbage", "wrong-shape"])
def test_a_failure_is_retried_with_backoff(server, failure):
    script, url = server
    script.answers = [failure, failure, "ok"]
    feed, sleeps = make_feed(url, retries=2)
    assert len(feed.fetch(now=None)) == 3
    assert script.requests == 3
    assert sleeps == [0.5, 1.0]


def test_after_the_last_try_the_round_is_given_up(server):
    script, url = server
    script.answers = ["error", "slow", "garbage"]
    feed, sleeps = make_feed(url, retries=2)
    with pytest.raises(FeedUnavailable, match="after 3 attempts"):
        feed.fetch(now=None)
    assert sleeps == [0.5, 1.0]


def test_nobody_listening_is_unavailable():
    feed, _ = make_feed("http://127.0.0.1:9/prices", retries=0)
    with pytest.raises(FeedUnavailable):
        feed.fetch(now=None)
