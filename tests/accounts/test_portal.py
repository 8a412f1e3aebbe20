from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import AuditEvent, Customer
from tests.conftest import login


def test_login_page_names_the_retailer(alpha):
    response = alpha.get("/login/")
    assert response.status_code == 200
    assert b"Log in to Alpha Energy" in response.content


def test_wrong_password_is_refused(alpha):
    response = login(alpha, "alice", "not-her-password")
    assert response.status_code == 200
    assert b"didn't match" in response.content


def test_anonymous_account_page_redirects_to_login(alpha):
    response = alpha.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_alice_sees_her_account_premises_and_contracts(alice):
    response = alice.get("/account/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Archer" in page
    assert "ALPHA-H-0001-MP1" in page
    assert "Heat pump" in page
    assert page.count('data-testid="contract-row"') == 1
    assert "Acme Bakeries" not in page


def test_alice_gets_404_for_another_customers_id(alice):
    with schema_context("alpha"):
        acme = Customer.objects.get(reference="ALPHA-E-0001")
        own = Customer.objects.get(reference="ALPHA-H-0001")
    assert alice.get(f"/customers/{acme.pk}/").status_code == 404
    assert alice.get("/customers/999999/").status_code == 404
    assert alice.get(f"/customers/{own.pk}/").status_code == 200


def test_enterprise_users_share_one_customer_with_many_premises(alpha):
    for username in ("carol", "dave"):
        client_response = login(alpha, username)
        assert client_response.status_code == 302
        page = alpha.get("/account/").content.decode()
        assert "Acme Bakeries Ltd" in page
        assert "ALPHA-E-0001-MP1" in page and "ALPHA-E-0001-MP2" in page
        assert page.count('data-testid="contract-row"') == 2
        alpha.post("/logout/")


def test_account_page_reads_are_audited(alice):
    with schema_context("alpha"):
        before = AuditEvent.objects.filter(channel="PORTAL").count()
    alice.get("/account/")
    with schema_context("alpha"):
        event = AuditEvent.objects.filter(channel="PORTAL").order_by("-pk").first()
        assert AuditEvent.objects.filter(channel="PORTAL").count() == before + 1
        assert event.actor_user.username == "alice"
        assert event.action == "READ"
        assert event.customer_id_value == Customer.objects.get(reference="ALPHA-H-0001").pk


def test_account_page_query_count_does_not_grow_with_premises(alpha):
    def queries_for(username):
        login(alpha, username)
        with CaptureQueriesContext(connection) as captured:
            assert alpha.get("/account/").status_code == 200
        alpha.post("/logout/")
        return len(captured)

    # alice has one premise and contract, carol's company two of each.
    assert queries_for("carol") == queries_for("alice")


def test_staff_landing_on_the_portal_go_to_the_admin(alpha):
    alpha.post("/admin/login/?next=/admin/", {"username": "alpha-staff",
                                              "password": "gridline-demo"})
    response = alpha.get("/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert alpha.get("/account/").status_code == 404  # staff have no customer account
