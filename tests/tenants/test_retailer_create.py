"""The platform operator creates a retailer: its schema, domain and first staff user."""
import pytest
from django.db import connection
from django_tenants.utils import schema_context

from accounts.users.models import User
from core.errors import GridlineError
from tenants.domain.retailers import UnableToCreateRetailer, retailer_create
from tenants.models import Domain, Retailer
from tests.conftest import host_client, login
from tests.isolation.test_tenant_isolation import login_admin


@pytest.fixture
def operator(db):
    client = host_client("localhost")
    assert login_admin(client, "operator").status_code == 302
    return client


def _schema_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s",
                       [name])
        return cursor.fetchone() is not None


def test_operator_creates_a_retailer_from_the_admin(operator):
    response = operator.post(
        "/admin/tenants/retailer/add/",
        {"name": "Gamma Green", "schema_name": "gamma", "host": "gamma.localhost",
         "time_zone": "Asia/Shanghai", "currency": "CNY",
         "staff_username": "gina", "staff_email": "gina@gamma.invalid",
         "staff_password": "gamma-pass-123"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    retailer = Retailer.objects.get(schema_name="gamma")
    assert (retailer.time_zone, retailer.currency) == ("Asia/Shanghai", "CNY")
    assert Domain.objects.get(domain="gamma.localhost").tenant == retailer
    assert _schema_exists("gamma")
    with schema_context("gamma"):
        gina = User.objects.get(username="gina")
        assert gina.role == "ADMINISTRATOR" and gina.is_staff and not gina.is_superuser
        assert list(gina.groups.values_list("name", flat=True)) == ["Administrators"]
    gamma = host_client("gamma.localhost")
    assert login_admin(gamma, "gina", "gamma-pass-123").status_code == 302
    assert gamma.get("/admin/accounts/customer/").status_code == 200
    assert b"0 customers" in gamma.get("/admin/accounts/customer/").content
    assert login(host_client("gamma.localhost"), "alice").status_code == 200  # unknown here


def test_bad_slug_is_a_form_error_and_creates_nothing(operator):
    response = operator.post(
        "/admin/tenants/retailer/add/",
        {"name": "Bad", "schema_name": "Bad-Name", "host": "bad.localhost",
         "staff_username": "x", "staff_email": "x@bad.invalid", "staff_password": "long-enough"},
    )
    assert response.status_code == 200
    assert "is not usable as a schema name" in response.content.decode()
    assert not Retailer.objects.filter(name="Bad").exists()


def test_taken_host_is_refused(db):
    with pytest.raises(UnableToCreateRetailer, match="already routed"):
        retailer_create(slug="delta", name="Delta", host="alpha.localhost",
                        staff_username="d", staff_email="d@d.invalid", staff_password="x",
                        time_zone="Europe/Paris", currency="EUR")
    assert not Retailer.objects.filter(schema_name="delta").exists()


def test_customers_and_operators_see_different_admins(db):
    platform = host_client("localhost")
    assert login_admin(platform, "alpha-staff").status_code == 200  # no such operator


def test_a_failed_creation_leaves_no_row_domain_or_schema(db):
    with pytest.raises(GridlineError, match="needs a username"):
        retailer_create(slug="epsilon", name="Epsilon", host="epsilon.localhost",
                        staff_username="", staff_email="e@e.invalid", staff_password="x",
                        time_zone="Europe/Paris", currency="EUR")
    assert not Retailer.objects.filter(schema_name="epsilon").exists()
    assert not Domain.objects.filter(domain="epsilon.localhost").exists()
    assert not _schema_exists("epsilon")


@pytest.mark.parametrize("zone, currency, problem", [
    ("Mars/Olympus", "EUR", "Time zone 'Mars/Olympus' is not an IANA zone name"),
    ("Europe/Paris", "euro", "Currency 'euro' is not an ISO 4217 code"),
])
def test_zone_and_currency_are_checked(db, zone, currency, problem):
    with pytest.raises(UnableToCreateRetailer, match=problem):
        retailer_create(slug="zeta", name="Zeta", host="zeta.localhost", staff_username="z",
                        staff_email="z@z.invalid", staff_password="x", time_zone=zone,
                        currency=currency)
    assert not Retailer.objects.filter(schema_name="zeta").exists()


def test_the_demo_retailers_are_british(db):
    assert {(r.schema_name, r.time_zone, r.currency)
            for r in Retailer.objects.exclude(schema_name="public")} >= {
        ("alpha", "Europe/London", "GBP"), ("beta", "Europe/London", "GBP")}
