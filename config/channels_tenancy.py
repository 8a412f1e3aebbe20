"""WebSocket tenancy: the handshake's Host picks the retailer, its schema finds the session.

Every consumer gets `scope["schema_name"]` and `scope["user"]` resolved inside that schema.
A handshake from an unknown host, or whose Origin is not the host itself, is refused.
"""
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import remove_www, schema_context

from tenants.domain.hosts import retailer_for_host


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def origin_allowed(*, origin: str, host: str) -> bool:
    """Same-origin only: the page must come from the host it connects to.

    Retailer hosts share a parent domain, so ALLOWED_HOSTS-style suffix matching would let
    beta's pages open sockets on alpha's host; comparing the exact host:port does not.
    """
    if not origin:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


@database_sync_to_async
def _resolve(hostname: str, session_key: str | None):
    tenant = retailer_for_host(hostname)
    if tenant is None:
        return None, None, AnonymousUser()
    user = AnonymousUser()
    if session_key:
        with schema_context(tenant.schema_name):
            request = SimpleNamespace(session=SessionStore(session_key))
            user = auth.get_user(request)
    return tenant.schema_name, tenant, user


class TenantWebsocketMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        host = _header(scope, b"host")
        hostname = remove_www(host.split(":")[0].lower())
        if not origin_allowed(origin=_header(scope, b"origin"), host=host):
            return await _deny(send, receive)
        cookies = SimpleCookie(_header(scope, b"cookie"))
        morsel = cookies.get(settings.SESSION_COOKIE_NAME)
        schema_name, tenant, user = await _resolve(hostname, morsel.value if morsel else None)
        if schema_name is None:
            return await _deny(send, receive)
        scope = dict(scope, schema_name=schema_name, tenant=tenant, user=user)
        return await self.inner(scope, receive, send)


async def _deny(send, receive):
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": 4403})
