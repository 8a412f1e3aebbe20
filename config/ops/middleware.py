"""/healthz before host routing: a load balancer probes by address (127.0.0.1, 10.x.y.z)
or by a name no retailer owns, and must get the health answer, not "no tenant for this
host" nor Django's disallowed-host 400. First in MIDDLEWARE, so nothing before it reads
the host."""
from config.ops.views import healthz

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
