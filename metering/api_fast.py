"""The partner consumption read, without DRF's machinery on its common path.

A partner polling one meter-day is the API's hottest request. When it is plainly fine (a
cached, valid client-credentials token of an active partner with `readings:read`, and a
query the serializer accepts), this answers it directly: same body, same error shape for
the domain's refusals (404 no such meter, 403 no consent, 400 impossible period), same
audit row. Anything else (no or bad token, missing scope, invalid query, other methods)
goes to the DRF view, which owns every other answer.
"""
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.request import Request

from accounts.authentication import PartnerAuthentication, partner_of
from core.errors import GridlineError
from metering import serializers as s
from metering.api import MeterConsumption, consumption_response

SCOPES = MeterConsumption.required_alternate_scopes["GET"][0]
_drf_view = MeterConsumption.as_view()
# What DRF adds to every response of this view, so both paths answer alike.
_HEADERS = {"Allow": "GET, HEAD, OPTIONS", "Vary": "Accept"}
_COMPACT = {"separators": (",", ":"), "ensure_ascii": False}  # as DRF's JSON renderer


def _partner(request):
    found = PartnerAuthentication.cached_bearer(request)
    if found is None:
        return None
    user, token = found
    partner = partner_of(token) if user is None else None
    if partner is None or not token.is_valid(SCOPES):
        return None
    return partner, token.application.client_id


@csrf_exempt
def meter_consumption(request, serial: str):
    if request.method == "GET":
        partner = _partner(request)
        query = s.ConsumptionQueryIn(data=request.GET) if partner else None
        if query is not None and query.is_valid():
            user, client_id = partner
            try:
                response = consumption_response(Request(request), serial=serial, user=user,
                                                client_id=client_id,
                                                query=query.validated_data)
            except GridlineError as error:
                response = JsonResponse({"error": error.code, "detail": error.detail},
                                        status=error.status, json_dumps_params=_COMPACT)
            for name, value in _HEADERS.items():
                response[name] = value
            return response
    return _drf_view(request, serial=serial)


# drf-spectacular documents the view behind this function.
meter_consumption.cls = _drf_view.cls
meter_consumption.initkwargs = _drf_view.initkwargs
