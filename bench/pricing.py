"""Benchmark of the tariff pricing engine (pure Python + numpy; no Django, no database).

    .venv/bin/python bench/pricing.py

Builds a synthetic year of half-hourly load in Europe/London (17,520 intervals) and a
time-of-use tariff with a tiered day band, then measures (best of several runs):
- price_year: pricing the year by calendar month, starting from the LoadProfile;
- rank50: ranking 50 tariffs for that year (schedules already compiled, as in a nightly
  advice job that prices many customers against the same catalogue);
- naive_loop: the same year priced by a plain per-interval Python loop, as a baseline.
Targets (DESIGN.md budgets for the tariffs app): price_year <= 5 ms, rank50 <= 100 ms.
"""
import sys
import time as clock
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tariffs.domain import (  # noqa: E402  (the repo root must be importable first)
    WEEKDAYS,
    BandRate,
    BandRule,
    DemandCharge,
    Levy,
    Schedule,
    StandingCharge,
    TariffDefinition,
    Tier,
    load_profile_from_series,
    money_round,
    price_by_billing_period,
    rank_tariffs,
)

ZONE = "Europe/London"
START = datetime(2026, 1, 1, tzinfo=ZoneInfo(ZONE))
END = datetime(2027, 1, 1, tzinfo=ZoneInfo(ZONE))
RUNS = 15
SCHEDULE = Schedule(
    bands=("peak", "day", "night"),
    rules=(
        BandRule(band="night", start=time(0, 30), end=time(7, 30)),
        BandRule(band="peak", start=time(16), end=time(19), days=WEEKDAYS),
    ),
    default_band="day",
)


def synthetic_year():
    index = pd.date_range(START, END, freq="30min", inclusive="left")
    rng = np.random.default_rng(2026)
    hour = index.hour + index.minute / 60
    daily = 0.25 + 0.35 * np.exp(-((hour - 18.5) ** 2) / 4) + 0.2 * np.exp(-((hour - 8) ** 2) / 2)
    seasonal = 1 + 0.3 * np.cos(2 * np.pi * (index.day_of_year - 15) / 365)
    kwh = daily * seasonal * rng.gamma(4, 0.25, size=len(index))
    return load_profile_from_series(import_kwh=pd.Series(kwh, index=index),
                                    interval=timedelta(minutes=30))


def tou_tier_tariff(name="TOU + tier", peak="0.42", day="0.27", day_above="0.22",
                    night="0.09", tier_kwh=200, standing="0.55", demand=None):
    return TariffDefinition(
        name=name, time_zone=ZONE, energy_schedule=SCHEDULE,
        unit_rates=(
            BandRate(band="peak", tiers=(Tier(unit_price=Decimal(peak)),)),
            BandRate(band="day", tiers=(
                Tier(unit_price=Decimal(day), upper=Decimal(tier_kwh)),
                Tier(unit_price=Decimal(day_above)),
            )),
            BandRate(band="night", tiers=(Tier(unit_price=Decimal(night)),)),
        ),
        standing_charge=StandingCharge(amount=Decimal(standing)),
        demand_charges=(DemandCharge(tiers=(Tier(unit_price=Decimal(demand)),)),)
        if demand else (),
        levies=(Levy(name="levy", unit_price=Decimal("0.00775")),),
        vat_rate=Decimal("0.05"),
    )


def catalogue(count: int) -> list[TariffDefinition]:
    rng = np.random.default_rng(50)
    tariffs = []
    for number in range(count):
        prices = rng.uniform(0.05, 0.45, size=5).round(4)
        tariffs.append(tou_tier_tariff(
            name=f"T{number}", peak=str(prices[0] + 0.1), day=str(prices[1]),
            day_above=str(prices[2]), night=str(prices[3]), tier_kwh=int(rng.integers(50, 400)),
            standing=str(round(float(prices[4]), 3)),
            demand=str(round(float(prices[4]) * 10, 2)) if number % 3 == 0 else None,
        ))
    return tariffs


def naive_loop(profile, tariff: TariffDefinition) -> Decimal:
    """One interval at a time: local time, band by rules, kWh per (month, band), then tiers."""
    zone = ZoneInfo(tariff.time_zone)
    rates = {rate.band: rate.tiers for rate in tariff.unit_rates}
    kwh = defaultdict(float)
    levy_kwh = defaultdict(float)
    days = defaultdict(set)
    for start_ns, value in zip(profile.interval_starts.tolist(), profile.import_kwh.tolist(),
                               strict=True):
        moment = datetime.fromtimestamp(start_ns / 1e9, tz=zone)
        band = SCHEDULE.default_band
        for rule in SCHEDULE.rules:
            minute = moment.hour * 60 + moment.minute
            start = rule.start.hour * 60 + rule.start.minute
            end = rule.end.hour * 60 + rule.end.minute
            if moment.weekday() in rule.days and moment.month in rule.months and (
                    start <= minute < end):
                band = rule.band
                break
        kwh[(moment.month, band)] += value
        levy_kwh[moment.month] += value
        days[moment.month].add(moment.date())
    total = Decimal(0)
    for month in range(1, 13):
        lines = [money_round(len(days[month]) * tariff.standing_charge.amount)]
        for band, tiers in rates.items():
            remaining = Decimal(f"{kwh[(month, band)]:.6f}")
            lower = Decimal(0)
            for position, tier in enumerate(tiers):
                top = remaining if tier.upper is None or position == len(tiers) - 1 else min(
                    remaining, tier.upper)
                if top > lower:
                    lines.append(money_round((top - lower) * tier.price))
                lower = tier.upper or lower
        lines.append(money_round(Decimal(f"{levy_kwh[month]:.6f}") * tariff.levies[0].unit_price))
        before_tax = sum(lines, Decimal(0))
        total += before_tax + money_round(before_tax * tariff.vat_rate)
    return total


def best_ms(action, runs: int = RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        began = clock.perf_counter()
        action()
        best = min(best, clock.perf_counter() - began)
    return best * 1000


def main() -> None:
    profile = synthetic_year()
    tariff = tou_tier_tariff()
    tariffs = catalogue(50)
    print(f"profile: {len(profile.import_kwh)} half-hours, {profile.import_kwh.sum():.1f} kWh")

    bills = price_by_billing_period(tariff=tariff, profile=profile, start=START, end=END)
    engine_total = sum((b.total_after_tax for b in bills), Decimal(0))
    price_year = best_ms(
        lambda: price_by_billing_period(tariff=tariff, profile=profile, start=START, end=END))
    print(f"price_year: {price_year:.2f} ms for 12 monthly bills, "
          f"{sum(len(b.lines) for b in bills)} lines, total {engine_total}")

    quotes = rank_tariffs(profile=profile, tariffs=tariffs, start=START, end=END)
    rank50 = best_ms(
        lambda: rank_tariffs(profile=profile, tariffs=tariffs, start=START, end=END), runs=5)
    print(f"rank50: {rank50:.2f} ms; cheapest {quotes[0].tariff.name} "
          f"{quotes[0].total_after_tax}, dearest {quotes[-1].tariff.name} "
          f"{quotes[-1].total_after_tax}")

    naive_total = naive_loop(profile, tariff)
    naive = best_ms(lambda: naive_loop(profile, tariff), runs=3)
    print(f"naive_loop: {naive:.2f} ms, total {naive_total} "
          f"({'same' if naive_total == engine_total else 'DIFFERENT'} as the engine)")
    print(f"targets: price_year <= 5 ms ({'ok' if price_year <= 5 else 'MISSED'}), "
          f"rank50 <= 100 ms ({'ok' if rank50 <= 100 else 'MISSED'}); "
          f"engine is {naive / price_year:.0f}x the naive loop")
    print(f"price_year_ms={price_year:.2f} rank50_ms={rank50:.2f} naive_loop_ms={naive:.2f}")


if __name__ == "__main__":
    main()
