"""The home energy report of one customer, read from the latest finished run: what the
portal page, the admin and the partner API show (one read, two queries)."""
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
