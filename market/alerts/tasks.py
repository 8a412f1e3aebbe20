from django.db import connection
from django.utils import timezone

from config.celery import app
from config.tasks import RetailerTask
from market.alerts.domain import alerts_evaluate


@app.task(name="market_alerts.evaluate", base=RetailerTask)
def alerts_evaluate_task() -> dict:
    """Per retailer, every minute (beat fans it out to every schema)."""
    result = alerts_evaluate(now=timezone.now())
    return {"schema": connection.schema_name, "alerts": result.alerts,
            "notices": result.notices}
