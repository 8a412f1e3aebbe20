"""Each refusal of a partner API call says what is wrong (issue 14, defect 6)."""
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context
from oauth2_provider.models import AccessToken

from tests.accounts.test_api import bearer

URL = "/api/v1/customers/"


def test_a_token_of_another_retailer_is_named_as_such(alpha, beta):
    headers = bearer(alpha, "alpha", scope="customers:read")
    response = beta.get(URL, **headers)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_token"
    assert "another retailer's host" in body["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_missing_scope_is_named(alpha):
    headers = bearer(alpha, "alpha", scope="contracts:read")
    response = alpha.get(URL, **headers)
    assert response.status_code == 403
    assert response.json() == {
        "error": "insufficient_scope",
        "detail": "This request needs the scope 'customers:read'; the token has "
                  "'contracts:read'. Ask for a token with it at /o/token/ (its application "
                  "must be granted it)."}


def test_an_expired_token_says_so(alpha):
    headers = bearer(alpha, "alpha", scope="customers:read")
    with schema_context("alpha"):
        token = AccessToken.objects.get(token=headers["HTTP_AUTHORIZATION"].split()[1])
        token.expires = timezone.now() - timedelta(seconds=5)
        token.save()
    response = alpha.get(URL, **headers)
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The access token has expired; get a new one at /o/token/.")


def test_a_credential_that_is_not_a_bearer_token_says_how_to_send_one(alpha):
    response = alpha.get(URL, HTTP_AUTHORIZATION="Basic YWxpY2U6c2VjcmV0")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]
