"""Tariff definitions for many versions at once: the seam billing, quotes, offers and advice
price through.

Building one definition from its rows reads eight tables; for N versions that would be 8N
queries. Here the versions' rows are read with one query per component table (seven),
whatever N is, plus one for the versions when the caller has only ids. A billed version
never changes (a database trigger refuses it, migration tariffs 0004), so its definition is
kept in this process's memo, keyed by schema, version and billing stamp: pricing a billing
run's versions a second time reads nothing.
"""
from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

from tariffs.models import (
    DemandChargeTier,
    ExportRate,
    GroupDiscount,
    Levy,
    SpotRate,
    TariffVersion,
    TimeBandRule,
    UnitRate,
)

from .codec import definition_from_json
from .definitions import TariffDefinition
from .validation import InvalidTariffDefinition
from .version_rows import version_document

MEMO_SIZE = 20_000

_memo: OrderedDict[tuple, TariffDefinition] = OrderedDict()
_memo_lock = Lock()

# Each relation in the order version_document reads it.
COMPONENTS = (
    Prefetch("band_rules", queryset=TimeBandRule.objects.order_by("schedule", "position", "pk")),
    Prefetch("unit_rates", queryset=UnitRate.objects.order_by("pk")),
    Prefetch("demand_charges", queryset=DemandChargeTier.objects.order_by("pk")),
    Prefetch("spot_rates", queryset=SpotRate.objects.order_by("pk")),
    Prefetch("export_rates", queryset=ExportRate.objects.order_by("pk")),
    Prefetch("levies", queryset=Levy.objects.order_by("pk")),
    Prefetch("group_discounts", queryset=GroupDiscount.objects.order_by("pk")),
)


def _memo_key(version: TariffVersion) -> tuple | None:
    if version.first_billed_at is None:
        return None  # still editable: always read afresh
    return (connection.schema_name, version.pk, version.first_billed_at)


def tariff_definitions_for(*, versions: Iterable[TariffVersion]) -> dict[int, TariffDefinition]:
    """`{version id: definition}` for versions the caller has loaded (with their product,
    e.g. `select_related("tariff_version__product")`): seven queries for those not in the
    memo, none when every one is (billed and read before in this process).

    A version whose stored rows do not make a valid definition raises
    InvalidTariffDefinition naming it (every write path validates, so this is a bug)."""
    versions = {version.pk: version for version in versions}
    found: dict[int, TariffDefinition] = {}
    missing = []
    for pk, version in versions.items():
        key = _memo_key(version)
        definition = _memo.get(key) if key is not None else None
        if definition is None:
            missing.append(version)
        else:
            found[pk] = definition
    if missing:
        prefetch_related_objects(missing, *COMPONENTS)
    for version in missing:
        try:
            definition = definition_from_json(version_document(version=version))
        except InvalidTariffDefinition as exc:
            raise InvalidTariffDefinition(
                f"tariff version {version.pk} of {version.product.code}: {exc.detail}"
            ) from exc
        found[version.pk] = definition
        key = _memo_key(version)
        if key is not None:
            _memo_put(key, definition)
    return found


def tariff_definitions_load(*, version_ids: Iterable[int]) -> dict[int, TariffDefinition]:
    """`{version id: definition}` by ids: one query for the versions and their products,
    then as `tariff_definitions_for`. Ids not in this retailer's schema are left out."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    versions = TariffVersion.objects.select_related("product").filter(pk__in=ids)
    return tariff_definitions_for(versions=versions)


def _memo_put(key: tuple, definition: TariffDefinition) -> None:
    with _memo_lock:
        _memo[key] = definition
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def tariff_definitions_memo_clear() -> None:
    """Forget every memoised definition (tests; a process that restored a database)."""
    with _memo_lock:
        _memo.clear()
