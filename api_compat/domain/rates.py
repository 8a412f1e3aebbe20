"""A product's rates as dated rows, the way Octopus publishes tariff charges: one row per
stretch of time with one price (`value_exc_vat`, `value_inc_vat`, `valid_from`,
`valid_to`), newest first.

Everything is computed from the product's tariff versions (tariffs.domain.bulk) and, for
spot-indexed energy, from the stored market prices (market.domain.series); nothing here
prices anything of its own:

- a version with one energy price all day gives one row over the version's validity;
- a time-of-use version's bands are laid on the clock by the engine's schedule
  (tariffs.domain.prepared, the same banding bills use) and each stretch between two
  price changes becomes a row;
- a spot-indexed version gives a row per half-hour whose market price is stored, each
  clip(market × multiplier + adder, floor, cap) as the live price page shows it
  (tariffs.domain.spot_outlook.spot_unit_price), plus any unit rate and levy;
- day and night rates (two-register tariffs) and standing charges give a row per version.

Values are in the tariff's currency per kWh (per day for standing charges), shown to six
decimal places as the partner API's published rates (tariffs.domain.rates); the API turns
them into minor units (pence) as Octopus does. Pure apart from the two loads.
"""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from math import gcd

import numpy as np
import pandas as pd

from core.errors import GridlineError
from core.ranges import DateTimeRange, local_date, local_midnight
from market.domain.board import market_minutes
from market.domain.series import price_series_load
from tariffs.domain.bulk import tariff_definitions_for
from tariffs.domain.definitions import Flow, TariffDefinition
from tariffs.domain.intervals import PRICED_INTERVAL_MINUTES
from tariffs.domain.periods import Period
from tariffs.domain.prepared import prepare_profile
from tariffs.domain.profile import NS_PER_MINUTE, LoadProfile
from tariffs.domain.rates import DISPLAY_STEP
from tariffs.domain.schedule import compile_schedule
from tariffs.domain.spot_outlook import spot_unit_price
from tariffs.models import Direction, Product, TariffVersion

# A band stretch is looked for this far on either side of the asked window, so a row that
# overlaps the window shows its whole validity (a stretch longer than this, e.g. a whole
# summer at one price, shows its validity cut here).
BAND_PAD = timedelta(days=8)
DEFAULT_SPAN = timedelta(days=366)
MAX_WINDOW = timedelta(days=3 * 366)
NIGHT_NAMES = ("night", "off-peak", "offpeak", "off peak", "economy")


@dataclass(frozen=True)
class VersionTerms:
    """One tariff version with its definition and its validity as instants."""

    version: TariffVersion
    tariff: TariffDefinition
    period: DateTimeRange

    @property
    def vat_factor(self) -> Decimal:
        return 1 + self.tariff.vat_rate


@dataclass(frozen=True)
class RateRow:
    value_exc_vat: Decimal
    value_inc_vat: Decimal
    valid_from: datetime
    valid_to: datetime | None


def _shown(value: Decimal) -> Decimal:
    return value.quantize(DISPLAY_STEP, rounding=ROUND_HALF_UP)


def _row(terms: VersionTerms, value: Decimal, start: datetime, end: datetime | None):
    return RateRow(value_exc_vat=_shown(value), value_inc_vat=_shown(value * terms.vat_factor),
                   valid_from=start, valid_to=end)


def product_terms(*, product: Product) -> list[VersionTerms]:
    """The product's versions, oldest first, with their definitions (a constant number of
    queries: tariffs.domain.bulk)."""
    versions = list(product.versions.select_related("product").order_by("active_from"))
    definitions = tariff_definitions_for(versions=versions)
    return [VersionTerms(version=v, tariff=definitions[v.pk], period=version_instants(v))
            for v in versions]


def version_instants(version: TariffVersion) -> DateTimeRange:
    zone = version.time_zone
    end = version.active_to
    return DateTimeRange(local_midnight(version.active_from, zone),
                         None if end is None else local_midnight(end, zone))


def terms_in_force(terms: list[VersionTerms], at: datetime) -> VersionTerms | None:
    return next((t for t in terms if at in t.period), None)


class RatesWindowTooLong(GridlineError):
    code = "invalid"
    status = 400


def default_window(*, terms: list[VersionTerms], period_from: datetime | None,
                   period_to: datetime | None, now: datetime, time_zone: str) -> DateTimeRange:
    """The instants an answer covers: as asked; without `period_to` to the end of tomorrow
    (the retailer's days), which is as far as day-ahead prices reach; without
    `period_from` the year before that (or from the first version's start). At most
    MAX_WINDOW: time-of-use and spot rows are computed for every half-hour of it."""
    end = period_to or local_midnight(local_date(now, time_zone) + timedelta(days=2),
                                      time_zone)
    if period_from is None:
        first = terms[0].period.start if terms else end - DEFAULT_SPAN
        start = min(max(first, end - DEFAULT_SPAN), end - timedelta(days=1))
    else:
        start = period_from
        if end <= start:
            end = start + timedelta(days=2)
    if end - start > MAX_WINDOW:
        raise RatesWindowTooLong(f"At most {MAX_WINDOW.days} days of rates per request; "
                                 "ask for the rest with another period_from.")
    return DateTimeRange(start, end)


# --- what a version charges per kWh -------------------------------------------------------

def band_values(tariff: TariffDefinition, *, direction: str) -> dict[str, Decimal]:
    """Each energy band's price per kWh before VAT: the band's first tier (Octopus has no
    tiers) plus every levy; for an export product, what each band pays."""
    if direction == Direction.EXPORT:
        paid = {rate.band: rate.unit_price for rate in tariff.export_rates}
        everywhere = paid.get(None)
        return {band: paid.get(band, everywhere) for band in tariff.energy_schedule.bands
                if paid.get(band, everywhere) is not None}
    if not tariff.unit_rates:
        return {}
    levies = sum((levy.unit_price for levy in tariff.levies), Decimal(0))
    return {rate.band: rate.tiers[0].price + levies for rate in tariff.unit_rates}


def import_spot_rates(tariff: TariffDefinition):
    return tuple(rate for rate in tariff.spot_rates if rate.flow is Flow.IMPORT)


def day_night_bands(tariff: TariffDefinition) -> tuple[str, str] | None:
    """(day band, night band) of a two-band tariff whose cheap band is called night (or
    off-peak, economy), as Octopus's Economy 7 tariffs have; None otherwise."""
    bands = tariff.energy_schedule.bands
    if len(bands) != 2 or import_spot_rates(tariff):
        return None
    night = [band for band in bands if band.casefold() in NIGHT_NAMES]
    if len(night) != 1:
        return None
    day = next(band for band in bands if band != night[0])
    return day, night[0]


def headline_value(tariff: TariffDefinition, *, direction: str) -> Decimal | None:
    """The price a product page shows as its unit rate: the band taking all other times
    (the day rate of a time-of-use tariff), else the first band."""
    values = band_values(tariff, direction=direction)
    if not values:
        return None
    default = tariff.energy_schedule.default_band
    return values.get(default, next(iter(values.values())))


# --- rows ---------------------------------------------------------------------------------

def _overlapping(terms: list[VersionTerms], window: DateTimeRange) -> list[VersionTerms]:
    return [t for t in terms if t.period.overlaps(window)]


def _newest_first(rows: list[RateRow]) -> list[RateRow]:
    return sorted(rows, key=lambda row: row.valid_from, reverse=True)


def standing_charge_rows(*, terms: list[VersionTerms], window: DateTimeRange) -> list[RateRow]:
    """A row per version charging a standing charge per day (monthly ones are left out:
    Octopus's charge is per day)."""
    rows = []
    for t in _overlapping(terms, window):
        charge = t.tariff.standing_charge
        if charge is not None and str(charge.per) == "day":
            rows.append(_row(t, charge.amount, t.period.start, t.period.end))
    return _newest_first(rows)


def register_rows(*, terms: list[VersionTerms], window: DateTimeRange,
                  register: str) -> list[RateRow]:
    """Day or night rates (`register` "day" / "night") of two-register versions."""
    rows = []
    for t in _overlapping(terms, window):
        bands = day_night_bands(t.tariff)
        if bands is None:
            continue
        band = bands[0] if register == "day" else bands[1]
        value = band_values(t.tariff, direction=t.version.product.direction)[band]
        rows.append(_row(t, value, t.period.start, t.period.end))
    return _newest_first(rows)


def standard_unit_rows(*, terms: list[VersionTerms], window: DateTimeRange) -> list[RateRow]:
    """The price of energy over time as a single-register tariff shows it."""
    overlapping = _overlapping(terms, window)
    prices = _spot_prices([t for t in overlapping if import_spot_rates(t.tariff)], window)
    rows = []
    for t in overlapping:
        values = band_values(t.tariff, direction=t.version.product.direction)
        if import_spot_rates(t.tariff):
            rows.extend(_spot_rows(t, values, window, prices))
        elif len(set(values.values())) == 1:
            rows.append(_row(t, next(iter(values.values())), t.period.start, t.period.end))
        elif values:
            rows.extend(_band_rows(t, values, window))
    return _newest_first(rows)


def _slot_grid(terms: VersionTerms, span: DateTimeRange, minutes: int) -> np.ndarray | None:
    """Slot starts (UTC ns) every `minutes` over `span` cut to the version's validity."""
    part = span.intersection(terms.period)
    if part is None:
        return None
    step = minutes * NS_PER_MINUTE
    first = pd.Timestamp(part.start).as_unit("ns").value
    last = pd.Timestamp(part.end).as_unit("ns").value
    starts = np.arange(first - first % step, last, step, dtype=np.int64)
    return starts if len(starts) else None


def _bands_on_clock(terms: VersionTerms, starts: np.ndarray, minutes: int) -> np.ndarray:
    """Each slot's band index, by the engine's banding of the tariff's schedule."""
    profile = LoadProfile(interval_starts=starts, import_kwh=np.zeros(len(starts)),
                          export_kwh=np.zeros(len(starts)), interval=timedelta(minutes=minutes))
    period = Period(start=pd.Timestamp(int(starts[0]), tz="UTC").to_pydatetime(),
                    end=pd.Timestamp(int(starts[-1]) + minutes * NS_PER_MINUTE,
                                     tz="UTC").to_pydatetime())
    prepared = prepare_profile(profile=profile, periods=[period],
                               time_zone=terms.tariff.time_zone)
    return prepared.bands(compile_schedule(terms.tariff.energy_schedule))


def _instant(ns: int) -> datetime:
    return pd.Timestamp(int(ns), tz="UTC").to_pydatetime()


def _band_rows(t: VersionTerms, values: dict[str, Decimal], window: DateTimeRange):
    compiled = compile_schedule(t.tariff.energy_schedule)
    minutes = gcd(PRICED_INTERVAL_MINUTES, compiled.step_minutes or PRICED_INTERVAL_MINUTES)
    span = DateTimeRange(window.start - BAND_PAD, window.end + BAND_PAD)
    starts = _slot_grid(t, span, minutes)
    if starts is None:
        return []
    bands = _bands_on_clock(t, starts, minutes)
    prices = [values[band] for band in compiled.bands]
    distinct = sorted(set(prices))
    price_ids = np.array([distinct.index(p) for p in prices])[bands]
    changes = np.flatnonzero(np.diff(price_ids)) + 1
    edges = np.concatenate(([0], changes, [len(starts)]))
    end_ns = int(starts[-1]) + minutes * NS_PER_MINUTE
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        start = _instant(starts[lo])
        end = _instant(starts[hi] if hi < len(starts) else end_ns)
        if start < window.end and end > window.start:
            rows.append(_row(t, distinct[price_ids[lo]], start, end))
    return rows


def _spot_prices(spot: list[VersionTerms], window: DateTimeRange) -> dict:
    """{instrument: (minutes, {interval start ns: Decimal})} of the market prices the spot
    versions need over the window (one query for the prices, one for the grids)."""
    codes = {rate.instrument for t in spot for rate in import_spot_rates(t.tariff)}
    if not codes:
        return {}
    minutes = market_minutes(codes=codes)
    reach = timedelta(minutes=max(minutes.values(), default=PRICED_INTERVAL_MINUTES))
    series = price_series_load(instrument_codes=codes,
                               period=DateTimeRange(window.start - reach, window.end))
    return {
        code: (minutes.get(code, PRICED_INTERVAL_MINUTES),
               {int(ns): Decimal(repr(value))
                for ns, value in zip(s.index.as_unit("ns").asi8.tolist(), s.to_numpy().tolist(),
                                     strict=True)})
        for code, s in series.items()
    }


def _spot_rows(t: VersionTerms, values: dict[str, Decimal], window: DateTimeRange,
               prices: dict) -> list[RateRow]:
    """A row per half-hour of the window whose market prices are all stored."""
    minutes = PRICED_INTERVAL_MINUTES
    starts = _slot_grid(t, window, minutes)
    if starts is None:
        return []
    bands = None
    if values:
        bands = _bands_on_clock(t, starts, minutes)
        band_prices = [values[band] for band in t.tariff.energy_schedule.bands]
    step = minutes * NS_PER_MINUTE
    rows = []
    for position, ns in enumerate(starts.tolist()):
        value = band_prices[bands[position]] if bands is not None else Decimal(0)
        if bands is None:
            value += sum((levy.unit_price for levy in t.tariff.levies), Decimal(0))
        for rate in import_spot_rates(t.tariff):
            market_step, known = prices.get(rate.instrument, (minutes, {}))
            market_value = known.get(ns - ns % (market_step * NS_PER_MINUTE))
            if market_value is None:
                break
            value += spot_unit_price(terms=rate, market_value=market_value)
        else:
            rows.append(_row(t, value, _instant(ns), _instant(ns + step)))
    return rows


def utc_text(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with `Z`, as Octopus writes rate validity."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

