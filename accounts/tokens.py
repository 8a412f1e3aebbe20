"""Partner access tokens: issued by django-oauth-toolkit, checked from the cache.

Every partner API call presents a bearer token. What a check needs of it (scopes, expiry,
client id, resource restriction, and the active PARTNER user owning its application) is
read with one query and kept in the tenant-prefixed cache (Redis: shared by every process,
keys carry the schema) as plain values, for at most TOKEN_CACHE_SECONDS and never past
its expiry. Revoking or changing a token, or changing the partner's user (deactivated,
role changed), deletes the cached entries at once.

The token endpoint's validator (OAUTH2_VALIDATOR_CLASS) is here too: only an active
partner's application is a client.
"""
import hashlib
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from oauth2_provider.models import AccessToken, get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.domain.partners import application_partner
from accounts.users.models import Role

TOKEN_CACHE_SECONDS = 60


class PartnerValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        """Only an active partner's application gets tokens (or revokes them): one that
        staff registered for a customer or themselves by mistake gets invalid_client."""
        return (super().authenticate_client(request, *args, **kwargs)
                and application_partner(request.client) is not None)

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        return False  # public clients (no secret): the API has none


@dataclass(frozen=True)
class PartnerToken:
    """A bearer token as the API checks it: plain values only."""
    scope: str
    expires_at: float  # POSIX seconds
    client_id: str
    partner_id: int | None  # the active PARTNER owning the application, else None
    partner_username: str
    resource: tuple[str, ...]  # URIs the token is restricted to (RFC 8707), or none

    def allow_scopes(self, scopes) -> bool:
        return set(scopes) <= set(self.scope.split())

    def is_expired(self, *, now: float) -> bool:
        return now >= self.expires_at

    def is_valid(self, scopes=None) -> bool:
        """As django-oauth-toolkit's AccessToken (its DRF permissions call this)."""
        return (not self.is_expired(now=timezone.now().timestamp())
                and self.allow_scopes(scopes or []))


def _key(checksum: str) -> str:
    return f"oauth-access-token:{checksum}"


def token_lookup(raw: str) -> PartnerToken | None:
    """The token with this value in the current schema, or None."""
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    cached = cache.get(_key(checksum))
    if cached is not None:
        return PartnerToken(**cached)
    row = (AccessToken.objects.filter(token_checksum=checksum)
           .values("scope", "expires", "resource", "application__client_id",
                   "application__user_id", "application__user__username",
                   "application__user__role", "application__user__is_active")
           .first())
    if row is None:
        return None
    is_partner = (row["application__user__role"] == Role.PARTNER
                  and row["application__user__is_active"])
    token = PartnerToken(
        scope=row["scope"], expires_at=row["expires"].timestamp(),
        client_id=row["application__client_id"] or "",
        partner_id=row["application__user_id"] if is_partner else None,
        partner_username=row["application__user__username"] or "",
        resource=tuple(row["resource"] or ()))
    seconds = token.expires_at - timezone.now().timestamp()
    if seconds > 1:
        cache.set(_key(checksum), asdict(token), min(TOKEN_CACHE_SECONDS, int(seconds)))
    return token


def _forget(checksums) -> None:
    """Now, and again at commit: a request between the two could cache the old row."""
    keys = [_key(checksum) for checksum in checksums if checksum]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def token_forget(sender, instance, **_kwargs) -> None:
    _forget([instance.token_checksum])


def user_tokens_forget(sender, instance, update_fields=None, **_kwargs) -> None:
    """A user's own tokens and those of the applications it owns."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login changes nothing a token check reads
    if connection.schema_name == get_public_schema_name():
        return  # platform users: tokens live in retailers' schemas only
    checksums = AccessToken.objects.filter(
        Q(user=instance) | Q(application__user=instance)).values_list("token_checksum",
                                                                      flat=True)
    _forget(list(checksums))


def application_tokens_forget(sender, instance, **_kwargs) -> None:
    """An application's tokens (its owner may have changed)."""
    _forget(list(AccessToken.objects.filter(application=instance)
                 .values_list("token_checksum", flat=True)))


post_save.connect(application_tokens_forget, sender=get_application_model(),
                  dispatch_uid="application_tokens_save")
post_save.connect(token_forget, sender=AccessToken, dispatch_uid="token_forget_save")
post_delete.connect(token_forget, sender=AccessToken, dispatch_uid="token_forget_delete")
post_save.connect(user_tokens_forget, sender="users.User", dispatch_uid="user_tokens_save")
post_delete.connect(user_tokens_forget, sender="users.User", dispatch_uid="user_tokens_delete")
