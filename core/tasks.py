"""Task base classes: every task says whether it belongs to a retailer or to the platform."""
from django.db import connection
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.task import TenantTask

from core.errors import GridlineError


class TaskSentWithoutTenant(GridlineError):
    code = "task_without_tenant"


class RetailerTask(TenantTask):
    """A task that works on one retailer's data.

    tenant-schemas-celery switches to the schema named in the message before the task
    runs; a message sent from outside any retailer carries the public schema, and such a
    task must fail rather than quietly read the platform's tables.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        if connection.schema_name == get_public_schema_name():
            raise TaskSentWithoutTenant(
                f"Task {self.name} was sent without a retailer schema; send it from inside "
                "a tenant context (schema_context) or with the _schema_name header."
            )
        return super().__call__(*args, **kwargs)
