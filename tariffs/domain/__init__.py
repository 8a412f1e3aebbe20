"""The tariffs app's domain: a pure pricing engine (no ORM, no clock reads).

Modules, from the inside out:
- money.py       rounding rules and the one money rounding helper
- schedule.py    time bands by local date and wall-clock time (DST-safe), compiled to tables
- definitions.py the TariffDefinition dataclasses the Django models convert into
- profile.py     interval load profiles (import/export kWh per tz-aware interval)
- periods.py     half-open billing periods and local calendar splitting
- prepared.py    per-profile work shared across tariffs
- engine.py      pricing: itemised lines per period
- lines.py       bill lines, discount / minimum / VAT closing rules
- compare.py     rank many tariffs for one profile
- urdb.py, urdb_export.py   OpenEI URDB import and export
"""
from core.money import money_round

from .compare import NotPriceable, TariffQuote, rank_tariffs
from .definitions import (
    BandRate,
    ChargeBasis,
    DemandCharge,
    ExportRate,
    Flow,
    GroupDiscount,
    Levy,
    MinimumCharge,
    SpotRate,
    StandingCharge,
    TariffDefinition,
    Tier,
    TierScope,
)
from .engine import (
    price_billing_periods,
    price_by_billing_period,
    price_period,
    price_prepared,
)
from .lines import Line, LineKind, PriceBreakdown
from .periods import Period, billing_periods
from .prepared import prepare_profile
from .profile import LoadProfile, load_profile_from_frame, load_profile_from_series
from .schedule import (
    ALL_MONTHS,
    EVERY_DAY,
    HOLIDAY,
    HOLIDAYS,
    WEEKDAYS,
    WEEKEND,
    BandRule,
    Schedule,
)
from .urdb import UrdbImport, urdb_to_tariff
from .urdb_export import UrdbExport, tariff_to_urdb

__all__ = [
    "ALL_MONTHS", "EVERY_DAY", "HOLIDAY", "HOLIDAYS", "WEEKDAYS", "WEEKEND",
    "BandRate", "BandRule", "ChargeBasis", "DemandCharge", "ExportRate", "Flow",
    "GroupDiscount", "Levy", "Line", "LineKind", "LoadProfile", "MinimumCharge",
    "NotPriceable", "Period",
    "PriceBreakdown", "Schedule", "SpotRate", "StandingCharge", "TariffDefinition",
    "TariffQuote", "Tier", "TierScope", "UrdbExport", "UrdbImport", "billing_periods",
    "load_profile_from_frame", "load_profile_from_series", "money_round", "prepare_profile",
    "price_billing_periods", "price_by_billing_period", "price_period", "price_prepared",
    "rank_tariffs", "tariff_to_urdb", "urdb_to_tariff",
]
