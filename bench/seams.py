"""Benchmark of the bulk seams billing loads through, beside the one-at-a-time way, in the
same run (the profile seam has its own: bench/profiles.py).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/seams.py --accounts 10000

Uses the benchmark database and retailer of bench/profiles.py (`benchprofiles`). The first
run gives `--accounts` of its demo customers an account and a contract on one of `--products`
products (each version with time bands, tiers and export: the demo's night saver), and the
market a month of hourly prices for two instruments. Then, for January 2026:

- accounts: `billable_contracts` for every account (3 queries) vs. per account: its
  contracts, then each contract's meters (2 queries an account, on 1,000 accounts, scaled);
- tariffs: `tariff_definitions_load` for every version (8 queries), again once billed
  (memoised), vs. `tariff_definition` version by version (8 queries each);
- market: `price_series_load` for both instruments (1 query) vs. one query each.

Ends with `billable_ms=<a> billable_naive_ms=<b> definitions_ms=<c> definitions_memo_ms=<d>
definitions_naive_ms=<e> series_ms=<f> series_naive_ms=<g>`.
"""
import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import bench_environment  # noqa: E402
from profiles import MONTH_FROM, MONTH_TO, SCHEMA  # noqa: E402

INSTRUMENTS = ("DA-NORTH", "DA-SOUTH")


def timed(call, runs: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - began)
    return best * 1000, result


def world_ensure(accounts: int, products: int) -> None:
    """Accounts with contracts on `products` products, and a month of market prices."""
    from accounts.domain.demo_tariffs import demo_products
    from accounts.models import Account, Contract, ContractStatus, MeterPoint
    from market.domain.prices import RawPoint, prices_save
    from market.models import PricePoint
    from metering.domain.demo_meters import demo_meters_ensure
    from tariffs.domain.catalogue import tariff_version_create
    from tariffs.models import Product, TariffVersion

    definition = demo_products("alpha", time_zone="Europe/London")[1]["definition"]
    for number in range(Product.objects.count(), products):
        product = Product.objects.create(code=f"BENCH-{number}", name=f"Bench {number}",
                                         customer_kinds=["HOUSEHOLD", "ENTERPRISE"],
                                         available_from=date(2025, 1, 1))
        tariff_version_create(product=product, active_from=date(2025, 1, 1), active_to=None,
                              definition=definition)
    versions = list(TariffVersion.objects.order_by("pk").values_list("pk", flat=True))
    demo_meters_ensure(count=accounts, installed_at=datetime(2020, 1, 1, tzinfo=UTC))
    if Contract.objects.count() < accounts:
        points = list(MeterPoint.objects.select_related("premise")
                      .filter(contracts__isnull=True).order_by("pk")[:accounts])
        made = Account.objects.bulk_create([
            Account(customer_id=p.premise.customer_id, number=f"BENCH-A-{p.pk}")
            for p in points])
        # Bench data only: the rows a billing run reads, written in bulk.
        Contract.objects.bulk_create([
            Contract(customer_id=p.premise.customer_id, account=a, meter_point=p,
                     tariff_version_id=versions[i % len(versions)],
                     active_from=date(2025, 1, 1), status=ContractStatus.ACTIVE)
            for i, (p, a) in enumerate(zip(points, made, strict=True))])
    if not PricePoint.objects.filter(instrument__code=INSTRUMENTS[0],
                                     interval_start__gte=MONTH_FROM).exists():
        hours = int((MONTH_TO - MONTH_FROM) / timedelta(hours=1))
        prices_save(points=[RawPoint(instrument=code, interval_start=MONTH_FROM + timedelta(
            hours=h), value=str(50 + h % 24)) for code in INSTRUMENTS for h in range(hours)],
            received_at=MONTH_FROM, source="bench", publish=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=50)
    args = parser.parse_args()
    bench_environment(schema=SCHEMA)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from accounts.domain.billable import billable_contracts
    from accounts.models import Account, Contract
    from core.ranges import DateRange, DateTimeRange
    from market.domain.series import price_series_load
    from tariffs.domain.bulk import tariff_definitions_load, tariff_definitions_memo_clear
    from tariffs.domain.catalogue import tariff_definition
    from tariffs.models import TariffVersion

    january = DateRange(date(2026, 1, 1), date(2026, 2, 1))
    with schema_context(SCHEMA):
        world_ensure(args.accounts, args.products)
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            billable_ms, found = timed(lambda: billable_contracts(
                period=january, time_zone="Europe/London", account_ids=ids), runs=1)
        sample = ids[:1000]

        def one_by_one():
            for account in sample:
                for contract in Contract.objects.filter(account_id=account).select_related(
                        "tariff_version__product", "meter_point"):
                    list(contract.meter_point.meters.all())

        naive_ms, _ = timed(one_by_one, runs=1)
        naive_ms *= len(ids) / len(sample)
        print(f"accounts: {len(found.contracts)} billable contracts of {len(ids)} accounts in "
              f"{billable_ms:.0f} ms, {len(queries)} queries; one by one (1,000, "
              f"scaled): {naive_ms:.0f} ms")

        # A fresh process has nothing memoised: the first load reads every version's rows.
        version_ids = list(TariffVersion.objects.values_list("pk", flat=True))
        tariff_definitions_memo_clear()
        with CaptureQueriesContext(connection) as queries:
            definitions_ms, _ = timed(
                lambda: tariff_definitions_load(version_ids=version_ids), runs=1)
        fresh_queries = len(queries)
        tariff_definitions_memo_clear()
        naive_definitions_ms, _ = timed(lambda: [
            tariff_definition(version=v)
            for v in TariffVersion.objects.select_related("product")], runs=1)
        # Billed (once and for good: the database refuses to unbill), then read again.
        TariffVersion.objects.filter(pk__in=version_ids, first_billed_at__isnull=True).update(
            first_billed_at=timezone.now())
        tariff_definitions_load(version_ids=version_ids)
        with CaptureQueriesContext(connection) as queries:
            memo_ms, _ = timed(lambda: tariff_definitions_load(version_ids=version_ids))
        print(f"tariffs: {len(version_ids)} definitions in {definitions_ms:.1f} ms "
              f"({fresh_queries} queries), billed and memoised {memo_ms:.1f} ms "
              f"({len(queries) // 3} query), one by one {naive_definitions_ms:.1f} ms")

        month = DateTimeRange(MONTH_FROM, MONTH_TO)
        with CaptureQueriesContext(connection) as queries:
            series_ms, series = timed(
                lambda: price_series_load(instrument_codes=INSTRUMENTS, period=month))
        naive_series_ms, _ = timed(lambda: [
            price_series_load(instrument_codes=[code], period=month) for code in INSTRUMENTS])
        print(f"market: {sum(len(s) for s in series.values())} prices of "
              f"{len(INSTRUMENTS)} instruments in {series_ms:.1f} ms "
              f"({len(queries) // 3} query), one query each {naive_series_ms:.1f} ms")
    print(f"billable_ms={billable_ms:.0f} billable_naive_ms={naive_ms:.0f} "
          f"definitions_ms={definitions_ms:.1f} definitions_memo_ms={memo_ms:.1f} "
          f"definitions_naive_ms={naive_definitions_ms:.1f} series_ms={series_ms:.1f} "
          f"series_naive_ms={naive_series_ms:.1f}")


if __name__ == "__main__":
    main()
