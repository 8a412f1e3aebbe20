"""The demo generator: plausible profiles, and its command lands them through ingest."""
import io
import json
from datetime import UTC, datetime

import numpy as np
from django.core.management import call_command

from metering.domain.demo import demo_profiles, demo_time_index
from metering.models import DailyRollup, Meter


def test_profiles_have_daily_shape_weekends_and_winter_heating():
    index = demo_time_index(start_at=datetime(2026, 1, 5, tzinfo=UTC), intervals=48 * 7 * 30,
                            time_zone="Europe/London")
    household, enterprise = demo_profiles(kinds=["HOUSEHOLD", "ENTERPRISE"], index=index)
    assert (household >= 0).all() and (enterprise >= 0).all()
    evening = household[index.hour == 18].mean()
    night = household[index.hour == 3].mean()
    assert evening > 2 * night
    weekday = enterprise[(index.day_of_week < 5) & (index.hour == 11)].mean()
    weekend = enterprise[(index.day_of_week >= 5) & (index.hour == 11)].mean()
    assert weekday > 2 * weekend
    winter = household[index.month == 1].mean()
    summer = household[index.month == 5].mean()
    assert winter > summer
    assert np.std(household) > 0


def test_command_creates_meters_and_ingests_months(in_alpha):
    out = io.StringIO()
    call_command("generate_demo_readings", "--schema=alpha", "--meters=6", "--months=1",
                 stdout=out)
    result = json.loads(out.getvalue())
    assert result["meters"] == 6
    assert result["inserted"] + result["rejected"] == result["written"]
    assert result["estimated"] > 0 or result["written"] % 48 == 0
    # Six consumers' import meters, and the demo cooperative's two generators' export
    # meters (seed_demo), whose readings the command writes too.
    assert Meter.objects.filter(direction="IMPORT").count() == 6
    assert DailyRollup.objects.filter(meter__serial="G-ALPHA-COOP-PV").count() >= 28
    assert DailyRollup.objects.filter(meter__serial="M-ALPHA-H-0001-MP1").count() >= 28
