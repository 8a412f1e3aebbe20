"""One chunk of the nightly insights job: for a list of customers, the loads (a constant
number of queries, insights/loading.py) and each customer's figures from the analytics in
`insights/domain/`: the CalTRACK 2.0 baseline (or why there is none), the
weather-normalised trend and last month against last year, where the energy goes, the
best tariff (the last 12 months shadow-billed under every eligible product with the
billing engine's batch door), the evening load shift on a time-of-use or dynamic tariff,
the bill forecast priced by the engine and the high-bill alert, and the ranked
recommendations. Returns field dicts; insights/runs.py writes them.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.money import ZERO
from core.ranges import DateRange, local_days
from insights.domain.baseline import DailyArrays, baseline_fits
from insights.domain.breakdown import LocalGrid, energy_breakdown_on_grid, opening_hours_split
from insights.domain.forecast import day_shares, high_bill_alert, interval_forecast
from insights.domain.load_shift import load_shift_on_grid
from insights.domain.recommendations import (
    base_load_recommendation,
    cooling_recommendation,
    heating_recommendation,
    load_shift_recommendation,
    rank_recommendations,
    tariff_switch_recommendation,
)
from insights.domain.segments import typical_day_on_grid
from insights.domain.sufficiency import InsufficientData
from insights.domain.weather import normal_temperatures, period_comparison
from insights.loading import (
    customers_load,
    daily_rollups_load,
    daily_temperatures_load,
    intervals_in_day,
)
from insights.models import HighBillAlert
from insights.period_pricing import HALF_HOUR, PeriodPricing
from market.domain.series import price_series_load, prices_on_grid
from metering.domain.profiles import interval_profiles_load
from tariffs.domain.batch import GridPricer
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.domain.lines import LineKind
from tariffs.domain.offers import versions_in_force
from tariffs.domain.periods import billing_periods
from tariffs.domain.unit_prices import interval_unit_prices, varies_by_time
from tariffs.models import Product

HISTORY_DAYS = 400  # a 365-day baseline and the same month last year
ALERT_PERCENTAGE = Decimal(20)  # over last year's same period
BASE_LOAD_PERCENTILE = 20  # "efficient" base load: what the best 20% run


@dataclass(frozen=True)
class ChunkContext:
    on: date
    time_zone: str
    currency: str
    now: datetime


def chunk_results(*, customer_ids: list[int], context: ChunkContext):
    """(results, recommendations, alerts) as field dicts: the pure part of a chunk after
    its loads (constant queries for the chunk)."""
    tz = ZoneInfo(context.time_zone)
    on = context.on
    customers = customers_load(customer_ids=customer_ids)
    history = DateRange(on - timedelta(days=HISTORY_DAYS), on)
    year = DateRange(on - timedelta(days=365), on)
    month = DateRange(on.replace(day=1), _next_month(on))
    meters = [m for row in customers.values() for m in row.meter_ids]
    rollups = daily_rollups_load(meter_ids=meters, days=history)
    temperatures = daily_temperatures_load(
        regions={row.region for row in customers.values()},
        period=local_days(DateRange(history.start, month.end), context.time_zone), tz=tz)
    half_hourly = [m for row in customers.values() for m in row.meter_ids
                   if row.interval_minutes[m] == 30]
    year_instants = local_days(year, context.time_zone)
    profiles = interval_profiles_load(meter_ids=half_hourly, period=year_instants,
                                      interval_minutes=30)
    pricing = TariffPricing.load(customers=customers, profiles=profiles, on=on,
                                  year_instants=year_instants, time_zone=context.time_zone)
    dates = pd.date_range(history.start, history.end, freq="D", inclusive="left")
    in_day_30 = intervals_in_day(days=history, tz=tz, minutes=30)
    normal_period = DateRange(on - timedelta(days=365), month.end)
    normals = {region: normal_temperatures(daily_temperature=series, period=normal_period)
               for region, series in temperatures.items()}
    alerted = set(HighBillAlert.objects.filter(customer_id__in=list(customers),
                                               period_start_date=month.start)
                  .values_list("customer_id", flat=True))
    months = _Months(dates=dates, on=on)
    # the local time of the profiles' half-hours, once for the chunk, and each region's
    # temperature on those local dates
    grid = LocalGrid.of(starts=profiles.starts, tz=tz)
    on_grid = {region: series.reindex(grid.dates).to_numpy(dtype=float)
               for region, series in temperatures.items()}
    no_temperature = np.full(len(grid.dates), np.nan)
    # and on the history's dates (the daily frame), with the normals
    on_dates = {region: series.reindex(dates).to_numpy(dtype=float)
                for region, series in temperatures.items()}
    normal_on_dates = {region: series.reindex(dates).to_numpy()
                       for region, series in normals.items()}
    # the normals of the year ahead, for the heating and cooling advice
    year_normals = {region: series.iloc[:365].to_numpy() for region, series in normals.items()}
    usage = _daily_usage(customers=customers, rollups=rollups, in_day_30=in_day_30)
    monthly = _monthly_kwh(customers=customers, rollups=rollups, months=months)
    period_pricing = PeriodPricing(period=month, on=on, time_zone=context.time_zone,
                                   tariffs=pricing.tariffs, spot=pricing.spot,
                                   profile_starts=profiles.starts)
    filled = {}

    def month_filled(region, temps, normals):
        """The month's temperature of a region on the forecast's dates, once per chunk."""
        if region not in filled:
            filled[region] = month_temperature(
                temps=temps, normals=normals, month=month, on=on,
            ).reindex(period_pricing.grid.dates).to_numpy(dtype=float)
        return filled[region]

    first_day = dates[0].date()
    profile_rows = {meter: row for row, meter in enumerate(profiles.meter_ids.tolist())}
    # every customer's baseline, fitted together
    no_temperature_on_dates = np.full(len(dates), np.nan)
    temperature_rows = [on_dates.get(row.region, no_temperature_on_dates)
                        for row in customers.values()]
    fits = baseline_fits(
        kwh=np.array([usage[row.id] for row in customers.values()]).reshape(-1, len(dates)),
        temperature=np.array(temperature_rows).reshape(-1, len(dates)), first=first_day,
        period=year)
    computed = []
    for row, fit, temperature_row in zip(customers.values(), fits, temperature_rows,
                                         strict=True):
        computed.append(_customer(
            fit=fit, row=row, context=context, tz=tz, month=month, first_day=first_day,
            usage=usage[row.id], temperature_row=temperature_row,
            temperature=temperatures.get(row.region), normals=normals.get(row.region),
            year_normals=year_normals.get(row.region), profiles=profiles,
            profile_rows=profile_rows, pricing=pricing, alerted=row.id in alerted,
            months=months, grid=grid, grid_temperature=on_grid.get(row.region, no_temperature),
            normal_on_dates=normal_on_dates.get(row.region), month_filled=month_filled,
            period_pricing=period_pricing))
    # "efficient" base load: what the best 20% of this chunk's customers of a kind run
    loads = {}
    for row, (_, _, _, extra) in zip(customers.values(), computed, strict=True):
        if extra["base_load_kw"] is not None:
            loads.setdefault(row.kind, []).append(extra["base_load_kw"])
    targets = {kind: float(np.percentile(values, BASE_LOAD_PERCENTILE))
               for kind, values in loads.items() if len(values) >= 5}
    results, recommendations, alerts = [], [], []
    for row, (result, candidates, alert, extra) in zip(customers.values(), computed,
                                                        strict=True):
        target = targets.get(row.kind)
        if extra["unit_price"] and extra["base_load_kw"] is not None and target is not None:
            candidates.append(base_load_recommendation(
                base_load_kw=extra["base_load_kw"], target_base_load_kw=target,
                unit_price=extra["unit_price"]))
        ranked = rank_recommendations(candidates=candidates)
        recommendations += [
            {"customer_id": row.id, "rank": rank, "kind": str(rec.kind),
             "kwh_per_year": Decimal(repr(round(rec.kwh_per_year, 3))),
             "money_per_year": rec.money_per_year, "figures": json_ready(rec.figures)}
            for rank, rec in enumerate(ranked, start=1)]
        result["report"]["monthly_kwh"] = monthly[row.id]
        results.append(result)
        if alert:
            alerts.append(alert)
    return results, recommendations, alerts


class _Months:
    """The last 12 whole months before `on` as index ranges into the chunk's dates."""

    def __init__(self, *, dates, on):
        first = on.replace(day=1)
        self.starts = [months_back(first, back) for back in range(12, 0, -1)]
        positions = dates.searchsorted([pd.Timestamp(m) for m in
                                        [*self.starts, first]])
        self.slices = [slice(int(a), int(b)) for a, b in zip(positions[:-1], positions[1:],
                                                             strict=True)]
        # the 12 months as one slice of the dates and where each begins in it (for
        # `np.add.reduceat`; the history covers every month, so none is empty)
        self.year = slice(int(positions[0]), int(positions[-1]))
        self.offsets = positions[:-1] - positions[0]
        self.days = [(_next_month(m) - m).days for m in self.starts]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _daily_usage(*, customers, rollups, in_day_30) -> dict[int, np.ndarray]:
    """Customer -> kWh per local day (NaN = missing) of all their meters, for the whole
    chunk in a few array operations: a meter's day counts when it has more than half its
    intervals (CalTRACK's day rule), scaled to the whole day; a customer's day needs every
    meter's."""
    present = rollups.intervals
    minutes = np.array([30] * len(rollups.kwh))
    for row in customers.values():
        for meter in row.meter_ids:
            minutes[rollups.rows([meter])[0]] = row.interval_minutes[meter]
    in_day = in_day_30[None, :] * 30 // minutes[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        per_meter = np.where(2 * present > in_day,
                             rollups.kwh * in_day / np.maximum(present, 1), np.nan)
    missing = np.full(rollups.kwh.shape[1], np.nan)
    out = {}
    for row in customers.values():
        if not row.meter_ids:
            out[row.id] = missing
        elif len(row.meter_ids) == 1:
            out[row.id] = per_meter[rollups.rows(row.meter_ids)[0]]
        else:
            out[row.id] = per_meter[rollups.rows(row.meter_ids)].sum(axis=0)
    return out


def _monthly_kwh(*, customers, rollups, months) -> dict[int, list]:
    """Customer -> kWh read in each of the last 12 whole months (their meters' daily
    rollups summed, nothing scaled; None for a month without any reading): the "you" of
    the neighbour comparison, which the run's finish puts side by side for every home."""
    per_meter = [(rollups.kwh[:, part].sum(axis=1), rollups.intervals[:, part].sum(axis=1))
                 for part in months.slices]
    out = {}
    for row in customers.values():
        rows = rollups.rows(row.meter_ids)
        out[row.id] = [float(kwh[rows].sum()) if len(rows) and intervals[rows].sum() else None
                       for kwh, intervals in per_meter]
    return out


def _half_hours(row, profiles, profile_rows) -> np.ndarray | None:
    """The customer's half-hourly kWh on the profiles' grid (its meters summed; an
    interval counts only when every meter has it: NaN otherwise), None without any.
    `profile_rows`: meter id -> its row in the profiles."""
    rows = [profile_rows[m] for m in row.meter_ids if m in profile_rows]
    if not rows:
        return None
    kwh = (profiles.kwh[rows[0]] if len(rows) == 1
           else profiles.kwh[rows].sum(axis=0))  # NaN where any meter lacks the interval
    return kwh if not np.isnan(kwh).all() else None


def _readings(kwh, profiles) -> pd.Series:
    """Half-hourly kWh on the grid as a Series of the present intervals by UTC start."""
    present = ~np.isnan(kwh)
    index = pd.DatetimeIndex(profiles.starts[present].astype("datetime64[ns]"), tz="UTC")
    return pd.Series(kwh[present], index=index)


class TariffPricing:
    """Every eligible product's shadow bill of the last 12 months for each meter, through
    the billing engine's batch door (one `GridPricer` per product and chunk, which the
    load shifts' interval prices share)."""

    def __init__(self, *, codes, costs, refused, lines, kinds):
        self.codes, self.costs, self.refused, self.lines, self.kinds = (
            codes, costs, refused, lines, kinds)

    @classmethod
    def load(cls, *, customers, profiles, on, year_instants, time_zone):
        products = list(Product.objects.order_by("code"))
        versions = versions_in_force(products=products, on=on)
        ordered = sorted(versions.values(), key=lambda v: v.product.code)
        definitions = tariff_definitions_for(versions=ordered)
        tariffs = {v.product.code: definitions[v.pk] for v in ordered}
        kinds = {v.product.code: set(v.product.customer_kinds) for v in ordered}
        instruments = {rate.instrument for t in tariffs.values() for rate in t.spot_rates}
        # hourly day-ahead prices apply to each half-hour inside the hour, as in billing
        spot = (prices_on_grid(series=price_series_load(instrument_codes=instruments,
                                                        period=year_instants),
                               step_minutes=30) if instruments else None)
        costs, refused, lines, pricers = {}, {}, {}, {}
        if len(profiles.meter_ids):
            for code, tariff in tariffs.items():
                periods = billing_periods(start=year_instants.start, end=year_instants.end,
                                          time_zone=tariff.time_zone, by="month")
                try:
                    pricers[code] = GridPricer(
                        tariff=tariff, interval_starts=profiles.starts,
                        interval=profiles.interval, periods=periods, spot_prices=spot)
                except GridlineError as exc:
                    refused[code] = exc.detail
            # meter by meter, its readings with zeros for the missing ones once for every
            # product (a row stays in the CPU's cache; a zero-filled copy of the chunk's
            # whole matrix did not)
            for meter, row in zip(profiles.meter_ids.tolist(), profiles.kwh, strict=True):
                kwh = np.where(np.isnan(row), 0.0, row)
                for code, pricer in list(pricers.items()):
                    try:
                        breakdowns = pricer.price(kwh)
                    except GridlineError as exc:  # the product cannot price this grid
                        refused[code] = exc.detail
                        del pricers[code]
                        continue
                    costs[(code, meter)] = sum((b.total_after_tax for b in breakdowns), ZERO)
                    lines[(code, meter)] = breakdowns
            for code in refused:
                for meter in profiles.meter_ids.tolist():
                    costs.pop((code, meter), None)
                    lines.pop((code, meter), None)
        pricing = cls(codes=list(tariffs), costs=costs, refused=refused, lines=lines,
                      kinds=kinds)
        pricing.tariffs, pricing.spot, pricing.pricers = tariffs, spot, pricers
        return pricing

    def customer_costs(self, row) -> dict[str, Decimal]:
        """Product -> the customer's year under it (all meters), eligible products only."""
        out = {}
        for code in self.codes:
            if row.kind not in self.kinds[code]:
                continue
            parts = [self.costs.get((code, m)) for m in row.meter_ids]
            if parts and all(p is not None for p in parts):
                out[code] = sum(parts, ZERO)
        return out

    def unit_price(self, row, code) -> Decimal | None:
        """The customer's average energy price under `code` (energy and spot lines / kWh)."""
        amount, kwh = ZERO, ZERO
        for m in row.meter_ids:
            for breakdown in self.lines.get((code, m), ()):
                for line in breakdown.lines:
                    if line.kind in (LineKind.ENERGY, LineKind.SPOT):
                        amount += line.amount
                        kwh += line.quantity
        return (amount / kwh).quantize(Decimal("0.0001")) if kwh else None

    def interval_prices(self, code, starts, kwh) -> np.ndarray:
        """The product's energy price per half-hour of the profiles' grid `starts` for a
        customer's kWh `kwh` (NaN where a market price lacks; a tiered band at the tier
        the customer's month reaches): tariffs.domain.unit_prices on the engine's
        preparation of the grid, made once per product and chunk."""
        cache = self.pricers
        if code not in cache:
            tariff = self.tariffs[code]
            end = pd.Timestamp(int(starts[-1]), tz="UTC").to_pydatetime() + HALF_HOUR
            periods = billing_periods(start=pd.Timestamp(int(starts[0]), tz="UTC")
                                      .to_pydatetime(), end=end, time_zone=tariff.time_zone,
                                      by="month")
            cache[code] = GridPricer(tariff=tariff, interval_starts=starts,
                                     interval=HALF_HOUR, periods=periods,
                                     spot_prices=self.spot)
        pricer = cache[code]
        return interval_unit_prices(tariff=pricer.tariff, prepared=pricer.prepared(
            np.nan_to_num(kwh)), missing_market="nan", tiers="marginal")


def _customer(*, fit, row, context, tz, month, first_day, usage, temperature_row,
              temperature, normals, year_normals, profiles, profile_rows, pricing, alerted,
              months, grid, grid_temperature, normal_on_dates, month_filled, period_pricing):
    """One customer's result, recommendation candidates, alert and the figures the chunk
    compares across customers; `fit`: their baseline (fitted with the chunk's others)."""
    on = context.on
    report: dict = {"kind": row.kind, "region": row.region}
    temps = temperature if temperature is not None else pd.Series(
        [], index=pd.DatetimeIndex([]), dtype=float)
    daily = DailyArrays(first=first_day, kwh=usage, temperature=temperature_row)
    model = fit.model if fit.sufficient else None
    result = {"customer_id": row.id, "baseline_days": fit.days}
    if model is None:
        result["insufficient_reason"] = "; ".join(fit.insufficient) or "no baseline model"
        report["baseline"] = {"insufficient": result["insufficient_reason"]}
    else:
        result.update(model_kind=model.kind, intercept_kwh_per_day=model.intercept_kwh_per_day,
                      beta_hdd=model.beta_hdd, beta_cdd=model.beta_cdd,
                      heating_balance_point=model.heating_balance_point,
                      cooling_balance_point=model.cooling_balance_point,
                      r_squared_adj=model.r_squared_adj)
        report["baseline"] = {"kind": model.kind, "days": fit.days,
                              "observed_kwh": round(fit.observed_kwh, 3),
                              "r_squared_adj": round(model.r_squared_adj, 6)}
    report["trend"] = _trend(daily=daily, model=model, normal=normal_on_dates, on=on,
                             months=months)
    half_hours = _half_hours(row, profiles, profile_rows)
    readings = None
    breakdown = None
    typical = None
    if half_hours is not None:
        try:
            breakdown = energy_breakdown_on_grid(kwh=half_hours, grid=grid, interval_hours=0.5,
                                                 model=model, temperature=grid_temperature)
            report["breakdown"] = {k: (round(v, 3) if isinstance(v, float) else v)
                                   for k, v in breakdown.__dict__.items()}
        except GridlineError as exc:
            report["breakdown"] = {"unavailable": exc.detail}
        if row.kind == "ENTERPRISE":
            readings = _readings(half_hours, profiles)
            split = opening_hours_split(readings=readings, tz=tz)
            report["opening_hours"] = {k: (round(v, 3) if isinstance(v, float) else v)
                                       for k, v in split.__dict__.items()}
        typical = typical_day_on_grid(kwh=half_hours, minute=grid.minute, interval_minutes=30)
        report["typical_day"] = [None if np.isnan(v) else round(float(v), 4) for v in typical]
    costs = pricing.customer_costs(row)
    current = row.product_code
    candidates = []
    unit_price = pricing.unit_price(row, current) if current else None
    if costs:
        best = min(sorted(costs), key=lambda code: costs[code])
        report["tariffs"] = {
            "current": current, "best": best, "days": 365,
            "options": [{"product": code, "total_inc_tax": str(costs[code])}
                        for code in sorted(costs, key=lambda code: (costs[code], code))],
            "not_priceable": pricing.refused,
        }
        if current in costs:
            candidates.append(tariff_switch_recommendation(
                current_product=current, current_cost=costs[current], best_product=best,
                best_cost=costs[best], days=365))
    shift = _load_shift(row=row, half_hours=half_hours, pricing=pricing, grid=grid,
                        starts=profiles.starts, breakdown=breakdown)
    if shift is not None:
        report["load_shift"] = {"days": shift.days, "kwh_moved": round(shift.kwh_moved, 3),
                                "cost_before": str(shift.cost_before),
                                "cost_after": str(shift.cost_after),
                                "usual_window_start": (shift.usual_window_start.isoformat(
                                    timespec="minutes") if shift.usual_window_start else None)}
        candidates.append(load_shift_recommendation(shift=shift))
    if unit_price:
        if model is not None and year_normals is not None:
            if not np.isnan(year_normals).any():
                candidates.append(heating_recommendation(
                    model=model, normal_temperature=year_normals, unit_price=unit_price))
                candidates.append(cooling_recommendation(
                    model=model, normal_temperature=year_normals, unit_price=unit_price))
    alert = None
    if model is not None and current in costs:
        report["forecast"], alert = _forecast(
            row=row, model=model, daily=daily, month=month,
            filled=month_filled(row.region, temps, normals), half_hours=half_hours,
            typical=typical, period_pricing=period_pricing, alerted=alerted)
    elif model is None:
        report["forecast"] = {"unavailable": "no baseline: " + result["insufficient_reason"]}
    result["report"] = json_ready(report)
    extra = {"base_load_kw": breakdown.base_load_kw if breakdown is not None else None,
             "unit_price": unit_price}
    return result, candidates, alert, extra


def _trend(*, daily, model, normal, on, months) -> dict:
    """The last 12 whole months: observed kWh (months with 90% of their days measured)
    and, with a baseline, weather-normalised kWh (observed - the model at that weather +
    the model at normal weather, over the days with both); and the last whole month
    against the same month last year."""
    kwh, temperature = daily.kwh, daily.temperature
    both = ~np.isnan(kwh) & ~np.isnan(temperature)
    if normal is None:  # `normal`: the normal temperature on the daily frame's dates
        normal = np.full(len(kwh), np.nan)
    adjustment = None
    if model is not None:
        usable = both & ~np.isnan(normal)
        adjustment = np.where(usable, model.predict(np.where(usable, normal, 0.0))
                              - model.predict(np.where(usable, temperature, 0.0)), 0.0)
    # each month's sums in one pass over the year (months are consecutive slices)
    measured = ~np.isnan(kwh)
    year, offsets = months.year, months.offsets
    counts = np.add.reduceat(measured[year], offsets, dtype=np.int64)
    observed = np.add.reduceat(np.where(measured, kwh, 0.0)[year], offsets)
    if adjustment is not None:
        adjusted = np.add.reduceat(adjustment[year], offsets)
        normal_missing = np.logical_or.reduceat((both & np.isnan(normal))[year], offsets)
    entries = []
    for m, (start, days) in enumerate(zip(months.starts, months.days, strict=True)):
        entry = {"month": start.isoformat(), "observed_kwh": None, "normalised_kwh": None}
        if counts[m] >= 0.9 * days:
            entry["observed_kwh"] = round(float(observed[m]), 3)
            if adjustment is not None and not normal_missing[m]:
                entry["normalised_kwh"] = round(float(observed[m]) + float(adjusted[m]), 3)
        entries.append(entry)
    out = {"months": entries}
    if model is not None:
        first = on.replace(day=1)
        last = DateRange(months_back(first, 1), first)
        try:
            comparison = period_comparison(model=model, daily=daily, period=last)
            out["last_month"] = {
                "month": last.start.isoformat(), "change_kwh": round(comparison.change_kwh, 3),
                "weather_kwh": round(comparison.weather_kwh, 3),
                "other_kwh": round(comparison.other_kwh, 3)}
        except InsufficientData as exc:
            out["last_month"] = {"unavailable": exc.detail}
    return out


def months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _load_shift(*, row, half_hours, pricing, grid, starts, breakdown):
    """On a tariff whose energy price varies by time (time-of-use bands or a spot rate):
    each half-hour at the customer's own tariff's price (tariffs.domain.unit_prices: the
    engine's bands and the stored market prices), on the chunk's grid."""
    tariff = pricing.tariffs.get(row.product_code) if row.product_code else None
    if (tariff is None or not varies_by_time(tariff) or half_hours is None
            or breakdown is None):
        return None
    try:
        price = pricing.interval_prices(row.product_code, starts, half_hours)
        return load_shift_on_grid(kwh=half_hours, price=price, grid=grid, interval_minutes=30,
                                  base_load_kw=breakdown.base_load_kw)
    except GridlineError:
        return None


def month_temperature(*, temps, normals, month, on) -> pd.Series:
    """The month's daily temperature: the actual one before `on`, the normal one from
    `on` (the same for every customer of a region: the chunk works it out once)."""
    known = temps.reindex(pd.date_range(month.start, month.end, inclusive="left"))
    future = known.index >= pd.Timestamp(on)
    return known.where(~future, normals.reindex(known.index) if normals is not None
                       else np.nan)


def _forecast(*, row, model, daily, filled, month, half_hours, typical, period_pricing,
              alerted):
    """This month's bill through the billing engine: the half-hours read so far + the
    model for every other half-hour (at the actual temperature for past days and the
    normal one for days to come, `filled`: month_temperature), shaped over each day by the
    customer's typical day, priced with their current tariff over the whole month
    (standing charges included). Last year's same month: its daily kWh on this month's
    days, shaped the same way and priced with the same tariff, so the alert compares
    usage, not price changes."""
    if half_hours is None:
        return {"unavailable": "no half-hourly readings to price with the tariff"}, None
    grid = period_pricing.grid
    shares = day_shares(day=grid.day, minute=grid.minute, typical_day=typical,
                        interval_minutes=30)
    try:
        forecast = interval_forecast(
            model=model, so_far=period_pricing.so_far(half_hours), past=period_pricing.past,
            day=grid.day, dates=grid.dates, shares=shares, daily_temperature=filled)
        pricer = period_pricing.pricer(row.product_code)
    except InsufficientData as exc:
        return {"unavailable": exc.detail}, None
    except GridlineError as exc:
        return {"unavailable": f"{row.product_code} cannot price the forecast: "
                               f"{exc.detail}"}, None
    bill = pricer.price(forecast.kwh)
    amount = sum((b.total_after_tax for b in bill), ZERO)
    last_year = DateRange(month.start.replace(year=month.start.year - 1),
                          month.end.replace(year=month.end.year - 1))
    positions = daily.positions(last_year)
    earlier = np.where(positions >= 0, daily.kwh[np.maximum(positions, 0)], np.nan)
    last_amount = None
    if len(earlier) == len(grid.dates) and not np.isnan(earlier).any():
        last_amount = sum((b.total_after_tax for b in pricer.price(earlier[grid.day] * shares)),
                          ZERO)
    standing = sum((line.amount for b in bill for line in b.lines
                    if line.kind == LineKind.STANDING), ZERO)
    figures = {"period_start": month.start.isoformat(), "period_end": month.end.isoformat(),
               "measured_days": forecast.measured_days,
               "measured_kwh": round(forecast.measured_kwh, 3),
               "predicted_days": forecast.predicted_days,
               "predicted_kwh": round(forecast.predicted_kwh, 3),
               "amount": str(amount), "priced_with": row.product_code,
               "standing_charge": str(standing), "last_year_amount": (
                   str(last_amount) if last_amount is not None else None)}
    decision = high_bill_alert(forecast_amount=amount, last_year_amount=last_amount,
                               percentage=ALERT_PERCENTAGE if last_amount else None,
                               already_alerted=alerted)
    figures["alert"] = {"send": decision.send, "reason": decision.reason}
    alert = ({"customer_id": row.id, "period_start_date": month.start,
              "period_end_date": month.end, "forecast_amount": amount,
              "reason": decision.reason} if decision.send else None)
    return figures, alert


def json_ready(value):
    """JSON-ready: Decimals as strings, numpy numbers as Python numbers, NaN as None."""
    kind = type(value)  # the common plain types first: a report has thousands of values
    if kind is float:
        return None if value != value else value
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return value
