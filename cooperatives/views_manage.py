"""Portal: the manager's page of a cooperative — costs, dividends and the share register.
Each form makes one call into cooperatives/services (atomic, with its event row)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.domain.audit import Actor
from accounts.models import AuditChannel, Customer
from billing.domain.periods import InvalidBillingPeriod, month_period
from cooperatives import forms
from cooperatives.models import CooperativeCost, DividendDistribution
from cooperatives.services.access import MANAGER, CooperativeNotVisible, access_cooperative_by_id
from cooperatives.services.costs import cost_record
from cooperatives.services.dividends import dividend_approve, dividend_propose
from cooperatives.services.shares import shares_buy, shares_redeem
from core.errors import GridlineError

FORMS = {"cost": forms.CostForm, "propose": forms.ProposeForm,
         "approve": forms.ApproveForm, "shares": forms.SharesForm}


@login_required
def cooperative_manage(request, cooperative_id: int):
    try:
        coop, role = access_cooperative_by_id(user=request.user, cooperative_id=cooperative_id)
    except CooperativeNotVisible as exc:
        raise Http404(exc.detail) from None
    if role != MANAGER:
        raise Http404("Only the cooperative's managers manage it.")
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in FORMS:
            raise Http404("No such form.")
        form = FORMS[action](request.POST)
        if form.is_valid():
            actor = Actor(channel=AuditChannel.PORTAL, at=timezone.now(), user=request.user)
            try:
                done = _apply(action, coop=coop, data=form.cleaned_data, actor=actor)
            except (GridlineError, InvalidBillingPeriod) as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, done)
                return redirect(reverse("cooperatives-portal:manage", args=[coop.pk]))
        bound[action] = form
    context = {
        "cooperative": coop,
        "forms": {name: bound.get(name) or form_class() for name, form_class in FORMS.items()},
        "costs": CooperativeCost.objects.filter(cooperative=coop).order_by("-period_start",
                                                                           "-pk")[:24],
        "distributions": DividendDistribution.objects.filter(cooperative=coop)
                                                     .order_by("-year", "-pk")[:10],
    }
    return render(request, "cooperatives/manage.html", context)


def _apply(action: str, *, coop, data: dict, actor: Actor) -> str:
    """One service call for the submitted form; returns what to tell the manager."""
    if action == "cost":
        cost = cost_record(cooperative=coop, period=month_period(data["month"]),
                           description=data["description"], amount=data["amount"],
                           actor=actor)
        return f"Cost of {cost.amount} recorded for {data['month']}."
    if action == "propose":
        distribution = dividend_propose(cooperative=coop, year=data["year"],
                                        method=data["method"], amount=data["amount"],
                                        rate=data["rate"], actor=actor)
        return f"Distribution of {distribution.amount} for {distribution.year} proposed."
    if action == "approve":
        distribution = (DividendDistribution.objects
                        .filter(cooperative=coop, pk=data["distribution"]).order_by("pk").first())
        if distribution is None:
            raise GridlineError(f"No distribution {data['distribution']} of {coop.code}.")
        credits = dividend_approve(distribution=distribution, actor=actor)
        return f"Distribution approved: {len(credits)} members credited."
    member = Customer.objects.filter(reference=data["member"]).order_by("pk").first()
    if member is None:
        raise GridlineError(f"No customer {data['member']!r}.")
    if data["change"] == "buy":
        shares_buy(cooperative=coop, member=member, shares=data["shares"], on=data["on"],
                   actor=actor)
        return f"{data['shares']} shares bought for {member.reference} from {data['on']}."
    left = shares_redeem(cooperative=coop, member=member, shares=data["shares"],
                         on=data["on"], actor=actor)
    return f"{data['shares']} shares redeemed for {member.reference}; {left} left."
