"""Bill forecast maths and the high-bill alert rule."""
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from core.ranges import DateRange
from insights.domain.caltrack import BaselineModel
from insights.domain.forecast import InvalidAlertRule, bill_forecast, high_bill_alert
from insights.domain.sufficiency import InsufficientData

MODEL = BaselineModel(kind="cdd_only", intercept_kwh_per_day=5.0, beta_cdd=1.0,
                      cooling_balance_point=65)
JUNE = DateRange(date(2026, 6, 1), date(2026, 7, 1))
DATES = pd.date_range("2026-06-01", periods=30, freq="D")


def test_usage_so_far_plus_the_baseline_for_the_rest():
    """10 days measured at 10 kWh, but 4 June has no reading; the 20 days to come at 75 °F
    (15 kWh a day by the model), and 4 June at its actual 70 °F (10 kWh)."""
    usage = pd.Series(10.0, index=DATES[:10]).drop(DATES[3])
    temperature = pd.Series(75.0, index=DATES)
    temperature[DATES[3]] = 70.0
    forecast = bill_forecast(model=MODEL, period=JUNE, on=date(2026, 6, 11), daily_usage=usage,
                             daily_temperature=temperature)
    assert (forecast.measured_days, forecast.measured_kwh) == (9, 90.0)
    assert (forecast.predicted_days, forecast.predicted_kwh) == (21, 10.0 + 20 * 15.0)
    assert forecast.total_kwh == 400.0
    assert forecast.daily_kwh.sum() == pytest.approx(400.0)
    assert len(forecast.daily_kwh) == 30


def test_usage_after_the_forecast_day_is_not_used():
    usage = pd.Series(10.0, index=DATES)
    forecast = bill_forecast(model=MODEL, period=JUNE, on=date(2026, 6, 21), daily_usage=usage,
                             daily_temperature=pd.Series(65.0, index=DATES))
    assert forecast.total_kwh == 20 * 10.0 + 10 * 5.0


def test_a_day_to_predict_without_temperature_is_no_forecast():
    temperature = pd.Series(75.0, index=DATES).drop(DATES[[19, 25]])
    with pytest.raises(InsufficientData, match=r"2 day\(s\) to forecast have no temperature "
                                               r"\(the first is 2026-06-20\)"):
        bill_forecast(model=MODEL, period=JUNE, on=date(2026, 6, 11),
                      daily_usage=pd.Series(10.0, index=DATES[:10]),
                      daily_temperature=temperature)


def test_a_whole_period_measured_needs_no_temperature():
    forecast = bill_forecast(model=MODEL, period=JUNE, on=date(2026, 7, 1),
                             daily_usage=pd.Series(np.arange(30.0), index=DATES),
                             daily_temperature=pd.Series(dtype=float))
    assert (forecast.predicted_days, forecast.total_kwh) == (0, float(sum(range(30))))


@pytest.mark.parametrize(("options", "send", "reason"), [
    (dict(threshold=Decimal("100.00")), True,
     "the forecast 120.00 is above your threshold 100.00"),
    (dict(threshold=Decimal("120.00")), False, "the forecast is within the limits"),
    (dict(last_year_amount=Decimal("100.00"), percentage=Decimal("15")), True,
     "the forecast 120.00 is more than 15% above last year's 100.00 for this period"),
    (dict(last_year_amount=Decimal("100.00"), percentage=Decimal("20")), False,
     "the forecast is within the limits"),
    (dict(threshold=Decimal("200"), last_year_amount=Decimal("90"), percentage=Decimal("25")),
     True, "the forecast 120.00 is more than 25% above last year's 90 for this period"),
])
def test_alert_when_above_the_threshold_or_last_year_by_the_percentage(options, send, reason):
    decision = high_bill_alert(forecast_amount=Decimal("120.00"), already_alerted=False,
                               **options)
    assert (decision.send, decision.reason) == (send, reason)


def test_at_most_one_alert_per_period():
    decision = high_bill_alert(forecast_amount=Decimal("500"), threshold=Decimal("100"),
                               already_alerted=True)
    assert (decision.send, decision.reason) == (False, "already alerted for this period")


def test_an_incomplete_rule_is_refused():
    with pytest.raises(InvalidAlertRule, match="needs a percentage"):
        high_bill_alert(forecast_amount=Decimal("1"), last_year_amount=Decimal("1"),
                        already_alerted=False)
    with pytest.raises(InvalidAlertRule, match=">= 0"):
        high_bill_alert(forecast_amount=Decimal("1"), last_year_amount=Decimal("1"),
                        percentage=Decimal("-5"), already_alerted=False)
