"""Worker heartbeats in Redis: each worker writes its own time; /healthz reads them.

These keys are platform-level (workers serve every retailer), so they carry the deployment's
cache prefix but no schema.
"""
import time

import redis
from django.conf import settings


def _key() -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:ops:worker-heartbeats"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def heartbeat_write(*, worker_name: str, at: float) -> None:
    redis_client().hset(_key(), worker_name, at)


def heartbeats_read() -> dict[str, float]:
    raw = redis_client().hgetall(_key())
    return {name.decode(): float(value) for name, value in raw.items()}


def heartbeat_now() -> float:
    return time.time()
