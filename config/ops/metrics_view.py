"""/metrics on the platform host: what every process counted (prometheus-client's
multiprocess files) plus what is read at scrape time (config/ops/status.py): ingest lag,
reading partitions, last billing runs, queue depths, workers alive.

Off (404) unless GRIDLINE_METRICS_TOKEN is set; then only for `Authorization: Bearer
<token>` (401 otherwise). Retailer hosts do not route it at all.
"""
import hmac
import logging
import os
import re
import time
from pathlib import Path

import redis
from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from config.ops import status

logger = logging.getLogger(__name__)
# The classic text format (what generate_latest writes), which every Prometheus 2.x reads.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


class OpsCollector:
    """Gauges read from the database and Redis when scraped."""

    def collect(self):
        now = timezone.now()
        lag = GaugeMetricFamily("gridline_ingest_lag_seconds", "Now minus the retailer's "
                                "newest interval reading.", labels=["schema"])
        partitions = GaugeMetricFamily("gridline_reading_partitions",
                                       "Monthly partitions of the readings table.",
                                       labels=["schema"])
        size = GaugeMetricFamily("gridline_reading_partitions_bytes", "Disk used by the "
                                 "readings partitions, indexes included.", labels=["schema"])
        stored = GaugeMetricFamily("gridline_readings_stored", "Readings stored, as "
                                   "PostgreSQL's statistics count them (no scan).",
                                   labels=["schema"])
        failed = GaugeMetricFamily("gridline_billing_last_run_failed", "1 while the "
                                   "retailer's newest billing run is FAILED.",
                                   labels=["schema"])
        rows = status.retailers_read(now=now, with_redis=False)
        for row in rows:
            if row.newest_reading_at is not None:
                lag.add_metric([row.schema], (now - row.newest_reading_at).total_seconds())
            partitions.add_metric([row.schema], row.partitions)
            size.add_metric([row.schema], row.partition_bytes)
            stored.add_metric([row.schema], row.readings_stored)
            failed.add_metric([row.schema], float(
                bool(row.billing_run and row.billing_run["status"] == "FAILED")))
        yield from (lag, partitions, size, stored, failed)
        # Redis unreachable: no queue depths (absent, not zero), and no worker known alive.
        try:
            depths = status.queue_depths()
            workers = status.workers_alive(now=time.time())
        except redis.RedisError:
            logger.warning("Could not read queues and heartbeats from Redis", exc_info=True)
            depths, workers = {}, 0
        depth = GaugeMetricFamily("gridline_celery_queue_depth", "Messages waiting in a "
                                  "Celery queue.", labels=["queue"])
        for kind, value in depths.items():
            depth.add_metric([kind], value)
        yield depth
        yield GaugeMetricFamily("gridline_celery_workers", "Workers whose heartbeat is "
                                "younger than three intervals.", value=workers)


def dead_processes_mark(path: str) -> None:
    """Live gauges (open WebSockets) of processes that are gone are dropped: a killed
    process could not mark itself."""
    for entry in Path(path).iterdir():
        match = _LIVE_GAUGE_FILE.match(entry.name)
        if match and not os.path.exists(f"/proc/{match.group(1)}"):
            multiprocess.mark_process_dead(int(match.group(1)), path)


def scrape() -> bytes:
    path = settings.PROMETHEUS_MULTIPROC_DIR
    dead_processes_mark(path)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=path)
    registry.register(OpsCollector())
    return generate_latest(registry)


def _authorised(request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.GRIDLINE_METRICS_TOKEN.encode())


@never_cache
def metrics(request):
    if not settings.GRIDLINE_METRICS_TOKEN:
        raise Http404("No such page.")
    if not _authorised(request):
        response = HttpResponse("A Bearer token is required.\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(scrape(), content_type=CONTENT_TYPE)
