"""Europe/London daylight-saving days: 46 half-hours in spring, 50 in autumn."""
import io
from datetime import UTC, datetime

import pytest

from metering.domain.ingest import readings_ingest_file
from metering.models import DailyRollup
from tests.metering.conftest import LONDON, NOW, csv_lines, ingest_csv


def wide(rows: list[str]):
    return readings_ingest_file(stream=io.BytesIO("\n".join(rows).encode()),
                                file_format="wide-csv", source="wide.csv", now=NOW,
                                options=LONDON)


@pytest.mark.parametrize(("day", "count"), [("2026-03-29", 46), ("2026-10-25", 50)])
def test_wide_csv_dst_day_lands_with_its_interval_count(alpha_meter, day, count):
    values = ",".join(["0.5"] * count)
    report = wide(["meter_serial,date,values", f"ALPHA-M-0001,{day},{values}"])
    assert (report.read, report.inserted, report.rejected) == (count, count, [])
    rollup = DailyRollup.objects.get(meter=alpha_meter)
    assert rollup.day_date.isoformat() == day
    assert rollup.interval_count == count


def test_wide_csv_with_48_values_on_the_short_day_is_rejected(alpha_meter):
    report = wide([f"ALPHA-M-0001,2026-03-29,{','.join(['0.5'] * 48)}"])
    assert report.inserted == 0
    assert report.rejected[0]["line"] == 1
    assert "48 values" in report.rejected[0]["reason"]


def test_narrow_csv_across_the_autumn_change_rolls_up_50_half_hours(alpha_meter):
    start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)  # local midnight (BST)
    report = ingest_csv(csv_lines("ALPHA-M-0001", start, ["0.1"] * 50))
    assert report.inserted == 50
    rollup = DailyRollup.objects.get(meter=alpha_meter)
    assert (rollup.day_date.isoformat(), rollup.interval_count) == ("2026-10-25", 50)
