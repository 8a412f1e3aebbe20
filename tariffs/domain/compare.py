"""Price one load profile under many tariffs and rank them: the basis of "best tariff" advice.

Ranking uses the same exact, rounded totals a bill would show, so the advice never disagrees
with the bill by a cent. The per-profile work (selecting intervals, local calendar fields,
band lookup keys, aligned spot prices) is done once per time zone and shared by every
tariff in that zone; compiled schedules are cached per schedule value across calls.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd

from core.money import ZERO

from .definitions import TariffDefinition
from .engine import price_prepared
from .lines import PriceBreakdown
from .periods import BillingCycle, billing_periods
from .prepared import PreparedProfile, prepare_profile
from .profile import LoadProfile


@dataclass(frozen=True)
class TariffQuote:
    rank: int  # 1 = cheapest
    tariff: TariffDefinition
    total_before_tax: Decimal
    total_after_tax: Decimal
    breakdowns: tuple[PriceBreakdown, ...]


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
    """Quotes for every tariff over [start, end), cheapest first (after tax).

    Ties keep the order the tariffs were given in, so callers can list their preferred
    (e.g. the customer's current) tariff first.
    """
    prepared_by_zone: dict[str, PreparedProfile] = {}
    priced = []
    for position, tariff in enumerate(tariffs):
        prepared = prepared_by_zone.get(tariff.time_zone)
        if prepared is None:
            periods = billing_periods(start=start, end=end, time_zone=tariff.time_zone, by=by)
            prepared = prepare_profile(
                profile=profile, periods=periods, time_zone=tariff.time_zone,
                spot_prices=spot_prices,
            )
            prepared_by_zone[tariff.time_zone] = prepared
        breakdowns = price_prepared(
            tariff=tariff, prepared=prepared, customer_group=customer_group
        )
        before = sum((b.total_before_tax for b in breakdowns), ZERO)
        after = sum((b.total_after_tax for b in breakdowns), ZERO)
        priced.append((after, position, tariff, before, breakdowns))
    priced.sort(key=lambda row: (row[0], row[1]))
    return tuple(
        TariffQuote(rank=rank, tariff=tariff, total_before_tax=before, total_after_tax=after,
                    breakdowns=breakdowns)
        for rank, (after, _, tariff, before, breakdowns) in enumerate(priced, start=1)
    )
