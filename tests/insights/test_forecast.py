"""Bill forecast maths, the forecast per interval priced through the engine (the nightly
job's `PeriodPricing`), and the high-bill alert rule."""
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from core.ranges import DateRange
from insights.domain.breakdown import LocalGrid
from insights.domain.caltrack import BaselineModel
from insights.domain.forecast import (
    InvalidAlertRule,
    bill_forecast,
    day_shares,
    expected_market_prices,
    high_bill_alert,
    interval_forecast,
)
from insights.domain.sufficiency import InsufficientData
from insights.period_pricing import PeriodPricing
from tariffs.domain import LineKind, StandingCharge, load_profile_from_series, price_period
from tests.tariffs.factories import economy7

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


LONDON = "Europe/London"
NIGHT_HEAVY = np.r_[np.full(16, 1.0), np.full(32, 0.5)]  # kWh per half-hour slot, 32 a day


def test_a_day_shares_its_kwh_by_the_typical_day_even_on_a_clock_change_day():
    """28-29 March 2026 in London: 48 then 46 half-hours (01:00-02:00 does not exist)."""
    grid = grid_of(date(2026, 3, 28), date(2026, 3, 30))
    shares = day_shares(day=grid.day, minute=grid.minute, typical_day=NIGHT_HEAVY,
                        interval_minutes=30)
    np.testing.assert_allclose(np.bincount(grid.day, weights=shares), [1.0, 1.0])
    assert shares[0] == pytest.approx(1 / 32) and shares[47] == pytest.approx(1 / 64)
    # the 29th lacks two night slots: 14 × 1.0 + 32 × 0.5 = 30 share the day
    assert shares[48] == pytest.approx(1 / 30)
    even = day_shares(day=grid.day, minute=grid.minute, typical_day=None, interval_minutes=30)
    assert even[0] == pytest.approx(1 / 48) and even[48] == pytest.approx(1 / 46)
    with_gap = NIGHT_HEAVY.copy()
    with_gap[3] = np.nan
    assert (day_shares(day=grid.day, minute=grid.minute, typical_day=with_gap,
                       interval_minutes=30) == even).all()


def grid_of(first: date, end: date):
    index = pd.date_range(pd.Timestamp(first, tz=LONDON), pd.Timestamp(end, tz=LONDON),
                          freq="30min", inclusive="left")
    return LocalGrid.of(starts=index.tz_convert("UTC").as_unit("ns").asi8,
                        tz=ZoneInfo(LONDON))


def test_the_forecast_is_the_engines_price_of_so_far_plus_the_shaped_remainder():
    """A two-day period, 5-7 January 2026, forecast on the 6th. The 5th was read at 0.5
    kWh every half-hour but 05:00 (no reading); the model says 32 kWh a day, shaped by a
    night-heavy typical day (1.0 kWh a slot 00:00-08:00, 0.5 after: 32 in all). So 05:00
    on the 5th is predicted at 1.0 kWh, and the 6th at 1.0 a night slot and 0.5 a day
    slot. Measured 47 × 0.5 = 23.5 kWh, predicted 1.0 + 32 = 33.0.

    Priced with Economy 7 (night 00:30-07:30 at 0.10, day 0.30, standing 0.50 a day, 5%
    VAT) over the whole period: night 13 × 0.5 + 1.0 + 14 × 1.0 = 21.5 kWh = 2.15; day
    34 × 0.5 + 2 × 1.0 + 32 × 0.5 = 35.0 kWh = 10.50; standing 1.00; 13.65 + VAT 0.68 =
    14.33."""
    period, on = DateRange(date(2026, 1, 5), date(2026, 1, 7)), date(2026, 1, 6)
    year_index = pd.date_range(pd.Timestamp("2025-01-06", tz=LONDON),
                               pd.Timestamp(on, tz=LONDON), freq="30min", inclusive="left")
    half_hours = np.full(len(year_index), 0.5)
    half_hours[-48 + 10] = np.nan  # 5 January 05:00
    tariff = economy7(standing_charge=StandingCharge(amount=Decimal("0.50")),
                      vat_rate=Decimal("0.05"))
    pricing = PeriodPricing(period=period, on=on, time_zone=LONDON, tariffs={"E7": tariff},
                            spot=None,
                            profile_starts=year_index.tz_convert("UTC").as_unit("ns").asi8)
    grid = pricing.grid
    shares = day_shares(day=grid.day, minute=grid.minute, typical_day=NIGHT_HEAVY,
                        interval_minutes=30)
    forecast = interval_forecast(
        model=BaselineModel(kind="intercept_only", intercept_kwh_per_day=32.0),
        so_far=pricing.so_far(half_hours), past=pricing.past, day=grid.day, dates=grid.dates,
        shares=shares, daily_temperature=pd.Series(40.0, index=grid.dates))
    assert (forecast.measured_kwh, forecast.predicted_kwh) == (23.5, 33.0)
    assert (forecast.measured_days, forecast.predicted_days) == (0, 2)
    assert forecast.kwh[10] == 1.0 and forecast.kwh[48:64].tolist() == [1.0] * 16
    (bill,) = pricing.pricer("E7").price(forecast.kwh)
    assert bill.total_after_tax == Decimal("14.33")
    by_kind = {(line.kind, line.band): line.amount for line in bill.lines}
    assert by_kind[(LineKind.ENERGY, "night")] == Decimal("2.15")
    assert by_kind[(LineKind.ENERGY, "day")] == Decimal("10.50")
    assert by_kind[(LineKind.STANDING, None)] == Decimal("1.00")
    # the engine's own door gives the same bill for the same profile
    index = pd.DatetimeIndex(pricing.starts.astype("datetime64[ns]"), tz="UTC")
    alone = price_period(tariff=tariff, profile=load_profile_from_series(
        import_kwh=pd.Series(forecast.kwh, index=index), interval=timedelta(minutes=30)),
        start=pricing.instants.start, end=pricing.instants.end)
    assert alone.total_after_tax == bill.total_after_tax


def test_a_forecast_day_without_temperature_is_no_forecast_at_interval_level():
    grid = grid_of(date(2026, 1, 5), date(2026, 1, 7))
    with pytest.raises(InsufficientData, match=r"1 day\(s\) to forecast"):
        interval_forecast(model=MODEL, so_far=np.full(96, np.nan), past=np.zeros(96, bool),
                          day=grid.day, dates=grid.dates, shares=np.full(96, 1 / 48),
                          daily_temperature=pd.Series([50.0], index=grid.dates[:1]))


def test_unpublished_market_prices_are_the_recent_mean_at_that_time_of_day():
    """Four weeks of hourly-shaped prices known until 6 January; the 6th and 7th take each
    half-hour's 28-day mean (10 at night, 30 in the evening in the known data)."""
    known_index = pd.date_range(pd.Timestamp("2025-12-09", tz=LONDON),
                                pd.Timestamp("2026-01-06", tz=LONDON), freq="30min",
                                inclusive="left")
    values = np.where(known_index.hour >= 17, 30.0, 10.0)
    known = pd.Series(values, index=known_index.tz_convert("UTC"))
    wanted = pd.date_range(pd.Timestamp("2026-01-05", tz=LONDON),
                           pd.Timestamp("2026-01-08", tz=LONDON), freq="30min",
                           inclusive="left").tz_convert("UTC")
    expected = expected_market_prices(known=known, starts=wanted, tz=ZoneInfo(LONDON))
    assert expected.notna().all()
    local_hour = expected.index.tz_convert(LONDON).hour
    assert (expected[local_hour >= 17] == 30.0).all() and (expected[local_hour < 17] == 10.0).all()
    nothing = expected_market_prices(known=pd.Series(dtype=float), starts=wanted,
                                     tz=ZoneInfo(LONDON))
    assert nothing.isna().all()
