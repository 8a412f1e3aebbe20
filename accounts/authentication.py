"""Partner authentication: OAuth2 client-credentials tokens issued on the retailer's host.

django-oauth-toolkit leaves `user` empty on client-credentials tokens; a partner acts as the
PARTNER user that owns its application, so roles and the audit trail see who it is.
"""
from oauth2_provider.contrib.rest_framework import OAuth2Authentication

from accounts.users.models import Role


class PartnerAuthentication(OAuth2Authentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            owner = token.application.user if token.application_id else None
            if owner is None or owner.role != Role.PARTNER or not owner.is_active:
                request.oauth2_error = {"error": "invalid_client"}
                return None
            user = owner
        return user, token
