"""POST /api/v1/meters/{serial}/readings/: batches, idempotency, tenant isolation."""
import pytest
from django_tenants.utils import schema_context

from metering.models import IngestReport, Reading
from tests.accounts.test_api import bearer
from tests.metering.conftest import meter_create

BATCH = {"readings": [
    {"interval_start": "2026-03-01T00:00:00+00:00", "kwh": "0.40"},
    {"interval_start": "2026-03-01T00:30:00+00:00", "kwh": "0.50"},
    {"interval_start": "2026-03-01T01:00:00Z", "kwh": "-1"},
]}


@pytest.fixture
def alpha_writer(alpha):
    return bearer(alpha, "alpha", scope="readings:write")


def post(client, serial, headers, body=BATCH, **extra):
    return client.post(f"/api/v1/meters/{serial}/readings/", body,
                       content_type="application/json", **headers, **extra)


def test_a_batch_lands_and_reports_its_rejections(alpha, alpha_meter, alpha_writer):
    response = post(alpha, "ALPHA-M-0001", alpha_writer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["read"], body["inserted"], body["updated"]) == (3, 2, 0)
    assert body["rejected"] == [{"line": 3, "reason": "negative kWh"}]


def test_a_repeated_batch_changes_nothing(alpha, alpha_meter, alpha_writer):
    post(alpha, "ALPHA-M-0001", alpha_writer)
    again = post(alpha, "ALPHA-M-0001", alpha_writer).json()
    assert (again["inserted"], again["updated"]) == (0, 0)
    assert Reading.objects.count() == 2


def test_idempotency_key_replays_the_first_response(alpha, alpha_meter, alpha_writer):
    first = post(alpha, "ALPHA-M-0001", alpha_writer, HTTP_IDEMPOTENCY_KEY="batch-1")
    replay = post(alpha, "ALPHA-M-0001", alpha_writer, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert IngestReport.objects.count() == 1  # the batch was not ingested again


def test_idempotency_key_reused_with_another_body_is_422(alpha, alpha_meter, alpha_writer):
    post(alpha, "ALPHA-M-0001", alpha_writer, HTTP_IDEMPOTENCY_KEY="batch-1")
    changed = {"readings": [{"interval_start": "2026-03-01T00:00:00+00:00", "kwh": "9"}]}
    response = post(alpha, "ALPHA-M-0001", alpha_writer, body=changed,
                    HTTP_IDEMPOTENCY_KEY="batch-1")
    assert response.status_code == 422
    assert response.json() == {
        "error": "idempotency_key_reused",
        "detail": "Idempotency-Key 'batch-1' was first used with a different body; nothing "
                  "was stored. Send a new batch with a new key (the same body with this key "
                  "gets the first answer again)."}
    assert sorted(str(k) for k in Reading.objects.values_list("kwh", flat=True)) == [
        "0.400000", "0.500000"]
    assert IngestReport.objects.count() == 1


def test_a_serial_of_beta_posted_to_alpha_is_404(alpha, alpha_writer):
    with schema_context("beta"):
        meter_create("BETA-M-0001", "BETA-H-0001-MP1")
    response = post(alpha, "BETA-M-0001", alpha_writer)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    with schema_context("beta"):
        assert not Reading.objects.exists()


def test_without_the_write_scope_is_403(alpha, alpha_meter):
    response = post(alpha, "ALPHA-M-0001", bearer(alpha, "alpha", scope="customers:read"))
    assert response.status_code == 403


def test_a_malformed_batch_is_400_in_the_error_shape(alpha, alpha_meter, alpha_writer):
    response = post(alpha, "ALPHA-M-0001", alpha_writer, body={"readings": []})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_an_idempotency_key_reused_for_another_meter_is_422(alpha, alpha_meter, alpha_writer):
    meter_create("ALPHA-M-0002", "ALPHA-E-0001-MP1")
    post(alpha, "ALPHA-M-0001", alpha_writer, HTTP_IDEMPOTENCY_KEY="k")
    response = post(alpha, "ALPHA-M-0002", alpha_writer, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
