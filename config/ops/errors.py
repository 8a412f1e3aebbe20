"""Errors per retailer over the last 24 hours, for the operator's view: HTTP 5xx answers
and failed Celery tasks, one timestamped entry each in a Redis sorted set per schema
(entries older than a day are trimmed when a new one is written and ignored when read).

Platform-level keys (the operator reads every retailer's), with the deployment's cache
prefix and the schema in the name.
"""
import logging
import uuid

from django.conf import settings

from config.ops.heartbeat import redis_client

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 24 * 3600


def _key(schema: str) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:ops:errors:{schema}"


def error_record(*, schema: str, at: float) -> None:
    """Never raises: counting an error must not turn into another one."""
    try:
        client = redis_client()
        key = _key(schema)
        pipe = client.pipeline()
        pipe.zadd(key, {uuid.uuid4().hex: at})
        pipe.zremrangebyscore(key, "-inf", at - WINDOW_SECONDS)
        pipe.expire(key, WINDOW_SECONDS + 3600)
        pipe.execute()
    except Exception:
        logger.warning("Could not record an error of %s in Redis", schema, exc_info=True)


def errors_last_day(*, schemas: list[str], now: float) -> dict[str, int]:
    client = redis_client()
    pipe = client.pipeline()
    for schema in schemas:
        pipe.zcount(_key(schema), now - WINDOW_SECONDS, "+inf")
    return dict(zip(schemas, pipe.execute(), strict=True))
