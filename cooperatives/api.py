"""Partner API: the retailer's cooperatives, their generators' production, members'
allocations (scope `cooperatives:read`). A partner of the retailer sees all of the
retailer's cooperatives (the schema confines it to its retailer); allocations name
members, so reading them is recorded in the customers' audit trail."""
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from accounts.authentication import client_id_of
from accounts.domain.audit import audit_record
from accounts.models import AuditAction, AuditChannel
from billing.domain.periods import month_period
from cooperatives import serializers as s
from cooperatives.domain.units import kwh_decimal
from cooperatives.models import Allocation, AllocationStatus, Cooperative, Generator
from cooperatives.services.carrying import carried_of_month
from core.api_inputs import StrictPages
from core.money import ZERO
from metering.domain.consumption import consumption_query_check, consumption_read

SCOPE = {"GET": [["cooperatives:read"]]}
NOT_FOUND = {"GET": {404: "No such cooperative or generator at this retailer."}}


class Pages(StrictPages):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 5000


class CooperativeList(APIView):
    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = SCOPE

    @extend_schema(parameters=[OpenApiParameter("page_size", int),
                               OpenApiParameter("page", int)],
                   responses={200: s.CooperativeOut(many=True)})
    def get(self, request):
        pages = Pages()
        coops = pages.paginate_queryset(
            Cooperative.objects.prefetch_related("generators").order_by("pk"), request, self)
        return pages.get_paginated_response(s.CooperativeOut([
            {"id": c.pk, "code": c.code, "name": c.name, "share_price": c.share_price,
             "kwh_per_share_year": c.kwh_per_share_year,
             "generation_price": c.generation_price, "allocation_method": c.allocation_method,
             "generators": [{"id": g.pk, "name": g.name, "kind": g.kind,
                             "capacity_kw": g.capacity_kw, "region": g.region,
                             "commissioning_date": g.commissioning_date}
                            for g in sorted(c.generators.all(), key=lambda g: g.pk)]}
            for c in coops], many=True).data)


class GeneratorProduction(APIView):
    """The generator's export meter's readings over `[period_from, period_to)`, raw or
    grouped as the consumption endpoint groups them."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = SCOPE
    error_responses = NOT_FOUND

    @extend_schema(parameters=[s.ProductionQueryIn, OpenApiParameter("page_size", int),
                               OpenApiParameter("page", int)],
                   responses={200: s.ProductionOut(many=True)})
    def get(self, request, generator_id: int):
        query = s.ProductionQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        generator = (Generator.objects.select_related("export_meter")
                     .filter(pk=generator_id).first())
        if generator is None:
            raise NotFound(f"No generator {generator_id}.")
        consumption_query_check(**query.validated_data)
        rows = consumption_read(meter=generator.export_meter, tz=request.tenant.time_zone,
                                **query.validated_data)
        pages = Pages()
        page = pages.paginate_queryset(rows, request, self)
        return pages.get_paginated_response([
            {"interval_start": a.isoformat(), "interval_end": b.isoformat(),
             "production": str(kwh), "quality": q} for a, b, kwh, q in page])


ZERO_KWH = kwh_decimal(0)


class CooperativeAllocations(APIView):
    """The members' allocations on live bills for one billing month."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = SCOPE
    error_responses = NOT_FOUND

    @extend_schema(parameters=[s.AllocationQueryIn, OpenApiParameter("page_size", int),
                               OpenApiParameter("page", int)],
                   responses={200: s.AllocationOut(many=True)})
    def get(self, request, cooperative_id: int):
        query = s.AllocationQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        coop = Cooperative.objects.filter(pk=cooperative_id).first()
        if coop is None:
            raise NotFound(f"No cooperative {cooperative_id}.")
        period = month_period(query.validated_data["period"])
        rows = (Allocation.objects.filter(cooperative=coop, status=AllocationStatus.LIVE,
                                          period_start__gte=period.start,
                                          period_start__lt=period.end)
                .values("member_id", "member__reference", "contract_id", "bill_id",
                        "period_start", "period_end", "kwh", "right_kwh", "amount"))
        # One row per contract and bill: the period's allocation and what the bill drew from
        # carried rights (a row may have either or both).
        merged = {(r["contract_id"], r["bill_id"]): {**r, "carried_kwh": ZERO_KWH,
                                                     "carried_amount": ZERO}
                  for r in rows}
        for r in carried_of_month(cooperative=coop, period=period):
            row = merged.setdefault((r["contract_id"], r["bill_id"]), {
                **r, "kwh": ZERO_KWH, "amount": ZERO})
            row["carried_kwh"], row["carried_amount"] = r["kwh"], r["amount"]
        ordered = sorted(merged.values(), key=lambda r: (r["member__reference"],
                                                         r["contract_id"], r["bill_id"]))
        pages = Pages()
        page = pages.paginate_queryset(ordered, request, self)
        audit_record(at=timezone.now(), customer_ids=[r["member_id"] for r in page],
                     action=AuditAction.READ, channel=AuditChannel.API,
                     subject="cooperative.allocations", actor_user=request.user,
                     actor_client_id=client_id_of(request),
                     detail={"cooperative": coop.code, "period": query.validated_data["period"]})
        return pages.get_paginated_response(s.AllocationOut([
            {"customer": r["member__reference"], "contract": r["contract_id"],
             "bill": r["bill_id"], "period_start": r["period_start"],
             "period_end": r["period_end"], "kwh": r["kwh"], "right_kwh": r["right_kwh"],
             "amount": r["amount"], "carried_kwh": r["carried_kwh"],
             "carried_amount": r["carried_amount"]} for r in page],
            many=True).data)
