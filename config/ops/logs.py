"""Structured logs: one JSON object per line, each with the retailer schema, the request id
and the Celery task id (null where there is none), so a log pipeline can follow one request
or one run across the web and worker processes.

The three values live in context variables: set by config/ops/observe.py for a request and
by config/ops/celery_signals.py for a task (a task sent during a request carries the
request id in a message header). Under ASGI each request runs in its own context, so
concurrent requests never see each other's values.
"""
import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gridline_request_id", default=None)
task_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gridline_task_id", default=None)
schema_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "gridline_schema", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "schema", "request_id", "task_id",
    "color_message"}  # uvicorn's copy of the message with terminal colours


class ContextFilter(logging.Filter):
    """Puts schema, request_id and task_id on every record (a filter on the handler, so
    the lines of libraries' loggers carry them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.schema = schema_var.get()
        record.request_id = request_id_var.get()
        record.task_id = task_id_var.get()
        return True


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "schema": getattr(record, "schema", None),
            "request_id": getattr(record, "request_id", None),
            "task_id": getattr(record, "task_id", None),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)
