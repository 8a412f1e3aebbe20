"""Rate limits of the Octopus-compatible API: per customer key, and per IP address for
calls without one (the public product and rate endpoints). Counted in Redis in fixed
windows, one round trip a call, under their own names (the partner API's budgets are
separate). Over the limit: 429 with Retry-After, as Octopus answers.
"""
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class CompatRateThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        key = request.auth
        rates = settings.GRIDLINE_COMPAT_API_RATES
        self.num_requests, self.duration = self.parse_rate(
            rates["key"] if key is not None else rates["anon"])
        if self.num_requests is None:
            return True
        who = f"key:{key.pk}" if key is not None else f"ip:{self.get_ident(request)}"
        window = int(time.time() // self.duration)
        calls = cache.count_in_window(f"compat-throttle:{who}:{window}", self.duration)
        self.wait_seconds = (window + 1) * self.duration - time.time()
        return calls <= self.num_requests

    def get_rate(self):  # the rate is chosen per call in allow_request
        return None

    def wait(self):
        return self.wait_seconds
