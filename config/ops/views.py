from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.ops.health import check_database, check_redis, check_worker
from config.ops.heartbeat import heartbeat_now


@never_cache
def healthz(request):
    checks = {
        "database": check_database(),
        "redis": check_redis(),
        "worker": check_worker(
            now=heartbeat_now(), max_age_seconds=3 * settings.WORKER_HEARTBEAT_SECONDS
        ),
    }
    healthy = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if healthy else "fail",
        "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
