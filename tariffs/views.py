"""Portal: the tariffs a customer can choose, with a plain price summary."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.domain.access import CustomerNotVisible, customer_of_login
from tariffs.domain.catalogue import product_offered_to, tariff_definition, version_active_on
from tariffs.domain.rates import published_rates
from tariffs.models import Product


@login_required
def offered_tariffs(request):
    try:
        customer = customer_of_login(user=request.user)
    except CustomerNotVisible:
        raise Http404("This login has no customer account.") from None
    today = timezone.localdate()
    offers = []
    products = (Product.objects.filter(available_from__lte=today)
                .exclude(available_to__lte=today).order_by("name"))
    for product in products:
        if not product_offered_to(product=product, kind=customer.kind, segment=customer.segment):
            continue
        version = version_active_on(product=product, on=today)
        if version is None:
            continue
        tariff = tariff_definition(version=version)
        offers.append({
            "product": product,
            "version": version,
            "spot_rates": tariff.spot_rates,
            "rates": published_rates(tariff=tariff, valid_from=version.active_from,
                                     valid_to=version.active_to),
        })
    return render(request, "tariffs/offered.html", {"customer": customer, "offers": offers})
