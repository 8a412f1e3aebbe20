"""Partner authentication: OAuth2 client-credentials tokens issued on the retailer's host.

django-oauth-toolkit leaves `user` empty on client-credentials tokens; a partner acts as the
PARTNER user that owns its application, so roles and the audit trail see who it is.
"""
from oauth2_provider.contrib.rest_framework import OAuth2Authentication

from accounts.domain.partners import application_partner
from accounts.tokens import CachedTokenValidator


def partner_of(token):
    """The active PARTNER user owning a client-credentials token's application, or None."""
    return application_partner(token.application) if token.application_id else None


class PartnerAuthentication(OAuth2Authentication):
    def authenticate(self, request):
        result = self.cached_bearer(request) or super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            user = partner_of(token)
            if user is None:
                request.oauth2_error = {"error": "invalid_client"}
                return None
        return user, token

    @staticmethod
    def cached_bearer(request):
        """The common case without oauthlib's machinery: a valid, unrestricted bearer
        token from the cache (accounts/tokens.py). Anything else (no token, expired,
        audience-restricted) takes django-oauth-toolkit's full path, which also explains
        the refusal in WWW-Authenticate."""
        kind, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if kind.lower() != "bearer" or not value.strip():
            return None
        token = CachedTokenValidator()._load_access_token(value.strip())
        if token is None or token.resource or not token.is_valid([]):
            return None
        return token.user, token
