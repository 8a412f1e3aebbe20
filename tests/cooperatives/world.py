"""Builders for the cooperatives' database tests: a cooperative with a generator (its own
export meter at the cooperative's site) and members (customers of the retailer)."""
from datetime import UTC, date, datetime
from decimal import Decimal

from accounts.domain.audit import Actor
from accounts.models import Customer, MeterPoint, Premise
from cooperatives.models import Cooperative, Generator
from cooperatives.services.shares import shares_buy
from metering.models import Meter
from tests.billing.world import NOW


def cooperative(code: str, *, price="0.08", max_shares=100, **extra) -> Cooperative:
    return Cooperative.objects.create(
        code=code, name=f"{code.title()} Energy", share_price=Decimal("100"),
        kwh_per_share_year=Decimal("250"), generation_price=Decimal(price),
        max_shares_per_member=max_shares, created_at=NOW, **extra)


def generator(coop: Cooperative, *, kind="PV", capacity="10", name=None) -> Generator:
    site, _ = Customer.objects.get_or_create(reference=f"{coop.code}-SITE", defaults={
        "kind": "ENTERPRISE", "name": coop.name})
    premise = Premise.objects.create(customer=site, address_line="Field", city="Town",
                                     region="North")
    name = name or f"{coop.code} {kind}"
    point = MeterPoint.objects.create(premise=premise, identifier=f"{name}-MP")
    meter = Meter.objects.create(serial=f"{name}-G", meter_point=point, direction="EXPORT",
                                 installed_at=datetime(2020, 1, 1, tzinfo=UTC))
    return Generator.objects.create(cooperative=coop, name=name, kind=kind,
                                    capacity_kw=Decimal(capacity), region="North",
                                    commissioning_date=date(2024, 1, 1), export_meter=meter,
                                    kwh_per_kw_by_month=[100] * 12)


def member(coop: Cooperative, customer: Customer, shares: int, *, on=date(2026, 1, 1)):
    return shares_buy(cooperative=coop, member=customer, shares=shares, on=on,
                      actor=Actor.system(at=NOW))
