"""Recommendations: candidates with kWh and money saved per year and the figures behind
each, ranked. Each builder returns None when its measure would save nothing, so a customer
never sees a zero or negative "saving".

Money comes in from the pricing engine (bills under each tariff, interval prices, the
customer's average unit price); here it is only compared, annualised and rounded once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import numpy as np

from core.errors import GridlineError
from core.money import amount_from_float, money_round

from .caltrack import BaselineModel
from .load_shift import LoadShift

DAYS_PER_YEAR = 365
HOURS_PER_YEAR = 8760


class RecommendationKind(StrEnum):
    TARIFF_SWITCH = "tariff_switch"
    LOAD_SHIFT = "load_shift"
    BASE_LOAD = "base_load"
    HEATING = "heating"
    COOLING = "cooling"


class InvalidRecommendationInput(GridlineError):
    code = "invalid_recommendation_input"


@dataclass(frozen=True)
class Recommendation:
    kind: RecommendationKind
    kwh_per_year: float  # energy saved (0 when only the price changes)
    money_per_year: Decimal
    figures: dict = field(default_factory=dict)  # the basis, for the report and the audit


def _per_year(value, days: int):
    if days <= 0:
        raise InvalidRecommendationInput("figures must cover at least one day to annualise")
    return value * DAYS_PER_YEAR / days


def _money(kwh: float, unit_price: Decimal) -> Decimal:
    return money_round(amount_from_float(kwh) * unit_price)


def tariff_switch_recommendation(
    *, current_product: str, current_cost: Decimal, best_product: str, best_cost: Decimal,
    days: int,
) -> Recommendation | None:
    """The costs are the same usage (`days` of it) priced under both products."""
    if best_product == current_product or best_cost >= current_cost:
        return None
    saving = _per_year(current_cost - best_cost, days)
    return Recommendation(
        kind=RecommendationKind.TARIFF_SWITCH, kwh_per_year=0.0,
        money_per_year=money_round(saving),
        figures={"current_product": current_product, "current_cost": str(current_cost),
                 "best_product": best_product, "best_cost": str(best_cost), "days": days},
    )


def load_shift_recommendation(*, shift: LoadShift) -> Recommendation | None:
    if shift.days == 0 or shift.saving <= 0:
        return None
    return Recommendation(
        kind=RecommendationKind.LOAD_SHIFT, kwh_per_year=0.0,
        money_per_year=money_round(_per_year(shift.saving, shift.days)),
        figures={"kwh_moved_per_year": _per_year(shift.kwh_moved, shift.days),
                 "cost_before": str(shift.cost_before), "cost_after": str(shift.cost_after),
                 "days": shift.days,
                 "usual_window_start": (shift.usual_window_start.isoformat(timespec="minutes")
                                        if shift.usual_window_start else None)},
    )


def base_load_recommendation(
    *, base_load_kw: float, target_base_load_kw: float, unit_price: Decimal,
) -> Recommendation | None:
    """Bringing the always-on load down to `target_base_load_kw` (e.g. what efficient
    neighbours run), all year round."""
    excess = base_load_kw - target_base_load_kw
    if excess <= 0:
        return None
    kwh = excess * HOURS_PER_YEAR
    return Recommendation(
        kind=RecommendationKind.BASE_LOAD, kwh_per_year=kwh,
        money_per_year=_money(kwh, unit_price),
        figures={"base_load_kw": base_load_kw, "target_base_load_kw": target_base_load_kw,
                 "unit_price": str(unit_price)},
    )


def _thermostat(
    *, kind: RecommendationKind, kwh_per_year: float, degrees_f: float, unit_price: Decimal,
    figures: dict,
) -> Recommendation | None:
    if kwh_per_year <= 0:
        return None
    return Recommendation(
        kind=kind, kwh_per_year=kwh_per_year,
        money_per_year=_money(kwh_per_year, unit_price),
        figures={**figures, "degrees_f": degrees_f, "unit_price": str(unit_price)},
    )


def heating_recommendation(
    *, model: BaselineModel, normal_temperature, unit_price: Decimal, degrees_f: float = 1.0,
) -> Recommendation | None:
    """Heating to `degrees_f` lower: the model's heating balance point that much lower over
    a year of normal daily temperatures (`normal_temperature`, 365 values, °F)."""
    if model.heating_balance_point is None or not model.beta_hdd:
        return None
    temperature = np.asarray(normal_temperature, dtype=float)
    point = model.heating_balance_point
    saved = model.beta_hdd * (np.maximum(point - temperature, 0.0)
                              - np.maximum(point - degrees_f - temperature, 0.0))
    kwh = float(_per_year(saved.sum(), len(temperature)))
    return _thermostat(kind=RecommendationKind.HEATING, kwh_per_year=kwh, degrees_f=degrees_f,
                       unit_price=unit_price,
                       figures={"beta_hdd": model.beta_hdd, "heating_balance_point": point})


def cooling_recommendation(
    *, model: BaselineModel, normal_temperature, unit_price: Decimal, degrees_f: float = 1.0,
) -> Recommendation | None:
    """Cooling to `degrees_f` higher: the cooling balance point that much higher."""
    if model.cooling_balance_point is None or not model.beta_cdd:
        return None
    temperature = np.asarray(normal_temperature, dtype=float)
    point = model.cooling_balance_point
    saved = model.beta_cdd * (np.maximum(temperature - point, 0.0)
                              - np.maximum(temperature - point - degrees_f, 0.0))
    kwh = float(_per_year(saved.sum(), len(temperature)))
    return _thermostat(kind=RecommendationKind.COOLING, kwh_per_year=kwh, degrees_f=degrees_f,
                       unit_price=unit_price,
                       figures={"beta_cdd": model.beta_cdd, "cooling_balance_point": point})


def rank_recommendations(
    *, candidates: Iterable[Recommendation | None],
) -> list[Recommendation]:
    """The candidates that save something, most money saved first, then most kWh, then in
    the order of `RecommendationKind` (so the ranking is the same every night)."""
    order = list(RecommendationKind)
    kept = [c for c in candidates
            if c is not None and (c.money_per_year > 0 or c.kwh_per_year > 0)]
    return sorted(kept, key=lambda c: (-c.money_per_year, -c.kwh_per_year,
                                       order.index(c.kind)))
