"""The contracts a billing run prices for a period: the seam billing (and advice) loads
accounts through.

Two queries whatever the number of accounts: the contracts with their account, customer,
meter point and tariff version (and product) joined in, then the meter points' meters. The
meters come through the reverse relation `meter_point.meters` (metering's foreign key), so
this module needs no import of metering.
"""
from collections.abc import Collection
from dataclasses import dataclass

from accounts.models import Account, Contract, ContractStatus, Customer, MeterPoint
from core.ranges import DateRange, DateTimeRange, local_days


@dataclass(frozen=True)
class BillableContract:
    """One contract's part of a billing period.

    `days` are the contract's local days within the period (contract ∩ period);
    `instants` the same in UTC-comparable instants (the retailer's zone); `meters` the meter
    point's meters installed at some moment of those instants (metering.Meter rows; a
    meter exchange gives two), by installation time."""

    contract: Contract
    days: DateRange
    instants: DateTimeRange
    meters: tuple

    @property
    def account(self) -> Account:
        return self.contract.account

    @property
    def customer(self) -> Customer:
        return self.contract.customer

    @property
    def meter_point(self) -> MeterPoint:
        return self.contract.meter_point

    @property
    def tariff_version(self):
        """The contract's version (with its product), or None for a contract made before
        versions were required: billing reports it rather than skipping it silently."""
        return self.contract.tariff_version


def billable_contracts(*, period: DateRange, time_zone: str,
                       account_ids: Collection[int] | None = None) -> list[BillableContract]:
    """Every contract that is not cancelled and supplies some day of `period` (local days
    of `time_zone`, the retailer's), for these accounts (None: all), ordered by account,
    meter point and start; in two queries."""
    contracts = (
        Contract.objects.exclude(status=ContractStatus.CANCELLED)
        .overlapping(period.start, period.end)
        .select_related("account", "customer", "meter_point", "tariff_version__product")
        .prefetch_related("meter_point__meters")
        .order_by("account_id", "meter_point_id", "active_from", "pk")
    )
    if account_ids is not None:
        contracts = contracts.filter(account_id__in=list(account_ids))
    found = []
    for contract in contracts:
        days = DateRange(contract.active_from, contract.active_to).intersection(period)
        if days is None:
            continue
        instants = local_days(days, time_zone)
        meters = sorted(
            (meter for meter in contract.meter_point.meters.all()
             if DateTimeRange(meter.installed_at, meter.removed_at).overlaps(instants)),
            key=lambda meter: (meter.installed_at, meter.pk))
        found.append(BillableContract(contract=contract, days=days, instants=instants,
                                      meters=tuple(meters)))
    return found
