"""A customer whose data fall short gets the reason, never a made-up figure."""
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from core.ranges import DateRange
from insights.domain.baseline import baseline_fit
from insights.domain.sufficiency import InsufficientData

from .synthetic import YEAR, daily, temperatures, usage

PERIOD = DateRange(date(2025, 1, 1), date(2026, 1, 1))


def meter():
    t = temperatures(seed=2)
    return daily(t, usage(t, intercept=6.0, beta_hdd=1.0, heating=58))


def test_a_complete_year_is_sufficient():
    fit = baseline_fit(daily=meter(), period=PERIOD)
    assert fit.sufficient and fit.days == 365
    assert fit.usable_model().heating_balance_point == 58


def test_too_many_missing_days_give_the_reason_and_no_usable_model():
    frame = meter()
    frame.loc[YEAR[:40], "kwh"] = np.nan
    fit = baseline_fit(daily=frame, period=PERIOD)
    assert not fit.sufficient
    assert fit.insufficient == (
        "only 325 of the 365 days of the baseline period [2025-01-01, 2026-01-01) have both "
        "usage and temperature (89.0%; 40 without usage); at least 90% are needed",)
    with pytest.raises(InsufficientData, match="only 325 of the 365 days"):
        fit.usable_model()


@pytest.mark.parametrize(("column", "reason"), [
    ("temperature", "no weather: no temperature for any day of the baseline period "
                    "[2025-01-01, 2026-01-01)"),
    ("kwh", "no usage for any day of the baseline period [2025-01-01, 2026-01-01)"),
], ids=["no-weather", "no-usage"])
def test_no_weather_or_no_usage_gives_the_reason_and_no_model_at_all(column, reason):
    frame = meter()
    frame[column] = np.nan
    fit = baseline_fit(daily=frame, period=PERIOD)
    assert fit.model is None and fit.days == 0
    assert fit.insufficient == (reason,)
    with pytest.raises(InsufficientData, match=re.escape(reason)):
        fit.usable_model()


def test_a_short_period_is_insufficient_even_when_complete():
    short = DateRange(date(2025, 1, 1), date(2025, 12, 31))
    fit = baseline_fit(daily=meter(), period=short)
    assert fit.insufficient == ("the baseline period [2025-01-01, 2025-12-31) has 364 days; a "
                                "CalTRACK baseline needs 365",)


def test_days_outside_the_period_do_not_help():
    frame = meter()
    later = pd.DataFrame({"kwh": 5.0, "temperature": 50.0},
                         index=pd.date_range("2026-01-01", periods=100, freq="D", name="date"))
    frame.loc[YEAR[:60], "kwh"] = np.nan
    fit = baseline_fit(daily=pd.concat([frame, later]), period=PERIOD)
    assert fit.days == 305 and not fit.sufficient
