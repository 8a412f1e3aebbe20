"""Portal: the tariffs a customer can choose, with a plain price summary and what the
customer's own recent consumption would have cost on each (their current one marked)."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.domain.access import CustomerNotVisible, customer_of_login
from accounts.domain.costs import offers_mark_costs
from core.ranges import local_date
from tariffs.domain.intervals import interval_wording
from tariffs.domain.offers import offers_for_customer


@login_required
def offered_tariffs(request):
    try:
        customer = customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer account.") from None
    today = local_date(timezone.now(), request.tenant.time_zone)
    offers = offers_for_customer(customer=customer, today=today)
    # The readings belong to the metering app, which sits above this one: it is named in
    # settings rather than imported.
    profile = import_string(settings.PORTAL_CONSUMPTION_PROFILE)(
        customer=customer, today=today, time_zone=request.tenant.time_zone)
    current_contract = offers_mark_costs(customer=customer, offers=offers, profile=profile,
                                         today=today)
    return render(request, "tariffs/offered.html", {
        "customer": customer, "offers": offers, "profile": profile,
        "current_contract": current_contract,
        "interval_wording": interval_wording()})
