"""Only partners get API tokens: with the client-credentials grant, for the scopes staff
granted their application. Application registration is staff work in the admin.

The attack: alice, a portal customer at alpha, registers an OAuth application at
/o/applications/register/, asks for a token with the password grant and every scope, and
lists the retailer's customers through the partner API.
"""
import pytest
from django_tenants.utils import schema_context
from oauth2_provider.models import AccessToken, Application

from accounts.domain.demo import DEMO_PASSWORD
from accounts.domain.partners import partner_scopes_set
from accounts.users.models import Role, User
from tests.accounts.test_api import token
from tests.conftest import login

ALL_SCOPES = "customers:read contracts:read contracts:write readings:read readings:write"


def tokens() -> int:
    with schema_context("alpha"):
        return AccessToken.objects.count()


def application(username: str, grant: str, client_id: str, **extra) -> Application:
    with schema_context("alpha"):
        return Application.objects.create(
            name=client_id, user=User.objects.get(username=username), client_id=client_id,
            client_secret=f"{client_id}-secret", client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=grant, **extra)


def token_for(client, client_id: str, **fields):
    return client.post("/o/token/", {"client_id": client_id,
                                     "client_secret": f"{client_id}-secret", **fields})


@pytest.mark.parametrize("path", ["/o/applications/", "/o/applications/register/",
                                  "/o/authorize/", "/o/authorized_tokens/",
                                  "/o/introspect/", "/o/register/",
                                  "/o/.well-known/openid-configuration"])
def test_no_oauth_page_but_the_token_endpoints_is_served(alice, path):
    assert alice.get(path).status_code == 404


def test_a_customer_cannot_register_an_application(alice):
    with schema_context("alpha"):
        before = Application.objects.count()
    response = alice.post("/o/applications/register/", {
        "name": "mine", "client_id": "alice-app", "client_secret": "alice-secret",
        "client_type": "confidential", "authorization_grant_type": "password",
        "redirect_uris": "", "algorithm": ""})
    assert response.status_code == 404
    with schema_context("alpha"):
        assert Application.objects.count() == before


def test_the_password_grant_is_refused_even_for_an_existing_application(alpha):
    application("alice", Application.GRANT_PASSWORD, "alice-app")
    before = tokens()
    response = token_for(alpha, "alice-app", grant_type="password", username="alice",
                         password=DEMO_PASSWORD, scope=ALL_SCOPES)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert tokens() == before


@pytest.mark.parametrize("grant", ["authorization_code", "refresh_token", "implicit"])
def test_other_grants_are_refused(alpha, grant):
    before = tokens()
    response = alpha.post("/o/token/", {"grant_type": grant, "client_id": "alpha-partner",
                                        "client_secret": "alpha-partner-secret-demo",
                                        "code": "x", "refresh_token": "x",
                                        "redirect_uri": "http://example.com/"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert tokens() == before


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.STAFF])
def test_only_a_partners_application_gets_a_token(alpha, role):
    username = {Role.CUSTOMER: "alice", Role.STAFF: "alpha-staff"}[role]
    application(username, Application.GRANT_CLIENT_CREDENTIALS, f"{role.lower()}-app")
    before = tokens()
    response = token_for(alpha, f"{role.lower()}-app", grant_type="client_credentials",
                         scope="customers:read")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert tokens() == before


def test_a_partner_gets_only_the_scopes_granted_to_its_application(alpha):
    app = application("partner", Application.GRANT_CLIENT_CREDENTIALS, "narrow-app")
    with schema_context("alpha"):
        partner_scopes_set(application=app, scopes=["customers:read"])
    before = tokens()
    response = token_for(alpha, "narrow-app", grant_type="client_credentials",
                         scope="customers:read readings:write")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert tokens() == before

    granted = token_for(alpha, "narrow-app", grant_type="client_credentials")
    assert granted.status_code == 200, granted.content
    assert granted.json()["scope"] == "customers:read"


def test_an_application_without_granted_scopes_gets_no_token(alpha):
    application("partner", Application.GRANT_CLIENT_CREDENTIALS, "ungranted-app")
    before = tokens()
    response = token_for(alpha, "ungranted-app", grant_type="client_credentials",
                         scope="customers:read")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert tokens() == before


def test_the_demo_partner_still_gets_its_token(alpha):
    response = token(alpha, "alpha", scope="customers:read readings:read")
    assert response.status_code == 200
    assert response.json()["scope"] == "customers:read readings:read"


def test_administrators_register_a_partner_application_with_its_scopes_in_the_admin(alpha):
    # Sales staff have no access to OAuth applications (issue 14: platform internals are the
    # administrators' work).
    assert login(alpha, "alpha-staff").status_code == 302
    assert alpha.get("/admin/oauth2_provider/application/add/").status_code == 403
    alpha.logout()
    assert login(alpha, "alpha-admin").status_code == 302
    with schema_context("alpha"):
        partner = User.objects.get(username="partner")
        alice = User.objects.get(username="alice")
    form = {"name": "Meter reader Ltd", "client_id": "reader-app",
            "client_secret": "reader-app-secret", "hash_client_secret": "on",
            "client_type": "confidential", "authorization_grant_type": "client-credentials",
            "granted_scopes": ["readings:read"]}
    refused = alpha.post("/admin/oauth2_provider/application/add/", {**form, "user": alice.pk})
    assert refused.status_code == 200  # the form again: alice is not a partner
    with schema_context("alpha"):
        assert not Application.objects.filter(client_id="reader-app").exists()

    added = alpha.post("/admin/oauth2_provider/application/add/", {**form, "user": partner.pk})
    assert added.status_code == 302, added.content[:2000]
    assert token_for(alpha, "reader-app", grant_type="client_credentials",
                     scope="customers:read").json()["error"] == "invalid_scope"
    granted = token_for(alpha, "reader-app", grant_type="client_credentials")
    assert granted.json()["scope"] == "readings:read"


def test_narrowing_a_grant_deletes_the_tokens_beyond_it(alpha):
    app = application("partner", Application.GRANT_CLIENT_CREDENTIALS, "shrinking-app")
    with schema_context("alpha"):
        partner_scopes_set(application=app, scopes=["customers:read", "contracts:read"])
    issued = token_for(alpha, "shrinking-app", grant_type="client_credentials").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued['access_token']}"}
    assert alpha.get("/api/v1/customers/", **headers).status_code == 200
    with schema_context("alpha"):
        partner_scopes_set(application=app, scopes=["contracts:read"])
    assert alpha.get("/api/v1/customers/", **headers).status_code == 401
