"""One error shape for every API 4xx: {"error": code, "detail": message} (+ "fields")."""
import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import GridlineError

logger = logging.getLogger(__name__)


def _first_code(codes):
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict):
        codes = list(codes.values())
    for item in codes or []:
        found = _first_code(item)
        if found:
            return found
    return None


def api_exception_handler(exc, context):
    if isinstance(exc, GridlineError):
        return Response({"error": exc.code, "detail": exc.detail}, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        response = bad_request(context["request"], exc)
        return Response(json.loads(response.content), status=response.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django logs it and answers 500
    missing = _missing_scopes(exc, context)
    if missing is not None:
        response.data = {"error": "insufficient_scope", "detail": missing}
    elif isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "error": "invalid",
            "detail": "The request has invalid fields; see 'fields'.",
            "fields": fields,
        }
    else:
        response.data = {
            "error": _first_code(exc.get_codes()) or "error",
            "detail": str(exc.detail),
        }
    return response


def _missing_scopes(exc, context) -> str | None:
    """For a refusal by the views' scope check (django-oauth-toolkit's
    TokenMatchesOASRequirements): which scope the request needs, and which the token has."""
    if not isinstance(exc, exceptions.PermissionDenied) or exc.get_codes() != "permission_denied":
        return None
    view, request = context.get("view"), context.get("request")
    token = getattr(request, "auth", None)
    alternatives = getattr(view, "required_alternate_scopes", {}).get(
        getattr(request, "method", "").upper())
    if not alternatives or not hasattr(token, "scope"):
        return None
    needed = " or ".join(" and ".join(f"'{scope}'" for scope in group)
                         for group in alternatives)
    held = ", ".join(f"'{scope}'" for scope in token.scope.split()) or "none"
    return (f"This request needs the scope {needed}; the token has {held}. Ask for a "
            "token with it at /o/token/ (its application must be granted it).")


def bad_request(request, exception=None):
    """Django's 400 (handler400: a SuspiciousOperation such as a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE) in the API's shape on API and OAuth paths."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({"error": "request_too_large",
                             "detail": f"The request body is over the limit of {limit:,} "
                                       "bytes; send the data in smaller batches."},
                            status=413)
    if request.path.startswith(("/api/", "/o/")):
        return JsonResponse({"error": "bad_request",
                             "detail": "The request could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def api_not_found(request, exception=None, **kwargs):
    """404 for unknown paths under /api/ in the same shape as the API's own errors."""
    return JsonResponse(
        {"error": "not_found", "detail": f"No API endpoint at {request.path}."}, status=404
    )
