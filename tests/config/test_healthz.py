"""/healthz checks the database, Redis and a worker heartbeat, on every host."""
import time

import pytest

from config.ops.health import check_worker
from config.ops.heartbeat import heartbeat_write
from tests.conftest import host_client


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "beta.localhost"])
def test_healthy_with_a_live_worker(db, celery_worker, host):
    response = host_client(host).get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "worker"}
    assert "alive" in body["checks"]["worker"]["detail"]


def test_stale_heartbeats_mean_no_worker():
    now = time.time()
    check = check_worker(now=now + 3600, max_age_seconds=45)
    assert not check.ok
    assert "old" in check.detail or "no worker" in check.detail


def test_a_fresh_heartbeat_counts():
    heartbeat_write(worker_name="probe@test", at=time.time())
    check = check_worker(now=time.time(), max_age_seconds=45)
    assert check.ok


def test_redis_down_gives_503(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = host_client("alpha.localhost").get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is False
    assert "redis unreachable" in body["checks"]["redis"]["detail"]


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.7", "lb-probe.internal"])
def test_health_answers_on_any_host_a_load_balancer_uses(db, host):
    """Not a 404 "no tenant for hostname", nor a 400 for a host outside ALLOWED_HOSTS."""
    response = host_client(host).get("/healthz")
    body = response.json()
    assert response.status_code in (200, 503), body
    assert body["checks"]["database"] == {"ok": True, "detail": "ok"}
    assert body["checks"]["redis"]["ok"] is True
