"""The OAuth2 token endpoints partners call (django-oauth-toolkit's views), with what the
API adds: repeated wrong client secrets lock the client out for a while (django-axes, the
same counting as portal and admin logins), and every error body carries "detail" beside
OAuth's "error_description", the API's error shape."""
import base64
import binascii
import json
from urllib.parse import unquote

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils.module_loading import import_string
from oauth2_provider import views


def client_credentials(request) -> dict:
    """The client id a token request names (HTTP Basic, else the form), as axes counts
    logins: {"username": client_id}."""
    kind, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if kind.lower() == "basic":
        try:
            client_id = unquote(base64.b64decode(encoded).decode().partition(":")[0])
        except (binascii.Error, UnicodeDecodeError):
            client_id = ""
    else:
        client_id = request.POST.get("client_id", "")
    return {"username": client_id[:150]}


def _with_detail(response):
    if response.status_code >= 400 and response.get("Content-Type", "").startswith(
            "application/json"):
        body = json.loads(response.content or b"{}")
        if "detail" not in body:
            body["detail"] = body.get("error_description") or body.get("error", "")
            response.content = json.dumps(body)
    return response


class PartnerTokenView(views.TokenView):
    def post(self, request, *args, **kwargs):
        credentials = client_credentials(request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            return import_string(settings.AXES_LOCKOUT_CALLABLE)(request, None, credentials)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 401:  # invalid_client: a wrong or unknown secret
            user_login_failed.send(sender=type(self), credentials=credentials, request=request)
        return _with_detail(response)


class PartnerRevokeTokenView(views.RevokeTokenView):
    def post(self, request, *args, **kwargs):
        return _with_detail(super().post(request, *args, **kwargs))
