"""Allocation by tariff band, and why the bill prices the net profile.

Tariff (Europe/Madrid): peak on weekdays 10:00-14:00 and 18:00-22:00, valley otherwise.
Peak is tiered upwards: 0.30 for the first 3 kWh, 0.40 above; valley 0.10 flat.
Monday 4 May 2026, hourly: the member consumes 1 kWh every hour (peak 8, valley 16 kWh).
The allocation gives 0.5 kWh at 09:00 and 14:00 (valley) and 0.75 kWh at 10-13 (peak):
peak 3 kWh, valley 1 kWh.

  full profile:  peak 3 x 0.30 + 5 x 0.40 = 2.90, valley 16 x 0.10 = 1.60   -> 4.50
  net profile:   peak 3 x 0.30 + 2 x 0.40 = 1.70, valley 15 x 0.10 = 1.50   -> 3.20
  the energy lines fall by exactly the band split (peak 3, valley 1 kWh); the 3 peak kWh
  leave the top tier (at 0.40): 1.30 less. Taking them off the first tier's line instead
  (the "reduce the lines" reading) would charge 3.50; we follow the net profile.
  Community generation line: 4 kWh x 0.08 = 0.32.
"""
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cooperatives.domain import (
    band_split,
    generation_line,
    interval_bands,
    kwh_float,
    net_consumption,
    spread_over_intervals,
    to_micro_kwh,
)
from cooperatives.domain.bands import InvalidBandSplit
from tariffs.domain import (
    WEEKDAYS,
    BandRate,
    BandRule,
    LineKind,
    Schedule,
    TariffDefinition,
    Tier,
    load_profile_from_series,
    price_period,
)

ZONE = "Europe/Madrid"
TARIFF = TariffDefinition(
    name="TOU tiered", time_zone=ZONE,
    energy_schedule=Schedule(
        bands=("peak", "valley"),
        rules=(BandRule(band="peak", start=time(10), end=time(14), days=WEEKDAYS),
               BandRule(band="peak", start=time(18), end=time(22), days=WEEKDAYS)),
        default_band="valley",
    ),
    unit_rates=(
        BandRate(band="peak", tiers=(Tier(unit_price=Decimal("0.30"), upper=Decimal(3)),
                                     Tier(unit_price=Decimal("0.40")))),
        BandRate(band="valley", tiers=(Tier(unit_price=Decimal("0.10")),)),
    ),
)
DAY = datetime(2026, 5, 4, tzinfo=ZoneInfo(ZONE))
STARTS = pd.date_range(DAY, periods=24, freq="h")
CONSUMPTION = to_micro_kwh(np.ones(24), what="consumption")
ALLOCATED = to_micro_kwh([0] * 9 + [0.5] + [0.75] * 4 + [0.5] + [0] * 9, what="allocated")


def energy_lines(micro_kwh):
    profile = load_profile_from_series(import_kwh=pd.Series(kwh_float(micro_kwh), index=STARTS),
                                       interval=timedelta(hours=1))
    breakdown = price_period(tariff=TARIFF, profile=profile, start=DAY,
                             end=DAY + timedelta(days=1))
    return breakdown, [(line.band, line.tier, line.quantity, line.amount)
                       for line in breakdown.lines if line.kind is LineKind.ENERGY]


def test_intervals_are_banded_as_the_engine_bands_them():
    bands, names = interval_bands(tariff=TARIFF, interval_starts=STARTS,
                                  interval=timedelta(hours=1))
    assert names == ("peak", "valley")
    assert [names[b] for b in bands] == (["valley"] * 10 + ["peak"] * 4 + ["valley"] * 4
                                         + ["peak"] * 4 + ["valley"] * 2)


def test_allocation_split_by_band():
    bands, names = interval_bands(tariff=TARIFF, interval_starts=STARTS,
                                  interval=timedelta(hours=1))
    split = band_split(micro_kwh=ALLOCATED, bands=bands, band_names=names)
    assert {band: int(v) for band, v in split.items()} == {"peak": 3_000_000,
                                                           "valley": 1_000_000}
    per_contract = band_split(micro_kwh=np.vstack([ALLOCATED, CONSUMPTION]), bands=bands,
                              band_names=names)
    assert per_contract["peak"].tolist() == [3_000_000, 8_000_000]


def test_net_profile_takes_the_allocation_out_of_the_energy_lines_band_by_band():
    full, full_lines = energy_lines(CONSUMPTION)
    net, net_lines = energy_lines(net_consumption(consumption=CONSUMPTION, allocated=ALLOCATED))
    assert full_lines == [
        ("peak", 1, Decimal("3.000000"), Decimal("0.90")),
        ("peak", 2, Decimal("5.000000"), Decimal("2.00")),
        ("valley", None, Decimal("16.000000"), Decimal("1.60")),
    ]
    assert net_lines == [
        ("peak", 1, Decimal("3.000000"), Decimal("0.90")),
        ("peak", 2, Decimal("2.000000"), Decimal("0.80")),
        ("valley", None, Decimal("15.000000"), Decimal("1.50")),
    ]
    assert full.total_before_tax - net.total_before_tax == Decimal("1.30")


def test_community_generation_line():
    line = generation_line(allocated_by_band={"peak": 3_000_000, "valley": 1_000_000},
                           unit_price=Decimal("0.08"))
    assert (line.description, line.quantity, line.amount) == (
        "Community generation", Decimal("4.000000"), Decimal("0.32"))
    assert line.by_band == {"peak": Decimal("3.000000"), "valley": Decimal("1.000000")}


def test_a_daylight_saving_day_bands_its_46_half_hours():
    starts = pd.date_range(datetime(2026, 3, 30, tzinfo=ZoneInfo(ZONE)) - timedelta(days=1),
                           datetime(2026, 3, 30, tzinfo=ZoneInfo(ZONE)), freq="30min",
                           inclusive="left")
    bands, names = interval_bands(tariff=TARIFF, interval_starts=starts,
                                  interval=timedelta(minutes=30))
    assert len(bands) == 46
    assert set(names[b] for b in bands) == {"valley"}  # a Sunday: no peak


def test_allocation_above_consumption_is_refused():
    with pytest.raises(InvalidBandSplit, match=r"allocation exceeds consumption at \(1,\)"):
        net_consumption(consumption=np.array([5, 5]), allocated=np.array([5, 6]))


def test_band_split_refuses_fractional_energy_and_wrong_lengths():
    with pytest.raises(InvalidBandSplit, match="whole µkWh"):
        band_split(micro_kwh=np.array([0.5]), bands=np.array([0]), band_names=("a",))
    with pytest.raises(InvalidBandSplit, match="2 interval bands for 3 intervals"):
        band_split(micro_kwh=np.array([1, 2, 3]), bands=np.array([0, 0]), band_names=("a",))


def test_spreading_carried_rights_fills_contracts_in_order_in_proportion_to_room():
    # Room [4, 0, 4] then [10, 10, 0]. 7 µkWh fit in the first contract's 8: shared
    # 3.5 / 0 / 3.5 -> 4 / 0 / 3 (the tie goes to the earlier interval), nothing for the
    # second. 12 µkWh fill the first (8) and share 4 over the second's 10 / 10 -> 2 / 2.
    spread = spread_over_intervals(micro_kwh=7, room=np.array([[4, 0, 4], [10, 10, 0]]))
    assert spread.tolist() == [[4, 0, 3], [0, 0, 0]]
    assert spread_over_intervals(micro_kwh=12, room=np.array([[4, 0, 4], [10, 10, 0]])) \
        .tolist() == [[4, 0, 4], [2, 2, 0]]
    with pytest.raises(InvalidBandSplit, match="cannot spread 0.000029 kWh over 0.000028"):
        spread_over_intervals(micro_kwh=29, room=np.array([[4, 0, 4], [10, 10, 0]]))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_spreading_is_exact_and_never_exceeds_room(data):
    rows = data.draw(st.integers(1, 3))
    intervals = data.draw(st.integers(1, 40))
    room = np.array(data.draw(st.lists(st.lists(st.integers(0, 10**10), min_size=intervals,
                                                max_size=intervals),
                                       min_size=rows, max_size=rows)), dtype=np.int64)
    wanted = data.draw(st.integers(0, int(room.sum())))
    spread = spread_over_intervals(micro_kwh=wanted, room=room)
    assert int(spread.sum()) == wanted
    assert (spread >= 0).all() and (spread <= room).all()
