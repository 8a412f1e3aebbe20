"""The energy price of every interval under a tariff: what one kWh imported in that
interval adds to the energy and spot lines.

For advice that moves load in time (insights' load shifting) rather than for bills. Each
interval's price is its band's unit rate (the energy schedule banded by the engine's own
lookup, `PreparedProfile.bands`) plus each import spot rate's clip(market × multiplier +
adder, floor, cap) (`engine.spot_unit_prices`, what the engine's spot lines use). So for
an untiered tariff, sum(kWh × price) over a period's intervals is exactly what the
engine's energy and spot lines add up to before each line's rounding
(tests/tariffs/test_unit_prices.py). Levies are the same for every kWh, and the discount,
minimum charge and VAT act on the period's total: none of them depends on *when* a kWh
was used, so none is in the price.

A tiered unit rate has no price of its own per interval (the next kWh's price depends on
how much the period has used so far): `NoIntervalPrice`, never a guess, unless the caller
asks for the marginal price of moving kWh between intervals of a period
(`tiers="marginal"`), from the profile's own kWh: with TierScope.BAND, the price of the
tier the band's period total reaches (its last kWh's price); with TierScope.ALL_BANDS,
where the engine shares each band's kWh across the tiers of the period's total in
proportion and a move keeps that total, the band's tier prices averaged over that split.
A move then changes the bill by the difference of the two prices as long as no band total
crosses a tier limit.
"""
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from core.errors import GridlineError

from .definitions import Flow, TariffDefinition, TierScope, compiled_schedules
from .engine import split_into_tiers, spot_unit_prices
from .periods import Period
from .prepared import PreparedProfile, prepare_profile
from .profile import LoadProfile


class NoIntervalPrice(GridlineError):
    code = "no_interval_price"


def varies_by_time(tariff: TariffDefinition) -> bool:
    """Whether moving a kWh in time can change its price: an import spot rate, or unit
    rates that differ between the energy schedule's bands (time of use)."""
    if any(rate.flow is Flow.IMPORT for rate in tariff.spot_rates):
        return True
    return len({rate.tiers for rate in tariff.unit_rates}) > 1


def _tier_reached(tiers, total: np.ndarray) -> np.ndarray:
    """Index of the tier holding the last kWh of each total (the engine's split_into_tiers:
    a total equal to a limit stays in the tier below it)."""
    limits = [float(tier.upper) for tier in tiers[:-1] if tier.upper is not None]
    return np.minimum(np.searchsorted(limits, total, side="left"), len(tiers) - 1)


def _band_prices(tariff, prepared, bands, band_names, tiers: str) -> np.ndarray:
    """[period, band] price of a kWh."""
    rates = [tariff.rate_for(band) for band in band_names]
    tiered = [rate.band for rate in rates if len(rate.tiers) > 1]
    table = np.array([[float(rate.tiers[0].price) for rate in rates]] * prepared.period_count)
    if not tiered:
        return table
    if tiers != "marginal":
        raise NoIntervalPrice(
            f"tariff {tariff.name!r} has tiered unit rates (band {tiered[0]!r}): the price "
            "of a kWh depends on the period's consumption, not on its interval")
    keys = prepared.period_index * len(band_names) + bands
    totals = np.bincount(keys, weights=prepared.import_kwh,
                         minlength=prepared.period_count * len(band_names)).reshape(
        prepared.period_count, len(band_names))
    shared = tariff.tier_scope is TierScope.ALL_BANDS
    for position, rate in enumerate(rates):
        if shared:
            table[:, position] = [_average_price(rate.tiers, total)
                                  for total in totals.sum(axis=1).tolist()]
        else:
            prices = np.array([float(tier.price) for tier in rate.tiers])
            table[:, position] = prices[_tier_reached(rate.tiers, totals[:, position])]
    return table


def _average_price(tiers, total: float) -> float:
    """The mean price of `total` kWh split into `tiers` (the first tier's without kWh)."""
    if total <= 0:
        return float(tiers[0].price)
    split = split_into_tiers(Decimal(repr(total)), tiers)
    return float(sum((quantity * tier.price for _, quantity, tier in split), Decimal(0))) / total


def interval_unit_prices(
    *, tariff: TariffDefinition, prepared: PreparedProfile, missing_market: str = "raise",
    tiers: str = "refuse",
) -> np.ndarray:
    """Money per imported kWh for each interval of `prepared` (in its order), before
    discount, levies and VAT. `missing_market="nan"` gives NaN for the intervals without
    a market price instead of refusing (`MissingSpotPrice`); `tiers="marginal"` prices
    tiered bands at the tier the prepared profile's own kWh reach (module docstring)."""
    prices = np.zeros(len(prepared.starts))
    if tariff.unit_rates:
        energy, _ = compiled_schedules(tariff)
        bands = prepared.bands(energy)
        table = _band_prices(tariff, prepared, bands, energy.bands, tiers)
        prices += table[prepared.period_index, bands]
    for rate in tariff.spot_rates:
        if rate.flow is not Flow.IMPORT:
            continue
        market = (prepared.aligned_market_prices(rate.instrument) if missing_market == "nan"
                  else prepared.market_prices(rate.instrument))
        prices += spot_unit_prices(rate, market)
    return prices


def unit_prices_on_grid(
    *, tariff: TariffDefinition, interval_starts: np.ndarray, interval: timedelta,
    spot_prices: Mapping[str, pd.Series] | None = None, missing_market: str = "raise",
    import_kwh: np.ndarray | None = None, tiers: str = "refuse",
) -> np.ndarray:
    """`interval_unit_prices` for a grid of interval starts (UTC ns, increasing) as one
    period, e.g. a day's half-hours; `import_kwh` on the grid for `tiers="marginal"`."""
    starts = np.asarray(interval_starts, dtype=np.int64)
    if not len(starts):
        return np.zeros(0)
    kwh = np.zeros(len(starts)) if import_kwh is None else np.asarray(import_kwh, dtype=float)
    grid = LoadProfile(interval_starts=starts, import_kwh=kwh, export_kwh=np.zeros(len(starts)),
                       interval=interval)
    first = pd.Timestamp(int(starts[0]), tz="UTC").to_pydatetime()
    end = pd.Timestamp(int(starts[-1]), tz="UTC").to_pydatetime() + interval
    prepared = prepare_profile(profile=grid, periods=[Period(start=first, end=end)],
                               time_zone=tariff.time_zone, spot_prices=spot_prices)
    return interval_unit_prices(tariff=tariff, prepared=prepared,
                                missing_market=missing_market, tiers=tiers)
