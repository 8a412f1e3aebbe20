import os
import tempfile

from .base import *  # noqa: F403
from .base import celery_queues, celery_routes, env, metrics_dir_use

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests share the machine's Redis with anything else running; a per-run prefix and queue
# keep their keys, channel groups and Celery messages apart.
_RUN_ID = env("GRIDLINE_TEST_RUN_ID", str(os.getpid()))
os.environ.setdefault("GRIDLINE_TEST_RUN_ID", _RUN_ID)
CACHES["default"]["KEY_PREFIX"] = f"gridline-test-{_RUN_ID}"  # noqa: F405
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"gridline-test-{_RUN_ID}:asgi"  # noqa: F405
CELERY_QUEUE_NAMES = celery_queues(f"gridline-test-{_RUN_ID}")
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUE_NAMES["default"]
CELERY_TASK_QUEUES = {name: {"routing_key": name} for name in CELERY_QUEUE_NAMES.values()}
CELERY_TASK_ROUTES = celery_routes(CELERY_QUEUE_NAMES)
# Uploads of this run, shared with the worker process it starts (same run id).
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"gridline-test-media-{_RUN_ID}")
# The suite calls the API far more often than a partner would; the throttle's own tests
# set their rates (tests/config/test_throttling.py).
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"client": "100000/minute",  # noqa: F405
                                            "anon": "100000/minute"}
GRIDLINE_COMPAT_API_RATES = {"key": "100000/minute", "anon": "100000/minute"}
# Metrics of this run's processes (the test process, servers and workers it starts).
PROMETHEUS_MULTIPROC_DIR = os.path.join(tempfile.gettempdir(), f"gridline-test-metrics-{_RUN_ID}")
metrics_dir_use(PROMETHEUS_MULTIPROC_DIR)
