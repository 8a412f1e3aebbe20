"""Allocated kWh by tariff band, the net profile the tariff prices, the generation line.

Rule on the bill (why the net profile): the member's tariff prices the *net* interval profile,
consumption - allocation, through the same engine call quotes and bills use; the bill adds a
"Community generation" line for the allocated kWh at the cooperative's generation price.
Because bands are a function of each interval, the tariff's energy line of band b falls by
exactly the kWh allocated in band b's intervals: the kWh are taken out band by band.

Tiers are where "reduce the profile" and "reduce the lines" could differ. Tier limits count
kWh from the first of the period, so pricing the net profile takes the allocated kWh off the
*top* of each band (the last tier reached). We follow that rule, and do not price the full
consumption and subtract lines at some tier's price, because:
- it is what the grid delivered: in collective self-consumption the supplier sells the net
  hourly import, and the distributor's data are net;
- the bill's lines stay exactly the engine's lines (issue 11), with no second tier rule to
  keep in step with the engine (shared tiers across bands, minimum charges, discounts, levies
  and demand peaks all follow from one net profile);
- a customer with and without membership is priced by one function, so the saving shown is
  the true difference.
The same holds for rights carried from earlier periods (rights.py): `spread_over_intervals`
puts the kWh a bill draws from them onto the member's remaining consumption of their band,
so the bill still prices one net profile. (Those rights are a financial entitlement, so this
also lowers a demand peak a little; see docs/cooperatives.md.)
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.money import money_round
from tariffs.domain.definitions import TariffDefinition, compiled_schedules
from tariffs.domain.periods import Period
from tariffs.domain.prepared import prepare_profile
from tariffs.domain.profile import LoadProfile

from .intervals import starts_ns
from .units import kwh_decimal


class InvalidBandSplit(GridlineError):
    code = "invalid_band_split"


def interval_bands(
    *, tariff: TariffDefinition, interval_starts, interval: timedelta
) -> tuple[np.ndarray, tuple[str, ...]]:
    """(band index per interval, band names) as the pricing engine bands these intervals."""
    starts = starts_ns(interval_starts)
    if not len(starts):
        raise InvalidBandSplit("no intervals to band")
    zeros = np.zeros(len(starts))
    profile = LoadProfile(interval_starts=starts, import_kwh=zeros, export_kwh=zeros,
                          interval=interval)
    period = Period(start=pd.Timestamp(int(starts[0]), tz="UTC").to_pydatetime(),
                    end=pd.Timestamp(int(starts[-1]), tz="UTC").to_pydatetime() + interval)
    prepared = prepare_profile(profile=profile, periods=[period], time_zone=tariff.time_zone)
    energy, _ = compiled_schedules(tariff)
    return prepared.bands(energy), energy.bands


def band_split(
    *, micro_kwh: np.ndarray, bands: np.ndarray, band_names: Sequence[str]
) -> dict[str, np.ndarray]:
    """µkWh per band, summing the last axis (intervals): (..., T) -> {band: (...)} int64."""
    values = np.asarray(micro_kwh)
    bands = np.asarray(bands)
    if not np.issubdtype(values.dtype, np.integer):
        raise InvalidBandSplit(f"band split needs whole µkWh, got {values.dtype}")
    if values.shape[-1:] != bands.shape:
        raise InvalidBandSplit(
            f"{bands.shape[0]} interval bands for {values.shape[-1]} intervals of allocation"
        )
    if len(bands) and (bands.min() < 0 or bands.max() >= len(band_names)):
        raise InvalidBandSplit(f"band indexes must be 0..{len(band_names) - 1}")
    return {name: values[..., bands == index].sum(axis=-1, dtype=np.int64)
            for index, name in enumerate(band_names)}


def net_consumption(*, consumption: np.ndarray, allocated: np.ndarray) -> np.ndarray:
    """µkWh the tariff still prices: consumption - allocated, refusing a negative result."""
    net = np.asarray(consumption, dtype=np.int64) - np.asarray(allocated, dtype=np.int64)
    if net.size and net.min() < 0:
        position = tuple(int(i) for i in np.argwhere(net < 0)[0])
        raise InvalidBandSplit(f"allocation exceeds consumption at {position}")
    return net


def spread_over_intervals(*, micro_kwh: int, room: np.ndarray) -> np.ndarray:
    """Share `micro_kwh` over (K, T) `room` (remaining consumption): rows in order, and
    within a row in proportion to each interval's room by largest remainder, so every
    interval gets its quota rounded down or up, never more than its room, and the total is
    exact."""
    room = np.asarray(room, dtype=np.int64)
    wanted = int(micro_kwh)
    if room.ndim != 2 or (room.size and room.min() < 0):
        raise InvalidBandSplit("room must be a (contracts, intervals) array of µkWh >= 0")
    if not 0 <= wanted <= int(room.sum()):
        raise InvalidBandSplit(
            f"cannot spread {kwh_decimal(wanted)} kWh over {kwh_decimal(room.sum())} kWh "
            "of remaining consumption"
        )
    spread = np.zeros_like(room)
    for row, row_room in enumerate(room):
        available = int(row_room.sum())
        share = min(wanted, available)
        if share == 0:
            continue
        quota = row_room * (share / available)
        pieces = np.minimum(np.floor(quota).astype(np.int64), row_room)
        short = share - int(pieces.sum())
        fractions = np.where(pieces < row_room, quota - pieces, -np.inf)
        if short > 0:  # the intervals with the largest remainders get one µkWh more
            pieces[np.argsort(-fractions, kind="stable")[:short]] += 1
        elif short < 0:  # float noise overshot: take back from the smallest remainders
            pieces[np.argsort(np.where(pieces > 0, quota - pieces, np.inf),
                              kind="stable")[:-short]] -= 1
        spread[row] = pieces
        wanted -= share
    return spread


@dataclass(frozen=True)
class GenerationLine:
    """The bill's "Community generation" line, with the kWh taken out of each band."""

    quantity: Decimal  # kWh
    unit_price: Decimal
    amount: Decimal
    by_band: dict[str, Decimal]
    description: str = "Community generation"


def generation_line(
    *, allocated_by_band: Mapping[str, int], unit_price: Decimal
) -> GenerationLine:
    """Allocated µkWh (per band) at the cooperative's generation price, rounded once."""
    if not isinstance(unit_price, Decimal) or unit_price < 0:
        raise InvalidBandSplit(f"generation price must be a Decimal >= 0, got {unit_price!r}")
    total = sum(int(v) for v in allocated_by_band.values())
    quantity = kwh_decimal(total)
    return GenerationLine(
        quantity=quantity, unit_price=unit_price, amount=money_round(quantity * unit_price),
        by_band={band: kwh_decimal(v) for band, v in allocated_by_band.items()},
    )
