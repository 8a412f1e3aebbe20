"""Customers' API keys: made and revoked in the portal ("API access"), stored hashed,
shown once, audited; a key reads its own customer's data only, is worthless on another
retailer's host, and stops working when revoked or replaced."""
import hashlib
import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.domain.api_keys import UnableToChangeApiKey, api_key_create
from accounts.domain.audit import Actor
from accounts.models import AuditChannel, AuditEvent, Customer, CustomerApiKey, MeterPoint
from accounts.users.models import User
from tests.api_compat.conftest import ALICE_KEY, alice_account_number, basic
from tests.conftest import host_client


def account_status(client, key: str, number: str) -> int:
    return client.get(f"/v1/accounts/{number}/", **basic(key)).status_code


def test_a_customer_makes_uses_replaces_and_revokes_a_key(alice, alpha):
    page = alice.get("/account/api/")
    assert page.status_code == 200
    number = alice_account_number()
    with schema_context("alpha"):
        mpan = MeterPoint.objects.get(identifier="ALPHA-H-0001-MP1").mpan
    text = page.content.decode()
    assert number in text and mpan in text and "E-1R-ALPHA-FLEX-F" in text
    assert 'data-nav="api" class="active"' in text

    made = alice.post("/account/api/", {"action": "create"})
    key = re.search(r'data-testid="new-key">([^<]+)<', made.content.decode())[1]
    assert key.startswith("sk_live_") and len(key) == 40
    api = host_client("alpha.localhost")
    assert account_status(api, key, number) == 200
    with schema_context("alpha"):
        row = CustomerApiKey.objects.get(key_prefix=key[:12], revoked_at__isnull=True)
        assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert not CustomerApiKey.objects.filter(key_hash=key).exists()  # never the key
        # the demo key was replaced by the new one: one live key per login
        assert account_status(api, ALICE_KEY, number) == 401
        assert AuditEvent.objects.filter(subject="api_key.create",
                                         actor_user__username="alice").exists()
    assert key not in alice.get("/account/api/").content.decode()  # shown once

    again = alice.post("/account/api/", {"action": "create"})
    second = re.search(r'data-testid="new-key">([^<]+)<', again.content.decode())[1]
    assert account_status(api, key, number) == 401
    assert account_status(api, second, number) == 200

    revoked = alice.post("/account/api/", {"action": "revoke"}, follow=True)
    assert "revoked" in revoked.content.decode()
    assert account_status(api, second, number) == 401
    body = api.get(f"/v1/accounts/{number}/", **basic(second)).json()
    assert body == {"detail": "Invalid API key: it is not known on this host or has been "
                              "revoked. Make one in the portal under API access."}
    assert 'data-testid="no-key"' in alice.get("/account/api/").content.decode()


def test_every_read_with_a_key_is_audited(db, alpha):
    number = alice_account_number()
    with schema_context("alpha"):
        before = AuditEvent.objects.filter(subject="compat.account").count()
    assert account_status(alpha, ALICE_KEY, number) == 200
    with schema_context("alpha"):
        event = AuditEvent.objects.filter(subject="compat.account").order_by("-pk").first()
        assert AuditEvent.objects.filter(subject="compat.account").count() == before + 1
        assert (event.actor_user.username, event.actor_client_id, event.detail) == (
            "alice", "api-key:sk_demo_alph", {"account": number})
        assert event.customer_id_value == Customer.objects.get(reference="ALPHA-H-0001").pk


def test_a_key_reads_only_its_own_customer(db, alpha):
    with schema_context("alpha"):
        carols_account = Customer.objects.get(reference="ALPHA-E-0001").accounts.get()
    # carol's account at the same retailer: not found, as a number that does not exist
    assert account_status(alpha, ALICE_KEY, carols_account.public_number) == 404
    assert account_status(alpha, ALICE_KEY, "A-00000000") == 404
    assert account_status(alpha, "sk_demo_alpha_carol", carols_account.public_number) == 200


def test_without_a_key_or_with_a_broken_header(db, alpha):
    number = alice_account_number()
    answer = alpha.get(f"/v1/accounts/{number}/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}
    assert answer["WWW-Authenticate"] == 'Basic realm="api"'
    for header in ("Bearer abc", "Basic !!!notbase64", "Basic "):
        assert alpha.get(f"/v1/accounts/{number}/",
                         HTTP_AUTHORIZATION=header).status_code == 401


def test_a_deactivated_login_loses_its_key(db, alpha):
    number = alice_account_number()
    with schema_context("alpha"):
        User.objects.filter(username="alice").update(is_active=False)
    assert account_status(alpha, ALICE_KEY, number) == 401


def test_only_a_customers_own_login_can_have_a_key(db):
    with schema_context("alpha"):
        alice = User.objects.get(username="alice")
        carols = Customer.objects.get(reference="ALPHA-E-0001")
        actor = Actor(channel=AuditChannel.PORTAL, at=timezone.now(), user=alice)
        with pytest.raises(UnableToChangeApiKey,
                           match="Only the customer's own logins can have API keys."):
            api_key_create(customer=carols, user=alice, actor=actor)
        assert not CustomerApiKey.objects.filter(user=alice, customer=carols).exists()
