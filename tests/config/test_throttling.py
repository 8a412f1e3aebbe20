"""Login throttling (django-axes) for the portal, the staff admin and client secrets, and
API rate limits per partner client (DRF throttles): 429 with Retry-After, in the error
shape where a machine reads it, and nothing done."""
import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context
from oauth2_provider.models import AccessToken, Application

from accounts.domain.demo import DEMO_PASSWORD, partner_client_secret
from accounts.domain.partners import partner_scopes_set
from accounts.models import AuditEvent
from accounts.users.models import User
from config.api_throttles import ClientRateThrottle
from tests.accounts.test_api import token


def sessions() -> int:
    with schema_context("alpha"):
        return Session.objects.count()


@pytest.mark.parametrize("login_path", ["/login/", "/admin/login/"])
def test_twenty_wrong_passwords_lock_the_right_one_out(alpha, login_path):
    username = "alice" if login_path == "/login/" else "alpha-staff"
    for _ in range(20):
        wrong = alpha.post(login_path, {"username": username, "password": "guess"})
        assert wrong.status_code in (200, 429)
    before = sessions()
    right = alpha.post(login_path, {"username": username, "password": DEMO_PASSWORD})
    assert right.status_code == 429
    assert int(right["Retry-After"]) == 15 * 60
    assert b"Too many failed log-in attempts" in right.content
    assert sessions() == before
    assert "_auth_user_id" not in alpha.session
    with schema_context("alpha"):
        assert AccessAttempt.objects.filter(username=username).exists()


def test_one_user_locked_out_leaves_another_alone(alpha):
    for _ in range(6):
        alpha.post("/login/", {"username": "alice", "password": "guess"})
    carol = alpha.post("/login/", {"username": "carol", "password": DEMO_PASSWORD})
    assert carol.status_code == 302


def test_twenty_wrong_client_secrets_lock_the_client_out(alpha):
    for _ in range(20):
        assert token(alpha, "alpha", secret="guess").status_code in (401, 429)
    with schema_context("alpha"):
        before = AccessToken.objects.count()
    right = token(alpha, "alpha", secret=partner_client_secret("alpha"))
    assert right.status_code == 429
    assert int(right["Retry-After"]) == 15 * 60
    body = right.json()
    assert body["error"] == "too_many_attempts"
    assert "try again in 15 minutes" in body["detail"]
    with schema_context("alpha"):
        assert AccessToken.objects.count() == before


def test_a_wrong_client_secret_answers_in_the_error_shape(alpha):
    body = token(alpha, "alpha", secret="guess").json()
    assert body["error"] == "invalid_client"
    assert body["detail"]


@pytest.fixture
def limited_client(alpha, monkeypatch):
    """A partner client of its own (so no other test's calls count), at 3 calls a day."""
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES",
                        {"client": "3/day", "anon": "3/day"})
    with schema_context("alpha"):
        app = Application.objects.create(
            name="throttled", user=User.objects.get(username="partner"),
            client_id="throttled-app", client_secret="throttled-secret",
            client_type="confidential", authorization_grant_type="client-credentials")
        partner_scopes_set(application=app, scopes=["customers:read"])
    issued = alpha.post("/o/token/", {"grant_type": "client_credentials",
                                      "client_id": "throttled-app",
                                      "client_secret": "throttled-secret"}).json()
    return {"HTTP_AUTHORIZATION": f"Bearer {issued['access_token']}"}


def test_a_partner_over_its_rate_gets_429_with_retry_after(alpha, limited_client):
    for _ in range(3):
        assert alpha.get("/api/v1/customers/", **limited_client).status_code == 200
    with schema_context("alpha"):
        audited = AuditEvent.objects.count()
    response = alpha.get("/api/v1/customers/", **limited_client)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert response.json()["error"] == "throttled"
    assert "Expected available in" in response.json()["detail"]
    with schema_context("alpha"):
        assert AuditEvent.objects.count() == audited  # the request did nothing


def test_another_client_keeps_its_own_budget(alpha, limited_client):
    for _ in range(4):
        alpha.get("/api/v1/customers/", **limited_client)
    other = token(alpha, "alpha", scope="customers:read").json()["access_token"]
    response = alpha.get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 200
