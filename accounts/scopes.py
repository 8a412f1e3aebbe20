"""django-oauth-toolkit's scopes backend (SCOPES_BACKEND_CLASS): an application may ask
for the scopes granted to it (accounts.ApplicationScopes), and gets all of them when it
names none."""
from oauth2_provider.scopes import SettingsScopes

from accounts.domain.partners import granted_scopes


class GrantedScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return granted_scopes(application=application) if application is not None else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application=application, request=request)
