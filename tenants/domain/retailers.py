"""Creating a retailer: its row, its schema (all tenant migrations), its domain, its first staff."""
import re
from zoneinfo import available_timezones

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name, schema_context

from core.errors import GridlineError
from tenants.models import Domain, Retailer

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
RESERVED_SLUGS = {"public", "information_schema", "pg_catalog", "pg_toast"}


class UnableToCreateRetailer(GridlineError):
    code = "retailer_invalid"


def time_zone_problem(time_zone: str) -> str | None:
    if time_zone not in available_timezones():
        return f"Time zone {time_zone!r} is not an IANA zone name such as Europe/London."
    return None


def retailer_create_problem(*, slug: str, host: str, time_zone: str,
                            currency: str) -> str | None:
    """Why a retailer with this slug, host, zone and currency cannot be created, or None."""
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS or slug.startswith("pg_"):
        return (
            f"Slug {slug!r} is not usable as a schema name: use 2-41 lower-case letters, "
            "digits or underscores, starting with a letter."
        )
    if Retailer.objects.filter(schema_name=slug).exists():
        return f"A retailer with slug {slug!r} already exists."
    if Domain.objects.filter(domain=host).exists():
        return f"Host {host!r} is already routed to another retailer."
    if problem := time_zone_problem(time_zone):
        return problem
    if not CURRENCY_PATTERN.match(currency or ""):
        return f"Currency {currency!r} is not an ISO 4217 code such as GBP or EUR."
    return None


def retailer_create(
    *,
    slug: str,
    name: str,
    host: str,
    staff_username: str,
    staff_email: str,
    staff_password: str,
    time_zone: str,
    currency: str,
) -> Retailer:
    """Create a retailer with schema `slug`, routed at `host`, and its first staff user.

    `time_zone` (IANA) is where its local days are; `currency` (ISO 4217) what it bills in.

    The first staff user is the retailer's administrator (not a superuser): it is made by
    settings.GRIDLINE_RETAILER_FIRST_USER, since the roles belong to the accounts app,
    which this app does not import. Users live per schema, so rights end at its edge.
    """
    problem = retailer_create_problem(slug=slug, host=host, time_zone=time_zone,
                                      currency=currency)
    if problem:
        raise UnableToCreateRetailer(problem)

    with transaction.atomic():
        retailer = Retailer.objects.create(schema_name=slug, name=name, time_zone=time_zone,
                                           currency=currency)
        Domain.objects.create(tenant=retailer, domain=host, is_primary=True)
    # Schema creation runs every tenant migration; it is not inside the transaction above
    # because migrations manage their own transactions. A failure removes the row again.
    try:
        retailer.create_schema(check_if_exists=True, verbosity=0)
        with schema_context(slug):
            first_user_create = import_string(settings.GRIDLINE_RETAILER_FIRST_USER)
            first_user_create(username=staff_username, email=staff_email,
                              password=staff_password)
    except Exception:
        # Leave nothing half-made: the row, its domain and whatever of the schema exists.
        with schema_context(get_public_schema_name()):
            retailer.delete(force_drop=True)
        raise
    return retailer


def platform_tenant_ensure(*, host: str) -> Retailer:
    """The public schema's own row, so the platform host routes to the public URLconf."""
    # The platform sells nothing: UTC and "XXX" (ISO 4217's "no currency").
    platform, _ = Retailer.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"name": "Gridline platform", "time_zone": "UTC", "currency": "XXX"},
    )
    Domain.objects.get_or_create(
        domain=host, defaults={"tenant": platform, "is_primary": True}
    )
    return platform


def retailer_brand_set(*, retailer: Retailer, colour: str) -> Retailer:
    """Set the retailer's portal colour (#rrggbb)."""
    if not re.match(r"^#[0-9a-fA-F]{6}$", colour):
        raise UnableToCreateRetailer(f"{colour!r} is not a colour like #0b7a53.")
    Retailer.objects.filter(pk=retailer.pk).update(brand_colour=colour)
    retailer.brand_colour = colour
    return retailer
def retailer_current() -> Retailer:
    """The retailer whose schema the connection is in: for tasks and commands, which read
    its time zone and pass it into the domain. Raises Retailer.DoesNotExist outside one."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Retailer) and tenant.schema_name != get_public_schema_name():
        return tenant
    if connection.schema_name == get_public_schema_name():
        raise Retailer.DoesNotExist("The connection is in the public schema, not a retailer's.")
    return Retailer.objects.get(schema_name=connection.schema_name)
