"""Which retailer a host name belongs to, from a short in-process cache.

Every HTTP request and WebSocket starts by mapping its Host to a retailer. The domain
table changes rarely (a retailer is created or a host added in the platform admin), so
each server process keeps the answers for HOST_CACHE_SECONDS instead of asking the
database on every request. A change made in this process clears the cache at once
(signals below); other processes see it within HOST_CACHE_SECONDS. Unknown hosts are not
cached, so a host added a moment ago is found on its first request.
"""
import copy
import threading
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.models import Domain, Retailer

HOST_CACHE_SECONDS = 30

_hosts: dict[str, tuple[float, Retailer]] = {}
_lock = threading.Lock()


def retailer_for_host(hostname: str) -> Retailer | None:
    """The retailer (tenant) serving `hostname`, or None. A copy: callers may annotate it."""
    now = time.monotonic()
    hit = _hosts.get(hostname)
    if hit is not None and hit[0] > now:
        return copy.copy(hit[1])
    with schema_context(get_public_schema_name()):
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        return None
    with _lock:
        _hosts[hostname] = (now + HOST_CACHE_SECONDS, domain.tenant)
    return copy.copy(domain.tenant)


def hosts_forget(**_kwargs) -> None:
    """Now, and again at commit: a request between the two could cache the old rows."""
    _hosts_clear()
    transaction.on_commit(_hosts_clear)


def _hosts_clear() -> None:
    with _lock:
        _hosts.clear()


for _model in (Domain, Retailer):
    post_save.connect(hosts_forget, sender=_model, dispatch_uid=f"hosts_forget_{_model.__name__}")
    post_delete.connect(hosts_forget, sender=_model,
                        dispatch_uid=f"hosts_forget_del_{_model.__name__}")
