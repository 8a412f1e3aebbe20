"""Recommendation candidates and their ranking."""
from datetime import time
from decimal import Decimal

import numpy as np
import pytest

from insights.domain.caltrack import BaselineModel
from insights.domain.load_shift import LoadShift
from insights.domain.recommendations import (
    RecommendationKind,
    base_load_recommendation,
    cooling_recommendation,
    heating_recommendation,
    load_shift_recommendation,
    rank_recommendations,
    tariff_switch_recommendation,
)

MODEL = BaselineModel(kind="hdd_cdd", intercept_kwh_per_day=8.0, beta_hdd=2.0, beta_cdd=3.0,
                      heating_balance_point=60, cooling_balance_point=70)
# a normal year: 200 days at 40 °F, 100 at 65 °F, 65 at 80 °F
NORMALS = np.r_[np.full(200, 40.0), np.full(100, 65.0), np.full(65, 80.0)]
PRICE = Decimal("0.25")


def test_heating_one_degree_lower():
    """One °F less on each of the 200 heating days, 2 kWh per degree day: 400 kWh."""
    advice = heating_recommendation(model=MODEL, normal_temperature=NORMALS, unit_price=PRICE)
    assert advice.kind == RecommendationKind.HEATING
    assert advice.kwh_per_year == pytest.approx(400.0)
    assert advice.money_per_year == Decimal("100.00")
    assert advice.figures["heating_balance_point"] == 60


def test_cooling_one_degree_higher():
    advice = cooling_recommendation(model=MODEL, normal_temperature=NORMALS, unit_price=PRICE)
    assert advice.kwh_per_year == pytest.approx(65 * 3.0)
    assert advice.money_per_year == Decimal("48.75")


def test_no_heating_term_no_heating_advice():
    cooling_only = BaselineModel(kind="cdd_only", intercept_kwh_per_day=8.0, beta_cdd=3.0,
                                 cooling_balance_point=70)
    assert heating_recommendation(model=cooling_only, normal_temperature=NORMALS,
                                  unit_price=PRICE) is None


def test_base_load_down_to_the_target():
    advice = base_load_recommendation(base_load_kw=0.3, target_base_load_kw=0.2,
                                      unit_price=PRICE)
    assert advice.kwh_per_year == pytest.approx(876.0)
    assert advice.money_per_year == Decimal("219.00")
    assert base_load_recommendation(base_load_kw=0.2, target_base_load_kw=0.3,
                                    unit_price=PRICE) is None


def test_tariff_switch_is_annualised_from_the_days_priced():
    advice = tariff_switch_recommendation(current_product="FLAT", current_cost=Decimal("450.00"),
                                          best_product="TOU", best_cost=Decimal("400.00"),
                                          days=73)
    assert advice.money_per_year == Decimal("250.00")
    assert advice.kwh_per_year == 0.0
    assert tariff_switch_recommendation(current_product="FLAT", current_cost=Decimal("1"),
                                        best_product="FLAT", best_cost=Decimal("0.5"),
                                        days=365) is None


def shift(saving_before: str, after: str, days=10):
    return LoadShift(days=days, days_skipped=0, kwh_moved=30.0, cost_before=Decimal(
        saving_before), cost_after=Decimal(after), usual_window_start=time(2))


def test_load_shift_is_annualised():
    advice = load_shift_recommendation(shift=shift("12.00", "4.00"))
    assert advice.money_per_year == Decimal("292.00")
    assert advice.figures["kwh_moved_per_year"] == pytest.approx(1095.0)
    assert advice.figures["usual_window_start"] == "02:00"
    assert load_shift_recommendation(shift=shift("4.00", "4.00")) is None


def test_ranking_most_money_first_then_kwh_then_kind():
    heating = heating_recommendation(model=MODEL, normal_temperature=NORMALS, unit_price=PRICE)
    cooling = cooling_recommendation(model=MODEL, normal_temperature=NORMALS, unit_price=PRICE)
    base = base_load_recommendation(base_load_kw=0.3, target_base_load_kw=0.2, unit_price=PRICE)
    switch = tariff_switch_recommendation(current_product="A", current_cost=Decimal("100"),
                                          best_product="B", best_cost=Decimal("0"), days=365)
    moved = load_shift_recommendation(shift=shift("12.00", "4.00"))
    ranked = rank_recommendations(candidates=[heating, None, cooling, switch, base, moved])
    assert [r.kind for r in ranked] == ["load_shift", "base_load", "heating", "tariff_switch",
                                        "cooling"]
    # equal money: more kWh first; equal both: the fixed kind order
    assert [r.kind for r in rank_recommendations(candidates=[switch, heating])] == ["heating",
                                                                         "tariff_switch"]
