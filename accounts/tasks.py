from celery import shared_task
from django.db import connection
from django.utils import timezone

from accounts.domain.audit import Actor
from accounts.domain.contracts import contracts_refresh_status
from accounts.models import Customer
from core.ranges import local_date
from core.tasks import RetailerTask
from tenants.domain.retailers import retailer_current


@shared_task(name="accounts.contracts_close_ended", base=RetailerTask)
def contracts_close_ended() -> dict:
    """Per retailer, hourly (beat fans it out to every schema); "today" is the retailer's."""
    now = timezone.now()
    result = contracts_refresh_status(today=local_date(now, retailer_current().time_zone),
                                      actor=Actor.system(at=now))
    return {"schema": connection.schema_name, **result}


@shared_task(name="accounts.customer_census", base=RetailerTask)
def customer_census() -> dict:
    """How many customers the caller's retailer has: used by ops checks and tests to see
    which schema a worker ran in."""
    return {"schema": connection.schema_name, "customers": Customer.objects.count()}
