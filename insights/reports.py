"""The home energy report of one customer, read from the latest finished run: what the
portal page, the admin and the partner API show (one read, two queries)."""
from datetime import datetime

from django.db import transaction

from accounts.domain.access import access_customer_by_id
from accounts.domain.audit import audit_record
from accounts.domain.consents import consents_live
from accounts.models import AuditAction, AuditChannel
from accounts.users.models import Role
from core.errors import GridlineError
from insights.models import CustomerInsight, Recommendation, RunStatus

LABELS = {
    "tariff_switch": "Switch to a cheaper tariff",
    "load_shift": "Move your evening use to the cheapest hours",
    "base_load": "Cut your always-on load",
    "heating": "Heat 1 °F (about ½ °C) lower",
    "cooling": "Cool 1 °F (about ½ °C) higher",
}


def latest_report(*, customer) -> dict | None:
    """The customer's result in the latest finished run with one, and its ranked
    recommendations; None before any run."""
    result = (CustomerInsight.objects.filter(customer=customer, run__status=RunStatus.DONE)
              .select_related("run").order_by("-run__on_date", "-run_id").first())
    if result is None:
        return None
    recommendations = list(Recommendation.objects.filter(run_id=result.run_id,
                                                         customer=customer).order_by("rank"))
    return report_json(result=result, recommendations=recommendations)


def report_json(*, result: CustomerInsight, recommendations) -> dict:
    report = dict(result.report)
    report.pop("typical_day", None)
    if result.neighbours is not None:
        report["neighbours"] = result.neighbours
    baseline = ({"insufficient": result.insufficient_reason} if result.insufficient_reason
                else {"kind": result.model_kind,
                      "intercept_kwh_per_day": result.intercept_kwh_per_day,
                      "beta_hdd": result.beta_hdd, "beta_cdd": result.beta_cdd,
                      "heating_balance_point": result.heating_balance_point,
                      "cooling_balance_point": result.cooling_balance_point,
                      "r_squared_adj": result.r_squared_adj, "days": result.baseline_days})
    return {
        "run": result.run_id, "on": result.run.on_date.isoformat(),
        "computed_at": result.computed_at.isoformat(), "baseline": baseline,
        "segment": result.segment,
        "neighbours": report.get("neighbours"), "breakdown": report.get("breakdown"),
        "opening_hours": report.get("opening_hours"), "trend": report.get("trend"),
        "forecast": report.get("forecast"), "tariffs": report.get("tariffs"),
        "load_shift": report.get("load_shift"),
        "recommendations": [
            {"rank": r.rank, "kind": r.kind, "title": LABELS.get(r.kind, r.kind),
             "kwh_per_year": str(r.kwh_per_year), "money_per_year": str(r.money_per_year),
             "currency": r.currency, "figures": r.figures}
            for r in recommendations],
    }


class NoConsentForInsights(GridlineError):
    code = "no_consent"
    status = 403


class NoInsightsYet(GridlineError):
    code = "no_insights"
    status = 404


def insights_read_by(*, user, client_id: str, customer_id: int, now: datetime) -> dict:
    """A login's read of a customer's report through the API: the customer must be
    visible to it and, for a partner, have consented to this partner reading their data
    (as for consumption); every read is recorded in the audit trail."""
    customer = access_customer_by_id(user=user, customer_id=customer_id)
    if user.role == Role.PARTNER and not consents_live(customer=customer, at=now).filter(
            client_id=client_id).exists():
        raise NoConsentForInsights(f"Customer {customer_id} has not consented to "
                                   f"{client_id!r} reading their data.")
    with transaction.atomic():
        audit_record(at=now, customer_ids=[customer.pk], action=AuditAction.READ,
                     channel=AuditChannel.API, subject="customer.insights", actor_user=user,
                     actor_client_id=client_id, detail={})
        report = latest_report(customer=customer)
    if report is None:
        raise NoInsightsYet(f"Customer {customer_id} has no insights yet: they come with "
                            "the next nightly run.")
    return {"customer": customer.pk, **report}
