"""Creating a retailer: its row, its schema (all tenant migrations), its domain, its first staff."""
import re

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name, schema_context

from core.errors import GridlineError
from tenants.models import Domain, Retailer

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
RESERVED_SLUGS = {"public", "information_schema", "pg_catalog", "pg_toast"}


class UnableToCreateRetailer(GridlineError):
    code = "retailer_invalid"


def retailer_create_problem(*, slug: str, host: str) -> str | None:
    """Why a retailer with this slug and host cannot be created, or None."""
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS or slug.startswith("pg_"):
        return (
            f"Slug {slug!r} is not usable as a schema name: use 2-41 lower-case letters, "
            "digits or underscores, starting with a letter."
        )
    if Retailer.objects.filter(schema_name=slug).exists():
        return f"A retailer with slug {slug!r} already exists."
    if Domain.objects.filter(domain=host).exists():
        return f"Host {host!r} is already routed to another retailer."
    return None


def retailer_create(
    *,
    slug: str,
    name: str,
    host: str,
    staff_username: str,
    staff_email: str,
    staff_password: str,
) -> Retailer:
    """Create a retailer with schema `slug`, routed at `host`, and its first staff user.

    The first staff user is the retailer's administrator (not a superuser): it is made by
    settings.GRIDLINE_RETAILER_FIRST_USER, since the roles belong to the accounts app,
    which this app does not import. Users live per schema, so rights end at its edge.
    """
    problem = retailer_create_problem(slug=slug, host=host)
    if problem:
        raise UnableToCreateRetailer(problem)

    with transaction.atomic():
        retailer = Retailer.objects.create(schema_name=slug, name=name)
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
    platform, _ = Retailer.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"name": "Gridline platform"}
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
