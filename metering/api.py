"""Meter API: readings in (partners, head-end systems), consumption out (with consent)."""
import hashlib
import json
from datetime import UTC

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import client_id_of
from core.api_inputs import StrictPages
from core.errors import GridlineError
from metering import serializers as s
from metering.domain.access import ReadNote, access_meter_by_serial
from metering.domain.consumption import consumption_read_by
from metering.domain.ingest import IngestOptions, readings_ingest_for_meter
from metering.models import IdempotentResponse


class IdempotencyKeyReused(GridlineError):
    code = "idempotency_key_reused"
    status = 422


def _client_id(request) -> str:
    return client_id_of(request)


def _utc_text(value) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def request_fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8", "surrogatepass")).hexdigest()


def _replay(earlier: IdempotentResponse, *, key: str, path: str, fingerprint: str):
    """The stored answer to a repeated request; a refusal (as Stripe does) when the key
    was first used for another path or with another body."""
    if earlier.path != path:
        raise IdempotencyKeyReused(f"Idempotency-Key {key!r} was first used for "
                                   f"{earlier.path}; use a new key for this request.")
    if earlier.request_hash and earlier.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} was first used with a different body; nothing was "
            "stored. Send a new batch with a new key (the same body with this key gets "
            "the first answer again).")
    return Response(earlier.body, status=earlier.status,
                    headers={"Idempotent-Replayed": "true"})


class ConsumptionPages(StrictPages):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 5000


class MeterReadingsIn(APIView):
    """POST a batch of interval readings for one meter. Idempotent: a repeated batch changes
    nothing; with an `Idempotency-Key` header the first response is replayed."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"POST": [["readings:write"]]}
    error_responses = {"POST": {422: "The Idempotency-Key was first used with another "
                                     "body or path (`idempotency_key_reused`)."}}

    @extend_schema(request=s.ReadingBatchIn, responses={200: s.IngestReportOut})
    def post(self, request, serial: str):
        meter = access_meter_by_serial(user=request.user, serial=serial)
        client = _client_id(request) or f"user:{request.user.pk}"
        key = request.headers.get("Idempotency-Key", "")[:200]
        fingerprint = request_fingerprint(request.data)
        if key:
            earlier = IdempotentResponse.objects.filter(client=client, key=key).first()
            if earlier is not None:
                return _replay(earlier, key=key, path=request.path, fingerprint=fingerprint)
        data_in = s.ReadingBatchIn(data=request.data)
        data_in.is_valid(raise_exception=True)
        readings = ((reading["interval_start"], reading["kwh"])
                    for reading in data_in.validated_data["readings"])
        now = timezone.now()
        with transaction.atomic():
            report = readings_ingest_for_meter(
                meter=meter, readings=readings, now=now, source=f"api:{client}",
                options=IngestOptions(time_zone=request.tenant.time_zone))
            body = s.IngestReportOut(report.as_dict()).data
            if key:
                try:
                    with transaction.atomic():
                        IdempotentResponse.objects.create(
                            client=client, key=key, path=request.path, status=200, body=body,
                            request_hash=fingerprint, created_at=now)
                except IntegrityError:  # a concurrent twin won: its answer, or a refusal
                    earlier = IdempotentResponse.objects.get(client=client, key=key)
                    transaction.set_rollback(True)  # this batch's readings are not kept
                    return _replay(earlier, key=key, path=request.path,
                                   fingerprint=fingerprint)
        return Response(body, status=status.HTTP_200_OK)


class MeterConsumption(APIView):
    """Consumption over `[period_from, period_to)`, raw intervals or grouped, paginated."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["readings:read"]]}
    error_responses = {"GET": {403: "The token lacks `readings:read` "
                                    "(`insufficient_scope`), or the customer has not "
                                    "consented to this partner reading their data "
                                    "(`no_consent`)."}}

    @extend_schema(
        parameters=[s.ConsumptionQueryIn,
                    OpenApiParameter("page_size", int), OpenApiParameter("page", int)],
        responses={200: s.ConsumptionOut(many=True)},
    )
    def get(self, request, serial: str):
        query = s.ConsumptionQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        ConsumptionPages().check_query(request)  # before the read is done and recorded
        return consumption_response(request, serial=serial, user=request.user,
                                    client_id=_client_id(request),
                                    query=query.validated_data)


def consumption_response(request, *, serial: str, user, client_id: str,
                         query: dict) -> HttpResponse:
    """The consumption page for a validated query (`request`: DRF's, for the page links);
    GridlineErrors (no such meter, no consent, impossible period) propagate."""
    note = ReadNote(subject="meter.consumption",
                    detail={"meter": serial, **{k: str(v) for k, v in query.items()}})
    rows = consumption_read_by(user=user, client_id=client_id, serial=serial,
                               now=timezone.now(), note=note,
                               tz=request.tenant.time_zone, **query)
    paginator = ConsumptionPages()
    page = paginator.paginate_queryset(rows, request)
    # The shape of s.ConsumptionOut and the paginator's envelope, built and encoded
    # directly: this is the API's hot path, and a serializer per row or the renderer
    # cost more than the rest of the view.
    body = {
        "count": paginator.page.paginator.count,
        "next": paginator.get_next_link(),
        "previous": paginator.get_previous_link(),
        "results": [{"interval_start": _utc_text(a), "interval_end": _utc_text(b),
                     "consumption": str(kwh), "quality": q} for a, b, kwh, q in page],
    }
    return HttpResponse(json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                        content_type="application/json")
