"""API rate limits (DRF throttles): per partner client, counted in Redis.

A partner's OAuth client id is its identity (every token of that client shares one
budget); callers without a token (the schema, the docs, the public market endpoints) are
counted by IP address. Fixed windows with one Redis round trip per request, where DRF's
SimpleRateThrottle keeps a list of timestamps per caller (two round trips and a list of
up to N entries pickled each time). Over the limit: 429 `throttled` with Retry-After.
"""
import time

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """DEFAULT_THROTTLE_RATES["client"] per OAuth client, ["anon"] per IP without one."""

    def allow_request(self, request, view):
        client_id = getattr(request.auth, "client_id", "")
        self.scope = "client" if client_id else "anon"
        self.num_requests, self.duration = self.parse_rate(self.get_rate())
        if self.num_requests is None:
            return True
        ident = f"client:{client_id}" if client_id else f"ip:{self.get_ident(request)}"
        now = time.time()
        window = int(now // self.duration)
        count = cache.count_in_window(f"throttle:{ident}:{window}", self.duration)
        self.wait_seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope)

    def wait(self):
        return self.wait_seconds
