"""Everything a chunk of accounts needs to be priced for one period, in a constant number of
queries whatever the number of accounts: the billable contracts (3), the versions of their
products in force in the period (1) and their definitions (7, none when memoised), the
meters' profiles (one COPY per interval length), the market prices of dynamic tariffs (1)
and the contract terms of final bills (1)."""
from collections import defaultdict
from collections.abc import Collection

from accounts.domain.billable import billable_contracts
from accounts.models import Contract
from core.ranges import DateRange, local_days
from market.domain.series import price_series_load, prices_on_grid
from metering.domain.profiles import interval_profiles_load
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.models import TariffVersion

from .generation import generation_source
from .pricing import ContractTerm, PricedBill, ProfileGrid, VersionSpan, accounts_price


def chunk_price(*, period: DateRange, time_zone: str, account_ids: Collection[int],
                with_generation: bool = True):
    """(bills, holds) of these accounts for `period` (see pricing.accounts_price). Accounts
    with no contract supplying a day of the period are neither: the caller skips them.
    `with_generation`: community generation allocated by the generation source (bills;
    prepay days are charged on their whole consumption)."""
    billable = billable_contracts(period=period, time_zone=time_zone, account_ids=account_ids)
    by_account = defaultdict(list)
    for contract in billable.contracts:
        by_account[contract.account_id].append(contract)
    if not by_account:
        return [], []
    product_ids = {v.product_id for v in billable.versions.values()}
    version_rows = list(TariffVersion.objects.select_related("product")
                        .filter(product_id__in=product_ids)
                        .overlapping(period.start, period.end).order_by("active_from"))
    for version in billable.versions.values():  # a contract's own version, even if earlier
        if version.pk not in {v.pk for v in version_rows}:
            version_rows.append(version)
    definitions = tariff_definitions_for(versions=version_rows)
    spans = [VersionSpan(id=v.pk, product_id=v.product_id, product_code=v.product.code,
                         days=DateRange(v.active_from, v.active_to),
                         term_months=v.product.term_months, exit_fee=v.product.exit_fee)
             for v in version_rows]
    instants = local_days(period, time_zone)
    meters_by_minutes = defaultdict(set)
    for contract in billable.contracts:
        for meter in contract.meters:
            meters_by_minutes[meter.interval_minutes].add(meter.id)
    grids = {}
    for minutes, meter_ids in meters_by_minutes.items():
        profiles = interval_profiles_load(meter_ids=sorted(meter_ids), period=instants,
                                          interval_minutes=minutes)
        grids[minutes] = ProfileGrid(
            starts=profiles.starts, interval=profiles.interval, kwh=profiles.kwh,
            quality=profiles.quality, time_zone=time_zone,
            row_of={int(m): row for row, m in enumerate(profiles.meter_ids)})
    instruments = {rate.instrument for d in definitions.values() for rate in d.spot_rates}
    series = price_series_load(instrument_codes=instruments, period=instants) \
        if instruments else {}
    spot = {minutes: prices_on_grid(series=series, step_minutes=minutes)
            for minutes in grids} if series else None
    ending = [c.contract_id for c in billable.contracts if c.days.end < period.end]
    terms = {pk: ContractTerm(active_from=start, active_to=end) for pk, start, end in
             Contract.objects.filter(pk__in=ending).values_list("pk", "active_from",
                                                                  "active_to")} \
        if ending else {}
    source = generation_source() if with_generation else None
    generation = source.allocate(period=period, time_zone=time_zone,
                                 contracts=billable.contracts, grids=grids) if source else None
    bills, holds = accounts_price(
        period=period, time_zone=time_zone, contracts_by_account=by_account,
        versions=spans, definitions=definitions, grids=grids, spot_prices=spot, terms=terms,
        generation=generation)
    return bills, holds


__all__ = ["PricedBill", "chunk_price"]
