"""Products and tariff versions in the database: making, superseding, cloning, loading.

The pricing maths lives in the pure modules beside this one; this module is where the
ORM meets them. A version's definition is validated by building the `TariffDefinition`
before anything is saved.
"""
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from core.errors import GridlineError
from core.ranges import active_on
from tariffs.models import Product, TariffVersion

from .bulk import tariff_definitions_for
from .codec import definition_from_json, definition_to_json
from .definitions import TariffDefinition
from .engine import price_by_billing_period
from .load_files import breakdown_json, load_profile_from_lines
from .urdb import urdb_to_tariff
from .urdb_export import UrdbExport, tariff_to_urdb
from .version_rows import version_document, version_rows_write


class UnableToSaveTariffVersion(GridlineError):
    code = "tariff_version_invalid"


class TariffVersionsOverlap(UnableToSaveTariffVersion):
    code = "tariff_versions_overlap"
    status = 409


class TariffVersionBilled(UnableToSaveTariffVersion):
    code = "tariff_version_billed"
    status = 409


class CustomerNotEligible(GridlineError):
    code = "not_eligible"


class UnknownProduct(GridlineError):
    code = "unknown_product"
    status = 404


class UnknownTariffVersion(GridlineError):
    code = "unknown_tariff_version"
    status = 400


def tariff_version_create(
    *, product: Product, active_from: date, active_to: date | None, definition: dict,
    currency: str = "GBP",
) -> TariffVersion:
    """Validate `definition` (codec.py's document) and save it as the product's version for
    [active_from, active_to), with its components as rows."""
    tariff = definition_from_json(definition)
    if active_to is not None and active_to <= active_from:
        raise UnableToSaveTariffVersion(
            f"The period [{active_from}, {active_to}) is empty: active_to must be after "
            "active_from."
        )
    try:
        with transaction.atomic():
            version = TariffVersion(product=product, active_from=active_from,
                                    active_to=active_to, currency=currency)
            version_rows_write(version=version, tariff=tariff)
            return version
    except IntegrityError as exc:
        if "tariff_version_no_overlap_per_product" not in str(exc):
            raise
        raise TariffVersionsOverlap(
            f"Product {product.code} already has a version covering part of "
            f"[{active_from}, {active_to or '…'}); end it first. Nothing was saved."
        ) from None


def tariff_version_supersede(
    *, version: TariffVersion, active_from: date, definition: dict
) -> TariffVersion:
    """End `version` at `active_from` and start a new version there (the way prices change)."""
    if active_from <= version.active_from:
        raise UnableToSaveTariffVersion(
            f"A successor must start after {version.active_from}, the start of the version it "
            "supersedes."
        )
    with transaction.atomic():
        old_end = version.active_to
        TariffVersion.objects.filter(pk=version.pk).update(active_to=active_from)
        return tariff_version_create(
            product=version.product, active_from=active_from, active_to=old_end,
            definition=definition, currency=version.currency,
        )


def tariff_version_clone(*, version: TariffVersion, active_from: date) -> TariffVersion:
    """The next version: the same components from `active_from`, ending `version` there."""
    return tariff_version_supersede(version=version, active_from=active_from,
                                    definition=version_document(version=version))


def tariff_version_clone_next(*, version: TariffVersion, today: date) -> TariffVersion:
    """Clone `version` into one starting on the first of the month after `today` (the
    retailer's) or after the version's own start, whichever is later."""
    start = max(version.active_from, today)
    return tariff_version_clone(version=version,
                                active_from=(start.replace(day=1) + timedelta(days=32))
                                .replace(day=1))


def tariff_version_check_editable(*, version: TariffVersion) -> None:
    """Refuse any change to a billed version's components (its rows or fields other than
    the end of its period, which superseding moves). Every mutation path calls it; the
    database refuses the same (trigger of migration tariffs 0004)."""
    if version.first_billed_at is not None:
        raise TariffVersionBilled(
            f"Version {version.pk} of {version.product.code} has billed since "
            f"{version.first_billed_at:%Y-%m-%d}; it is never edited. Clone it into a new "
            "version that supersedes it."
        )


def tariff_version_check_valid(*, version: TariffVersion) -> None:
    """Raise InvalidTariffDefinition when the version's stored rows do not make a valid
    definition (the admin calls it after saving rows, inside its transaction)."""
    tariff_definition(version=TariffVersion.objects.select_related("product").get(
        pk=version.pk))


def tariff_versions_mark_billed(*, version_ids, at: datetime) -> int:
    """Stamp the versions a bill used, the first time only; from then on they are
    immutable. Returns how many were newly stamped."""
    return (TariffVersion.objects.filter(pk__in=list(version_ids), first_billed_at__isnull=True)
            .update(first_billed_at=at))


def tariff_definition(*, version: TariffVersion) -> TariffDefinition:
    """The engine's view of a version (validated: an edit that broke it raises here). For
    many versions use tariffs/domain/bulk.py (constant queries)."""
    return tariff_definitions_for(versions=[version])[version.pk]


def version_is_dynamic(*, version: TariffVersion) -> bool:
    return version.spot_rates.exists()


def product_offered_to(*, product: Product, kind: str, segment: str) -> bool:
    if kind not in product.customer_kinds:
        return False
    return not product.segments or segment in product.segments


def check_eligible(*, product: Product, kind: str, segment: str, on: date) -> None:
    if not product_offered_to(product=product, kind=kind, segment=segment):
        offered = ", ".join(product.customer_kinds) or "nobody"
        segments = f" in segments {', '.join(product.segments)}" if product.segments else ""
        raise CustomerNotEligible(
            f"Product {product.code} is offered to {offered}{segments}; this customer is "
            f"{kind}{f' ({segment})' if segment else ''}."
        )
    if not active_on(product.available_from, product.available_to, on):
        raise CustomerNotEligible(
            f"Product {product.code} is on sale [{product.available_from}, "
            f"{product.available_to or '…'}); {on} is outside it."
        )


def version_active_on(*, product: Product, on: date) -> TariffVersion | None:
    return product.versions.active_on(on).order_by("active_from").first()


def tariff_version_resolve(*, version_id: int | None, product_code: str | None,
                           on: date) -> TariffVersion:
    """The version a new contract names: by id, or the product's version in force on `on`
    (with its product loaded)."""
    if version_id is not None:
        version = TariffVersion.objects.select_related("product").filter(pk=version_id).first()
        if version is None:
            raise UnknownTariffVersion(f"No tariff version {version_id}.")
        return version
    version = (TariffVersion.objects.select_related("product").active_on(on)
               .filter(product__code=product_code).order_by("active_from").first())
    if version is None:
        if not Product.objects.filter(code=product_code).exists():
            raise UnknownTariffVersion(f"No product with code {product_code!r}.")
        raise UnknownTariffVersion(f"Product {product_code} has no version in force on {on}.")
    return version


# --- URDB files and load files ----------------------------------------------------------

@dataclass(frozen=True)
class ProductImport:
    product: Product
    version: TariffVersion
    warnings: tuple[str, ...]


def _code_from(name: str) -> str:
    code = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")
    return code[:60] or "URDB-TARIFF"


def urdb_product_import(
    *, urdb_text: str, time_zone: str, code: str | None, customer_kinds: list[str],
    active_from: date | None,
) -> ProductImport:
    """A product and its first version from one URDB rate; unsupported fields come back as
    warnings. Nothing is saved when the file cannot be converted."""
    imported = urdb_to_tariff(urdb=urdb_text, time_zone=time_zone)
    data = json.loads(urdb_text)
    if isinstance(data, dict) and "items" in data:
        data = data["items"][0]
    start = active_from or _urdb_start(data) or date(2000, 1, 1)
    code = code or _code_from(data.get("label") or imported.tariff.name)
    if Product.objects.filter(code=code).exists():
        raise UnableToSaveTariffVersion(
            f"Product {code} exists already; pass --code to import under another code."
        )
    with transaction.atomic():
        product = Product.objects.create(
            code=code, name=imported.tariff.name[:200],
            description=str(data.get("description", ""))[:2000],
            customer_kinds=customer_kinds, available_from=start,
        )
        version = tariff_version_create(
            product=product, active_from=start, active_to=None,
            definition=definition_to_json(imported.tariff),
            currency="USD",
        )
    return ProductImport(product=product, version=version, warnings=imported.warnings)


def _urdb_start(data: dict) -> date | None:
    start = data.get("startdate")
    if isinstance(start, int | float):
        return datetime.fromtimestamp(start, tz=UTC).date()
    return None


def _product_version(*, code: str, on: date | None) -> TariffVersion:
    product = Product.objects.filter(code=code).first()
    if product is None:
        raise UnknownProduct(f"No product with code {code!r}.")
    versions = product.versions.order_by("-active_from")
    version = version_active_on(product=product, on=on) if on else versions.first()
    if version is None:
        raise UnknownProduct(f"Product {code} has no version{f' in force on {on}' if on else ''}.")
    return version


def urdb_product_export(*, code: str, on: date | None) -> UrdbExport:
    version = _product_version(code=code, on=on)
    return tariff_to_urdb(tariff=tariff_definition(version=version))


def product_price_load(
    *, code: str, lines, by: str, start: datetime | None, interval: timedelta | None,
    customer_group: str | None,
) -> dict:
    """Price a load file under the product's versions: each billing period under the
    version in force at its start."""
    profile = load_profile_from_lines(lines=lines, start=start, interval=interval)
    version = _product_version(code=code, on=profile_start(profile).date())
    tariff = tariff_definition(version=version)
    zone = ZoneInfo(tariff.time_zone)  # periods and their bounds read in local time
    first, end = profile_start(profile).astimezone(zone), profile_end(profile).astimezone(zone)
    breakdowns = price_by_billing_period(
        tariff=tariff, profile=profile, start=first, end=end, by=by,
        customer_group=customer_group,
    )
    return {"tariff": code, "version": version.pk,
            "periods": [breakdown_json(b) for b in breakdowns]}


def profile_start(profile) -> datetime:
    return datetime.fromtimestamp(int(profile.interval_starts[0]) / 1e9, tz=UTC)


def profile_end(profile) -> datetime:
    last = datetime.fromtimestamp(int(profile.interval_starts[-1]) / 1e9, tz=UTC)
    return last + profile.interval
