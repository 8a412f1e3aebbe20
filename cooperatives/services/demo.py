"""The demo cooperatives: ALPHA-COOP at alpha and BETA-COOP at beta, each with a PV plant
and a wind turbine (their own export meters at the cooperative's site), the demo household
and enterprise customers as members, and a manager login; and the generators' demo
export readings (called by seed_demo and generate_demo_readings through settings)."""
from datetime import date, datetime
from decimal import Decimal

import numpy as np

from accounts.domain.audit import Actor
from accounts.domain.demo_tariffs import DEMO_SPOT_INSTRUMENT
from accounts.models import Customer, CustomerKind, MeterPoint, Premise
from cooperatives.models import Cooperative, Generator, GeneratorKind, Shareholding
from metering.domain.demo import demo_time_index
from metering.models import Direction, Meter

from .managers import manager_ensure
from .shares import shares_buy

DEMO_PASSWORD = "gridline-demo"
# kWh per kW per month (January first): a British PV plant and a lowland wind turbine.
PV_PROFILE = [20, 35, 70, 100, 125, 130, 130, 110, 80, 50, 25, 15]
WIND_PROFILE = [165, 145, 140, 110, 95, 80, 80, 85, 105, 130, 145, 165]
DEMO_SHARES = {"H": 10, "E": 40}


def coop_manager_username(slug: str) -> str:
    return f"{slug}-coop"


def cooperative_demo_seed(*, slug: str, time_zone: str, now: datetime) -> Cooperative:
    """Idempotent: the retailer's demo cooperative with its plants, members and manager."""
    code = f"{slug.upper()}-COOP"
    today = now.date()
    coop, created = Cooperative.objects.get_or_create(code=code, defaults={
        "name": f"{slug.title()} Community Energy", "share_price": Decimal("100.00"),
        "kwh_per_share_year": Decimal("250"), "generation_price": Decimal("0.080000"),
        "spot_instrument": DEMO_SPOT_INSTRUMENT.get(slug, ""),
        "spot_multiplier": Decimal("0.00086"), "max_shares_per_member": 100,
        "created_at": now})
    manager_ensure(cooperative=coop, username=coop_manager_username(slug),
                   email=f"coop@{slug}.invalid", password=DEMO_PASSWORD,
                   actor=Actor.system(at=now))
    if not created:
        return coop
    site, _ = Customer.objects.get_or_create(reference=code, defaults={
        "kind": CustomerKind.ENTERPRISE, "name": coop.name, "segment": "generation"})
    since = date(today.year, 1, 1)
    for kind, capacity, profile in ((GeneratorKind.PV, "40", PV_PROFILE),
                                    (GeneratorKind.WIND, "60", WIND_PROFILE)):
        premise = Premise.objects.create(customer=site, address_line=f"{kind.label} site",
                                         city=f"{slug.title()}ville", region="North")
        point = MeterPoint.objects.create(premise=premise, identifier=f"{code}-{kind}")
        meter = Meter.objects.create(serial=f"G-{code}-{kind}", meter_point=point,
                                     direction=Direction.EXPORT, interval_minutes=30,
                                     installed_at=now.replace(year=today.year, month=1, day=1,
                                                              hour=0, minute=0, second=0,
                                                              microsecond=0))
        Generator.objects.create(cooperative=coop, name=f"{slug.title()} {kind.label}",
                                 kind=kind, capacity_kw=Decimal(capacity), region="North",
                                 commissioning_date=date(today.year - 2, 6, 1),
                                 export_meter=meter, kwh_per_kw_by_month=profile)
    actor = Actor.system(at=now)
    for letter, shares in DEMO_SHARES.items():
        member = Customer.objects.filter(reference=f"{slug.upper()}-{letter}-0001").first()
        if member and not Shareholding.objects.filter(cooperative=coop, member=member).exists():
            shares_buy(cooperative=coop, member=member, shares=shares, on=since, actor=actor)
    return coop


def generator_profiles(*, kinds: list[str], capacities: list[float], index, seed: int
                       ) -> np.ndarray:
    """kWh per half-hour (generators × intervals): PV follows the sun of the local clock
    with cloudy days; wind a persistent random speed through a power curve."""
    rng = np.random.default_rng(seed)
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60
    day_of_year = index.day_of_year.to_numpy()
    days = len(index) // 48 + 2
    out = np.zeros((len(kinds), len(index)))
    for row, (kind, capacity) in enumerate(zip(kinds, capacities, strict=True)):
        if kind == GeneratorKind.PV:
            length = 12 + 4.5 * np.cos(2 * np.pi * (day_of_year - 172) / 365.25)
            sun = np.clip(np.sin(np.pi * (hour - (12.5 - length / 2)) / length), 0, None)
            season = 0.55 + 0.45 * np.cos(2 * np.pi * (day_of_year - 172) / 365.25)
            clouds = np.repeat(rng.uniform(0.25, 1.0, size=days), 48)[:len(index)]
            power = capacity * 0.8 * sun * season * clouds
        else:
            speed = np.empty(len(index))
            level = 7.0
            for i in range(len(index)):
                level = 7.0 + 0.98 * (level - 7.0) + rng.normal(0, 0.6)
                speed[i] = max(level, 0.0)
            curve = np.clip((speed - 3.0) / (12.0 - 3.0), 0, 1) ** 3
            power = capacity * np.where(speed > 25, 0, curve)
        out[row] = power * 0.5  # kW over half an hour
    return np.round(out, 3)


def generator_readings_write(*, out, start_at: datetime, intervals: int, time_zone: str,
                             seed: int) -> int:
    """The demo generators' export readings as `meter_serial,interval_start,kwh` CSV rows
    (no header); returns how many."""
    generators = list(Generator.objects.select_related("export_meter").order_by("pk"))
    if not generators:
        return 0
    index = demo_time_index(start_at=start_at, intervals=intervals, time_zone=time_zone)
    stamps = index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00").to_numpy()
    values = generator_profiles(kinds=[g.kind for g in generators],
                                capacities=[float(g.capacity_kw) for g in generators],
                                index=index, seed=seed)
    for generator, row in zip(generators, values, strict=True):
        prefix = generator.export_meter.serial + ","
        out.write("".join(f"{prefix}{stamp},{value:.3f}\n"
                          for stamp, value in zip(stamps, row, strict=True)))
    return len(generators) * len(index)
