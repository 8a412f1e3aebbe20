"""The Celery app. Tasks carry their caller's schema (tenant-schemas-celery) in a header."""
import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("gridline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _add_worker_steps():
    from config.ops.worker import HeartbeatStep

    app.steps["worker"].add(HeartbeatStep)


_add_worker_steps()
