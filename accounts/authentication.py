"""Partner authentication: OAuth2 client-credentials tokens issued on the retailer's host.

A partner acts as the PARTNER user that owns its application, so roles and the audit
trail see who it is. The token is checked from plain cached values (accounts/tokens.py);
each refusal says what is wrong with it. `request.auth` is the `PartnerToken`.
"""
from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.tokens import PartnerToken, token_lookup
from accounts.users.models import Role, User


def client_id_of(request) -> str:
    """The OAuth client id behind an API request ("" when none)."""
    return getattr(request.auth, "client_id", "") or ""


def _refused(detail: str) -> AuthenticationFailed:
    return AuthenticationFailed(detail, code="invalid_token")


class PartnerAuthentication(OAuth2Authentication):
    """Bearer tokens only. Subclassing the toolkit's class keeps its WWW-Authenticate
    header and drf-spectacular's description of the scheme (accounts/schema.py)."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None  # "credentials were not provided"
        kind, _, value = header.partition(" ")
        if kind.lower() != "bearer" or not value.strip():
            raise _refused("Send the access token as 'Authorization: Bearer <token>' "
                           "(get one at /o/token/ with your client credentials).")
        token = token_lookup(value.strip())
        if token is None:
            raise _refused("The access token is not valid on this host: it is revoked, "
                           "or was issued on another retailer's host (a token works only "
                           "on the host that issued it).")
        if token.is_expired(now=timezone.now().timestamp()):
            raise _refused("The access token has expired; get a new one at /o/token/.")
        if token.partner_id is None:
            raise _refused("The access token's application does not belong to an active "
                           "partner.")
        if token.resource and not any(request.build_absolute_uri().startswith(uri)
                                      for uri in token.resource):
            raise _refused("The access token is restricted to other resources.")
        return _partner_user(token), token


def _partner_user(token: PartnerToken) -> User:
    # The login row as loaded from the database (Model.from_db): the cached values, its
    # other fields deferred (loaded only if something reads them), without a query.
    # from_db takes the values in the model's field order.
    known = {"id": token.partner_id, "username": token.partner_username,
             "role": Role.PARTNER, "is_active": True}
    names = [field.attname for field in User._meta.concrete_fields if field.attname in known]
    return User.from_db("default", names, [known[name] for name in names])
