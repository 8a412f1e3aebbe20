"""The partner API fuzzed from its own OpenAPI schema (schemathesis): requests generated
for every operation, valid and invalid, with a token holding every scope, through the
WSGI application in this process (no server, no network). Fails on any 5xx, on a status
code the schema does not list for the operation, and on a response that is not JSON.

Bounded: a few dozen examples per operation, well under two minutes on the whole."""
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from tests.accounts.test_api import bearer

HOST = "alpha.localhost"
ALL_SCOPES = ("customers:read contracts:read contracts:write readings:read readings:write "
              "cooperatives:read bills:read payments:write insights:read")
EXAMPLES = 25  # per operation and mode


class InTestTransaction:
    """Django's WSGI application, as Django's test client runs it: the request signals
    must not close the database connection that holds the test's transaction."""

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):
    raw = Client(HTTP_HOST=HOST).get("/api/v1/schema/", {"format": "json"}).json()
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = InTestTransaction()
    return loaded


@pytest.fixture
def token_headers(db):
    return {"Authorization": bearer(Client(HTTP_HOST=HOST), "alpha",
                                    scope=ALL_SCOPES)["HTTP_AUTHORIZATION"]}


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


def operations(loaded):
    return [result.ok() for result in loaded.get_all_operations()]


def fuzz(operation, mode: GenerationMode, headers: dict) -> str | None:
    """Run `operation`'s generated cases; the first failure, described, or None."""
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(base_url=f"http://{HOST}", headers=headers, checks=CHECKS)

    try:
        run()
    except Exception as failure:  # noqa: BLE001 (collected, reported together below)
        return f"{mode.value} {operation.label}: {str(failure)[:1500]}"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_documented_and_never_with_a_5xx(api_schema, token_headers, mode):
    found = operations(api_schema)
    assert len(found) >= 10, [operation.label for operation in found]
    failures = [failure for operation in found
                if (failure := fuzz(operation, mode, token_headers)) is not None]
    assert not failures, "\n\n".join(failures)
