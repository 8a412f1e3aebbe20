"""Every request: an id (the caller's X-Request-ID when it is a plain token, else a new
one; sent back in the response), the retailer schema for the log lines, the HTTP metrics
(by route template, never by path) and, for a 5xx, an error counted for the operator's view.

After the tenancy middleware (the schema is known), before everything else. The log
context stays set until the request is finished (Django logs a 4xx/5xx answer after the
middleware returned), then `request_finished` clears it.
"""
import re
import time
import uuid

from django.core.signals import request_finished
from django.db import connection
from django.dispatch import receiver

from config.ops.errors import error_record
from config.ops.logs import request_id_var, schema_var
from core.metrics import HTTP_DURATION, HTTP_REQUESTS, status_class

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Paths that no URL pattern matched share one label: a path is whatever a caller typed.
UNMATCHED = "<unmatched>"


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return "/" + match.route.lstrip("^").removesuffix("$")


class ObserveRequests:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        schema = connection.schema_name
        request.request_id = request_id
        request_id_var.set(request_id)
        schema_var.set(schema)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        route = route_of(request)
        HTTP_REQUESTS.labels(
            route=route, method=request.method if request.method in METHODS else "other",
            status=status_class(response.status_code), schema=schema).inc()
        HTTP_DURATION.labels(route=route, schema=schema).observe(time.perf_counter() - started)
        if response.status_code >= 500:
            error_record(schema=schema, at=time.time())
        return response


@receiver(request_finished, dispatch_uid="gridline_ops_log_context_clear")
def _log_context_clear(**kwargs):
    request_id_var.set(None)
    schema_var.set(None)
