from celery import shared_task
from django.db import connection
from django.utils import timezone

from core.tasks import RetailerTask
from market.alerts.domain import alerts_evaluate


@shared_task(name="market_alerts.evaluate", base=RetailerTask)
def alerts_evaluate_task() -> dict:
    """Per retailer, every minute (beat fans it out to every schema)."""
    result = alerts_evaluate(now=timezone.now())
    return {"schema": connection.schema_name, "alerts": result.alerts,
            "notices": result.notices}
