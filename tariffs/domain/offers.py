"""The tariffs on offer to one customer today, with what a price list shows."""
from datetime import date

from tariffs.models import Product

from .catalogue import product_offered_to, tariff_definition, version_active_on
from .rates import published_rates


def offers_for_customer(*, customer, today: date) -> list[dict]:
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
    return offers
