"""What demo_credentials prints about the Octopus-compatible API, per demo retailer
(settings.DEMO_CREDENTIALS_EXTRAS): each demo customer login's key and identifiers, and
the demo's time-of-use and spot-indexed product codes. Runs in the retailer's schema."""
from django.utils import timezone

from accounts.domain.demo import DEMO_RETAILERS, demo_api_key
from accounts.models import CustomerUser
from api_compat.domain.customers import customer_identifiers
from api_compat.domain.rates import import_spot_rates
from core.ranges import local_date
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.domain.offers import versions_in_force
from tariffs.models import Product
from tenants.models import Retailer


def _product_kinds(today) -> dict[str, list[str]]:
    products = list(Product.objects.order_by("code"))
    versions = versions_in_force(products=products, on=today)
    definitions = tariff_definitions_for(versions=versions.values())
    kinds = {"time_of_use": [], "spot_indexed": []}
    for product in products:
        version = versions.get(product.pk)
        if version is None:
            continue
        tariff = definitions[version.pk]
        if import_spot_rates(tariff):
            kinds["spot_indexed"].append(product.code)
        elif len(tariff.energy_schedule.bands) > 1:
            kinds["time_of_use"].append(product.code)
    return kinds


def octopus_api_credentials(*, slug: str, base_url: str) -> dict:
    retailer = Retailer.objects.get(schema_name=slug)
    today = local_date(timezone.now(), retailer.time_zone)
    spec = DEMO_RETAILERS[slug]
    logins = [spec["household"][0], *spec["enterprise"][0]]
    customers = []
    for link in (CustomerUser.objects.select_related("user").filter(user__username__in=logins)
                 .order_by("customer_id", "user_id")):
        ids = customer_identifiers(customer_id=link.customer_id, today=today)
        point = ids["meter_points"][0] if ids["meter_points"] else {}
        customers.append({
            "username": link.user.username,
            "api_key": demo_api_key(slug, link.user.username),
            "account_number": (ids["account_numbers"] or [None])[0],
            "mpan": point.get("mpan"),
            "meter_serial": (point.get("meter_serials") or [None])[0],
            "tariff_code": point.get("tariff_code"),
            "meter_points": ids["meter_points"],
        })
    return {"base_url": base_url, "products": _product_kinds(today), "customers": customers}
