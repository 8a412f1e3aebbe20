"""The Celery app. Tasks carry their caller's schema (tenant-schemas-celery) in a header."""
import os

from celery import signals
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("gridline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _add_worker_steps():
    from config.ops.worker import HeartbeatStep

    app.steps["worker"].add(HeartbeatStep)


_add_worker_steps()


@app.on_after_finalize.connect(weak=False)
def _connect_ops_signals(sender=None, **kwargs):
    """Task metrics and log context (config/ops/celery_signals.py), connected once the app
    is finalised (before any task is sent or run): this module is imported with the
    settings package, before the settings name the metrics folder prometheus-client reads
    when first imported."""
    import config.ops.celery_signals  # noqa: F401 (connects on import)


@signals.setup_logging.connect(weak=False)
def _django_logging(**kwargs):
    """Workers log through the settings' LOGGING (JSON lines with schema and task id)
    instead of Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
