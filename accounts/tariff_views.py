"""Portal: the tariffs a customer can choose, with a plain price summary."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.domain.access import CustomerNotVisible, customer_of_login
from core.ranges import local_date
from tariffs.domain.offers import offers_for_customer


@login_required
def offered_tariffs(request):
    try:
        customer = customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer account.") from None
    offers = offers_for_customer(customer=customer,
                                 today=local_date(timezone.now(), request.tenant.time_zone))
    return render(request, "tariffs/offered.html", {"customer": customer, "offers": offers})
