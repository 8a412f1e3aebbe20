"""The contracts a billing run prices for a period: the seam billing (and advice) loads
accounts through.

Three queries whatever the number of accounts, and plain values rather than ORM objects
(building 10,000 contracts with their account, customer, meter point and version as model
instances took seconds): the contracts with their account and customer, the meter points'
meters, the tariff versions with their products (as model instances: few, and what
`tariffs.domain.bulk.tariff_definitions_for` takes). The meters come through the reverse
relation `meter_point.meters` (metering's foreign key), so this module imports no metering.
"""
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from accounts.models import Contract, ContractStatus, MeterPoint
from core.ranges import DateRange, DateTimeRange, InvalidRange, local_days
from tariffs.models import TariffVersion


@dataclass(frozen=True)
class BillableMeter:
    id: int
    serial: str
    direction: str  # IMPORT or EXPORT
    interval_minutes: int
    installed_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True)
class BillableContract:
    """One contract's part of a billing period.

    `days` are the contract's local days within the period (contract ∩ period);
    `instants` the same as instants (the retailer's zone); `meters` the meter point's
    meters installed at some moment of those instants, by installation time (a meter
    exchange gives two). `tariff_version_id` is None for a contract made before versions
    were required: billing reports it rather than skipping it silently."""

    contract_id: int
    account_id: int
    account_number: str
    customer_id: int
    customer_kind: str
    customer_segment: str
    meter_point_id: int
    tariff_version_id: int | None
    settlement: str
    payment: str
    days: DateRange
    instants: DateTimeRange
    meters: tuple[BillableMeter, ...]


@dataclass(frozen=True)
class Billable:
    contracts: list[BillableContract]  # by account, meter point, start
    versions: dict[int, TariffVersion]  # the contracts' versions, each with its product


_CONTRACT_FIELDS = ("pk", "account_id", "account__number", "customer_id", "customer__kind",
                    "customer__segment", "meter_point_id", "tariff_version_id", "settlement",
                    "payment", "active_from", "active_to")
_METER_FIELDS = ("pk", "meters__id", "meters__serial", "meters__direction",
                 "meters__interval_minutes", "meters__installed_at", "meters__removed_at")


def billable_contracts(*, period: DateRange, time_zone: str,
                       account_ids: Collection[int] | None = None) -> Billable:
    """Every contract that is not cancelled and supplies some day of `period` (local days
    of `time_zone`, the retailer's), for these accounts (None: all), with its meters and
    versions; three queries whatever the number of accounts."""
    if period.end is None:
        raise InvalidRange(f"{period} is open-ended: a billing period has an end.")
    contracts = (Contract.objects.exclude(status=ContractStatus.CANCELLED)
                 .overlapping(period.start, period.end)
                 .order_by("account_id", "meter_point_id", "active_from", "pk"))
    if account_ids is not None:
        contracts = contracts.filter(account_id__in=list(account_ids))
    rows = list(contracts.values_list(*_CONTRACT_FIELDS))
    meters_by_point: dict[int, list[BillableMeter]] = {}
    points = sorted({row[6] for row in rows})
    for point, *meter in (MeterPoint.objects.filter(pk__in=points, meters__isnull=False)
                          .order_by("pk", "meters__installed_at", "meters__id")
                          .values_list(*_METER_FIELDS)):
        meters_by_point.setdefault(point, []).append(BillableMeter(*meter))
    version_ids = sorted({row[7] for row in rows if row[7] is not None})
    versions = ({v.pk: v for v in TariffVersion.objects.select_related("product")
                 .filter(pk__in=version_ids)} if version_ids else {})

    @cache
    def days_and_instants(start: date, end: date | None):
        days = DateRange(start, end).intersection(period)
        return days, (local_days(days, time_zone) if days is not None else None)

    found = []
    for (pk, account, number, customer, kind, segment, point, version, settlement, payment,
         active_from, active_to) in rows:
        days, instants = days_and_instants(active_from, active_to)
        if days is None:
            continue
        meters = tuple(m for m in meters_by_point.get(point, ())
                       if DateTimeRange(m.installed_at, m.removed_at).overlaps(instants))
        found.append(BillableContract(
            contract_id=pk, account_id=account, account_number=number, customer_id=customer,
            customer_kind=kind, customer_segment=segment, meter_point_id=point,
            tariff_version_id=version, settlement=settlement, payment=payment, days=days,
            instants=instants, meters=meters))
    return Billable(contracts=found, versions=versions)
