"""Partner access tokens, checked from the cache.

Every partner API call presents a bearer token; django-oauth-toolkit loads it (with its
application and user) from the database each time. The loaded token is kept in the
tenant-prefixed cache (Redis: shared by every process, keys carry the schema) for at most
TOKEN_CACHE_SECONDS and never past its expiry. Revoking or changing a token, or changing
the partner's user (deactivated, role changed), deletes the cached entries at once.
"""
import hashlib

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.domain.partners import application_partner

TOKEN_CACHE_SECONDS = 60


def _key(checksum: str) -> str:
    return f"oauth-access-token:{checksum}"


class CachedTokenValidator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs):
        """Only an active partner's application gets tokens (or revokes them): one that
        staff registered for a customer or themselves by mistake gets invalid_client."""
        return (super().authenticate_client(request, *args, **kwargs)
                and application_partner(request.client) is not None)

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        return False  # public clients (no secret): the API has none

    def _load_access_token(self, token):
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        cached = cache.get(_key(checksum))
        if cached is not None:
            return cached
        access_token = (AccessToken.objects.select_related("application__user", "user")
                        .filter(token_checksum=checksum).first())
        if access_token is not None:
            seconds = (access_token.expires - timezone.now()).total_seconds()
            if seconds > 1:
                cache.set(_key(checksum), access_token, min(TOKEN_CACHE_SECONDS, int(seconds)))
        return access_token


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


post_save.connect(token_forget, sender=AccessToken, dispatch_uid="token_forget_save")
post_delete.connect(token_forget, sender=AccessToken, dispatch_uid="token_forget_delete")
post_save.connect(user_tokens_forget, sender="users.User", dispatch_uid="user_tokens_save")
post_delete.connect(user_tokens_forget, sender="users.User", dispatch_uid="user_tokens_delete")
