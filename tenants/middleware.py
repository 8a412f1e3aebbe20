"""django-tenants' host routing, with the host → retailer answer from the process cache
(tenants/domain/hosts.py) instead of a query per request."""
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.domain.hosts import retailer_for_host


class CachedTenantMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model, hostname):
        retailer = retailer_for_host(hostname)
        if retailer is None:
            raise domain_model.DoesNotExist(hostname)
        return retailer
