"""HTTP Basic with a customer's API key as the user name and no password, as Octopus's
API takes it (`curl -u "$KEY:"`). `request.user` is the key's login, `request.auth` the
key (accounts.CustomerApiKey). Keys are looked up in the host's schema only, so a key is
worthless on another retailer's host.
"""
import base64
import binascii

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.domain.api_keys import api_key_lookup

INVALID_KEY = ("Invalid API key: it is not known on this host or has been revoked. Make "
               "one in the portal under API access.")


class CustomerApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None  # public endpoints answer; the others say credentials are missing
        kind, _, encoded = header.partition(b" ")
        if kind.lower() != b"basic" or not encoded.strip():
            raise AuthenticationFailed("Send the API key as the HTTP Basic user name, with "
                                       "an empty password (curl -u \"$API_KEY:\").")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthenticationFailed("The Basic credentials are not valid base64 of "
                                       "'key:'.") from None
        key = api_key_lookup(key=decoded.partition(":")[0], at=timezone.now())
        if key is None:
            raise AuthenticationFailed(INVALID_KEY)
        return key.user, key

    def authenticate_header(self, request):
        return 'Basic realm="api"'
