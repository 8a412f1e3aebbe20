"""alice (alpha) and bob (beta), their staff and partners: nothing crosses the border."""
import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from accounts.domain.demo import DEMO_PASSWORD, partner_client_id, partner_client_secret
from accounts.models import Customer
from tests.accounts.test_api import bearer
from tests.conftest import host_client, login

PORTAL_PAGES = ["/account/", "/customers/1/", "/customers/2/"]
ADMIN_PAGES = [
    "/admin/", "/admin/accounts/customer/", "/admin/accounts/customer/1/change/",
    "/admin/accounts/contract/", "/admin/accounts/premise/", "/admin/accounts/meterpoint/",
]
API_PAGES = ["/api/v1/customers/", "/api/v1/customers/1/", "/api/v1/contracts/"]


def test_unknown_host_is_404(db):
    assert host_client("gamma.localhost").get("/").status_code == 404
    assert host_client("gamma.localhost").get("/api/v1/customers/").status_code == 404


def test_alices_session_is_nothing_on_betas_host(alice):
    assert alice.get("/account/", HTTP_HOST="alpha.localhost").status_code == 200
    for page in PORTAL_PAGES:
        response = alice.get(page, HTTP_HOST="beta.localhost")
        assert response.status_code == 302, page
        assert response["Location"].startswith("/login/")


def test_alices_password_does_not_open_beta(beta):
    response = login(beta, "alice")
    assert response.status_code == 200  # the login form again, with an error
    assert beta.get("/account/").status_code == 302


def test_bob_never_sees_alpha_customers_by_id(bob):
    with schema_context("alpha"):
        alpha_ids = list(Customer.objects.values_list("pk", flat=True))
    with schema_context("beta"):
        bobs = Customer.objects.get(reference="BETA-H-0001")
    for customer_id in alpha_ids:
        response = bob.get(f"/customers/{customer_id}/")
        # Ids repeat across schemas; whatever id bob asks for, he gets his own or a 404.
        if customer_id == bobs.pk:
            assert b"Bob Baker" in response.content
        else:
            assert response.status_code == 404


@pytest.fixture
def alpha_staff(alpha):
    assert login_admin(alpha, "alpha-staff").status_code == 302
    return alpha


def login_admin(client, username, password=DEMO_PASSWORD):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}
    )


def test_staff_admin_works_on_own_host(alpha_staff):
    for page in ADMIN_PAGES:
        response = alpha_staff.get(page)
        assert response.status_code == 200, page
    assert b"Acme Bakeries" in alpha_staff.get("/admin/accounts/customer/").content


def test_alpha_staff_cannot_reach_beta_admin(alpha_staff):
    for page in ADMIN_PAGES:
        response = alpha_staff.get(page, HTTP_HOST="beta.localhost")
        assert response.status_code == 302, page
        assert "/admin/login/" in response["Location"]
    beta = host_client("beta.localhost")
    assert login_admin(beta, "alpha-staff").status_code == 200  # refused: form shown again
    assert beta.get("/admin/").status_code == 302


def test_platform_operator_admin_is_not_a_retailer_admin(db):
    platform = host_client("localhost")
    assert login_admin(platform, "operator").status_code == 302
    assert platform.get("/admin/tenants/retailer/").status_code == 200
    response = platform.get("/admin/", HTTP_HOST="alpha.localhost")
    assert response.status_code == 302


def test_customers_cannot_use_the_staff_admin(alpha):
    assert login_admin(alpha, "alice").status_code == 200
    assert alpha.get("/admin/").status_code == 302


def test_alpha_partner_token_is_refused_on_beta(alpha, beta):
    alpha_token = bearer(alpha, "alpha")
    for page in API_PAGES:
        response = beta.get(page, **alpha_token)
        assert response.status_code == 401, page
        assert set(response.json()) == {"error", "detail"}


def test_alpha_partner_credentials_get_no_token_from_beta(beta):
    response = beta.post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": partner_client_id("alpha"),
         "client_secret": partner_client_secret("alpha")},
    )
    assert response.status_code == 401


def test_api_never_returns_the_other_retailers_rows(alpha, beta):
    alpha_rows = alpha.get("/api/v1/customers/", **bearer(alpha, "alpha")).json()["results"]
    beta_rows = beta.get("/api/v1/customers/", **bearer(beta, "beta")).json()["results"]
    assert alpha_rows and beta_rows
    assert all(row["reference"].startswith("ALPHA-") for row in alpha_rows)
    assert all(row["reference"].startswith("BETA-") for row in beta_rows)


def test_cache_keys_carry_the_schema(db):
    with schema_context("alpha"):
        cache.set("isolation-probe", "alpha's value", 30)
    with schema_context("beta"):
        assert cache.get("isolation-probe") is None
        cache.set("isolation-probe", "beta's value", 30)
    with schema_context("alpha"):
        assert cache.get("isolation-probe") == "alpha's value"
        cache.delete("isolation-probe")
    with schema_context("beta"):
        assert cache.get("isolation-probe") == "beta's value"
        cache.delete("isolation-probe")
