"""Many meters' interval profiles in one statement, straight into numpy, with quality."""
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import MeterPoint
from core.ranges import DateRange, DateTimeRange, local_days
from metering.domain.profiles import (
    NO_READING,
    QUALITY_CODES,
    UnableToLoadProfiles,
    interval_profiles_load,
)
from metering.models import Meter
from tests.metering.conftest import INSTALLED, csv_lines, ingest_csv, meter_create

DAY = datetime(2026, 3, 2, tzinfo=UTC)
ONE_DAY = DateTimeRange(DAY, DAY + timedelta(days=1))


@pytest.fixture
def meters(alpha_meter):
    """m1: a whole day with a two-interval gap VEE fills; m2: the morning only; m3: none."""
    m2 = meter_create("ALPHA-M-0002", "ALPHA-E-0001-MP1")
    m3 = meter_create("ALPHA-M-0003", "ALPHA-E-0001-MP2")
    day = [f"{0.1 + i / 100:.2f}" for i in range(48)]
    lines = csv_lines("ALPHA-M-0001", DAY, day).splitlines()
    del lines[11:13]  # slots 10 and 11 missing: estimated by ingest
    ingest_csv("\n".join(lines) + "\n")
    ingest_csv(csv_lines("ALPHA-M-0002", DAY, ["1.0"] * 24))
    return alpha_meter, m2, m3


def test_profiles_land_on_the_grid_with_their_quality(meters):
    m1, m2, m3 = meters
    profiles = interval_profiles_load(meter_ids=[m1.pk, m3.pk, m2.pk], period=ONE_DAY)
    assert profiles.kwh.shape == profiles.quality.shape == (3, 48)
    assert list(profiles.meter_ids) == [m1.pk, m3.pk, m2.pk]
    first = profiles.row(m1.pk)
    assert profiles.present[first].all()
    assert profiles.kwh[first, 0] == pytest.approx(0.10)
    assert profiles.kwh[first, 47] == pytest.approx(0.57)
    estimated = np.flatnonzero(profiles.quality[first] == QUALITY_CODES["ESTIMATED"])
    assert list(estimated) == [10, 11]
    assert profiles.kwh[first, 10:12] == pytest.approx([0.20, 0.21])  # from 0.19 to 0.22
    assert not profiles.present[profiles.row(m3.pk)].any()
    assert np.isnan(profiles.kwh[profiles.row(m3.pk)]).all()
    morning = profiles.row(m2.pk)
    assert profiles.present[morning].sum() == 24
    assert (profiles.quality[morning, 24:] == NO_READING).all()
    share = profiles.estimated_share()
    assert share[first] == pytest.approx(0.41 / np.nansum(profiles.kwh[first]))
    assert share[morning] == 0 and share[profiles.row(m3.pk)] == 0


def test_a_meters_profile_for_the_pricing_engine(meters):
    m1, m2, _ = meters
    profiles = interval_profiles_load(meter_ids=[m1.pk, m2.pk], period=ONE_DAY)
    morning = profiles.load_profile(m2.pk)
    assert len(morning.interval_starts) == 24 and morning.import_kwh.sum() == pytest.approx(24)
    assert morning.interval_starts[0] == np.int64(DAY.timestamp()) * 1_000_000_000
    with_export = profiles.load_profile(m1.pk, export_meter_id=m2.pk)
    assert with_export.export_kwh.sum() == pytest.approx(24)
    assert with_export.import_kwh.sum() == pytest.approx(np.nansum(profiles.kwh[0]))


def test_one_statement_however_many_meters(meters):
    m1, m2, m3 = meters
    many = Meter.objects.bulk_create([
        Meter(serial=f"ALPHA-M-X{n}", meter_point=MeterPoint.objects.get(
            identifier="ALPHA-E-0001-MP2"), installed_at=INSTALLED) for n in range(40)])
    with CaptureQueriesContext(connection) as few:
        interval_profiles_load(meter_ids=[m1.pk], period=ONE_DAY)
    with CaptureQueriesContext(connection) as lots:
        loaded = interval_profiles_load(meter_ids=[m1.pk, m2.pk, m3.pk, *(m.pk for m in many)],
                                        period=ONE_DAY)
    assert len(few) == len(lots) == 1
    assert lots[0]["sql"].lstrip().startswith("COPY (")
    assert loaded.kwh.shape == (43, 48) and loaded.present.sum() == 48 + 24


def test_a_daylight_saving_day_has_46_slots(alpha_meter):
    spring = local_days(DateRange(datetime(2026, 3, 29).date(), datetime(2026, 3, 30).date()),
                        "Europe/London")
    ingest_csv(csv_lines("ALPHA-M-0001", spring.start.astimezone(UTC), ["0.5"] * 46))
    profiles = interval_profiles_load(meter_ids=[alpha_meter.pk], period=spring)
    assert profiles.kwh.shape == (1, 46) and profiles.present.all()


def test_readings_off_the_grid_are_refused_by_name(alpha_meter):
    quarter = meter_create("ALPHA-M-Q", "ALPHA-E-0001-MP1", interval_minutes=15)
    ingest_csv(csv_lines("ALPHA-M-Q", DAY, ["0.1"] * 4, minutes=15))
    with pytest.raises(UnableToLoadProfiles, match=f"meter {quarter.pk} has a reading at "
                                                   "2026-03-02T00:15:00"):
        interval_profiles_load(meter_ids=[quarter.pk], period=ONE_DAY)
    assert interval_profiles_load(meter_ids=[quarter.pk], period=ONE_DAY,
                                  interval_minutes=15).present.sum() == 4


def test_another_retailers_schema_has_no_such_readings(meters):
    m1, _, _ = meters
    with schema_context("beta"):
        seen = interval_profiles_load(meter_ids=[m1.pk], period=ONE_DAY)
    assert not seen.present.any()
