"""The pricing engine: a tariff definition x an interval load profile -> itemised bill lines.

Each billing period is priced on its own: tiers, demand peaks and minimum charges restart
every period. Within a period the engine

1. bands every interval once (a lookup in the compiled schedule by local date and time);
2. sums kWh per (period, band) with one `np.bincount` and splits each sum into tiers
   (or, with TierScope.ALL_BANDS, splits the period total and shares each band's kWh
   across tiers in proportion, the last tier taking the remainder so each band's lines
   still add up to its kWh exactly);
3. takes the highest interval demand (kWh / interval hours, imported energy only) per
   period among the intervals a demand charge covers, with `np.maximum.reduceat`;
4. prices spot-indexed energy interval by interval as
   clip(market price x multiplier + adder, floor, cap), summed per period;
5. credits exported kWh at the export rate of their band (or at a spot rate with
   flow=export), charges per-kWh levies on imported kWh, and adds the standing charge:
   per day for each local day whose midnight falls in the period, or per month prorated
   by local days;
6. closes the period with the group discount, minimum charge top-up and VAT (lines.py).

No step loops over intervals in Python; the only Python loops run over periods, bands and
tiers, which is what keeps a year of half-hours within a few milliseconds. Quantities and
amounts become Decimals only at the line level (money.py has the rounding rules).
"""
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.money import QUANTITY_STEP, ZERO, amount_from_float, money_round, quantity_from_float

from .definitions import (
    ChargeBasis,
    Flow,
    SpotRate,
    TariffDefinition,
    Tier,
    TierScope,
    compiled_schedules,
)
from .lines import Line, LineKind, PriceBreakdown, close_period
from .periods import BillingCycle, Period, billing_periods
from .prepared import PreparedProfile, prepare_profile
from .profile import LoadProfile
from .schedule import ALL_MONTHS, MONTHS


class ProfilePreparedForAnotherZone(GridlineError):
    code = "profile_time_zone_mismatch"


def split_into_tiers(quantity: Decimal, tiers: tuple[Tier, ...]):
    """(tier number, quantity in the tier, tier) for every tier the quantity reaches."""
    lower = ZERO
    last = len(tiers) - 1
    for position, tier in enumerate(tiers):
        if position == last or tier.upper is None:
            in_tier = quantity - lower
        else:
            in_tier = min(quantity, tier.upper) - lower
        if in_tier > 0:
            yield position + 1, in_tier, tier
        if position == last or tier.upper is None or quantity <= tier.upper:
            return
        lower = tier.upper


def _tier_lines(
    *, kind: LineKind, quantity: Decimal, unit: str, tiers: tuple[Tier, ...],
    band: str | None, name: str | None = None,
) -> list[Line]:
    numbered = len(tiers) > 1
    return [
        Line(kind=kind, quantity=in_tier, unit=unit, unit_price=tier.price,
             amount=money_round(in_tier * tier.price), band=band,
             tier=number if numbered else None, name=name)
        for number, in_tier, tier in split_into_tiers(quantity, tiers)
    ]


def _per_period_max(values: np.ndarray, prepared: PreparedProfile) -> list[float]:
    peaks = np.full(prepared.period_count, -np.inf)
    filled = prepared.period_counts > 0
    if filled.any():
        # Periods are contiguous runs of the arrays; empty ones are left out of the
        # offsets, so each reduceat segment ends where the next non-empty period starts.
        peaks[filled] = np.maximum.reduceat(values, prepared.period_offsets[filled])
    return peaks.tolist()


def _prorated(amount: Decimal, per: ChargeBasis, prepared: PreparedProfile, period: int):
    """(quantity, exact amount) of a per-day or per-month charge over one period."""
    return _prorations(amount, per, prepared)[period]


def _prorations(amount: Decimal, per: ChargeBasis, prepared: PreparedProfile) -> tuple:
    """`_prorated` for every period. They depend on the periods' days only, so profiles
    sharing one preparation (the batch door) work them out once."""
    key = ("prorations", str(amount), per)  # str: 0.48 and 0.480 print apart
    found = prepared._by_time.get(key)
    if found is None:
        found = prepared._by_time[key] = tuple(
            _proration(amount, per, prepared, period) for period in range(prepared.period_count))
    return found


def _proration(amount: Decimal, per: ChargeBasis, prepared: PreparedProfile, period: int):
    if per is ChargeBasis.DAY:
        days = Decimal(prepared.period_days[period])
        return days, days * amount
    months = prepared.period_months[period]
    exact = amount * months.numerator / months.denominator
    quantity = (Decimal(months.numerator) / Decimal(months.denominator)).quantize(QUANTITY_STEP)
    return quantity, exact


def _standing_lines(tariff: TariffDefinition, prepared: PreparedProfile, lines) -> None:
    charge = tariff.standing_charge
    if charge is None:
        return
    key = ("standing", str(charge.amount), charge.per)
    standing = prepared._by_time.get(key)
    if standing is None:  # lines are immutable: profiles sharing a preparation share them
        standing = prepared._by_time[key] = [
            Line(kind=LineKind.STANDING, quantity=quantity, unit=str(charge.per),
                 unit_price=charge.amount, amount=money_round(exact)) if quantity else None
            for quantity, exact in _prorations(charge.amount, charge.per, prepared)]
    for period_lines, line in zip(lines, standing, strict=True):
        if line is not None:
            period_lines.append(line)


def _band_totals(weights: np.ndarray, bands: np.ndarray, band_count: int, prepared) -> list:
    keys = prepared.period_index * band_count + bands
    totals = np.bincount(keys, weights=weights, minlength=prepared.period_count * band_count)
    return totals.reshape(prepared.period_count, band_count).tolist()


def _shared_tier_lines(quantities: list[Decimal], rates, band_names) -> list[Line]:
    """TierScope.ALL_BANDS: tier limits apply to the period's total across bands."""
    total = sum(quantities, ZERO)
    lines = []
    for band, rate, quantity in zip(band_names, rates, quantities, strict=True):
        if not quantity:
            continue
        numbered = len(rate.tiers) > 1
        shares = list(split_into_tiers(total, rate.tiers))
        allocated = ZERO
        for position, (number, in_tier, tier) in enumerate(shares):
            if position == len(shares) - 1:
                share = quantity - allocated  # the remainder keeps the band's sum exact
            else:
                share = (quantity * in_tier / total).quantize(QUANTITY_STEP)
            allocated += share
            if share:
                lines.append(Line(
                    kind=LineKind.ENERGY, quantity=share, unit="kWh", unit_price=tier.price,
                    amount=money_round(share * tier.price), band=band,
                    tier=number if numbered else None,
                ))
    return lines


def _energy_lines(tariff, prepared, energy_bands, band_names, lines) -> None:
    totals = _band_totals(prepared.import_kwh, energy_bands, len(band_names), prepared)
    rates = [tariff.rate_for(band) for band in band_names]
    shared = tariff.tier_scope is TierScope.ALL_BANDS
    for period_totals, period_lines in zip(totals, lines, strict=True):
        quantities = [quantity_from_float(total) for total in period_totals]
        if shared:
            period_lines.extend(_shared_tier_lines(quantities, rates, band_names))
            continue
        for band, rate, quantity in zip(band_names, rates, quantities, strict=True):
            if quantity > 0:
                period_lines.extend(_tier_lines(
                    kind=LineKind.ENERGY, quantity=quantity, unit="kWh", tiers=rate.tiers,
                    band=band,
                ))


def spot_unit_prices(rate: SpotRate, market: np.ndarray) -> np.ndarray:
    """clip(market × multiplier + adder, floor, cap) per interval (NaN stays NaN)."""
    price = market * float(rate.multiplier) + float(rate.adder)
    if rate.floor is not None or rate.cap is not None:
        low = -np.inf if rate.floor is None else float(rate.floor)
        high = np.inf if rate.cap is None else float(rate.cap)
        price = np.clip(price, low, high)
    return price


def _spot_lines(tariff, prepared, lines) -> None:
    for rate in tariff.spot_rates:
        price = spot_unit_prices(rate, prepared.market_prices(rate.instrument))
        exporting = rate.flow is Flow.EXPORT
        kwh = prepared.export_kwh if exporting else prepared.import_kwh
        count = prepared.period_count
        amounts = np.bincount(prepared.period_index, weights=kwh * price, minlength=count)
        quantities = np.bincount(prepared.period_index, weights=kwh, minlength=count)
        sign = -1 if exporting else 1
        for amount, total, period_lines in zip(
            amounts.tolist(), quantities.tolist(), lines, strict=True
        ):
            quantity = quantity_from_float(total)
            if not quantity:
                continue
            exact = amount_from_float(sign * amount)
            period_lines.append(Line(
                kind=LineKind.EXPORT if exporting else LineKind.SPOT, quantity=quantity,
                unit="kWh", unit_price=(exact / quantity).quantize(QUANTITY_STEP),
                amount=money_round(exact), name=rate.instrument,
            ))


def _flags(size: int, positions) -> np.ndarray:
    flags = np.zeros(size, dtype=bool)
    flags[list(positions)] = True
    return flags


def _demand_lines(tariff, prepared, demand_compiled, lines) -> None:
    kw = prepared.import_kwh / prepared.interval_hours
    demand_bands = None
    for charge in tariff.demand_charges:
        mask = None
        if charge.bands is not None:
            if demand_bands is None:
                demand_bands = prepared.bands(demand_compiled)
            chosen = [demand_compiled.bands.index(band) for band in charge.bands]
            mask = _flags(len(demand_compiled.bands), chosen)[demand_bands]
        if charge.months != ALL_MONTHS:
            in_months = _flags(MONTHS, [month - 1 for month in charge.months])[prepared.month0]
            mask = in_months if mask is None else mask & in_months
        values = kw if mask is None else np.where(mask, kw, -np.inf)
        for peak, period_lines in zip(_per_period_max(values, prepared), lines, strict=True):
            if peak > 0:
                period_lines.extend(_tier_lines(
                    kind=LineKind.DEMAND, quantity=quantity_from_float(peak), unit="kW",
                    tiers=charge.tiers, band=charge.band_label, name=charge.name,
                ))


def _export_lines(tariff, prepared, energy_bands, band_names, lines) -> None:
    by_band = None
    flat = None
    for rate in tariff.export_rates:
        if rate.band is None:
            if flat is None:
                flat = np.bincount(prepared.period_index, weights=prepared.export_kwh,
                                   minlength=prepared.period_count).tolist()
            totals = flat
        else:
            if by_band is None:
                by_band = _band_totals(prepared.export_kwh, energy_bands, len(band_names),
                                       prepared)
            position = band_names.index(rate.band)
            totals = [period_totals[position] for period_totals in by_band]
        for total, period_lines in zip(totals, lines, strict=True):
            quantity = quantity_from_float(total)
            if quantity:
                period_lines.append(Line(
                    kind=LineKind.EXPORT, quantity=quantity, unit="kWh",
                    unit_price=-rate.unit_price, amount=money_round(-quantity * rate.unit_price),
                    band=rate.band,
                ))


def _levy_lines(tariff, prepared, lines) -> None:
    if not tariff.levies:
        return
    totals = np.bincount(prepared.period_index, weights=prepared.import_kwh,
                         minlength=prepared.period_count).tolist()
    for total, period_lines in zip(totals, lines, strict=True):
        quantity = quantity_from_float(total)
        if not quantity:
            continue
        for levy in tariff.levies:
            period_lines.append(Line(
                kind=LineKind.LEVY, quantity=quantity, unit="kWh", unit_price=levy.unit_price,
                amount=money_round(quantity * levy.unit_price), name=levy.name,
            ))


def price_prepared(
    *, tariff: TariffDefinition, prepared: PreparedProfile, customer_group: str | None = None
) -> tuple[PriceBreakdown, ...]:
    """Price every billing period of an already prepared profile under one tariff."""
    if prepared.time_zone != tariff.time_zone:
        raise ProfilePreparedForAnotherZone(
            f"tariff {tariff.name!r} is in {tariff.time_zone} but the profile was prepared "
            f"for {prepared.time_zone}"
        )
    energy_compiled, demand_compiled = compiled_schedules(tariff)
    lines: list[list[Line]] = [[] for _ in prepared.periods]
    _standing_lines(tariff, prepared, lines)
    energy_bands = None
    if tariff.unit_rates or any(rate.band is not None for rate in tariff.export_rates):
        energy_bands = prepared.bands(energy_compiled)
    if tariff.unit_rates:
        _energy_lines(tariff, prepared, energy_bands, energy_compiled.bands, lines)
    _spot_lines(tariff, prepared, lines)
    _demand_lines(tariff, prepared, demand_compiled, lines)
    _export_lines(tariff, prepared, energy_bands, energy_compiled.bands, lines)
    _levy_lines(tariff, prepared, lines)

    discount = next(
        (d for d in tariff.group_discounts if customer_group is not None
         and d.group == customer_group), None,
    )
    breakdowns = []
    for position, (period, period_lines) in enumerate(zip(prepared.periods, lines, strict=True)):
        minimum = None
        if tariff.minimum_charge is not None:
            charge = tariff.minimum_charge
            minimum = money_round(_prorated(charge.amount, charge.per, prepared, position)[1])
        breakdowns.append(close_period(
            tariff_name=tariff.name, period=period, lines=period_lines,
            discount_percent=discount.percent if discount else None,
            discount_group=discount.group if discount else None,
            minimum=minimum, vat_rate=tariff.vat_rate,
        ))
    return tuple(breakdowns)


def price_billing_periods(
    *,
    tariff: TariffDefinition,
    profile: LoadProfile,
    periods: Sequence[Period],
    spot_prices: Mapping[str, pd.Series] | None = None,
    customer_group: str | None = None,
) -> tuple[PriceBreakdown, ...]:
    """Price explicit billing periods (e.g. between meter read dates), one breakdown each."""
    prepared = prepare_profile(
        profile=profile, periods=periods, time_zone=tariff.time_zone, spot_prices=spot_prices
    )
    return price_prepared(tariff=tariff, prepared=prepared, customer_group=customer_group)


def price_period(
    *,
    tariff: TariffDefinition,
    profile: LoadProfile,
    start: datetime,
    end: datetime,
    spot_prices: Mapping[str, pd.Series] | None = None,
    customer_group: str | None = None,
) -> PriceBreakdown:
    """Price [start, end) as a single billing period."""
    (breakdown,) = price_billing_periods(
        tariff=tariff, profile=profile, periods=[Period(start=start, end=end)],
        spot_prices=spot_prices, customer_group=customer_group,
    )
    return breakdown


def price_by_billing_period(
    *,
    tariff: TariffDefinition,
    profile: LoadProfile,
    start: datetime,
    end: datetime,
    by: BillingCycle = "month",
    spot_prices: Mapping[str, pd.Series] | None = None,
    customer_group: str | None = None,
) -> tuple[PriceBreakdown, ...]:
    """Split [start, end) into local calendar months (or quarters) and price each."""
    periods = billing_periods(start=start, end=end, time_zone=tariff.time_zone, by=by)
    return price_billing_periods(
        tariff=tariff, profile=profile, periods=periods, spot_prices=spot_prices,
        customer_group=customer_group,
    )
