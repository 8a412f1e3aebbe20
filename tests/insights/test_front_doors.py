"""The report's front doors on the demo world: the portal page (every block filled, in the
one navigation) and the partner API (scope `insights:read`, consent like consumption,
audited; another retailer's customers are not there)."""
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import AuditEvent, Customer
from insights.models import CustomerInsight, InsightsRun, Recommendation
from tests.accounts.test_api import bearer

MONTHS = [f"2026-{m:02d}-01" for m in range(1, 13)]
# the neighbours block as the run's finish writes it: a column apart from the report
NEIGHBOURS = {"neighbours": 25, "relaxed": ["any floor area"], "months": [
    {"month": m, "you": 500.0, "all_neighbours": 600.0, "efficient_neighbours": 400.0}
    for m in MONTHS]}
REPORT = {
    "kind": "HOUSEHOLD", "region": "North",
    "breakdown": {"total_kwh": 6000.0, "base_load_kw": 0.4, "base_kwh": 3500.0,
                  "heating_kwh": 1500.0, "cooling_kwh": 20.0, "other_kwh": 980.0,
                  "days": 365, "days_without_temperature": 0},
    "trend": {"months": [{"month": m, "observed_kwh": 500.0, "normalised_kwh": 490.0}
                         for m in MONTHS],
              "last_month": {"month": "2026-11-01", "change_kwh": 30.0, "weather_kwh": 20.0,
                             "other_kwh": 10.0}},
    "forecast": {"amount": "150.00", "measured_kwh": 40.0, "predicted_kwh": 500.0,
                 "last_year_amount": "140.00"},
    "tariffs": {"current": "ALPHA-FLEX", "best": "ALPHA-AGILE", "days": 365, "options": []},
    "typical_day": [0.3] * 48,
}


def _report(schema: str, reference: str) -> Customer:
    with schema_context(schema):
        now = timezone.now()
        run = InsightsRun.objects.create(on_date=date(2026, 12, 3), status="DONE",
                                         started_at=now, finished_at=now)
        customer = Customer.objects.get(reference=reference)
        CustomerInsight.objects.create(
            run=run, customer=customer, model_kind="hdd_cdd", intercept_kwh_per_day=9.5,
            beta_hdd=0.55, beta_cdd=0.28, heating_balance_point=60, cooling_balance_point=68,
            r_squared_adj=0.96, baseline_days=365, report=REPORT, neighbours=NEIGHBOURS,
            computed_at=now)
        Recommendation.objects.create(
            run=run, customer=customer, rank=1, kind="tariff_switch",
            kwh_per_year=Decimal(0), money_per_year=Decimal("545.18"), currency="GBP",
            figures={"current_product": "ALPHA-FLEX", "current_cost": "1942.20",
                     "best_product": "ALPHA-AGILE", "best_cost": "1397.02", "days": 365})
        Recommendation.objects.create(
            run=run, customer=customer, rank=2, kind="base_load",
            kwh_per_year=Decimal("946.08"), money_per_year=Decimal("231.79"), currency="GBP",
            figures={"base_load_kw": 0.43, "target_base_load_kw": 0.32})
        return customer


def test_portal_insights_page_has_every_block(alice):
    _report("alpha", "ALPHA-H-0001")
    page = alice.get("/insights/").content.decode()
    assert 'data-nav="insights" class="active"' in page
    for block in ("chart-neighbours", "chart-breakdown", "chart-trend", "chart-forecast",
                  'data-testid="last-month"', 'data-testid="forecast-amount"',
                  'data-kind="tariff_switch"', 'data-kind="base_load"', "@media print"):
        assert block in page, block
    assert "545.18 GBP" in page and 'data-testid="switch-link"' in page


def test_portal_before_the_first_run_says_so(alice):
    page = alice.get("/insights/").content.decode()
    assert 'data-testid="no-report"' in page


def test_partner_reads_a_consenting_customers_insights(alpha):
    acme = _report("alpha", "ALPHA-E-0001")  # consent seeded for the demo partner
    headers = bearer(alpha, "alpha", scope="insights:read")
    response = alpha.get(f"/api/v1/customers/{acme.pk}/insights/", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customer"] == acme.pk and body["baseline"]["kind"] == "hdd_cdd"
    assert [r["kind"] for r in body["recommendations"]] == ["tariff_switch", "base_load"]
    assert body["neighbours"] == NEIGHBOURS
    assert "typical_day" not in body
    with schema_context("alpha"):
        assert AuditEvent.objects.filter(subject="customer.insights").exists()


def test_partner_without_consent_or_scope_is_refused(alpha):
    alice = _report("alpha", "ALPHA-H-0001")  # no consent
    headers = bearer(alpha, "alpha", scope="insights:read")
    response = alpha.get(f"/api/v1/customers/{alice.pk}/insights/", **headers)
    assert response.status_code == 403 and response.json()["error"] == "no_consent"
    other = bearer(alpha, "alpha", scope="customers:read")
    response = alpha.get(f"/api/v1/customers/{alice.pk}/insights/", **other)
    assert response.status_code == 403


def test_another_retailers_report_never_answers(alpha):
    bob = _report("beta", "BETA-H-0001")
    with schema_context("beta"):
        Recommendation.objects.filter(customer=bob).update(money_per_year=Decimal("987.65"))
    with schema_context("alpha"):
        acme = Customer.objects.get(reference="ALPHA-E-0001")
        missing = max(Customer.objects.values_list("pk", flat=True)) + 1000
    headers = bearer(alpha, "alpha", scope="insights:read")
    # bob's id at alpha is another customer (or none): never bob's report
    response = alpha.get(f"/api/v1/customers/{bob.pk}/insights/", **headers)
    assert "987.65" not in response.content.decode()
    response = alpha.get(f"/api/v1/customers/{missing}/insights/", **headers)
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    response = alpha.get(f"/api/v1/customers/{acme.pk}/insights/", **headers)
    assert response.status_code == 404 and response.json()["error"] == "no_insights"


def test_sales_staff_see_runs_recommendations_and_segments(alpha):
    customer = _report("alpha", "ALPHA-H-0001")
    with schema_context("alpha"):
        run = InsightsRun.objects.get(results__customer=customer)
        from insights.models import Segment
        Segment.objects.create(run=run, number=1, size=1, mean_daily_kwh=14.4,
                               typical_day=[0.3] * 48, shape=[1 / 48] * 48,
                               cheapest_product="ALPHA-AGILE")
    response = alpha.post("/admin/login/?next=/admin/",
                          {"username": "alpha-staff", "password": "gridline-demo"})
    assert response.status_code == 302
    runs = alpha.get("/admin/insights/insightsrun/").content.decode()
    assert "Done" in runs
    recommendations = alpha.get("/admin/insights/recommendation/").content.decode()
    assert "545.18" in recommendations and "tariff_switch" in recommendations
    segments = alpha.get("/admin/insights/segment/").content.decode()
    assert 'data-testid="typical-day"' in segments and "ALPHA-AGILE" in segments
