"""What the platform counts, in the Prometheus format (prometheus-client), and the few calls
apps make to count it. Served at /metrics on the platform host (config/ops/metrics_view.py).

Multi-process: with PROMETHEUS_MULTIPROC_DIR set (the settings set it before anything
imports this module), each process (web, Celery worker child, management command) writes
its values into files in that folder and the scrape adds them up. Gauges a dead process
leaves behind are dropped when it is marked dead (`livesum`).

Labels carry only retailer schemas, route templates, task names and fixed words; never a
customer's name, serial, email or any value taken from a request (tests/config/
test_metrics.py checks a real scrape). Apps call the functions below, so the label sets
stay here; this module needs neither Django nor Celery, so any layer may import it
(insights' plain analytics included).
"""
import time
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram

# --- HTTP (config/ops/observe.py) -----------------------------------------------------
HTTP_REQUESTS = Counter(
    "gridline_http_requests", "HTTP requests answered, by route template, method, status "
    "class and retailer schema ('public' on the platform host).",
    ["route", "method", "status", "schema"])
HTTP_DURATION = Histogram(
    "gridline_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["route", "schema"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

# --- Celery (config/ops/celery_signals.py) --------------------------------------------
TASKS = Counter(
    "gridline_celery_tasks", "Celery tasks by name and what happened: started, succeeded, "
    "failed, retried.", ["task", "state"])
TASK_DURATION = Histogram(
    "gridline_celery_task_duration_seconds", "Run time of a task (started to finished).",
    ["task"], buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900))

# --- metering ------------------------------------------------------------------------
READINGS = Counter(
    "gridline_readings", "Interval readings through ingest, by retailer and outcome: "
    "ingested (inserted or changed), rejected (a line refused), estimated (a gap filled).",
    ["schema", "outcome"])

# --- billing -------------------------------------------------------------------------
BILLING_RUNS = Counter(
    "gridline_billing_runs", "Billing runs finished, by retailer, kind and status "
    "(DONE, FAILED).", ["schema", "kind", "status"])
BILLING_RUN_DURATION = Histogram(
    "gridline_billing_run_duration_seconds", "A billing run from start to finish.",
    ["schema", "kind"], buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200))
BILLING_ACCOUNTS = Counter(
    "gridline_billing_run_accounts", "Accounts in finished billing runs, by outcome: "
    "billed, held (data or tariff missing), failed (an unexpected error).",
    ["schema", "outcome"])

# --- insights ------------------------------------------------------------------------
INSIGHTS_RUNS = Counter(
    "gridline_insights_runs", "Insights runs finished, by retailer, kind and status "
    "(DONE, FAILED).", ["schema", "kind", "status"])
INSIGHTS_RUN_DURATION = Histogram(
    "gridline_insights_run_duration_seconds", "An insights run from start to finish.",
    ["schema", "kind"], buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600))

# --- market live push ----------------------------------------------------------------
WEBSOCKETS_OPEN = Gauge(
    "gridline_websocket_connections", "WebSocket connections open now, by schema of the "
    "host.", ["schema"], multiprocess_mode="livesum")
WEBSOCKETS_OPENED = Counter(
    "gridline_websocket_connections_opened", "WebSocket connections accepted.", ["schema"])
PRICE_TICKS = Counter(
    "gridline_price_ticks_pushed", "Price ticks sent to browsers (one per socket).",
    ["schema"])

STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


def status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def readings_counted(*, schema: str, ingested: int, rejected: int, estimated: int) -> None:
    for outcome, amount in (("ingested", ingested), ("rejected", rejected),
                            ("estimated", estimated)):
        # inc(0) still creates the series, so a retailer's rates start from a known zero.
        READINGS.labels(schema=schema, outcome=outcome).inc(amount)


def billing_run_counted(*, schema: str, kind: str, status: str, duration_seconds: float | None,
                        billed: int, held: int, failed: int) -> None:
    BILLING_RUNS.labels(schema=schema, kind=kind, status=status).inc()
    if duration_seconds is not None:
        BILLING_RUN_DURATION.labels(schema=schema, kind=kind).observe(duration_seconds)
    for outcome, amount in (("billed", billed), ("held", held), ("failed", failed)):
        BILLING_ACCOUNTS.labels(schema=schema, outcome=outcome).inc(amount)


def insights_run_counted(*, schema: str, kind: str, status: str,
                         duration_seconds: float) -> None:
    """For an insights run measured by its caller; `kind` is a fixed word of the code
    (e.g. "baseline"), never a value from data."""
    INSIGHTS_RUNS.labels(schema=schema, kind=kind, status=status).inc()
    INSIGHTS_RUN_DURATION.labels(schema=schema, kind=kind).observe(duration_seconds)


@contextmanager
def insights_run_measured(*, schema: str, kind: str):
    """`with insights_run_measured(schema=..., kind="baseline"): ...` counts the run as DONE,
    or FAILED when the block raises (the exception goes on)."""
    started = time.monotonic()
    try:
        yield
    except BaseException:
        insights_run_counted(schema=schema, kind=kind, status="FAILED",
                             duration_seconds=time.monotonic() - started)
        raise
    insights_run_counted(schema=schema, kind=kind, status="DONE",
                         duration_seconds=time.monotonic() - started)
