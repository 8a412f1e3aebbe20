"""The partner API for cooperatives through its real entry points (token, then /api/v1/):
scope `cooperatives:read`, production grouped as consumption is, allocations of a month,
and nothing of another retailer."""
from django_tenants.utils import schema_context

from accounts.models import AuditEvent
from cooperatives.models import Cooperative
from tests.accounts.test_api import bearer
from tests.billing.conftest import bill_now
from tests.billing.world import month, readings
from tests.cooperatives.test_member_bill import SEPTEMBER, _world, sunny

SCOPE = "cooperatives:read"


def test_the_cooperatives_list_needs_the_scope(alpha):
    assert alpha.get("/api/v1/cooperatives/",
                     **bearer(alpha, "alpha", scope="customers:read")).status_code == 403
    body = alpha.get("/api/v1/cooperatives/", **bearer(alpha, "alpha", scope=SCOPE)).json()
    (coop,) = [c for c in body["results"] if c["code"] == "ALPHA-COOP"]
    assert [g["kind"] for g in coop["generators"]] == ["PV", "WIND"]
    assert coop["generation_price"] == "0.080000"
    assert "BETA-COOP" not in {c["code"] for c in body["results"]}


def test_production_grouped_by_hour(alpha):
    with schema_context("alpha"):
        plant = Cooperative.objects.get(code="ALPHA-COOP").generators.get(kind="PV")
        readings(plant.export_meter, month(2026, 9), sunny)  # 2 kWh a half-hour, 10-14h
    headers = bearer(alpha, "alpha", scope=SCOPE)
    body = alpha.get(f"/api/v1/generators/{plant.pk}/production/",
                     {"period_from": "2026-09-01T00:00:00+01:00",
                      "period_to": "2026-09-02T00:00:00+01:00", "group_by": "hour"},
                     **headers).json()
    assert body["count"] == 24
    # 10:00-14:00 London (BST) is 09:00-13:00 UTC: four hours of 4 kWh.
    assert [(r["interval_start"][11:16], r["production"]) for r in body["results"]
            if r["production"] != "0.000000"] == [
        ("09:00", "4.000000"), ("10:00", "4.000000"), ("11:00", "4.000000"),
        ("12:00", "4.000000")]
    assert alpha.get("/api/v1/generators/999999/production/",
                     {"period_from": "2026-09-01T00:00:00Z",
                      "period_to": "2026-09-02T00:00:00Z"}, **headers).status_code == 404


def test_allocations_of_a_month_are_read_and_audited(alpha):
    with schema_context("alpha"):
        coop, account, _, _, _ = _world()
        bill_now(SEPTEMBER, account_ids=[account.pk])
    headers = bearer(alpha, "alpha", scope=SCOPE)
    url = f"/api/v1/cooperatives/{coop.pk}/allocations/"
    body = alpha.get(url, {"period": "2026-09"}, **headers).json()
    assert [(r["customer"], r["kwh"], r["right_kwh"], r["amount"]) for r in body["results"]] \
        == [("M1", "120.000000", "120.000000", "9.60")]
    assert alpha.get(url, {"period": "2026-08"}, **headers).json()["results"] == []
    assert alpha.get(url, {"period": "2026-13"}, **headers).status_code == 400
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(customer_id_value=account.customer_id,
                                         subject="cooperative.allocations").count() == 1


def test_beta_partner_sees_nothing_of_alpha(alpha, beta):
    with schema_context("alpha"):
        alpha_coop = Cooperative.objects.get(code="ALPHA-COOP")
    with schema_context("beta"):
        beta_ids = set(Cooperative.objects.values_list("pk", flat=True))
    headers = bearer(beta, "beta", scope=SCOPE)
    codes = {c["code"] for c in beta.get("/api/v1/cooperatives/", **headers).json()["results"]}
    assert codes == {"BETA-COOP"}
    if alpha_coop.pk not in beta_ids:
        assert beta.get(f"/api/v1/cooperatives/{alpha_coop.pk}/allocations/",
                        {"period": "2026-09"}, **headers).status_code == 404
    # alpha's token is refused on beta's host.
    alpha_token = bearer(alpha, "alpha", scope=SCOPE)
    assert beta.get("/api/v1/cooperatives/", **alpha_token).status_code == 401
