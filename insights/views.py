"""The portal's Insights page: the customer's home energy report (insights/reports.py)
with its charts, printable (print styles; the browser's "Save as PDF")."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.domain.access import customer_of_login
from insights.reports import latest_report


def _charts(report: dict) -> dict:
    charts = {}
    neighbours = report.get("neighbours") or {}
    if neighbours.get("months"):
        months = neighbours["months"]
        charts["neighbours"] = {
            "kind": "bar", "xType": "category", "x": [m["month"][:7] for m in months],
            "yTitle": "kWh", "unit": "kWh", "series": [
                {"name": "You", "y": [m["you"] for m in months], "colour": "brand"},
                {"name": "All neighbours", "y": [m["all_neighbours"] for m in months],
                 "kind": "line"},
                {"name": "Efficient neighbours", "y": [m["efficient_neighbours"]
                                                       for m in months], "kind": "line"}]}
    breakdown = report.get("breakdown") or {}
    if "total_kwh" in breakdown:
        parts = [("Always on", breakdown["base_kwh"]), ("Heating", breakdown["heating_kwh"]),
                 ("Cooling", breakdown["cooling_kwh"]), ("Everything else",
                                                        breakdown["other_kwh"])]
        parts = [(name, value) for name, value in parts if value is not None]
        charts["breakdown"] = {"kind": "bar", "xType": "category",
                               "x": [name for name, _ in parts], "yTitle": "kWh a year",
                               "unit": "kWh",
                               "series": [{"name": "Last 12 months",
                                           "y": [round(v, 1) for _, v in parts]}]}
    trend = (report.get("trend") or {}).get("months") or []
    if trend:
        charts["trend"] = {"kind": "line", "xType": "category",
                           "x": [m["month"][:7] for m in trend], "yTitle": "kWh",
                           "unit": "kWh", "series": [
                               {"name": "Used", "y": [m["observed_kwh"] for m in trend]},
                               {"name": "In normal weather",
                                "y": [m["normalised_kwh"] for m in trend], "dash": "dot"}]}
    forecast = report.get("forecast") or {}
    if "amount" in forecast:
        charts["forecast"] = {"kind": "bar", "stacked": True, "xType": "category",
                              "x": ["This month"], "yTitle": "kWh", "unit": "kWh", "series": [
                                  {"name": "Used so far", "y": [forecast["measured_kwh"]]},
                                  {"name": "Still to come (forecast)",
                                   "y": [forecast["predicted_kwh"]]}]}
    return charts


@login_required
def my_insights(request):
    customer = customer_of_login(user=request.user)
    report = latest_report(customer=customer)
    contract = customer.contracts.filter(status="ACTIVE").order_by("active_from", "pk").first()
    return render(request, "insights/insights.html", {
        "customer": customer, "report": report, "charts": _charts(report) if report else {},
        "contract": contract, "currency": request.tenant.currency,
    })
