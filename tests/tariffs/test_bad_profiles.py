"""Load profiles the engine cannot price are refused with the reason and the interval."""
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from tariffs.domain import load_profile_from_frame, load_profile_from_series
from tariffs.domain.profile import InvalidLoadProfile

HALF_HOUR = timedelta(minutes=30)
AWARE = pd.date_range("2026-01-01", periods=4, freq="30min", tz="Europe/London")


def test_naive_interval_starts_are_refused():
    naive = pd.Series([1.0] * 4, index=AWARE.tz_localize(None))
    with pytest.raises(InvalidLoadProfile, match="timezone-aware"):
        load_profile_from_series(import_kwh=naive, interval=HALF_HOUR)


def test_missing_and_negative_readings_name_their_interval():
    with pytest.raises(InvalidLoadProfile, match="no value for the interval at 2026-01-01T00:30"):
        load_profile_from_series(import_kwh=pd.Series([1, np.nan, 1, 1], index=AWARE),
                                 interval=HALF_HOUR)
    with pytest.raises(InvalidLoadProfile, match="negative for the interval at 2026-01-01T01:00"):
        load_profile_from_series(import_kwh=pd.Series([1, 1, -1, 1], index=AWARE),
                                 interval=HALF_HOUR)


def test_unordered_or_overlapping_intervals_are_refused():
    with pytest.raises(InvalidLoadProfile, match="strictly increasing"):
        load_profile_from_series(import_kwh=pd.Series([1.0] * 4, index=AWARE[::-1]),
                                 interval=HALF_HOUR)
    with pytest.raises(InvalidLoadProfile, match="closer together than the interval"):
        load_profile_from_series(import_kwh=pd.Series([1.0] * 4, index=AWARE),
                                 interval=timedelta(hours=1))


def test_frame_needs_an_import_column_and_matching_export_index():
    with pytest.raises(InvalidLoadProfile, match="import_kwh column"):
        load_profile_from_frame(frame=pd.DataFrame({"kwh": [1.0] * 4}, index=AWARE),
                                interval=HALF_HOUR)
    with pytest.raises(InvalidLoadProfile, match="same interval starts"):
        load_profile_from_series(import_kwh=pd.Series([1.0] * 4, index=AWARE),
                                 export_kwh=pd.Series([1.0] * 3, index=AWARE[:3]),
                                 interval=HALF_HOUR)


def test_a_frame_with_export_becomes_a_profile_in_utc_nanoseconds():
    frame = pd.DataFrame({"import_kwh": [1.0, 2, 3, 4], "export_kwh": [0.0, 0, 1, 0]},
                         index=AWARE)
    load = load_profile_from_frame(frame=frame, interval=HALF_HOUR)
    assert load.interval_starts[0] == pd.Timestamp("2026-01-01T00:00Z").value
    assert load.export_kwh.tolist() == [0, 0, 1, 0]
    assert (load.interval_minutes, load.interval_hours) == (30, 0.5)
