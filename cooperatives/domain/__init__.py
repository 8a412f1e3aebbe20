"""The cooperatives app's domain: the pure allocation and money layer (no ORM, no Django, no
clock reads). Energy is counted in whole µkWh (units.py) so the allocation is exact.

Modules:
- units.py         µkWh <-> kWh, the rounding rule at the edges
- intervals.py     interval starts (UTC ns) and how errors name an interval
- shares.py        holdings -> active shares per interval, share-days per year
- coefficients.py  fixed coefficients (six decimals, sum 1 per interval), checked
- allocation.py    rights per interval, capped by each contract's consumption, surplus
- rights.py        unused rights as an append-only ledger: earn, use oldest first, return
                   newest first, expire
- bands.py         allocation per tariff band, the net profile the tariff prices, the
                   "Community generation" line, spreading carried rights over intervals
- revenue.py       surplus sold at spot, costs, the period's result
- dividends.py     distribution by share-days (largest remainder) or interest on capital
- expectations.py  expected yield, performance index/ratio, availability, low-output alert
- pv_model.py      expected PV output with pvlib (imported on its own: pvlib is heavy)
"""
from .allocation import (
    Allocation,
    InvalidAllocationInput,
    MemberTotals,
    allocate_by_coefficients,
    allocate_by_shares,
    member_rights,
)
from .bands import (
    GenerationLine,
    band_split,
    generation_line,
    interval_bands,
    net_consumption,
    spread_over_intervals,
)
from .coefficients import COEFFICIENT_SCALE, InvalidCoefficients, coefficient_parts
from .dividends import (
    DividendMethod,
    DividendProposal,
    DividendStatement,
    NothingToDistribute,
    dividend_as_interest,
    dividend_by_share_days,
)
from .expectations import (
    availability,
    daily_totals,
    expected_from_monthly_profile,
    low_output_alerts,
    performance_index,
    performance_ratio,
)
from .revenue import Cost, PeriodResult, SurplusSale, period_result, surplus_revenue
from .rights import (
    EntryKind,
    RightsEntry,
    RightsLot,
    RightsPolicy,
    expire_rights,
    lot_balances,
    lot_expiry,
    return_rights,
    rights_earned,
    rights_statement,
    use_rights,
)
from .shares import Holding, share_days, shares_per_interval
from .units import MICRO_KWH_PER_KWH, kwh_decimal, kwh_float, to_micro_kwh

__all__ = [
    "COEFFICIENT_SCALE", "MICRO_KWH_PER_KWH", "Allocation", "Cost", "DividendMethod",
    "DividendProposal", "DividendStatement", "EntryKind", "GenerationLine", "Holding",
    "InvalidAllocationInput", "InvalidCoefficients", "MemberTotals", "NothingToDistribute",
    "PeriodResult", "RightsEntry", "RightsLot", "RightsPolicy", "SurplusSale",
    "allocate_by_coefficients", "allocate_by_shares", "availability", "band_split",
    "coefficient_parts", "daily_totals", "dividend_as_interest", "dividend_by_share_days",
    "expected_from_monthly_profile", "expire_rights", "generation_line", "interval_bands",
    "kwh_decimal", "kwh_float", "lot_balances", "lot_expiry", "low_output_alerts", "member_rights",
    "net_consumption", "performance_index", "performance_ratio", "period_result",
    "return_rights", "rights_earned", "rights_statement", "share_days", "shares_per_interval",
    "spread_over_intervals", "surplus_revenue", "to_micro_kwh", "use_rights",
]
