"""What a client locked out by django-axes (too many failed logins or client secrets)
gets: 429 with Retry-After, as a page for people and in the API's shape for machines."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(1, round(seconds / 60))
    if request.path.startswith(("/api/", "/o/")):
        detail = (f"Too many failed attempts with these credentials; try again in "
                  f"{minutes} minutes.")
        # error_description too: OAuth clients read that (RFC 6749, section 5.2).
        response = JsonResponse({"error": "too_many_attempts", "detail": detail,
                                 "error_description": detail}, status=429)
    else:
        response = render(request, "portal/locked_out.html", {"minutes": minutes},
                          status=429)
    response["Retry-After"] = str(seconds)
    return response
