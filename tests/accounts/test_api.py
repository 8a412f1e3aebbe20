"""Partner API through its real entry points: token endpoint, then /api/v1/."""
import pytest
from django_tenants.utils import schema_context

from accounts.domain.demo import partner_client_id, partner_client_secret
from accounts.models import AuditEvent, Contract, Customer, MeterPoint, Premise
from tariffs.models import TariffVersion


def token(client, slug, scope="customers:read contracts:read contracts:write",
          secret=None):
    response = client.post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": partner_client_id(slug),
            "client_secret": secret or partner_client_secret(slug),
            "scope": scope,
        },
    )
    return response


def bearer(client, slug, **kwargs):
    response = token(client, slug, **kwargs)
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def alpha_partner(alpha):
    return bearer(alpha, "alpha")


def test_customers_list_is_paginated_and_filterable(alpha, alpha_partner):
    body = alpha.get("/api/v1/customers/", **alpha_partner).json()
    # The demo household and enterprise, and ALPHA-COOP: the demo cooperative's generation
    # site (its generators' export meters are at its premises).
    assert body["count"] == 3
    assert {row["reference"] for row in body["results"]} == {"ALPHA-H-0001", "ALPHA-E-0001",
                                                             "ALPHA-COOP"}

    households = alpha.get("/api/v1/customers/?kind=HOUSEHOLD", **alpha_partner).json()
    assert [row["reference"] for row in households["results"]] == ["ALPHA-H-0001"]

    page = alpha.get("/api/v1/customers/?page=2", **alpha_partner)
    assert page.status_code == 404
    assert page.json()["error"] == "not_found"


def test_customer_detail_has_premises_and_meter_points(alpha, alpha_partner):
    with schema_context("alpha"):
        acme = Customer.objects.get(reference="ALPHA-E-0001")
    body = alpha.get(f"/api/v1/customers/{acme.pk}/", **alpha_partner).json()
    assert body["kind"] == "ENTERPRISE"
    assert [p["meter_points"][0]["identifier"] for p in body["premises"]] == [
        "ALPHA-E-0001-MP1", "ALPHA-E-0001-MP2",
    ]


def test_contracts_filter_by_status_and_meter_point(alpha, alpha_partner):
    body = alpha.get("/api/v1/contracts/?meter_point=ALPHA-E-0001-MP2", **alpha_partner).json()
    assert body["count"] == 1
    assert body["results"][0]["settlement"] == "QUARTERLY"
    none = alpha.get("/api/v1/contracts/?status=CANCELLED", **alpha_partner).json()
    assert none["count"] == 0


def test_partner_reads_are_audited_with_the_client_id(alpha, alpha_partner):
    alpha.get("/api/v1/customers/", **alpha_partner)
    with schema_context("alpha"):
        events = AuditEvent.objects.filter(channel="API", subject="customer.list")
        assert events.count() == 3  # one per customer listed (the cooperative's site too)
        assert set(events.values_list("actor_client_id", flat=True)) == {"alpha-partner"}
        assert {e.actor_user.username for e in events} == {"partner"}


def test_no_token_gives_401_in_the_error_shape(alpha):
    response = alpha.get("/api/v1/customers/")
    assert response.status_code == 401
    assert response.json() == {
        "error": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


def test_wrong_client_secret_gets_no_token(alpha):
    response = token(alpha, "alpha", secret="guess")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_missing_scope_gives_403(alpha):
    read_only = bearer(alpha, "alpha", scope="contracts:read")
    response = alpha.get("/api/v1/customers/", **read_only)
    assert response.status_code == 403
    assert set(response.json()) == {"error", "detail"}
    create = alpha.post("/api/v1/contracts/", {}, content_type="application/json", **read_only)
    assert create.status_code == 403


def test_malformed_contract_payload_gives_field_errors(alpha, alpha_partner):
    response = alpha.post(
        "/api/v1/contracts/",
        {"customer": "abc", "active_from": "31/02/2026", "settlement": "WEEKLY"},
        content_type="application/json",
        **alpha_partner,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert set(body["fields"]) >= {"customer", "active_from", "settlement", "payment",
                                   "account", "meter_point"}


def test_unparseable_json_gives_400_in_the_error_shape(alpha, alpha_partner):
    response = alpha.post(
        "/api/v1/contracts/", "{not json", content_type="application/json", **alpha_partner
    )
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"


def test_empty_period_is_a_field_error(alpha, alpha_partner):
    response = alpha.post(
        "/api/v1/contracts/",
        {"customer": 1, "account": "ALPHA-H-0001-A", "meter_point": "ALPHA-H-0001-MP1",
         "active_from": "2030-01-01", "active_to": "2030-01-01", "settlement": "MONTHLY",
         "payment": "PREPAY"},
        content_type="application/json",
        **alpha_partner,
    )
    assert response.status_code == 400
    assert "active_to" in response.json()["fields"]


def _alice_contract_payload(**changes):
    with schema_context("alpha"):
        alice = Customer.objects.get(reference="ALPHA-H-0001")
    payload = {
        "customer": alice.pk, "account": "ALPHA-H-0001-A", "meter_point": "ALPHA-H-0001-MP1",
        "active_from": "2031-01-01", "active_to": None, "settlement": "MONTHLY",
        "payment": "PREPAY", "product": "ALPHA-FLEX",
    }
    payload.update(changes)
    return payload


def test_overlapping_contract_is_refused_and_nothing_saved(alpha, alpha_partner):
    with schema_context("alpha"):
        before = Contract.objects.count()
    response = alpha.post(
        "/api/v1/contracts/", _alice_contract_payload(), content_type="application/json",
        **alpha_partner,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "contract_overlaps"
    assert "ALPHA-H-0001-MP1 is already supplied" in body["detail"]
    with schema_context("alpha"):
        assert Contract.objects.count() == before


def test_meter_point_of_another_customer_is_a_field_error(alpha, alpha_partner):
    response = alpha.post(
        "/api/v1/contracts/", _alice_contract_payload(meter_point="ALPHA-E-0001-MP1"),
        content_type="application/json", **alpha_partner,
    )
    assert response.status_code == 400
    assert "meter_point" in response.json()["fields"]


def test_unknown_api_path_is_a_json_404(alpha):
    response = alpha.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_openapi_schema_and_docs_are_served(alpha):
    schema = alpha.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/contracts/" in schema.content
    docs = alpha.get("/api/v1/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from the installed sidecar package, not a CDN.
    assert b"cdn.jsdelivr" not in docs.content


@pytest.fixture
def alice_second_point(db):
    with schema_context("alpha"):
        alice = Customer.objects.get(reference="ALPHA-H-0001")
        premise = Premise.objects.create(customer=alice, address_line="3 Way", city="Town",
                                         region="North")
        return MeterPoint.objects.create(premise=premise, identifier="ALPHA-H-0001-MP8")


def _contract_rows():
    with schema_context("alpha"):
        return (Contract.objects.count(),
                AuditEvent.objects.filter(subject="contract.create").count())


def test_an_ineligible_tariff_is_refused_with_the_domains_error(alpha, alpha_partner,
                                                                alice_second_point):
    before = _contract_rows()
    with schema_context("alpha"):
        business = TariffVersion.objects.get(product__code="ALPHA-BUSINESS")
    for tariff in ({"product": "ALPHA-BUSINESS"},
                   {"product": None, "tariff_version": business.pk}):
        response = alpha.post(
            "/api/v1/contracts/",
            _alice_contract_payload(meter_point="ALPHA-H-0001-MP8", **tariff),
            content_type="application/json", **alpha_partner)
        assert response.status_code == 400, response.content
        assert response.json() == {
            "error": "not_eligible",
            "detail": "Product ALPHA-BUSINESS is offered to ENTERPRISE; this customer is "
                      "HOUSEHOLD (residential)."}
    assert _contract_rows() == before


def test_a_contract_by_product_code_takes_the_version_in_force(alpha, alpha_partner,
                                                                alice_second_point):
    before = _contract_rows()
    response = alpha.post(
        "/api/v1/contracts/", _alice_contract_payload(meter_point="ALPHA-H-0001-MP8"),
        content_type="application/json", **alpha_partner)
    assert response.status_code == 201, response.content
    body = response.json()
    with schema_context("alpha"):
        flex = TariffVersion.objects.get(product__code="ALPHA-FLEX")
        event = AuditEvent.objects.filter(subject="contract.create").order_by("-pk").first()
    assert (body["tariff_version"], body["product"], body["status"]) == (
        flex.pk, "ALPHA-FLEX", "PENDING")
    assert (event.channel, event.actor_client_id, event.detail["contract"]) == (
        "API", "alpha-partner", body["id"])
    assert _contract_rows() == (before[0] + 1, before[1] + 1)


def test_a_contract_names_exactly_one_tariff(alpha, alpha_partner, alice_second_point):
    for tariff in ({"product": None}, {"tariff_version": 1}):
        response = alpha.post(
            "/api/v1/contracts/",
            _alice_contract_payload(meter_point="ALPHA-H-0001-MP8", **tariff),
            content_type="application/json", **alpha_partner)
        assert response.status_code == 400
        assert "Give either tariff_version" in response.json()["fields"]["tariff_version"][0]


def test_an_unknown_product_or_version_is_refused(alpha, alpha_partner, alice_second_point):
    before = _contract_rows()
    for tariff, detail in (({"product": "NOPE"}, "No product with code 'NOPE'."),
                           ({"product": None, "tariff_version": 999999},
                            "No tariff version 999999.")):
        response = alpha.post(
            "/api/v1/contracts/",
            _alice_contract_payload(meter_point="ALPHA-H-0001-MP8", **tariff),
            content_type="application/json", **alpha_partner)
        assert response.status_code == 400
        assert response.json() == {"error": "unknown_tariff_version", "detail": detail}
    assert _contract_rows() == before
