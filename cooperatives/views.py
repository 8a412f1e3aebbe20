"""Portal: the generator dashboard. Managers of a cooperative see all of it; a member's
login sees the generators and their own shares and allocations (and, when the cooperative
carries rights, their lots: held, expiring, expired)."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.domain.access import CustomerNotVisible, customer_of_login
from cooperatives.models import Allocation, AllocationStatus, Shareholding
from cooperatives.services.access import (
    MANAGER,
    CooperativeNotVisible,
    access_cooperative_by_id,
    cooperatives_visible_to,
)
from cooperatives.services.carrying import lots_statement
from cooperatives.services.dashboard import generator_cards, manager_view, production_chart_spec
from core.ranges import local_date


@login_required
def cooperative_list(request):
    coops = list(cooperatives_visible_to(user=request.user).order_by("code"))
    if not coops:
        raise Http404("This login sees no cooperative.")
    return render(request, "cooperatives/list.html", {"cooperatives": coops})


@login_required
def cooperative_dashboard(request, cooperative_id: int):
    try:
        coop, role = access_cooperative_by_id(user=request.user, cooperative_id=cooperative_id)
    except CooperativeNotVisible as exc:
        raise Http404(exc.detail) from None
    today = local_date(timezone.now(), request.tenant.time_zone)
    cards = generator_cards(cooperative=coop, today=today)
    context = {"cooperative": coop, "role": role, "cards": cards, "today": today,
               "spec": production_chart_spec(cards)}
    if role == MANAGER:
        context["manager"] = manager_view(cooperative=coop, today=today, at=timezone.now())
    else:
        try:
            customer = customer_of_login(user=request.user)
        except CustomerNotVisible:
            raise Http404("No cooperative.") from None
        context["my_shares"] = sum(h.shares for h in Shareholding.objects.filter(
            cooperative=coop, member=customer).active_on(today))
        context["my_allocations"] = list(
            Allocation.objects.filter(cooperative=coop, member=customer,
                                      status=AllocationStatus.LIVE)
            .order_by("-period_start").values("period_start", "kwh", "amount")[:12])
        if coop.rights_carry_months:
            context["my_lots"] = lots_statement(cooperative=coop, member=customer,
                                                at=timezone.now())[:12]
    return render(request, "cooperatives/dashboard.html", context)
