"""The generator dashboard through HTTP, and who sees what: the manager of ALPHA-COOP sees
all of it; a manager of another cooperative of the same retailer sees nothing of it; a
member's login sees the member view; beta's manager and customers see nothing of alpha's
cooperatives (their ids mean nothing on beta's host, and alpha's host refuses their
sessions)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.domain.audit import Actor
from accounts.users.models import Role
from config.portal import portal_navigation
from cooperatives.models import Cooperative
from cooperatives.services.access import cooperatives_visible_to
from cooperatives.services.live import latest_outputs
from cooperatives.services.managers import UnableToAddManager, manager_ensure
from metering.domain.ingest import IngestOptions, readings_ingest_for_meter
from tests.conftest import host_client, login


def _coop(schema: str, code: str) -> Cooperative:
    with schema_context(schema):
        return Cooperative.objects.get(code=code)


@pytest.fixture
def alpha_coop(db):
    return _coop("alpha", "ALPHA-COOP")


@pytest.fixture
def other_manager(db):
    """A second cooperative at alpha with its own manager."""
    with schema_context("alpha"):
        other = Cooperative.objects.create(
            code="OTHER-COOP", name="Other Coop", share_price=Decimal("50"),
            kwh_per_share_year=Decimal("100"), generation_price=Decimal("0.05"),
            created_at=timezone.now())
        manager_ensure(cooperative=other, username="other-manager", email="",
                       password="pw-other-1", actor=Actor.system(at=timezone.now()))
        assert other.events.filter(action="manager_added").count() == 1
        with pytest.raises(UnableToAddManager, match="not a manager"):
            manager_ensure(cooperative=other, username="alice", email="", password=None,
                           actor=Actor.system(at=timezone.now()))
    client = host_client("alpha.localhost")
    assert login(client, "other-manager", "pw-other-1").status_code == 302
    return client, other


def test_the_manager_sees_generators_members_and_revenue(db, alpha_coop):
    client = host_client("alpha.localhost")
    assert login(client, "alpha-coop").status_code == 302
    page = client.get(f"/cooperatives/{alpha_coop.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="manager-view"' in text
    assert "Alpha Solar PV" in text and "Alpha Wind" in text
    assert "ALPHA-H-0001" in text and "ALPHA-E-0001" in text  # the register
    assert client.get("/cooperatives/").status_code == 200


def test_a_member_sees_the_member_view_only(alice, alpha_coop):
    page = alice.get(f"/cooperatives/{alpha_coop.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="member-view"' in text and 'data-testid="manager-view"' not in text
    assert 'data-testid="my-shares">10<' in text
    assert "ALPHA-E-0001" not in text  # other members are not shown to a member


def test_a_manager_of_another_cooperative_sees_nothing_of_it(other_manager, alpha_coop):
    client, other = other_manager
    assert client.get(f"/cooperatives/{alpha_coop.pk}/").status_code == 404
    assert client.get(f"/cooperatives/{other.pk}/").status_code == 200
    listing = client.get("/cooperatives/").content.decode()
    assert "OTHER-COOP" in listing and "ALPHA-COOP" not in listing


def test_another_retailer_sees_nothing_of_alphas_cooperative(bob, alpha_coop):
    beta_coop = _coop("beta", "BETA-COOP")
    # bob is a member of BETA-COOP; alpha's cooperative id on beta's host is not his.
    if alpha_coop.pk != beta_coop.pk:
        assert bob.get(f"/cooperatives/{alpha_coop.pk}/").status_code == 404
    beta_manager = host_client("beta.localhost")
    assert login(beta_manager, "beta-coop").status_code == 302
    listing = beta_manager.get("/cooperatives/").content.decode()
    assert "BETA-COOP" in listing and "ALPHA-COOP" not in listing
    # beta's manager's session means nothing on alpha's host.
    alpha_host = host_client("alpha.localhost")
    alpha_host.cookies = beta_manager.cookies
    assert alpha_host.get(f"/cooperatives/{alpha_coop.pk}/").status_code in (302, 404)
    with schema_context("alpha"):
        assert not get_user_model().objects.filter(username="beta-coop").exists()


def test_a_customer_who_is_no_member_sees_no_cooperative(db):
    with schema_context("alpha"):
        user = get_user_model().objects.get(username="alice")
        assert list(cooperatives_visible_to(user=user).values_list("code", flat=True)) == [
            "ALPHA-COOP"]
        staff = get_user_model().objects.get(username="alpha-staff")
        assert not cooperatives_visible_to(user=staff).exists()


def test_ingesting_an_export_reading_makes_it_the_live_output(db, alpha_coop):
    with schema_context("alpha"):
        plant = alpha_coop.generators.get(kind="PV")
        start = (timezone.now() - timedelta(hours=1)).replace(minute=0, second=0,
                                                              microsecond=0)
        readings_ingest_for_meter(meter=plant.export_meter,
                                  readings=[(start.isoformat(), "12.5")], source="test",
                                  now=timezone.now(), options=IngestOptions(time_zone="UTC"))
        (payload,) = [p for p in latest_outputs(lo=start, hi=start + timedelta(minutes=30))
                      if p["generator"] == plant.pk]
        # 12.5 kWh in half an hour is 25 kW.
        assert (payload["kwh"], payload["kw"]) == ("12.500000", "25.000")


def test_a_manager_lands_on_the_cooperatives_after_logging_in(db):
    client = host_client("alpha.localhost")
    page = client.post("/login/", {"username": "alpha-coop", "password": "gridline-demo"},
                       follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == "/cooperatives/"
    assert "ALPHA-COOP" in page.content.decode()


def test_the_portal_menu_offers_community_energy_to_members_and_managers_only(db):
    with schema_context("alpha"):
        users = get_user_model().objects
        alice = users.get(username="alice")
        manager = users.get(username="alpha-coop")
        newcomer = users.create_user(username="dora", password="x", role=Role.CUSTOMER)
        keys = {name: [item["key"] for item in portal_navigation("/account/", user=user)]
                for name, user in [("alice", alice), ("manager", manager),
                                   ("newcomer", newcomer), ("anonymous", AnonymousUser())]}
    assert "cooperatives" in keys["alice"] and keys["manager"] == ["cooperatives"]
    assert "cooperatives" not in keys["newcomer"] and "cooperatives" not in keys["anonymous"]
    assert keys["newcomer"][:2] == ["account", "consumption"]
