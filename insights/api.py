"""Partner API: a customer's savings advice, consent-scoped like consumption."""
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from oauth2_provider.contrib.rest_framework import TokenMatchesOASRequirements
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import client_id_of
from accounts.domain.access import CustomerNotVisible
from insights import serializers as s
from insights.reports import insights_read_by


class CustomerInsights(APIView):
    """The customer's latest home energy report: baseline, neighbours, where the energy
    goes, trend, bill forecast, tariffs and ranked recommendations."""

    permission_classes = [TokenMatchesOASRequirements]
    required_alternate_scopes = {"GET": [["insights:read"]]}
    error_responses = {"GET": {403: "The token lacks `insights:read` "
                                    "(`insufficient_scope`), or the customer has not "
                                    "consented to this partner reading their data "
                                    "(`no_consent`).",
                               404: "No such customer (`not_found`), or no report yet "
                                    "(`no_insights`)."}}

    @extend_schema(responses={200: s.InsightsOut})
    def get(self, request, pk: int):
        try:
            body = insights_read_by(user=request.user, client_id=client_id_of(request),
                                    customer_id=pk, now=timezone.now())
        except CustomerNotVisible:
            raise Http404(f"No customer {pk}.") from None
        return Response(body)
