"""The tariffs on offer to one customer today, with what a price list shows."""
from datetime import date

from tariffs.models import Product, TariffVersion

from .bulk import tariff_definitions_for
from .catalogue import product_offered_to
from .rates import published_rates


def versions_in_force(*, products, on: date) -> dict[int, TariffVersion]:
    """`{product id: its version in force on on}` for these products, in one query (with
    each version's product)."""
    versions = (TariffVersion.objects.active_on(on).filter(product__in=products)
                .select_related("product").order_by("product_id", "active_from"))
    found = {}
    for version in versions:
        found.setdefault(version.product_id, version)
    return found


def offers_for_customer(*, customer, today: date) -> list[dict]:
    """Products on sale `today` (the retailer's) to this customer: a constant number of
    queries whatever the number of products."""
    products = [product for product in Product.objects.available_on(today).order_by("name")
                if product_offered_to(product=product, kind=customer.kind,
                                      segment=customer.segment)]
    versions = versions_in_force(products=products, on=today)
    definitions = tariff_definitions_for(versions=versions.values())
    offers = []
    for product in products:
        version = versions.get(product.pk)
        if version is None:
            continue
        tariff = definitions[version.pk]
        offers.append({
            "product": product,
            "version": version,
            "spot_rates": tariff.spot_rates,
            "rates": published_rates(tariff=tariff, valid_from=version.active_from,
                                     valid_to=version.active_to),
        })
    return offers
