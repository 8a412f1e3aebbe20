"""Benchmark of the cooperative allocation (pure numpy; no Django, no database).

    .venv/bin/python bench/allocation.py --members 5000 --months 1

Synthesises half-hourly output of a 2 MW PV plant from 1 March 2026 in Europe/Madrid (the
clocks go forward in March: 1,486 half-hours), members with 1-50 shares each, a fifth of
them with a second contract, and shares changing mid-month (a tenth buy more on the 16th,
one in twenty redeems on the 10th, one in twenty joins on the 20th). It then times, best of
several runs, the pure part of `coop_allocate` as the later phase will call it:
holdings -> shares per interval, kWh -> µkWh, allocation, band split of the allocation and
of the unused rights (3-band time-of-use tariff), surplus revenue at spot.

The floor, measured in the same run: one `np.minimum` over the contracts x intervals
arrays, the least work any capped allocation has to do. The budget (issue 13) is 5 s for
the whole allocation including the database load the later phase adds; this prints the
pure part. Ends with `members=<n> intervals=<m> seconds=<s>`.
"""
import argparse
import sys
import time as clock
from datetime import date, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cooperatives.domain import (  # noqa: E402  (the repo root must be importable first)
    Holding,
    allocate_by_shares,
    band_split,
    interval_bands,
    shares_per_interval,
    surplus_revenue,
    to_micro_kwh,
)
from tariffs.domain import (  # noqa: E402
    WEEKDAYS,
    BandRate,
    BandRule,
    Schedule,
    TariffDefinition,
    Tier,
)

ZONE = "Europe/Madrid"
FIRST_DAY = date(2026, 3, 1)
INTERVAL = timedelta(minutes=30)
RUNS = 3
TARIFF = TariffDefinition(
    name="2.0TD-like", time_zone=ZONE,
    energy_schedule=Schedule(
        bands=("P1", "P2", "P3"),
        rules=(
            BandRule(band="P3", start=time(0), end=time(8)),
            BandRule(band="P1", start=time(10), end=time(14), days=WEEKDAYS),
            BandRule(band="P1", start=time(18), end=time(22), days=WEEKDAYS),
            BandRule(band="P2", start=time(8), end=time(0), days=WEEKDAYS),
        ),
        default_band="P3",
    ),
    unit_rates=tuple(BandRate(band=b, tiers=(Tier(unit_price=p),))
                     for b, p in (("P1", "0.25"), ("P2", "0.17"), ("P3", "0.11"))),
)


def synthetic_month(members: int, months: int, seed: int = 13):
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(FIRST_DAY, tz=ZONE) + pd.DateOffset(months=months)
    starts = pd.date_range(pd.Timestamp(FIRST_DAY, tz=ZONE), end, freq="30min",
                           inclusive="left")
    hour = np.asarray(starts.hour + starts.minute / 60)
    sun = np.clip(np.sin(np.pi * (hour - 7) / 12), 0, None)
    clouds = rng.uniform(0.3, 1.0, size=len(starts) // 48 + 1).repeat(48)[:len(starts)]
    output_kwh = 2000 * 0.5 * sun * clouds  # 2 MW peak, kWh per half-hour

    names = list(range(members))
    holdings = []
    shares = rng.integers(1, 51, size=members)
    for member in names:
        roll = rng.random()
        if roll < 0.05:  # redeems everything on the 10th
            holdings.append(Holding(member=member, shares=int(shares[member]),
                                    active_from=date(2024, 1, 1),
                                    active_to=date(2026, 3, 10)))
        elif roll < 0.10:  # joins on the 20th
            holdings.append(Holding(member=member, shares=int(shares[member]),
                                    active_from=date(2026, 3, 20)))
        else:
            holdings.append(Holding(member=member, shares=int(shares[member]),
                                    active_from=date(2024, 1, 1)))
            if roll < 0.20:  # buys more on the 16th
                holdings.append(Holding(member=member, shares=int(rng.integers(1, 21)),
                                        active_from=date(2026, 3, 16)))
    second = np.flatnonzero(rng.random(members) < 0.2)
    contract_member = np.concatenate([np.arange(members), second])
    daily = 0.08 + 0.12 * np.exp(-((hour - 20) ** 2) / 6) + 0.05 * np.exp(-((hour - 9) ** 2) / 3)
    consumption_kwh = np.round(
        rng.gamma(2.0, 0.5, size=(len(contract_member), len(starts))) * daily, 3)
    prices = rng.normal(0.08, 0.03, size=len(starts))
    return starts, output_kwh, names, holdings, contract_member, consumption_kwh, prices


def allocate_month(starts, output_kwh, names, holdings, contract_member, consumption_kwh,
                   prices, timings):
    def lap(name, started):
        timings.setdefault(name, []).append(clock.perf_counter() - started)
        return clock.perf_counter()

    now = clock.perf_counter()
    shares = shares_per_interval(holdings=holdings, members=names, interval_starts=starts,
                                 time_zone=ZONE)
    now = lap("shares_per_interval", now)
    output = to_micro_kwh(output_kwh, what="output")
    consumption = to_micro_kwh(consumption_kwh, what="consumption")
    now = lap("to_micro_kwh", now)
    allocation = allocate_by_shares(output=output, shares=shares, consumption=consumption,
                                    contract_member=contract_member)
    now = lap("allocate", now)
    bands, band_names = interval_bands(tariff=TARIFF, interval_starts=starts, interval=INTERVAL)
    by_band = band_split(micro_kwh=allocation.allocated, bands=bands, band_names=band_names)
    unused_by_band = band_split(micro_kwh=allocation.unused, bands=bands, band_names=band_names)
    now = lap("band_split", now)
    sale = surplus_revenue(surplus=allocation.surplus, price_per_kwh=prices)
    lap("surplus_revenue", now)
    return allocation, by_band, unused_by_band, sale


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--months", type=int, default=1)
    args = parser.parse_args()
    data = synthetic_month(args.members, args.months)
    starts, output_kwh, names, holdings, contract_member, consumption_kwh, prices = data

    timings: dict[str, list[float]] = {}
    totals = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        allocation, by_band, unused_by_band, sale = allocate_month(*data, timings)
        totals.append(clock.perf_counter() - started)
    exact = (allocation.allocated.sum(axis=0) + allocation.surplus == allocation.generated).all()

    consumption = to_micro_kwh(consumption_kwh, what="consumption")
    rights = allocation.rights[contract_member]
    floors = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        np.minimum(rights, consumption)
        floors.append(clock.perf_counter() - started)

    contracts, intervals = allocation.allocated.shape
    print(f"contracts={contracts} holdings={len(holdings)} "
          f"generated_kwh={allocation.generated.sum() / 1e6:.3f} "
          f"allocated_kwh={allocation.allocated.sum() / 1e6:.3f} "
          f"surplus_kwh={allocation.surplus.sum() / 1e6:.3f} surplus_revenue={sale.amount} "
          f"exact_every_interval={bool(exact)}")
    print("allocated_kwh_by_band " + " ".join(
        f"{band}={int(v.sum()) / 1e6:.3f}" for band, v in by_band.items()))
    print("unused_rights_kwh_by_band " + " ".join(
        f"{band}={int(v.sum()) / 1e6:.3f}" for band, v in unused_by_band.items()))
    print("steps_seconds " + " ".join(f"{name}={min(v):.3f}" for name, v in timings.items()))
    print(f"floor_seconds={min(floors):.3f} (one np.minimum over {contracts} x {intervals})")
    print(f"members={args.members} intervals={intervals} seconds={min(totals):.3f}")


if __name__ == "__main__":
    main()
