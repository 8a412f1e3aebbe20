from celery import shared_task
from django.db import connection
from django.utils import timezone

from accounts.domain.contracts import contracts_refresh_status
from accounts.models import Customer
from core.tasks import RetailerTask


@shared_task(name="accounts.contracts_close_ended", base=RetailerTask)
def contracts_close_ended() -> dict:
    """Per retailer, hourly (beat fans it out to every schema)."""
    result = contracts_refresh_status(today=timezone.localdate())
    return {"schema": connection.schema_name, **result}


@shared_task(name="accounts.customer_census", base=RetailerTask)
def customer_census() -> dict:
    """How many customers the caller's retailer has: used by ops checks and tests to see
    which schema a worker ran in."""
    return {"schema": connection.schema_name, "customers": Customer.objects.count()}
