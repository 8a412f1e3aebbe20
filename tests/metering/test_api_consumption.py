"""GET /api/v1/meters/{serial}/consumption/: grouping, totals, pages, consent."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.models import AuditEvent, Consent
from metering.models import Reading
from tests.accounts.test_api import bearer
from tests.metering.conftest import NOW, csv_lines, ingest_csv

START = datetime(2026, 2, 28, tzinfo=UTC)  # GMT: local midnight; spans month and DST
DAYS = 40
URL = "/api/v1/meters/ALPHA-M-0001/consumption/"


@pytest.fixture
def month_of_readings(alpha_meter):
    count = DAYS * 48 - 2  # the spring-forward day (2026-03-29) has 46 half-hours
    values = [f"{0.05 + (i % 48) * 0.01 + (i % 7) * 0.003:.3f}" for i in range(count)]
    ingest_csv(csv_lines("ALPHA-M-0001", START, values))
    return alpha_meter


@pytest.fixture
def consented_reader(alpha, alpha_meter):
    Consent.objects.create(customer=alpha_meter.meter_point.premise.customer,
                           client_id="alpha-partner", granted_at=NOW - timedelta(days=30))
    return bearer(alpha, "alpha", scope="readings:read")


def all_rows(client, headers, **query):
    rows, page = [], 1
    while True:
        body = client.get(URL, {**query, "page": page, "page_size": 500}, **headers).json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


@pytest.mark.parametrize("group_by", ["interval", "hour", "day", "week", "month"])
def test_totals_equal_the_raw_intervals_for_every_grouping(
        alpha, month_of_readings, consented_reader, group_by):
    period_from, period_to = "2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+01:00"
    rows = all_rows(alpha, consented_reader, period_from=period_from, period_to=period_to,
                    group_by=group_by)
    raw = sum(Reading.objects.filter(
        meter=month_of_readings, interval_start__gte=datetime(2026, 3, 1, tzinfo=UTC),
        interval_start__lt=datetime(2026, 3, 31, 23, tzinfo=UTC)).values_list("kwh", flat=True))
    assert sum(Decimal(row["consumption"]) for row in rows) == raw
    assert {row["quality"] for row in rows} == {"ACTUAL"}
    if group_by == "day":
        assert len(rows) == 31
        assert rows[28]["interval_start"] == "2026-03-29T00:00:00Z"
        assert rows[28]["interval_end"] == "2026-03-29T23:00:00Z"
    if group_by == "month":
        assert len(rows) == 1


def test_one_day_of_intervals_has_start_end_and_quality(alpha, month_of_readings,
                                                         consented_reader):
    body = alpha.get(URL, {"period_from": "2026-03-02T00:00:00Z",
                           "period_to": "2026-03-03T00:00:00Z"}, **consented_reader).json()
    assert body["count"] == 48
    first = body["results"][0]
    assert first["interval_start"] == "2026-03-02T00:00:00Z"
    assert first["interval_end"] == "2026-03-02T00:30:00Z"
    assert first["quality"] == "ACTUAL"


def test_without_consent_a_partner_gets_403(alpha, month_of_readings):
    response = alpha.get(URL, {"period_from": "2026-03-02T00:00:00Z",
                               "period_to": "2026-03-03T00:00:00Z"},
                         **bearer(alpha, "alpha", scope="readings:read"))
    assert response.status_code == 403
    assert response.json()["error"] == "no_consent"
    assert not AuditEvent.objects.filter(subject="meter.consumption").exists()  # nothing read


def test_revoked_consent_gives_403(alpha, month_of_readings, consented_reader):
    Consent.objects.filter(customer=month_of_readings.meter_point.premise.customer).update(
        revoked_at=NOW - timedelta(days=1))
    response = alpha.get(URL, {"period_from": "2026-03-02T00:00:00Z",
                               "period_to": "2026-03-03T00:00:00Z"}, **consented_reader)
    assert response.status_code == 403


def test_a_meter_of_another_retailer_is_404(beta, month_of_readings):
    response = beta.get(URL, {"period_from": "2026-03-02T00:00:00Z",
                              "period_to": "2026-03-03T00:00:00Z"},
                        **bearer(beta, "beta", scope="readings:read"))
    assert response.status_code == 404


def test_bad_grouping_is_400(alpha, month_of_readings, consented_reader):
    response = alpha.get(URL, {"period_from": "2026-03-02T00:00:00Z",
                               "period_to": "2026-03-03T00:00:00Z", "group_by": "year"},
                         **consented_reader)
    assert response.status_code == 400
    backwards = alpha.get(URL, {"period_from": "2026-03-03T00:00:00Z",
                                "period_to": "2026-03-02T00:00:00Z"}, **consented_reader)
    assert backwards.status_code == 400
    assert backwards.json()["detail"] == "period_to must be after period_from."
    assert not AuditEvent.objects.filter(subject="meter.consumption").exists()


def test_partner_reads_of_consumption_are_audited(alpha, month_of_readings, consented_reader):
    alpha.get(URL, {"period_from": "2026-03-02T00:00:00Z", "period_to": "2026-03-03T00:00:00Z"},
              **consented_reader)
    event = AuditEvent.objects.filter(subject="meter.consumption").order_by("-pk").first()
    assert event.customer_id_value == month_of_readings.meter_point.premise.customer_id
    assert (event.action, event.channel, event.actor_client_id) == ("READ", "API",
                                                                    "alpha-partner")
    assert event.detail["meter"] == "ALPHA-M-0001"


def test_each_read_is_audited_once_with_its_query(alpha, month_of_readings, consented_reader):
    for day in ("02", "03"):
        assert alpha.get(URL, {"period_from": f"2026-03-{day}T00:00:00Z",
                               "period_to": f"2026-03-{day}T12:00:00Z", "group_by": "hour"},
                         **consented_reader).status_code == 200
    events = AuditEvent.objects.filter(subject="meter.consumption").order_by("pk")
    assert [e.detail["period_from"][:10] for e in events] == ["2026-03-02", "2026-03-03"]
    assert {e.detail["group_by"] for e in events} == {"hour"}
    assert all(e.actor_user is not None and e.actor_user.role == "PARTNER" for e in events)


def test_a_token_without_the_read_scope_is_403(alpha, month_of_readings):
    response = alpha.get(URL, {"period_from": "2026-03-02T00:00:00Z",
                               "period_to": "2026-03-03T00:00:00Z"},
                         **bearer(alpha, "alpha", scope="customers:read"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(subject="meter.consumption").exists()


def test_no_token_is_401_and_a_bad_one_too(alpha, month_of_readings):
    query = {"period_from": "2026-03-02T00:00:00Z", "period_to": "2026-03-03T00:00:00Z"}
    assert alpha.get(URL, query).status_code == 401
    assert alpha.get(URL, query, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_the_schema_still_documents_the_consumption_read(alpha):
    schema = alpha.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/meters/{serial}/consumption/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "period_from", "period_to", "group_by", "page_size"}


def test_a_period_without_readings_is_an_empty_page(alpha, month_of_readings, consented_reader):
    response = alpha.get(URL, {"period_from": "2025-01-01T00:00:00Z",
                               "period_to": "2025-01-02T00:00:00Z"}, **consented_reader)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert AuditEvent.objects.filter(subject="meter.consumption").count() == 1


def test_a_month_by_day_is_served_from_the_rollups(alpha, month_of_readings, consented_reader):
    # Proof of the source: a rollup changed behind ingest's back shows in the day view
    # and not in the hourly one (which reads the raw table).
    from metering.models import DailyRollup

    query = {"period_from": "2026-03-01T00:00:00Z", "period_to": "2026-04-01T00:00:00Z"}
    DailyRollup.objects.filter(meter=month_of_readings, day_date="2026-03-10").update(
        kwh=Decimal("123.000000"))
    days = all_rows(alpha, consented_reader, group_by="day", **query)
    assert len(days) == 31
    assert {d["interval_start"][:10]: d["consumption"] for d in days}["2026-03-10"] == (
        "123.000000")
    hours = all_rows(alpha, consented_reader, group_by="hour",
                     period_from="2026-03-10T00:00:00Z", period_to="2026-03-11T00:00:00Z")
    assert sum(Decimal(h["consumption"]) for h in hours) != Decimal("123")
