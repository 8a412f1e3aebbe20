"""Builders for the pricing tests: profiles, periods and small tariffs written out in full.

Times are local to the tariff's zone unless a name says UTC; amounts are Decimal strings so
every expected figure in a test can be checked with pencil and paper.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tariffs.domain import (
    BandRate,
    BandRule,
    LineKind,
    Schedule,
    TariffDefinition,
    Tier,
    load_profile_from_series,
)
from tests.shared_data import shared_data  # noqa: E402,F401 (re-exported for these tests)

LONDON = "Europe/London"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, tz: str = LONDON):
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def starts(start: datetime, end: datetime, *, minutes: int = 30) -> pd.DatetimeIndex:
    """Interval starts in [start, end), stepped in absolute time (so DST days get 46 or 50)."""
    return pd.date_range(start=start, end=end, freq=f"{minutes}min", inclusive="left")


def profile(index: pd.DatetimeIndex, kwh, *, minutes: int = 30, export=None):
    values = np.broadcast_to(np.asarray(kwh, dtype=float), (len(index),)).copy()
    exported = None
    if export is not None:
        exported = pd.Series(np.broadcast_to(np.asarray(export, dtype=float), (len(index),)),
                             index=index)
    return load_profile_from_series(
        import_kwh=pd.Series(values, index=index), export_kwh=exported,
        interval=timedelta(minutes=minutes),
    )


def flat_tariff(price: str = "0.25", **extra) -> TariffDefinition:
    return TariffDefinition(
        name=extra.pop("name", "Flat"), time_zone=extra.pop("time_zone", LONDON),
        unit_rates=(BandRate(band="standard", tiers=(Tier(unit_price=Decimal(price)),)),),
        **extra,
    )


def economy7(*, holidays: frozenset[date] = frozenset(), **extra) -> TariffDefinition:
    """Night 00:30-07:30 at 0.10, day otherwise at 0.30 (a British Economy 7 shape)."""
    schedule = Schedule(
        bands=("day", "night"),
        rules=(BandRule(band="night", start=time(0, 30), end=time(7, 30)),),
        default_band="day",
        holidays=holidays,
    )
    return TariffDefinition(
        name=extra.pop("name", "Economy 7"), time_zone=LONDON, energy_schedule=schedule,
        unit_rates=(
            BandRate(band="day", tiers=(Tier(unit_price=Decimal("0.30")),)),
            BandRate(band="night", tiers=(Tier(unit_price=Decimal("0.10")),)),
        ),
        **extra,
    )


def lines_of(breakdown, kind: LineKind):
    return [line for line in breakdown.lines if line.kind == kind]


def amount_of(breakdowns, kind: LineKind | None = None) -> Decimal:
    if not isinstance(breakdowns, list | tuple):
        breakdowns = [breakdowns]
    return sum(
        (line.amount for b in breakdowns for line in b.lines if kind is None or line.kind == kind),
        Decimal(0),
    )
