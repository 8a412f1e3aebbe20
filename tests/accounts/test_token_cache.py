"""Partner tokens are checked from the cache, and leave it the moment they stop being
valid: revoked, deleted, or their partner user deactivated."""
import hashlib

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from oauth2_provider.models import AccessToken

from accounts.domain.demo import partner_client_id, partner_client_secret
from tests.accounts.test_api import bearer

URL = "/api/v1/customers/"


def token_queries(client, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, **headers).status_code == 200
    return sum("oauth2_provider_accesstoken" in q["sql"] for q in queries.captured_queries)


def test_a_token_is_read_from_the_database_once(alpha):
    headers = bearer(alpha, "alpha")
    assert token_queries(alpha, headers) == 1
    assert token_queries(alpha, headers) == 0


def test_a_revoked_token_is_refused_at_once(alpha):
    headers = bearer(alpha, "alpha")
    assert alpha.get(URL, **headers).status_code == 200  # now cached
    revoked = alpha.post("/o/revoke_token/", {
        "token": headers["HTTP_AUTHORIZATION"].split()[1],
        "client_id": partner_client_id("alpha"),
        "client_secret": partner_client_secret("alpha")})
    assert revoked.status_code == 200
    response = alpha.get(URL, **headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_deleted_token_is_refused_at_once(alpha):
    headers = bearer(alpha, "alpha")
    assert alpha.get(URL, **headers).status_code == 200
    with schema_context("alpha"):
        AccessToken.objects.all().delete()
    assert alpha.get(URL, **headers).status_code == 401


def test_a_deactivated_partner_is_refused_at_once(alpha):
    headers = bearer(alpha, "alpha")
    assert alpha.get(URL, **headers).status_code == 200
    with schema_context("alpha"):
        owner = AccessToken.objects.get().application.user
        owner.is_active = False
        owner.save()
    assert alpha.get(URL, **headers).status_code == 401


def test_a_token_of_one_retailer_is_unknown_at_another(alpha, beta):
    headers = bearer(alpha, "alpha")
    assert alpha.get(URL, **headers).status_code == 200  # cached under alpha's schema
    assert beta.get(URL, **headers).status_code == 401


def test_the_cache_holds_plain_values_not_orm_objects(alpha):
    headers = bearer(alpha, "alpha", scope="customers:read")
    assert alpha.get(URL, **headers).status_code == 200
    raw = headers["HTTP_AUTHORIZATION"].split()[1]
    with schema_context("alpha"):
        cached = cache.get(f"oauth-access-token:{hashlib.sha256(raw.encode()).hexdigest()}")
    assert isinstance(cached, dict)
    assert cached["scope"] == "customers:read"
    assert cached["client_id"] == "alpha-partner"
    assert {type(value) for value in cached.values()} <= {str, int, float, tuple}
