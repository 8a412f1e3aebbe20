"""Unit rates per time band: hour of day, crossing midnight, weekday/weekend, season,
public holidays, all read in the tariff's local time."""
from datetime import date, time
from decimal import Decimal

import pandas as pd
import pytest

from tariffs.domain import (
    HOLIDAYS,
    WEEKDAYS,
    BandRate,
    BandRule,
    LineKind,
    Schedule,
    TariffDefinition,
    Tier,
    price_period,
)
from tariffs.domain.prepared import IntervalsTooCoarse

from .factories import LONDON, economy7, lines_of, local, profile, starts


def energy_by_band(bill):
    return {line.band: (line.quantity, line.amount) for line in lines_of(bill, LineKind.ENERGY)}


def tariff_with(schedule: Schedule, prices: dict[str, str]) -> TariffDefinition:
    return TariffDefinition(
        name="Banded", time_zone=LONDON, energy_schedule=schedule,
        unit_rates=tuple(
            BandRate(band=band, tiers=(Tier(unit_price=Decimal(price)),))
            for band, price in prices.items()
        ),
    )


def test_night_and_day_bands_split_a_winter_day_by_local_hour():
    day = starts(local(2026, 1, 14), local(2026, 1, 15))
    bill = price_period(tariff=economy7(), profile=profile(day, 1.0),
                        start=local(2026, 1, 14), end=local(2026, 1, 15))
    # night 00:30-07:30 is 14 half-hours at 0.10; the other 34 are day at 0.30
    assert energy_by_band(bill) == {
        "day": (Decimal("34"), Decimal("10.20")),
        "night": (Decimal("14"), Decimal("1.40")),
    }


def test_bands_follow_local_summer_time_not_utc():
    # In July London is UTC+1: 07:00 local (06:00 UTC) is still night, and 00:00 local
    # (23:00 UTC the day before) is day.
    index = starts(local(2026, 7, 15), local(2026, 7, 16))
    kwh = [0.0] * len(index)
    kwh[0] = 1.0  # 00:00 local
    kwh[14] = 2.0  # 07:00 local
    bill = price_period(tariff=economy7(), profile=profile(index, kwh),
                        start=local(2026, 7, 15), end=local(2026, 7, 16))
    assert energy_by_band(bill) == {
        "day": (Decimal("1"), Decimal("0.30")),
        "night": (Decimal("2"), Decimal("0.20")),
    }


def test_a_band_crossing_midnight_covers_both_ends_of_the_day():
    schedule = Schedule(
        bands=("on", "off"), rules=(BandRule(band="off", start=time(23), end=time(6)),),
        default_band="on",
    )
    tariff = tariff_with(schedule, {"on": "0.30", "off": "0.12"})
    index = starts(local(2026, 2, 10), local(2026, 2, 11))
    kwh = [0.0] * len(index)
    kwh[11] = 1.0  # 05:30, before the band ends
    kwh[12] = 4.0  # 06:00, the first "on" half-hour
    kwh[46] = 2.0  # 23:00, the band has started again
    bill = price_period(tariff=tariff, profile=profile(index, kwh),
                        start=local(2026, 2, 10), end=local(2026, 2, 11))
    assert energy_by_band(bill) == {
        "on": (Decimal("4"), Decimal("1.20")),
        "off": (Decimal("3"), Decimal("0.36")),
    }


def seasonal_peak() -> TariffDefinition:
    schedule = Schedule(
        bands=("summer-peak", "peak", "offpeak"),
        rules=(
            BandRule(band="summer-peak", start=time(16), end=time(19), days=WEEKDAYS,
                     months=frozenset({6, 7, 8})),
            BandRule(band="peak", start=time(16), end=time(19), days=WEEKDAYS),
        ),
        default_band="offpeak",
    )
    return tariff_with(schedule, {"summer-peak": "0.50", "peak": "0.40", "offpeak": "0.15"})


@pytest.mark.parametrize(
    ("monday", "peak_band", "peak_amount"),
    [((2026, 7, 13), "summer-peak", "15.00"), ((2026, 1, 12), "peak", "12.00")],
)
def test_weekday_peak_differs_by_season_and_weekends_are_offpeak(monday, peak_band, peak_amount):
    start, end = local(*monday), local(monday[0], monday[1], monday[2] + 7)
    bill = price_period(tariff=seasonal_peak(), profile=profile(starts(start, end), 1.0),
                        start=start, end=end)
    # 5 weekdays x 6 half-hours of peak; the other 306 half-hours of the week are off-peak
    assert energy_by_band(bill) == {
        peak_band: (Decimal("30"), Decimal(peak_amount)),
        "offpeak": (Decimal("306"), Decimal("45.90")),
    }


def test_public_holiday_takes_the_holiday_rule_not_the_weekday_one():
    christmas = date(2026, 12, 25)  # a Friday
    schedule = Schedule(
        bands=("peak", "holiday", "offpeak"),
        rules=(
            BandRule(band="holiday", start=time(0), end=time(0), days=HOLIDAYS),
            BandRule(band="peak", start=time(16), end=time(19), days=WEEKDAYS),
        ),
        default_band="offpeak",
        holidays=frozenset({christmas}),
    )
    tariff = tariff_with(schedule, {"peak": "0.40", "holiday": "0.05", "offpeak": "0.15"})
    start, end = local(2026, 12, 24), local(2026, 12, 26)
    bill = price_period(tariff=tariff, profile=profile(starts(start, end), 1.0),
                        start=start, end=end)
    assert energy_by_band(bill) == {
        "peak": (Decimal("6"), Decimal("2.40")),  # Christmas Eve only
        "holiday": (Decimal("48"), Decimal("2.40")),
        "offpeak": (Decimal("42"), Decimal("6.30")),
    }


def test_a_single_band_tariff_accepts_intervals_straddling_local_midnight():
    # Hourly UTC intervals start at hh:30 in Kolkata (UTC+05:30); with one band nothing
    # changes at midnight, so they can be priced.
    zone = "Asia/Kolkata"
    start, end = local(2026, 1, 1, tz=zone), local(2026, 1, 2, tz=zone)
    # local 00:30, 01:30, ... are 19:00, 20:00, ... UTC: whole UTC hours
    index = starts(start, end, minutes=60) + pd.Timedelta(minutes=30)
    assert (index.tz_convert("UTC").minute == 0).all()
    hourly_utc = profile(index, 1.0, minutes=60)
    tariff = TariffDefinition(name="Flat", time_zone=zone, unit_rates=(
        BandRate(band="standard", tiers=(Tier(unit_price=Decimal("7.50")),)),))
    bill = price_period(tariff=tariff, profile=hourly_utc, start=start, end=end)
    assert bill.total_after_tax == Decimal("180.00")  # 24 hours x 1 kWh x 7.50


def test_hourly_data_cannot_be_priced_on_half_hour_band_changes():
    start, end = local(2026, 1, 14), local(2026, 1, 15)
    hourly = profile(starts(start, end, minutes=60), 1.0, minutes=60)
    with pytest.raises(IntervalsTooCoarse, match="30 minutes"):
        price_period(tariff=economy7(), profile=hourly, start=start, end=end)
