"""Partners' OAuth applications: who may get a token, and for which scopes.

A token is issued (client-credentials grant only) to an application owned by an active
PARTNER user, for scopes within those staff granted the application. Narrowing the grant
deletes the application's tokens that carry a scope no longer granted.
"""
from django.conf import settings
from django.db import transaction
from oauth2_provider.models import AccessToken

from accounts.models import ApplicationScopes
from accounts.users.models import Role
from core.errors import GridlineError


class UnknownScope(GridlineError):
    code = "unknown_scope"
    status = 400


def api_scopes() -> dict[str, str]:
    """Every scope the API knows, with what it grants."""
    return settings.OAUTH2_PROVIDER["SCOPES"]


def application_partner(application):
    """The active PARTNER user owning `application`, or None."""
    owner = application.user if application is not None and application.user_id else None
    if owner is None or owner.role != Role.PARTNER or not owner.is_active:
        return None
    return owner


def granted_scopes(*, application) -> list[str]:
    granted = ApplicationScopes.objects.filter(application=application).first()
    return granted.scopes.split() if granted is not None else []


@transaction.atomic
def partner_scopes_set(*, application, scopes) -> ApplicationScopes:
    """Grant `application` exactly `scopes`; its tokens with any other scope are
    deleted (and so refused at once)."""
    unknown = sorted(set(scopes) - set(api_scopes()))
    if unknown:
        raise UnknownScope(f"Unknown scope(s) {', '.join(unknown)}; the API has "
                           f"{', '.join(api_scopes())}.")
    ordered = [scope for scope in api_scopes() if scope in set(scopes)]
    granted, _ = ApplicationScopes.objects.update_or_create(
        application=application, defaults={"scopes": " ".join(ordered)})
    for access_token in AccessToken.objects.filter(application=application):
        if not set(access_token.scope.split()) <= set(ordered):
            access_token.delete()
    return granted
