"""Price one load profile under many tariffs and rank them: the basis of "best tariff" advice.

Ranking uses the same exact, rounded totals a bill would show, so the advice never disagrees
with the bill by a cent. Every tariff gets a result: priced (ranked, cheapest first), or not
priceable with the reason (e.g. hourly data against a tariff that changes band at 00:30, or
a spot tariff without market prices for some interval), listed after the priced ones; one
tariff that cannot be priced never stops the others.

The per-profile work (selecting intervals, local calendar fields, band lookup keys, aligned
spot prices) is done once per time zone and shared by every tariff in that zone; compiled
schedules are cached per schedule value across calls.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd

from core.errors import GridlineError
from core.money import ZERO

from .definitions import TariffDefinition
from .engine import price_prepared
from .lines import PriceBreakdown
from .periods import BillingCycle, billing_periods
from .prepared import PreparedProfile, prepare_profile
from .profile import LoadProfile


@dataclass(frozen=True)
class NotPriceable:
    """Why a tariff could not price this profile: the engine's error code and message."""

    code: str
    reason: str


@dataclass(frozen=True)
class TariffQuote:
    rank: int | None  # 1 = cheapest; None when the tariff could not be priced
    tariff: TariffDefinition
    total_before_tax: Decimal | None
    total_after_tax: Decimal | None
    breakdowns: tuple[PriceBreakdown, ...]
    not_priceable: NotPriceable | None = None

    @property
    def priced(self) -> bool:
        return self.not_priceable is None


def rank_tariffs(
    *,
    profile: LoadProfile,
    tariffs: Sequence[TariffDefinition],
    start: datetime,
    end: datetime,
    by: BillingCycle = "month",
    spot_prices: Mapping[str, pd.Series] | None = None,
    customer_group: str | None = None,
) -> tuple[TariffQuote, ...]:
    """A quote for every tariff over [start, end): the priced ones cheapest first (after
    tax), then those that could not be priced (`not_priceable`), in the order given.

    Ties keep the order the tariffs were given in, so callers can list their preferred
    (e.g. the customer's current) tariff first.
    """
    prepared_by_zone: dict[str, PreparedProfile | NotPriceable] = {}
    priced, refused = [], []
    for position, tariff in enumerate(tariffs):
        prepared = prepared_by_zone.get(tariff.time_zone)
        if prepared is None:
            prepared = _prepared_or_why(profile=profile, start=start, end=end, by=by,
                                        time_zone=tariff.time_zone, spot_prices=spot_prices)
            prepared_by_zone[tariff.time_zone] = prepared
        if isinstance(prepared, NotPriceable):
            refused.append(_not_priced(tariff, prepared))
            continue
        try:
            breakdowns = price_prepared(
                tariff=tariff, prepared=prepared, customer_group=customer_group
            )
        except GridlineError as exc:
            refused.append(_not_priced(tariff, NotPriceable(code=exc.code, reason=exc.detail)))
            continue
        before = sum((b.total_before_tax for b in breakdowns), ZERO)
        after = sum((b.total_after_tax for b in breakdowns), ZERO)
        priced.append((after, position, tariff, before, breakdowns))
    priced.sort(key=lambda row: (row[0], row[1]))
    return tuple(
        TariffQuote(rank=rank, tariff=tariff, total_before_tax=before, total_after_tax=after,
                    breakdowns=breakdowns)
        for rank, (after, _, tariff, before, breakdowns) in enumerate(priced, start=1)
    ) + tuple(refused)


def _prepared_or_why(*, profile, start, end, by, time_zone, spot_prices):
    try:
        periods = billing_periods(start=start, end=end, time_zone=time_zone, by=by)
        return prepare_profile(profile=profile, periods=periods, time_zone=time_zone,
                               spot_prices=spot_prices)
    except GridlineError as exc:
        return NotPriceable(code=exc.code, reason=exc.detail)


def _not_priced(tariff: TariffDefinition, why: NotPriceable) -> TariffQuote:
    return TariffQuote(rank=None, tariff=tariff, total_before_tax=None, total_after_tax=None,
                       breakdowns=(), not_priceable=why)
