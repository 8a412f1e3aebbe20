"""Poll an HTTP endpoint that answers JSON, mapping its fields onto price points.

Configured by URL and a field mapping, for example (a JSON file given to `market_feed`):

    {"name": "exchange", "url": "http://127.0.0.1:9000/prices",
     "items": "data.prices",            # dotted path to the list of points ("" = top level)
     "fields": {"instrument": "symbol", "interval_start": "start", "value": "price",
                "unit": "unit"},         # unit optional
     "instrument": "DA-NORTH",          # fixed code when the items carry none
     "timeout_seconds": 5, "retries": 3, "backoff_seconds": 1}

A request that fails (connection error, timeout, HTTP error, body that is not JSON or not
shaped as configured) is retried with exponential backoff; after the last try the round
raises FeedUnavailable. Items that are malformed are passed on as they are, so
`prices_save` rejects them one by one with a reason.
"""
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from market.domain.prices import RawPoint
from market.feeds.base import FeedUnavailable

logger = logging.getLogger(__name__)


@dataclass
class HttpJsonConfig:
    url: str
    fields: dict
    name: str = "http"
    items: str = ""
    instrument: str | None = None
    timeout_seconds: float = 5.0
    retries: int = 3
    backoff_seconds: float = 1.0
    headers: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "HttpJsonConfig":
        return cls(**data)


class ResponseInvalid(Exception):
    pass


def _dig(document, path: str):
    for part in [p for p in path.split(".") if p]:
        if not isinstance(document, dict) or part not in document:
            raise ResponseInvalid(f"no {path!r} in the response")
        document = document[part]
    return document


class HttpJsonFeed:
    def __init__(self, *, config: HttpJsonConfig, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self.name = f"http:{config.name}"
        self.sleep = sleep

    def _get(self):
        request = urllib.request.Request(
            self.config.url, headers={"Accept": "application/json", **self.config.headers}
        )
        with urllib.request.urlopen(request, timeout=self.config.timeout_seconds) as response:
            body = response.read()
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ResponseInvalid("the body is not JSON") from None
        items = _dig(document, self.config.items)
        if not isinstance(items, list):
            raise ResponseInvalid(f"{self.config.items or 'the body'} is not a list")
        return items

    def _point(self, item) -> RawPoint:
        fields = self.config.fields
        if not isinstance(item, dict):
            return RawPoint(self.config.instrument or "?", None, None)
        code = item.get(fields["instrument"]) if "instrument" in fields else None
        return RawPoint(
            instrument=code if isinstance(code, str) else (self.config.instrument or "?"),
            interval_start=item.get(fields["interval_start"]),
            value=item.get(fields["value"]),
            unit=item.get(fields["unit"]) if "unit" in fields else None,
        )

    def fetch(self, *, now) -> list[RawPoint]:
        attempts = self.config.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return [self._point(item) for item in self._get()]
            except (OSError, urllib.error.URLError, ResponseInvalid) as exc:
                # URLError, HTTPError and socket timeouts are all OSErrors.
                logger.warning("market feed %s: attempt %d/%d failed: %s",
                               self.name, attempt, attempts, exc)
                if attempt == attempts:
                    raise FeedUnavailable(
                        f"{self.name}: no usable answer after {attempts} attempts ({exc})"
                    ) from exc
                self.sleep(self.config.backoff_seconds * 2 ** (attempt - 1))
        return []
