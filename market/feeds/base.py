"""The one interface every market feed implements.

A feed turns "now" into raw points; it neither validates nor saves them. The `market_feed`
command saves what feeds return through `market.domain.prices.prices_save`, which rejects
bad points one by one.
"""
from datetime import datetime
from typing import Protocol

from core.errors import GridlineError
from market.domain.prices import RawPoint


class FeedUnavailable(GridlineError):
    """A feed could not deliver this round (source down, timed out, answered garbage)."""

    code = "feed_unavailable"
    status = 503


class Feed(Protocol):
    name: str

    def fetch(self, *, now: datetime) -> list[RawPoint]: ...
