"""Requests that no view can serve are refused before any view sees them."""
from django.http import HttpResponseBadRequest, JsonResponse


class RejectNulBytes:
    """A NUL byte (%00) in the path or query string: PostgreSQL cannot hold one in a
    text value, so it could only end as an error deep inside. 400 here, in the API's
    error shape for API and OAuth paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            detail = "The request's path or query string contains a NUL byte (%00)."
            if request.path.startswith(("/api/", "/o/")):
                return JsonResponse({"error": "bad_request", "detail": detail}, status=400)
            return HttpResponseBadRequest(detail)
        return self.get_response(request)
