"""Community generation on bills, as billing sees it (issue 13).

A generation source (the cooperatives app, named by `settings.BILLING_GENERATION_SOURCE`;
billing never imports it) allocates generation to the contracts of a chunk before they
are priced. Billing then prices each such contract's **net** profile (consumption −
allocation, interval by interval, so the tariff's energy lines fall band by band) and adds
one "Community generation" line per allocation at the source's price. After the bills are
written the source records which bill holds each allocation; a cancelled bill returns its
allocations (the replacement allocates again).

Without a source, or for contracts it allocates nothing to, bills are unchanged."""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Protocol

import numpy as np

GENERATION = "generation"  # BillLine.kind of the line


@dataclass(frozen=True, eq=False)
class ContractGeneration:
    """Generation allocated to one contract for the period: µkWh per slot of the grid of
    its interval length (the whole period; zero outside the contract's days), the line's
    quantity (kWh) and amount (rounded once), and what the source needs to record it."""

    contract_id: int
    description: str
    micro_kwh: np.ndarray
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    record: object = field(default=None, repr=False)


class GenerationSource(Protocol):
    def allocate(self, *, period, time_zone: str, contracts: Sequence,
                 grids: Mapping) -> dict[int, list[ContractGeneration]]: ...

    def bills_written(self, *, bills: Sequence[tuple[int, object]], now) -> None: ...

    def bills_cancelled(self, *, bill_ids: Sequence[int], now) -> None: ...


@cache
def generation_source() -> GenerationSource | None:
    from django.conf import settings
    from django.utils.module_loading import import_string

    path = getattr(settings, "BILLING_GENERATION_SOURCE", "")
    return import_string(path) if path else None
