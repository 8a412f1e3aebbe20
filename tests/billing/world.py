"""Builders for the billing tests: products with versions, households with meters and
contracts, and readings written straight into the partitioned table, then their daily
rollups refreshed as ingest's last step does (the ingest path has its own tests; the
end-to-end and correction tests go through it).

Times are local to Europe/London unless a name says UTC; amounts are Decimal strings, so
each expected figure in a test can be checked with pencil and paper."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from accounts.domain.audit import Actor
from accounts.domain.contracts import contract_create
from accounts.models import Account, Customer, MeterPoint, Premise
from core.ranges import DateRange, local_days
from metering.domain.partitions import partitions_ensure
from metering.domain.rollups import rollups_refresh
from metering.models import Meter
from tariffs.domain.catalogue import tariff_version_create
from tariffs.models import Product, TariffVersion

LONDON = "Europe/London"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
TODAY = date(2026, 11, 20)


def flat(*, unit="0.20", standing="0.50", vat="0", **extra) -> dict:
    return {"name": "Flat", "time_zone": LONDON,
            "energy_schedule": {"bands": ["standard"], "default_band": "standard",
                                "rules": []},
            "unit_rates": [{"band": "standard", "tiers": [{"unit_price": unit}]}],
            "standing_charge": {"amount": standing, "per": "day"}, "vat_rate": vat, **extra}


def product(code: str, definition: dict, *, active_from=date(2025, 1, 1), active_to=None,
            term_months=None, exit_fee="0", kinds=("HOUSEHOLD",)) -> TariffVersion:
    item, _ = Product.objects.get_or_create(code=code, defaults={
        "name": code.title(), "customer_kinds": list(kinds), "available_from": active_from,
        "term_months": term_months, "exit_fee": Decimal(exit_fee)})
    return tariff_version_create(product=item, active_from=active_from, active_to=active_to,
                                 definition=definition)


def household(reference: str, version: TariffVersion, *, active_from=date(2026, 1, 1),
              active_to=None, settlement="MONTHLY", payment="POSTPAY", export=False,
              segment="", interval_minutes=30, account: Account | None = None):
    """A customer with one premise, meter point, import meter (and export meter), account and
    contract; returns (account, import meter, export meter or None)."""
    customer = (account.customer if account is not None else Customer.objects.create(
        reference=reference, kind="HOUSEHOLD", name=f"Customer {reference}", segment=segment))
    premise = Premise.objects.create(customer=customer, address_line="1 Road", city="Town",
                                     region="North")
    point = MeterPoint.objects.create(premise=premise, identifier=f"{reference}-MP")
    if account is None:
        account = Account.objects.create(customer=customer, number=f"{reference}-A")
    installed = datetime(2020, 1, 1, tzinfo=UTC)
    meter = Meter.objects.create(serial=f"{reference}-M", meter_point=point,
                                 installed_at=installed, interval_minutes=interval_minutes)
    exporter = (Meter.objects.create(serial=f"{reference}-X", meter_point=point,
                                     direction="EXPORT", installed_at=installed,
                                     interval_minutes=interval_minutes) if export else None)
    contract_create(customer=customer, account=account, meter_point=point,
                    active_from=active_from, active_to=active_to, settlement=settlement,
                    payment=payment, tariff_version=version, today=TODAY,
                    actor=Actor.system(at=NOW))
    return account, meter, exporter


def slots(days: DateRange, minutes: int = 30) -> list[datetime]:
    """The interval starts of local days `days` (46 or 50 half-hours on clock-change days)."""
    instants = local_days(days, LONDON)
    at, out = instants.start.astimezone(UTC), []
    while at < instants.end:
        out.append(at)
        at += timedelta(minutes=minutes)
    return out


def readings(meter: Meter, days: DateRange, kwh, *, quality="ACTUAL", minutes=30) -> int:
    """Store a reading per interval of `days`: `kwh` a number or a function of the local
    start time (a datetime in London). Returns the number of readings."""
    starts = slots(days, minutes)
    partitions_ensure(months=sorted({date(s.year, s.month, 1) for s in starts}))
    zone = ZoneInfo(LONDON)
    rows = [(meter.pk, s, Decimal(str(kwh(s.astimezone(zone)) if callable(kwh) else kwh)),
             quality) for s in starts]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO metering_reading (meter_id, interval_start, kwh, quality, source, "
            "received_at) VALUES (%s, %s, %s, %s, 'test', now())", rows)
        rollups_refresh(cursor, meter_ids=[meter.pk], lo=starts[0], hi=starts[-1], tz=LONDON)
    return len(rows)


def month(year: int, number: int) -> DateRange:
    return DateRange(date(year, number, 1),
                     date(year + number // 12, number % 12 + 1, 1))
