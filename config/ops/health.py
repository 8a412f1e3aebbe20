"""What /healthz checks: the database, Redis and a recent worker heartbeat."""
from dataclasses import dataclass

from django.db import connection

from config.ops.heartbeat import heartbeats_read, redis_client


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check(True, "ok")
    except Exception as exc:  # report any failure as the check's detail
        return Check(False, f"database unreachable: {exc.__class__.__name__}: {exc}")


def check_redis() -> Check:
    try:
        redis_client().ping()
        return Check(True, "ok")
    except Exception as exc:
        return Check(False, f"redis unreachable: {exc.__class__.__name__}: {exc}")


def check_worker(*, now: float, max_age_seconds: float) -> Check:
    try:
        beats = heartbeats_read()
    except Exception as exc:
        return Check(False, f"cannot read heartbeats: {exc.__class__.__name__}: {exc}")
    if not beats:
        return Check(False, "no worker has reported a heartbeat")
    newest_name, newest_at = max(beats.items(), key=lambda item: item[1])
    age = now - newest_at
    if age > max_age_seconds:
        return Check(False, f"newest heartbeat ({newest_name}) is {age:.0f}s old")
    alive = sum(1 for at in beats.values() if now - at <= max_age_seconds)
    return Check(True, f"{alive} worker(s) alive, newest {newest_name} {age:.0f}s ago")
