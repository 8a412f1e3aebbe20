"""The operator's view in the platform admin (/admin/operations/ on the platform host): one
row per retailer, red/amber/green by config/ops/status.py's rule, written beside the table.
Refreshes itself every 15 seconds: a stopped worker's heartbeat ages out after 45 s, so
the page shows it within a minute."""
import time

from django.shortcuts import render
from django.utils import timezone

from config.ops import status
from tenants.admin import platform_admin

REFRESH_SECONDS = 15


def operator_status(request):
    now = timezone.now()
    request.current_app = platform_admin.name
    workers = status.workers_alive(now=time.time())
    depths = status.queue_depths()
    rows = status.retailers_read(now=now)
    for row in rows:
        row.state, row.reasons = status.retailer_state(row, now=now, workers=workers,
                                                       depths=depths)
        row.lag = row.ingest_lag(now)
    context = {
        **platform_admin.each_context(request),
        "title": "Operations",
        "rows": rows,
        "workers": workers,
        "depths": depths,
        "rules": status.state_rules(),
        "refresh_seconds": REFRESH_SECONDS,
        "now": now,
    }
    return render(request, "platform/operations.html", context)
