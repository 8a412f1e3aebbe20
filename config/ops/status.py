"""What the operator watches, read at the moment it is asked for (the /metrics scrape and
the operator's view in the platform admin): per retailer its newest reading, reading
partitions, last billing and insights run and errors of the last day; per queue its depth;
the workers alive. Each measure is one query over every retailer schema (UNION ALL), so
the cost does not grow in queries with the number of retailers.

And the red/amber/green rule of the operator's view (`retailer_state`), written out in
STATE_RULES beside the table.
"""
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from config.ops.errors import errors_last_day
from config.ops.heartbeat import heartbeats_read, redis_client
from insights.models import InsightsRun
from tenants.models import Retailer

# kombu's Redis transport keeps priorities 3, 6 and 9 of a queue in lists of their own.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
# Messages read per queue to say which retailer they belong to (the total is exact).
QUEUE_SCAN_LIMIT = 5000
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class RetailerOps:
    schema: str
    name: str
    newest_reading_at: datetime | None = None
    partitions: int = 0
    partition_bytes: int = 0
    readings_stored: int = 0
    billing_run: dict | None = None
    insights_run: dict | None = None
    errors_24h: int = 0
    queued: int = 0
    state: str = "green"
    reasons: list[str] = field(default_factory=list)

    def ingest_lag(self, now: datetime) -> timedelta | None:
        return None if self.newest_reading_at is None else now - self.newest_reading_at


def retailers_listed() -> list[tuple[str, str]]:
    return list(Retailer.objects.exclude(schema_name=get_public_schema_name())
                .order_by("schema_name").values_list("schema_name", "name"))


def _union(template: str, schemas: list[str]) -> str:
    for schema in schemas:  # names of the registry, checked at creation; never a request's
        if not _SCHEMA.match(schema):
            raise ValueError(f"not a schema name: {schema!r}")
    quote = connection.ops.quote_name
    return " UNION ALL ".join(template.format(schema=quote(s), name=f"'{s}'") for s in schemas)


def _tables_present(schemas: list[str], table: str) -> list[str]:
    """The schemas that have `table` (a retailer still being created has not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables "
                       "WHERE table_name = %s AND table_schema = ANY(%s)", [table, schemas])
        present = {row[0] for row in cursor.fetchall()}
    return [s for s in schemas if s in present]


def newest_readings(schemas: list[str], *, now: datetime) -> dict[str, datetime | None]:
    """Each meter's newest reading by its primary key index (meter, interval_start),
    newest partition first; the newest of those is the retailer's. Readings in the future
    (none pass ingest) are not counted."""
    schemas = _tables_present(schemas, "metering_reading")
    if not schemas:
        return {}
    sql = _union(
        "SELECT {name}, (SELECT max(newest.interval_start) FROM {schema}.metering_meter m "
        "CROSS JOIN LATERAL (SELECT r.interval_start FROM {schema}.metering_reading r "
        "WHERE r.meter_id = m.id AND r.interval_start <= %s "
        "ORDER BY r.interval_start DESC LIMIT 1) newest)", schemas)
    with connection.cursor() as cursor:
        cursor.execute(sql, [now] * len(schemas))
        return dict(cursor.fetchall())


def reading_partitions(schemas: list[str]) -> dict[str, tuple[int, int, int]]:
    """(partitions, bytes on disk with indexes, live rows as PostgreSQL's statistics count
    them: counted as rows are written, without a scan; an estimate, as statistics are)."""
    schemas = _tables_present(schemas, "metering_reading")
    if not schemas:
        return {}
    sql = _union(
        "SELECT {name}, count(c.oid), coalesce(sum(pg_total_relation_size(c.oid)), 0), "
        "coalesce(sum(pg_stat_get_live_tuples(c.oid)), 0)::bigint FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = '{schema}.metering_reading'::regclass", schemas)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


def last_billing_runs(schemas: list[str]) -> dict[str, dict]:
    """Each retailer's newest billing run with its accounts billed, held and failed."""
    schemas = _tables_present(schemas, "billing_billingrun")
    if not schemas:
        return {}
    sql = _union(
        "SELECT * FROM (SELECT {name}, run.id, run.kind, run.status, run.created_at, "
        "run.started_at, run.finished_at, run.detail, "
        "(SELECT coalesce(sum(billed), 0) FROM {schema}.billing_runchunk WHERE run_id = run.id), "
        "(SELECT coalesce(sum(held), 0) FROM {schema}.billing_runchunk WHERE run_id = run.id), "
        "(SELECT coalesce(sum(failed), 0) FROM {schema}.billing_runchunk WHERE run_id = run.id) "
        "FROM {schema}.billing_billingrun run ORDER BY run.created_at DESC, run.id DESC "
        "LIMIT 1) last_run", schemas)
    keys = ("id", "kind", "status", "created_at", "started_at", "finished_at", "detail",
            "billed", "held", "failed")
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in cursor.fetchall()}


def last_insights_runs(schemas: list[str]) -> dict[str, dict]:
    runs = {}
    for schema in _tables_present(schemas, InsightsRun._meta.db_table):
        with schema_context(schema):
            row = (InsightsRun.objects.order_by("-pk")
                   .values("pk", "status", "started_at", "finished_at").first())
        if row is not None:
            runs[schema] = row
    connection.set_schema_to_public()
    return runs


def queue_depths() -> dict[str, int]:
    """Messages waiting per queue kind (default, ingest, billing, insights)."""
    client = redis_client()
    pipe = client.pipeline()
    kinds = list(settings.CELERY_QUEUE_NAMES.items())
    for _, name in kinds:
        for suffix in _PRIORITY_SUFFIXES:
            pipe.llen(name + suffix)
    lengths = pipe.execute()
    step = len(_PRIORITY_SUFFIXES)
    return {kind: sum(lengths[i * step:(i + 1) * step]) for i, (kind, _) in enumerate(kinds)}


def queued_per_schema() -> dict[str, int]:
    """Waiting messages per retailer, from the schema header of the first QUEUE_SCAN_LIMIT
    of each queue."""
    client = redis_client()
    counts: dict[str, int] = {}
    for name in settings.CELERY_QUEUE_NAMES.values():
        for suffix in _PRIORITY_SUFFIXES:
            for raw in client.lrange(name + suffix, 0, QUEUE_SCAN_LIMIT - 1):
                try:
                    schema = json.loads(raw).get("headers", {}).get("_schema_name")
                except (ValueError, AttributeError):
                    continue
                if schema:
                    counts[schema] = counts.get(schema, 0) + 1
    return counts


def workers_alive(*, now: float) -> int:
    max_age = 3 * settings.WORKER_HEARTBEAT_SECONDS
    return sum(1 for at in heartbeats_read().values() if now - at <= max_age)


def retailers_read(*, now: datetime, with_redis: bool = True) -> list[RetailerOps]:
    """Every retailer's row; `with_redis=False` leaves out what Redis holds (errors of the
    last day, messages waiting per retailer): the scrape reads Redis on its own."""
    listed = retailers_listed()
    schemas = [schema for schema, _ in listed]
    rows = [RetailerOps(schema=schema, name=name) for schema, name in listed]
    if not schemas:
        return rows
    newest = newest_readings(schemas, now=now)
    partitions = reading_partitions(schemas)
    billing = last_billing_runs(schemas)
    insights = last_insights_runs(schemas)
    errors = errors_last_day(schemas=schemas, now=now.timestamp()) if with_redis else {}
    queued = queued_per_schema() if with_redis else {}
    for row in rows:
        row.newest_reading_at = newest.get(row.schema)
        row.partitions, row.partition_bytes, row.readings_stored = partitions.get(
            row.schema, (0, 0, 0))
        row.billing_run = billing.get(row.schema)
        row.insights_run = insights.get(row.schema)
        row.errors_24h = errors.get(row.schema, 0)
        row.queued = queued.get(row.schema, 0)
    return rows


STATE_RULES = {
    "red": "newest reading older than {red_lag}, or the last billing run FAILED, or "
           "{errors_red} or more errors (HTTP 5xx, failed tasks) in 24 h",
    "amber": "no worker heartbeat in the last {heartbeat}s, or the newest reading older "
             "than {amber_lag} (or none), or any error in 24 h, or a queue holding more "
             "than {queue_amber} messages",
    "green": "none of the above",
}


def state_rules() -> dict[str, str]:
    values = {
        "red_lag": _hours(settings.GRIDLINE_OPS_INGEST_LAG_RED),
        "amber_lag": _hours(settings.GRIDLINE_OPS_INGEST_LAG_AMBER),
        "errors_red": settings.GRIDLINE_OPS_ERRORS_RED,
        "queue_amber": settings.GRIDLINE_OPS_QUEUE_AMBER,
        "heartbeat": 3 * settings.WORKER_HEARTBEAT_SECONDS,
    }
    return {state: rule.format(**values) for state, rule in STATE_RULES.items()}


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:g} h"


def retailer_state(row: RetailerOps, *, now: datetime, workers: int,
                   depths: dict[str, int]) -> tuple[str, list[str]]:
    """(red | amber | green, the reasons), by STATE_RULES."""
    red, amber = [], []
    lag = row.ingest_lag(now)
    if lag is None:
        amber.append("no readings stored")
    elif lag > settings.GRIDLINE_OPS_INGEST_LAG_RED:
        red.append(f"newest reading {_hours(lag)} old")
    elif lag > settings.GRIDLINE_OPS_INGEST_LAG_AMBER:
        amber.append(f"newest reading {_hours(lag)} old")
    if row.billing_run and row.billing_run["status"] == "FAILED":
        red.append("last billing run failed")
    if row.errors_24h >= settings.GRIDLINE_OPS_ERRORS_RED:
        red.append(f"{row.errors_24h} errors in 24 h")
    elif row.errors_24h:
        amber.append(f"{row.errors_24h} error(s) in 24 h")
    if workers == 0:
        amber.append("no worker alive")
    for kind, depth in sorted(depths.items()):
        if depth > settings.GRIDLINE_OPS_QUEUE_AMBER:
            amber.append(f"queue {kind} holds {depth} messages")
    if red:
        return "red", red + amber
    if amber:
        return "amber", amber
    return "green", []
